import itertools

import numpy as np
import pytest
import torch

from sertl.losses import DistanceRatioLoss


def plain_loop(emb: np.ndarray, labels: np.ndarray) -> float:
    """Feng & Chaspari's equation (1), written as a loop over pairs."""
    same, diff = [], []
    for i, j in itertools.combinations(range(len(labels)), 2):
        d = float(np.sqrt(((emb[i] - emb[j]) ** 2).sum()))
        (same if labels[i] == labels[j] else diff).append(d)
    d_same, d_diff = np.mean(same), np.mean(diff)
    return (d_diff + d_same) / (d_diff - d_same)


def test_matches_the_equation_written_as_a_loop():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, 24)
    emb = rng.normal(size=(24, 16)) + labels[:, None] * 2.0  # classes apart: positive gap
    got = DistanceRatioLoss()(torch.tensor(emb), torch.tensor(labels))
    assert float(got) == pytest.approx(plain_loop(emb, labels), rel=1e-9)


@pytest.mark.parametrize(("dtype", "rel"), [(torch.float32, 1e-5), (torch.bfloat16, 3e-2)])
def test_matches_the_loop_in_low_precision(dtype, rel):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 3, 16)
    emb = torch.tensor(rng.normal(size=(16, 8)) + labels[:, None] * 2.0).to(dtype)
    got = DistanceRatioLoss()(emb, torch.tensor(labels))
    assert got.dtype == dtype
    # the loop sees the same rounded inputs, in float64
    assert float(got) == pytest.approx(plain_loop(emb.double().numpy(), labels), rel=rel)


def test_no_same_or_no_different_pair_gives_zero_with_a_gradient():
    emb = torch.randn(4, 3, requires_grad=True)
    for labels in (torch.tensor([0, 1, 2, 3]), torch.tensor([1, 1, 1, 1])):
        loss = DistanceRatioLoss()(emb, labels)
        assert loss.item() == 0.0
        loss.backward()
        assert torch.all(emb.grad == 0)


def test_overlapping_classes_do_not_blow_up():
    emb = torch.zeros(6, 4, requires_grad=True)  # all at one point: every distance 0
    loss = DistanceRatioLoss(min_gap=1e-2)(emb, torch.tensor([0, 0, 1, 1, 2, 2]))
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(emb.grad).all()


def test_minimising_pulls_classes_apart():
    torch.manual_seed(0)
    emb = torch.randn(20, 2, requires_grad=True)
    labels = torch.arange(20) % 2
    optim = torch.optim.Adam([emb], lr=0.05)
    start = DistanceRatioLoss()(emb, labels).item()
    for _ in range(300):
        optim.zero_grad()
        loss = DistanceRatioLoss()(emb, labels)
        loss.backward()
        optim.step()
    assert loss.item() < start and loss.item() < 1.5  # 1 is the optimum


def test_the_loss_counts_batches_where_the_clamp_decides():
    loss = DistanceRatioLoss(min_gap=1e-2)
    labels = torch.tensor([0, 0, 1, 1])
    apart = torch.tensor([[0.0, 0.0], [0.1, 0.0], [5.0, 0.0], [5.1, 0.0]])
    mixed = torch.tensor([[0.0, 0.0], [5.0, 0.0], [0.1, 0.0], [5.1, 0.0]])  # same far, diff near
    loss(apart, labels)
    value = loss(mixed, labels)
    assert (loss.n_batches_, loss.n_clamped_) == (2, 1)
    # clamped: (d_diff + d_same) / min_gap, as the docstring says
    dist = torch.cdist(mixed, mixed)
    same = labels[:, None] == labels[None, :]
    off = ~torch.eye(4, dtype=bool)
    d_same, d_diff = dist[same & off].mean(), dist[~same].mean()
    assert value.item() == pytest.approx(((d_diff + d_same) / 1e-2).item(), rel=1e-5)
    loss(torch.randn(4, 2), torch.tensor([0, 1, 2, 3]))  # no same-class pair: not counted
    assert loss.n_batches_ == 2
    loss.reset_counts()
    assert (loss.n_batches_, loss.n_clamped_) == (0, 0)
