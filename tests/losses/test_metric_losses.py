import itertools

import numpy as np
import pytest
import torch

from sertl.emotions import pure_negative_pairs
from sertl.losses import ContrastivePairLoss, EmotionDistanceLoss


def _pairs(emb, labels):
    for i, j in itertools.combinations(range(len(labels)), 2):
        yield float(np.linalg.norm(emb[i] - emb[j])), labels[i], labels[j]


def plain_contrastive(emb, labels, m):
    pos = [d**2 for d, a, b in _pairs(emb, labels) if a == b]
    neg = [max(0.0, m - d) ** 2 for d, a, b in _pairs(emb, labels) if a != b]
    return np.mean(pos) + np.mean(neg)


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


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(4), 5)
    return rng.normal(scale=0.7, size=(20, 8)), labels


def test_contrastive_matches_the_loop(batch):
    emb, labels = batch
    got = ContrastivePairLoss(1.5)(torch.tensor(emb), torch.tensor(labels))
    assert float(got) == pytest.approx(plain_contrastive(emb, labels, 1.5), rel=1e-9)


def test_emotion_distance_matches_the_loop(batch):
    emb, labels = batch
    pn = {frozenset({1, 2}), frozenset({0, 2})}
    loss = EmotionDistanceLoss(pn, alpha=2.5, beta=1.2, kappa1=0.7, kappa2=0.3)
    got = loss(torch.tensor(emb), torch.tensor(labels))
    want = plain_emotion_distance(emb, labels, pn, 2.5, 1.2, 0.7, 0.3)
    assert float(got) == pytest.approx(want, rel=1e-9)


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
