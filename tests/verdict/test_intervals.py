"""Tests of :mod:`sertl.verdict.intervals`: means over units, intervals, chance levels.

They call it through the package's names (``verdict.X``), as callers do.
"""

import numpy as np
import pytest

from sertl import verdict


def test_interval_averages_seeds_inside_units():
    # two seeds per subject: n is the number of subjects, the mean that of subject means
    values = [40, 60, 50, 50, 30, 30, 70, 70]
    units = ["a", "a", "b", "b", "c", "c", "d", "d"]
    iv = verdict.interval(values, units, unit="subject")
    assert iv.n_units == 4 and iv.n_runs == 8
    assert iv.mean == pytest.approx(50.0)
    assert iv.low < 50 < iv.high
    assert "4 subjects" in iv.text()


def test_interval_with_unequal_runs_per_unit_is_not_the_run_mean():
    iv = verdict.interval([10, 10, 10, 90], ["a", "a", "a", "b"], unit="subject")
    assert iv.mean == pytest.approx(50.0)  # not 30: units weigh equally


def test_interval_needs_three_units():
    iv = verdict.interval([40, 60], ["a", "b"], unit="seed")
    assert iv.low is None and not iv.has_interval
    assert iv.spread == (40.0, 60.0)
    assert "too few" in iv.text()
    assert iv.contains(50) is None


def test_interval_is_repeatable_and_seeded():
    x = np.random.default_rng(0).normal(50, 5, 20)
    a = verdict.interval(x, n_boot=500, seed=1)
    b = verdict.interval(x, n_boot=500, seed=1)
    assert (a.low, a.high) == (b.low, b.high)


def test_interval_is_student_t_over_units():
    x = [23.2, 22.7, 45.9, 24.8]
    iv = verdict.interval(x, list("abcd"), unit="test subject")
    half = stats_t(3) * np.std(x, ddof=1) / 2
    assert iv.low == pytest.approx(np.mean(x) - half) and iv.method == "t"
    assert "t-interval over 4 test subjects" in iv.text()
    boot = verdict.interval(x, list("abcd"), method="bootstrap")
    assert boot.high - boot.low < iv.high - iv.low  # the bootstrap is too narrow at n = 4


def stats_t(df):
    from scipy import stats

    return stats.t.ppf(0.975, df)


def test_chance_and_degenerate():
    assert verdict.chance(4) == 25.0
    with pytest.raises(ValueError):
        verdict.chance(0)
    assert verdict.dominant(["a", "b", "a", "a"]) == ("a", 0.75)
    assert verdict.is_degenerate(["a"] * 9 + ["b"])
    assert not verdict.is_degenerate(["a"] * 8 + ["b", "c"])
