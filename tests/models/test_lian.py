import warnings

import numpy as np
import pytest
import torch

from sertl.metrics import uar
from sertl.models import PairDiscriminator, SattEncoder, train_pairwise, train_softmax
from sertl.models.lian import encoder_parameters, predict_softmax


def test_encoder_shapes_for_any_duration():
    enc = SattEncoder()
    convs = [m for m in enc.conv if isinstance(m, torch.nn.Conv2d)]
    norms = [m for m in enc.conv if isinstance(m, torch.nn.BatchNorm2d)]
    assert len(convs) == 5 and len(norms) == 5
    for frames in (400, 700):
        assert enc(torch.zeros(2, 257, frames)).shape == (2, 256)
    assert PairDiscriminator()(torch.zeros(3, 256), torch.zeros(3, 256)).shape == (3, 2)


def _toy(n=48):
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), n // 3)
    x = rng.normal(size=(n, 33, 40)).astype(np.float32)
    x[np.arange(n), y * 10 + 2, :] += 3.0  # a class-specific frequency band
    return x, y


def test_pairwise_training_keeps_the_best_validation_epoch():
    x, y = _toy()
    small = ((4, 3, 2), (4, 3, 2), (8, 3, 2), (8, 3, 1), (8, 3, 1))
    idx = np.arange(len(y))
    enc, hist = train_pairwise(
        x, y, idx[::2], idx[1::2], epochs=3, pairs_per_epoch=64, lr=1e-3, conv=small
    )
    assert len(hist) == 3 and {"loss", "pair_accuracy", "val_uar", "pairs_per_s"} <= set(hist[0])
    assert all(h["pairs_per_s"] > 0 for h in hist)


def test_softmax_baseline_learns_a_toy_task():
    x, y = _toy(60)
    small = ((4, 3, 2), (4, 3, 2), (8, 3, 2), (8, 3, 1), (8, 3, 1))
    model, hist = train_softmax(x, y, np.arange(60), epochs=15, lr=3e-3, conv=small)
    assert hist[-1]["loss"] < hist[0]["loss"]
    assert (predict_softmax(model, x, "cpu") == y).mean() > 0.8


def test_training_is_deterministic_on_cpu():
    x, y = _toy(30)
    small = ((4, 3, 2), (4, 3, 2), (4, 3, 2), (4, 3, 1), (4, 3, 1))
    a = train_softmax(x, y, np.arange(30), epochs=2, conv=small, seed=3)[1]
    b = train_softmax(x, y, np.arange(30), epochs=2, conv=small, seed=3)[1]
    assert a == b


def test_encoder_parameters_counts_the_trainable_weights():
    small = ((4, 3, 2), (4, 3, 2), (4, 3, 2), (4, 3, 1), (4, 3, 1))
    expected = sum(p.numel() for p in SattEncoder(33, small).parameters())
    assert encoder_parameters(small, n_bins=33) == expected
    assert encoder_parameters() > encoder_parameters(small)  # the paper-size default is larger


def test_softmax_accepts_read_only_labels_without_warning():
    x, y = _toy(30)
    y.setflags(write=False)  # as arrays shared with grid workers arrive
    small = ((4, 3, 2), (4, 3, 2), (4, 3, 2), (4, 3, 1), (4, 3, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train_softmax(x, y, np.arange(30), epochs=1, conv=small)


def test_schedules_and_an_unknown_one():
    from sertl.models.lian import lr_scheduler

    for name, last in [("constant", 1e-2), ("cosine", 0.0)]:
        opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=1e-2)
        sched = lr_scheduler(opt, name, 10)
        for _ in range(10):
            opt.step()
            sched.step()
        assert opt.param_groups[0]["lr"] == pytest.approx(last, abs=1e-9)
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=1e-2)
    sched = lr_scheduler(opt, "onecycle", 10)
    seen = []
    for _ in range(10):
        opt.step()
        sched.step()
        seen.append(opt.param_groups[0]["lr"])
    assert max(seen) == pytest.approx(1e-2, rel=0.05) and seen[-1] < 1e-3 and seen[0] < 1e-2
    with pytest.raises(ValueError, match="unknown learning-rate schedule"):
        lr_scheduler(opt, "steps", 10)


def test_early_stopping_keeps_the_best_validation_epoch():
    x, y = _toy(48)
    small = ((4, 3, 2), (4, 3, 2), (8, 3, 2), (8, 3, 1), (8, 3, 1))
    idx = np.arange(len(y))
    train, val = idx[::2], idx[1::2]
    model, hist = train_softmax(
        x, y, train, epochs=12, lr=3e-3, conv=small, val=val, patience=2, schedule="cosine"
    )
    scores = [h["val_uar"] for h in hist]
    best = int(np.argmax(scores))
    # it stops two epochs after its best, or runs out of epochs
    assert len(hist) == 12 or len(hist) == best + 3
    # the model returned is the best epoch's, not the last one's
    assert uar(y[val], predict_softmax(model, x[val], "cpu")) == pytest.approx(scores[best])
    enc, phist = train_pairwise(
        x, y, train, val, epochs=6, pairs_per_epoch=64, lr=1e-3, conv=small, patience=1
    )
    assert 2 <= len(phist) <= 6 and all("lr" in h for h in phist)
