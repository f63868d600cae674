import itertools

import numpy as np
import pytest
import torch

from sertl.losses.base import PairLoss, Pairs


def test_all_pairs_are_every_i_below_j_with_the_same_class_mask():
    emb = torch.arange(8.0).reshape(4, 2)
    labels = torch.tensor([0, 1, 0, 1])
    pairs = PairLoss.all_pairs(emb, labels)
    want = list(itertools.combinations(range(4), 2))
    assert len(pairs) == len(want)
    assert pairs.same.tolist() == [bool(labels[i] == labels[j]) for i, j in want]
    dist = [float(np.linalg.norm(emb[i] - emb[j])) for i, j in want]
    assert pairs.euclidean.tolist() == pytest.approx(dist)


def test_distances_are_computed_once():
    pairs = PairLoss.all_pairs(torch.randn(5, 3), torch.tensor([0, 0, 1, 1, 2]))
    assert pairs.euclidean is pairs.euclidean
    assert pairs.cosine is pairs.cosine


def test_given_pairs_cosine_and_zero_gradient_of_an_empty_mean():
    a = torch.tensor([[1.0, 0.0], [1.0, 1.0]], requires_grad=True)
    b = torch.tensor([[0.0, 1.0], [2.0, 2.0]])
    pairs = PairLoss.given_pairs(a, b, torch.tensor([0, 1]))
    assert pairs.same.dtype == torch.bool
    assert pairs.cosine.tolist() == pytest.approx([0.0, 1.0], abs=1e-6)
    empty = pairs.mean(pairs.euclidean[torch.zeros(2, dtype=torch.bool)])
    empty.backward()
    assert empty.item() == 0.0 and torch.all(a.grad == 0)


def test_zero_distance_has_a_finite_gradient():
    emb = torch.zeros(3, 2, requires_grad=True)
    PairLoss.all_pairs(emb, torch.tensor([0, 0, 1])).euclidean.sum().backward()
    assert torch.isfinite(emb.grad).all()


def test_a_subclass_writes_its_equation_only():
    class MeanSame(PairLoss):
        def compute(self, pairs: Pairs) -> torch.Tensor:
            return pairs.mean(pairs.euclidean[pairs.same])

    emb = torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    assert float(MeanSame()(emb, torch.tensor([0, 0, 1]))) == pytest.approx(5.0)
    with pytest.raises(NotImplementedError):
        PairLoss()(emb, torch.tensor([0, 0, 1]))
