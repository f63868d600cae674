"""What SciPy lacks among the statistics the chapters use: Holm's correction and MMD.

Everything else is SciPy's: :func:`scipy.stats.bootstrap` for intervals,
:func:`scipy.stats.permutation_test`, :func:`scipy.stats.wilcoxon`,
:func:`scipy.stats.false_discovery_control` (Benjamini-Hochberg), and
:func:`scipy.stats.binomtest` (McNemar's exact test). Intervals and paired tests
over a protocol's independent units are :mod:`sertl.verdict`'s.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats as sps


def holm(pvalues: Sequence[float]) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values (family-wise error control; SciPy has none)."""
    p = np.asarray(pvalues, dtype=float)
    order = np.argsort(p)
    m = len(p)
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    return adjusted


def paired_repeats(a: Sequence[float], b: Sequence[float]) -> tuple[float, float]:
    """:func:`scipy.stats.wilcoxon` of paired scores, with the mean difference.

    Returns:
        (mean difference a - b, two-sided p-value; 1.0 when all differences are 0,
        where SciPy has no test).
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
