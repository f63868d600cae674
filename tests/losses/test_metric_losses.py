"""The three pair losses of chapters 03-04 against plain loops over their equations."""

import itertools

import numpy as np
import pytest
import torch

from sertl.emotions import pure_negative_pairs
from sertl.losses import ContrastivePairLoss, CosineMarginLoss, EmotionDistanceLoss
from sertl.losses.base import PairLoss

DTYPES = [(torch.float32, 1e-5), (torch.bfloat16, 3e-2)]


def _pairs(emb, labels):
    for i, j in itertools.combinations(range(len(labels)), 2):
        yield float(np.linalg.norm(emb[i] - emb[j])), labels[i], labels[j]


def plain_contrastive(emb, labels, m, kappa):
    pos = [d**2 for d, a, b in _pairs(emb, labels) if a == b]
    neg = [max(0.0, m - d) ** 2 for d, a, b in _pairs(emb, labels) if a != b]
    if kappa is None:
        return np.mean(pos) + np.mean(neg)
    return kappa * np.mean(pos) + (1 - kappa) * np.mean(neg)


def plain_emotion_distance(emb, labels, pn, alpha, beta, k1, k2):
    pp, pnl, mn = [], [], []
    for d, a, b in _pairs(emb, labels):
        if a == b:
            pp.append(d**2)
        elif frozenset({a, b}) in pn:
            pnl.append(max(0.0, alpha - d) ** 2)
        else:
            mn.append(max(0.0, beta - d) ** 2)
    return k1 * (np.mean(pp) + np.mean(pnl)) + k2 * np.mean(mn)


def plain_cosine(a, b, same, m):
    out = []
    for x, y, s in zip(a, b, same, strict=True):
        cos = float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))
        out.append(1 - cos if s else max(0.0, cos - m))
    return np.mean(out)


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(4), 5)
    return rng.normal(scale=0.7, size=(20, 8)).astype(np.float32), labels


def _as(emb, dtype):
    # the reference loop sees exactly the values the loss sees
    t = torch.tensor(emb).to(dtype)
    return t, t.float().numpy().astype(np.float64)


@pytest.mark.parametrize(("dtype", "rel"), DTYPES)
@pytest.mark.parametrize("kappa", [None, 0.5, 0.8])
def test_contrastive_matches_the_loop(batch, dtype, rel, kappa):
    emb, labels = batch
    t, ref = _as(emb, dtype)
    got = ContrastivePairLoss(1.5, kappa=kappa)(t, torch.tensor(labels))
    assert got.dtype == dtype
    assert float(got) == pytest.approx(plain_contrastive(ref, labels, 1.5, kappa), rel=rel)


def test_contrastive_kappa_weighs_same_against_different(batch):
    emb, labels = batch
    t, y = torch.tensor(emb), torch.tensor(labels)
    same_only = ContrastivePairLoss(1.5, kappa=1.0)(t, y)
    diff_only = ContrastivePairLoss(1.5, kappa=0.0)(t, y)
    both = ContrastivePairLoss(1.5, kappa=None)(t, y)
    torch.testing.assert_close(same_only + diff_only, both)
    torch.testing.assert_close(ContrastivePairLoss(1.5, kappa=0.5)(t, y), both / 2)
    with pytest.raises(ValueError):
        ContrastivePairLoss(kappa=1.5)


@pytest.mark.parametrize(("dtype", "rel"), DTYPES)
def test_emotion_distance_matches_the_loop(batch, dtype, rel):
    emb, labels = batch
    t, ref = _as(emb, dtype)
    pn = {frozenset({1, 2}), frozenset({0, 2})}
    loss = EmotionDistanceLoss(pn, alpha=2.5, beta=1.2, kappa1=0.7, kappa2=0.3)
    got = loss(t, torch.tensor(labels))
    want = plain_emotion_distance(ref, labels, pn, 2.5, 1.2, 0.7, 0.3)
    assert got.dtype == dtype and float(got) == pytest.approx(want, rel=rel)


@pytest.mark.parametrize(("dtype", "rel"), DTYPES)
def test_cosine_margin_matches_the_loop(dtype, rel):
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(12, 6)).astype(np.float32), rng.normal(size=(12, 6)).astype(np.float32)
    same = rng.random(12) < 0.5
    ta, ra = _as(a, dtype)
    tb, rb = _as(b, dtype)
    got = CosineMarginLoss(0.1)(ta, tb, torch.tensor(same))
    assert float(got) == pytest.approx(plain_cosine(ra, rb, same, 0.1), rel=rel, abs=1e-3)


def test_all_three_share_the_pair_base():
    for loss in (ContrastivePairLoss(), EmotionDistanceLoss([(0, 1)]), CosineMarginLoss()):
        assert isinstance(loss, PairLoss)


def test_pn_pairs_come_from_the_coordinates():
    pn = pure_negative_pairs(["angry", "happy", "sad", "neutral"])
    assert pn == {frozenset({"happy", "sad"}), frozenset({"angry", "sad"})}


def test_alpha_must_exceed_beta_and_empty_parts_are_zero():
    with pytest.raises(ValueError):
        EmotionDistanceLoss([(0, 1)], alpha=1.0, beta=1.0)
    emb = torch.randn(3, 4, requires_grad=True)
    loss = EmotionDistanceLoss([(0, 1)])(emb, torch.tensor([2, 2, 2]))  # PP only
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(emb.grad).all()
    emb = torch.randn(3, 4, requires_grad=True)
    ContrastivePairLoss()(emb, torch.tensor([0, 1, 2])).backward()  # no same-class pair
    assert torch.isfinite(emb.grad).all()
