import numpy as np
import pytest
import torch

from sertl.losses import CosineMarginLoss, PairwiseLoss


def plain_cosine_loss(a, b, same, m):
    """Lian et al.'s cosine loss, one pair at a time."""
    total = 0.0
    for u, v, s in zip(a, b, same, strict=True):
        cos = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
        total += (1 - cos) if s else max(0.0, cos - m)
    return total / len(a)


def test_cosine_loss_matches_the_equation():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(16, 256)), rng.normal(size=(16, 256))
    b[:4] = a[:4] * 2 + 0.01  # some strongly similar pairs, so the margin matters
    same = rng.random(16) < 0.33
    got = CosineMarginLoss(0.1)(torch.tensor(a), torch.tensor(b), torch.tensor(same))
    assert float(got) == pytest.approx(plain_cosine_loss(a, b, same, 0.1), rel=1e-9)


def test_margin_ignores_different_pairs_already_apart():
    a = torch.tensor([[1.0, 0.0]])
    b = torch.tensor([[0.0, 1.0]])  # cos = 0 < m
    assert float(CosineMarginLoss(0.1)(a, b, torch.tensor([False]))) == 0.0
    assert float(CosineMarginLoss(0.1)(a, a, torch.tensor([True]))) == pytest.approx(0.0)


def test_joint_loss_weights_the_two_parts():
    rng = np.random.default_rng(1)
    a, b = torch.tensor(rng.normal(size=(8, 4))), torch.tensor(rng.normal(size=(8, 4)))
    logits = torch.tensor(rng.normal(size=(8, 2)))
    same = torch.tensor([True, False] * 4)
    cos = CosineMarginLoss(0.1)(a, b, same)
    ce = torch.nn.functional.cross_entropy(logits, same.long())
    got = PairwiseLoss(0.9, 0.1)(a, b, logits, same)
    assert float(got) == pytest.approx(float(0.9 * cos + 0.1 * ce))


def plain_joint_loss(a, b, logits, same, weight, m):
    """Lian et al.'s joint loss, one pair at a time."""
    ce = 0.0
    for z, s in zip(logits, same, strict=True):
        ce += -(z[int(s)] - np.log(np.exp(z).sum()))
    return weight * plain_cosine_loss(a, b, same, m) + (1 - weight) * ce / len(a)


@pytest.mark.parametrize(("dtype", "rel"), [(torch.float32, 1e-5), (torch.bfloat16, 3e-2)])
def test_joint_loss_matches_the_loop(dtype, rel):
    rng = np.random.default_rng(2)
    a, b = (torch.tensor(rng.normal(size=(12, 16))).to(dtype) for _ in range(2))
    logits = torch.tensor(rng.normal(size=(12, 2))).to(dtype)
    same = rng.random(12) < 0.5
    got = PairwiseLoss(0.9, 0.1)(a, b, logits, torch.tensor(same))
    assert got.dtype == dtype
    want = plain_joint_loss(*(x.double().numpy() for x in (a, b, logits)), same, 0.9, 0.1)
    assert float(got) == pytest.approx(want, rel=rel)
