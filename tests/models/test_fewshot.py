"""``cen`` by scikit-learn's NearestCentroid: the same predictions as the paper's rule."""

import warnings

import numpy as np
import pytest
import torch

from sertl.models import FewShotHead, predict_head, predict_prototype
from sertl.models.fewshot import nearest_shot_centre


def _paper_rule(support: np.ndarray, y: np.ndarray, emb: np.ndarray, n_classes: int):
    """The mean of each class's shots, then the nearest mean (squared Euclidean, first on ties)."""
    cen = np.stack([support[y == c].mean(0) for c in range(n_classes)])
    return (((emb[:, None, :] - cen[None]) ** 2).sum(-1)).argmin(1)


@pytest.mark.parametrize("shots", [1, 2, 5])
def test_predict_prototype_matches_the_shot_means_rule_without_warnings(shots):
    torch.manual_seed(0)
    head = FewShotHead(12, 4)
    rng = np.random.default_rng(shots)
    y_support = np.repeat(np.arange(4), shots)
    x_support = rng.normal(size=(len(y_support), 12)).astype(np.float32)
    x = rng.normal(size=(300, 12)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one shot per class must not warn either
        pred, emb = predict_prototype(head, x_support, y_support, x)
    _, support = predict_head(head, x_support)
    assert np.array_equal(pred, _paper_rule(support, y_support, emb, 4))


def test_ties_go_to_the_first_class_and_a_missing_class_is_an_error():
    support = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 0.0], [5.0, 5.0]], dtype=np.float32)
    y = np.arange(4)
    # (1, 0) is as far from classes 0, 1 and 2 (classes 0 and 2 coincide): class 0
    pred = nearest_shot_centre(support, y, 4).predict(np.array([[1.0, 0.0], [2.0, 0.1]]))
    assert pred.tolist() == [0, 1]
    with pytest.raises(ValueError, match="no shot of classes \\[3\\]"):
        nearest_shot_centre(support[:3], y[:3], 4)
