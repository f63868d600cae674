import numpy as np
import pytest
from scipy import stats as sps

from sertl import stats
from sertl.metrics import wa


def test_bootstrap_interval_contains_the_estimate_and_shrinks_with_n():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 400)
    p = np.where(rng.random(400) < 0.6, y, rng.integers(0, 4, 400))
    est, lo, hi = stats.bootstrap_ci(y, p, n_boot=500)
    assert lo < est < hi
    _, lo2, hi2 = stats.bootstrap_ci(y[:100], p[:100], n_boot=500)
    assert hi2 - lo2 > hi - lo


def test_bootstrap_is_deterministic_per_seed():
    y, p = np.arange(50) % 3, (np.arange(50) * 7) % 3
    assert stats.bootstrap_ci(y, p, seed=1) == stats.bootstrap_ci(y, p, seed=1)


def test_permutation_test_separates_different_from_identical_methods():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 300)
    good = np.where(rng.random(300) < 0.8, y, (y + 1) % 4)
    bad = np.where(rng.random(300) < 0.3, y, (y + 1) % 4)
    diff, p = stats.permutation_test(y, good, bad, n_perm=500)
    assert diff > 0.3 and p < 0.01
    diff, p = stats.permutation_test(y, good, good.copy(), n_perm=200)
    assert diff == 0 and p == 1.0


def test_mcnemar_exact_and_chi_square_known_values():
    y = np.ones(40, dtype=int)
    a = np.ones(40, dtype=int)
    b = a.copy()
    b[:10] = 0  # a right, b wrong on 10 items; never the reverse
    stat, p = stats.mcnemar(y, a, b)
    assert stat == 0 and p == pytest.approx(2 * 0.5**10)
    y = np.ones(100, dtype=int)
    a, b = y.copy(), y.copy()
    b[:30] = 0
    a[30:40] = 0  # b=30, c=10
    stat, p = stats.mcnemar(y, a, b)
    assert stat == pytest.approx((abs(30 - 10) - 1) ** 2 / 40)
    assert p == pytest.approx(sps.chi2.sf(stat, 1))


def test_holm_and_benjamini_hochberg_known_example():
    p = [0.01, 0.04, 0.03, 0.005]
    assert np.allclose(stats.holm(p), [0.03, 0.06, 0.06, 0.02])
    assert np.allclose(stats.benjamini_hochberg(p), [0.02, 0.04, 0.04, 0.02])


def test_paired_repeats_detects_a_consistent_gain():
    a = np.array([0.50, 0.52, 0.48, 0.55, 0.51, 0.53, 0.49, 0.54])
    diff, p = stats.paired_repeats(a + 0.05, a)
    assert diff == pytest.approx(0.05) and p < 0.05
    assert stats.paired_repeats(a, a) == (0.0, 1.0)


def test_mmd_near_zero_for_one_distribution_and_positive_for_a_shift():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(200, 5)), rng.normal(size=(200, 5))
    assert abs(stats.mmd2(x, y)) < 0.02
    assert stats.mmd2(x, y + 1.0) > 0.1


def test_metric_argument_is_used():
    y = np.array([0, 0, 0, 1])
    est, _, _ = stats.bootstrap_ci(y, np.zeros(4, int), metric=wa, n_boot=50)
    assert est == pytest.approx(0.75)
