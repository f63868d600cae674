import itertools

import numpy as np
import pytest

from sertl import stats


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
