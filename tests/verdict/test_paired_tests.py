"""Tests of :mod:`sertl.verdict.paired_tests`: paired t-tests and their Bonferroni correction.

They call it through the package's names (``verdict.X``), as callers do.
"""

import numpy as np
import pytest

from sertl import verdict


def test_paired_direction_significance_and_units():
    rng = np.random.default_rng(0)
    b = rng.normal(50, 3, 12)
    a = b + 5 + rng.normal(0, 0.5, 12)
    t = verdict.paired(a, b, units=range(12), names=("norm 1", "scenario 2"), unit="subject")
    assert t.outcome == "better" and t.p < 0.01
    assert "norm 1 is better than scenario 2" in t.sentence and "12 subjects" in t.sentence
    t2 = verdict.paired(b, a, units=range(12), unit="subject")
    assert t2.outcome == "worse"
    same = verdict.paired(a, a, units=range(12))
    assert same.outcome == "no difference" and same.p == 1.0


def test_paired_pseudo_replication_collapses_to_units():
    # 3 units x 10 repeats: the test must see 3 units, not 30 runs
    a = np.repeat([51.0, 52.0, 53.0], 10)
    b = np.repeat([50.0, 50.0, 50.0], 10)
    t = verdict.paired(a, b, units=np.repeat([0, 1, 2], 10), unit="support draw")
    assert t.n_units == 3
    assert t.p > 0.05  # differences 1, 2, 3 over three units: t = 3.46 on 2 df


def test_paired_too_few_units_and_length_mismatch():
    t = verdict.paired([1, 2], [0, 0], units=[0, 1])
    assert "too few" in t.sentence and t.outcome == "no difference"
    with pytest.raises(ValueError, match="3 scores of A but 2 of B"):
        verdict.paired([1, 2, 3], [1, 2])


def test_adjust_bonferroni_widens_the_interval_with_the_p_value():
    rng = np.random.default_rng(3)
    b = rng.normal(50, 3, 8)
    tests = [
        verdict.paired(b + 2 + rng.normal(0, 2, 8), b, units=range(8)),
        verdict.paired(b + rng.normal(0, 2, 8), b, units=range(8)),
        verdict.paired(b + 1 + rng.normal(0, 2, 8), b, units=range(8)),
    ]
    adj = verdict.adjust(tests)
    for raw, t in zip(tests, adj, strict=True):
        assert t.p_adjusted == pytest.approx(min(1, 3 * raw.p))
        assert t.level == pytest.approx(1 - 0.05 / 3)
        assert t.low <= raw.low and t.high >= raw.high
        # one procedure: the interval excludes 0 exactly when the adjusted p is below alpha
        assert (t.low > 0 or t.high < 0) == (t.p_adjusted < 0.05)
        assert "Bonferroni over 3 tests" in t.sentence


def test_paired_interval_and_p_are_one_t_test():
    from scipy import stats

    rng = np.random.default_rng(1)
    a, b = rng.normal(52, 4, 6), rng.normal(50, 4, 6)
    t = verdict.paired(a, b, units=range(6))
    d = a - b
    ref = stats.ttest_1samp(d, 0.0)
    assert t.p == pytest.approx(ref.pvalue)
    lo, hi = ref.confidence_interval(0.95)
    assert (t.low, t.high) == pytest.approx((lo, hi))
    assert (t.low > 0 or t.high < 0) == (t.p < 0.05)
