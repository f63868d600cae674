import numpy as np
import torch

from sertl.losses import EmotionDistanceLoss
from sertl.models import (
    FewShotHead,
    clone,
    encode,
    nt_xent,
    predict_head,
    predict_prototype,
    pretrained_encoder,
    train_contrastive,
    train_head,
)


def test_nt_xent_is_low_for_matching_views():
    z = torch.randn(8, 16)
    assert float(nt_xent(z, z + 0.01 * torch.randn(8, 16))) < float(nt_xent(z, torch.randn(8, 16)))


def _mels(n=24, seed=0):
    rng = np.random.default_rng(seed)
    mels = rng.normal(size=(n, 16, 120)).astype(np.float32)
    mels[: n // 2, :4] += 3.0  # two kinds of "utterances"
    return mels


def test_contrastive_training_lowers_its_loss_and_separates_kinds():
    mels = _mels()
    enc, losses, norm = train_contrastive(
        mels, epochs=12, batch_size=12, crop=60, channels=16, dim=8, lr=3e-3
    )
    assert losses[-1] < losses[0]
    emb = encode(enc, mels, norm)
    a, b = emb[:12], emb[12:]
    between = np.linalg.norm(a.mean(0) - b.mean(0))
    within = (
        np.linalg.norm(a - a.mean(0), axis=1).mean() + np.linalg.norm(b - b.mean(0), axis=1).mean()
    ) / 2
    assert between > within


def test_checkpoint_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path))
    mels = _mels(12)
    config = {"epochs": 1, "batch_size": 6, "crop": 60, "channels": 8, "dim": 4}
    enc1, norm1, _ = pretrained_encoder(mels, "manifest-a", config)
    assert len(list((tmp_path / "checkpoints").glob("*.pt"))) == 1
    enc2, norm2, _ = pretrained_encoder(mels, "manifest-a", config)
    assert norm1 == norm2
    assert np.allclose(encode(enc1, mels, norm1), encode(enc2, mels, norm2))
    assert not list((tmp_path / "checkpoints").glob("*.tmp"))


def test_head_pretrains_and_fine_tunes_with_a_metric_loss():
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=2, size=(4, 20))
    y = np.repeat(np.arange(4), 20)
    x = centres[y] + rng.normal(size=(80, 20))
    head = FewShotHead(20, 4)
    hist = train_head(head, x, y, epochs=20, metric=EmotionDistanceLoss([(1, 2), (0, 2)]))
    assert hist[-1] < hist[0]
    tuned = clone(head)
    train_head(tuned, x[::10], y[::10], epochs=5, lr=1e-4)
    assert not torch.equal(tuned.body[0].weight, head.body[0].weight)
    pred, emb = predict_head(head, x)
    assert (pred == y).mean() > 0.9 and emb.shape == (80, 64)


def test_prototype_prediction_uses_the_support_centres_not_the_linear_layer():
    rng = np.random.default_rng(1)
    centres = rng.normal(scale=3, size=(4, 10))
    y = np.repeat(np.arange(4), 10)
    x = centres[y] + rng.normal(scale=0.5, size=(40, 10))
    torch.manual_seed(0)
    head = FewShotHead(10, 4)  # untrained: its linear layer is arbitrary
    with torch.no_grad():
        head.classifier.weight.zero_()
        head.classifier.bias.copy_(torch.tensor([0.0, 0.0, 5.0, 0.0]))  # always class 2
    linear, _ = predict_head(head, x)
    proto, emb = predict_prototype(head, x[::2], y[::2], x[1::2])
    assert (linear == 2).all()
    assert (proto == y[1::2]).mean() > 0.9 and emb.shape == (20, 64)
