"""Statistics every chapter uses: confidence intervals, paired tests, corrections, MMD."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import stats as sps

from .metrics import uar


def bootstrap_ci(
    y_true: Sequence,
    y_pred: Sequence,
    metric: Callable[[np.ndarray, np.ndarray], float] = uar,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Percentile bootstrap confidence interval of a metric over test items.

    Returns:
        (estimate on all items, lower bound, upper bound).
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    rng = np.random.default_rng(seed)
    n = len(y_true)
    values = np.empty(n_boot)
    for b in range(n_boot):
        idx = rng.integers(0, n, n)
        values[b] = metric(y_true[idx], y_pred[idx])
    lo, hi = np.nanquantile(values, [alpha / 2, 1 - alpha / 2])
    return metric(y_true, y_pred), float(lo), float(hi)


def permutation_test(
    y_true: Sequence,
    pred_a: Sequence,
    pred_b: Sequence,
    metric: Callable[[np.ndarray, np.ndarray], float] = uar,
    n_perm: int = 2000,
    seed: int = 0,
) -> tuple[float, float]:
    """Paired permutation test of the metric difference of two methods.

    Under the null hypothesis the two methods are exchangeable on each item, so
    each item's two predictions are swapped at random.

    Returns:
        (observed difference a - b, two-sided p-value with the +1 correction).
    """
    y_true, pred_a, pred_b = map(np.asarray, (y_true, pred_a, pred_b))
    observed = metric(y_true, pred_a) - metric(y_true, pred_b)
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n_perm):
        swap = rng.random(len(y_true)) < 0.5
        a = np.where(swap, pred_b, pred_a)
        b = np.where(swap, pred_a, pred_b)
        if abs(metric(y_true, a) - metric(y_true, b)) >= abs(observed) - 1e-12:
            hits += 1
    return float(observed), (hits + 1) / (n_perm + 1)


def mcnemar(y_true: Sequence, pred_a: Sequence, pred_b: Sequence) -> tuple[float, float]:
    """McNemar's test on the items one method gets right and the other wrong.

    The exact binomial test when fewer than 25 items disagree, otherwise the
    chi-square statistic with continuity correction.

    Returns:
        (statistic, p-value); the statistic is the smaller discordant count for
        the exact test.
    """
    y_true, pred_a, pred_b = map(np.asarray, (y_true, pred_a, pred_b))
    a_right, b_right = pred_a == y_true, pred_b == y_true
    b = int(np.sum(a_right & ~b_right))
    c = int(np.sum(~a_right & b_right))
    if b + c == 0:
        return 0.0, 1.0
    if b + c < 25:
        return float(min(b, c)), float(sps.binomtest(min(b, c), b + c, 0.5).pvalue)
    statistic = (abs(b - c) - 1) ** 2 / (b + c)
    return float(statistic), float(sps.chi2.sf(statistic, 1))


def holm(pvalues: Sequence[float]) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values (family-wise error control)."""
    p = np.asarray(pvalues, dtype=float)
    order = np.argsort(p)
    m = len(p)
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, (m - rank) * p[i])
        adjusted[i] = min(1.0, running)
    return adjusted


def benjamini_hochberg(pvalues: Sequence[float]) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate control)."""
    p = np.asarray(pvalues, dtype=float)
    m = len(p)
    order = np.argsort(p)[::-1]
    adjusted = np.empty(m)
    running = 1.0
    for i in order:
        rank = np.sum(p <= p[i])
        running = min(running, p[i] * m / rank)
        adjusted[i] = running
    return adjusted


def paired_repeats(a: Sequence[float], b: Sequence[float]) -> tuple[float, float]:
    """Wilcoxon signed-rank test of paired scores (e.g. UAR of two methods per repeat).

    Returns:
        (mean difference a - b, two-sided p-value; 1.0 when all differences are 0).
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    diff = a - b
    if np.allclose(diff, 0):
        return 0.0, 1.0
    return float(diff.mean()), float(sps.wilcoxon(a, b).pvalue)


def mmd2(x: np.ndarray, y: np.ndarray, gamma: float | None = None) -> float:
    """Unbiased squared maximum mean discrepancy with an RBF kernel.

    Args:
        x: Samples of one distribution, (n, d).
        y: Samples of the other, (m, d).
        gamma: Kernel width ``exp(-gamma |a-b|^2)``; default the median heuristic
            on the pooled samples.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    z = np.vstack([x, y])
    sq = np.sum(z**2, 1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * z @ z.T, 0.0)
    if gamma is None:
        med = np.median(d2[np.triu_indices_from(d2, 1)])
        gamma = 1.0 / med if med > 0 else 1.0
    k = np.exp(-gamma * d2)
    n, m = len(x), len(y)
    kxx, kyy, kxy = k[:n, :n], k[n:, n:], k[:n, n:]
    return float(
        (kxx.sum() - np.trace(kxx)) / (n * (n - 1))
        + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
        - 2 * kxy.mean()
    )
