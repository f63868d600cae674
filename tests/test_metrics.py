import numpy as np
import pytest

from sertl.metrics import confusion, per_class_recall, uar, wa


def test_uar_and_wa_on_a_known_case():
    y = ["a"] * 8 + ["b"] * 2
    p = ["a"] * 8 + ["a", "b"]
    assert wa(y, p) == pytest.approx(0.9)
    assert uar(y, p) == pytest.approx((1.0 + 0.5) / 2)


def test_majority_classifier_has_chance_uar():
    y = np.array([0] * 70 + [1] * 20 + [2] * 10)
    p = np.zeros_like(y)
    assert uar(y, p) == pytest.approx(1 / 3)
    assert wa(y, p) == pytest.approx(0.7)


def test_confusion_rows_sum_to_one_and_match_recall():
    y = ["x", "x", "y", "y", "y"]
    p = ["x", "y", "y", "y", "x"]
    m = confusion(y, p, ["x", "y"])
    assert np.allclose(m.sum(axis=1), 1)
    assert np.allclose(np.diag(m), per_class_recall(y, p, ["x", "y"]))


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError):
        wa([1, 2], [1])
