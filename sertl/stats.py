"""What SciPy lacks among the statistics the chapters use: the MMD between corpora.

Everything else is SciPy's (:mod:`scipy.stats`). Intervals, paired tests and
their multiple-comparison adjustment over a protocol's independent units are
:mod:`sertl.verdict`'s.
"""

from __future__ import annotations

import numpy as np


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
