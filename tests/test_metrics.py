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


def _plain(y, p):
    """UAR, WA and the row-normalised confusion matrix written as loops."""
    pairs = list(zip(y, p, strict=True))
    classes = sorted(set(y))
    recalls = [np.mean([pi == c for yi, pi in pairs if yi == c]) for c in classes]
    matrix = np.array(
        [[sum(yi == a and pi == b for yi, pi in pairs) for b in classes] for a in classes],
        float,
    )
    matrix /= matrix.sum(1, keepdims=True)
    return np.mean(recalls), np.mean([yi == pi for yi, pi in pairs]), matrix


@pytest.mark.parametrize("seed", range(5))
def test_metrics_match_loops_also_with_predicted_classes_absent_from_y(seed):
    import warnings

    rng = np.random.default_rng(seed)
    y = list(rng.choice(["ang", "hap", "sad"], 40))
    p = list(rng.choice(["ang", "hap", "sad", "neu"], 40))  # "neu" never true
    want_uar, want_wa, want_cm = _plain(y, p)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the delegation is silent
        assert uar(y, p) == pytest.approx(want_uar)
    assert wa(y, p) == pytest.approx(want_wa)
    assert np.allclose(confusion(y, p, ["ang", "hap", "sad"]).to_numpy(), want_cm)


def test_absent_class_gives_nan_recall_and_a_zero_row():
    assert np.isnan(per_class_recall(["a", "b"], ["a", "a"], ["a", "b", "c"])["c"])
    m = confusion(["a", "b"], ["a", "a"], ["a", "b", "c"])
    assert m.loc["c"].tolist() == [0, 0, 0] and m.loc["b", "a"] == 1
    raw = confusion(["a", "b", "b"], ["a", "a", "b"], ["a", "b"], normalize=False)
    assert raw.to_numpy().tolist() == [[1, 0], [1, 1]]
