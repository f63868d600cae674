import itertools

import numpy as np
import pytest
from scipy import stats as sps

from sertl import stats


def plain_holm(p):
    """Holm's step-down procedure, written from its definition."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, (m - rank) * p[i])
        adjusted[i] = min(1.0, running)
    return adjusted


def test_holm_known_example_and_against_the_definition():
    p = [0.01, 0.04, 0.03, 0.005]
    assert np.allclose(stats.holm(p), [0.03, 0.06, 0.06, 0.02])
    rng = np.random.default_rng(0)
    for m in (1, 2, 7, 30):
        p = rng.random(m) ** 3
        assert np.allclose(stats.holm(p), plain_holm(list(p)))
    assert stats.holm([]).shape == (0,)


def test_holm_is_at_least_benjamini_hochberg_from_scipy():
    p = np.random.default_rng(1).random(12) / 10
    assert np.all(stats.holm(p) >= sps.false_discovery_control(p) - 1e-12)


def test_paired_repeats_detects_a_consistent_gain():
    a = np.array([0.50, 0.52, 0.48, 0.55, 0.51, 0.53, 0.49, 0.54])
    diff, p = stats.paired_repeats(a + 0.05, a)
    assert diff == pytest.approx(0.05) and p < 0.05
    assert p == pytest.approx(sps.wilcoxon(a + 0.05, a).pvalue)
    assert stats.paired_repeats(a, a) == (0.0, 1.0)


def plain_mmd2(x, y, gamma):
    def k(a, b):
        return np.exp(-gamma * np.sum((a - b) ** 2))

    n, m = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i, j in itertools.permutations(range(n), 2)) / (n * (n - 1))
    yy = sum(k(y[i], y[j]) for i, j in itertools.permutations(range(m), 2)) / (m * (m - 1))
    xy = sum(k(a, b) for a in x for b in y) / (n * m)
    return xx + yy - 2 * xy


def test_mmd_matches_the_estimator_written_as_loops():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(9, 3)), rng.normal(size=(7, 3)) + 0.5
    assert stats.mmd2(x, y, gamma=0.3) == pytest.approx(plain_mmd2(x, y, 0.3))


def test_mmd_near_zero_for_one_distribution_and_positive_for_a_shift():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(200, 5)), rng.normal(size=(200, 5))
    assert abs(stats.mmd2(x, y)) < 0.02
    assert stats.mmd2(x, y + 1.0) > 0.1
