"""Two methods over the same independent units: the paired t-test.

Its interval is the t-interval of the same test, so that a sentence's p-value
and interval always agree; :func:`adjust` corrects both for multiplicity
(Bonferroni) or neither.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats as sps

from .intervals import MIN_UNITS, _plural, t_interval, unit_means


@dataclass(frozen=True)
class PairedTest:
    """Method ``a`` against method ``b`` over the same independent units.

    The p-value is a paired t-test's and the interval that test's t-interval of
    the mean difference, at level ``level`` (Bonferroni-widened after
    :func:`adjust`), so the two always agree: the interval excludes 0 exactly
    when ``p_used < alpha``.
    """

    a: str
    b: str
    difference: float
    low: float | None
    high: float | None
    p: float
    n_units: int
    unit: str
    alpha: float = 0.05
    p_adjusted: float | None = None
    per_unit: dict = field(default_factory=dict, compare=False, repr=False)
    level: float = 0.95
    family: int = 1

    @property
    def p_used(self) -> float:
        """The adjusted p-value when set, else the raw one."""
        return self.p if self.p_adjusted is None else self.p_adjusted

    @property
    def outcome(self) -> str:
        """``"better"``, ``"worse"`` or ``"no difference"`` (``a`` relative to ``b``)."""
        if not np.isfinite(self.p_used) or self.p_used >= self.alpha:
            return "no difference"
        return "better" if self.difference > 0 else "worse"

    @property
    def statistic(self) -> str:
        """The difference with its interval and p, naming the procedure and the units."""
        plural = _plural(self.unit, self.n_units)
        ci = ""
        if self.low is not None and self.high is not None:
            ci = f", {self.level * 100:.3g} % CI {self.low:+.1f} to {self.high:+.1f}"
        adjusted = f", Bonferroni over {self.family} tests" if self.p_adjusted is not None else ""
        text = f"{self.difference:+.1f} points{ci}; paired t over {self.n_units} {plural}"
        if np.isfinite(self.p_used):
            text += f"{adjusted}, {p_text(self.p_used)}"
        return text

    @property
    def sentence(self) -> str:
        """The computed sentence."""
        if self.n_units < MIN_UNITS:
            return (
                f"{self.a} against {self.b}: {self.difference:+.1f} points over "
                f"{self.n_units} {_plural(self.unit, self.n_units)}; too few independent "
                "units for a test."
            )
        if self.outcome == "no difference":
            return f"{self.a} is not significantly different from {self.b} ({self.statistic})."
        return f"{self.a} is {self.outcome} than {self.b} ({self.statistic})."


def p_text(p: float) -> str:
    """A p-value as written in the book (``p < 0.001`` below a thousandth)."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def _t_test(x: np.ndarray, level: float) -> tuple[float, float, float]:
    """(low, high, p) of a one-sample t-test of mean 0, from one procedure."""
    low, high = t_interval(x, level)
    if low == high:  # no variation: the t statistic is undefined
        return low, high, 1.0 if abs(x[0]) <= 1e-12 else 0.0
    return low, high, float(sps.ttest_1samp(x, 0.0).pvalue)


def paired(
    a: Sequence[float],
    b: Sequence[float],
    units: Sequence | None = None,
    *,
    names: tuple[str, str] = ("A", "B"),
    unit: str = "run",
    alpha: float = 0.05,
) -> PairedTest:
    """Paired comparison of two methods over independent units (paired t-test).

    Args:
        a: Scores of method ``a``, one per run.
        b: Scores of method ``b`` on the same runs, in the same order.
        units: The independent unit of each run; runs of one unit are averaged.
        names: Names of the two methods, for the sentence.
        unit: Name of the unit.
        alpha: Significance level (the interval's level is ``1 - alpha``).

    Returns:
        The :class:`PairedTest`.

    Raises:
        ValueError: ``a`` and ``b`` differ in length.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired(): {len(a)} scores of {names[0]} but {len(b)} of {names[1]}")
    diff = unit_means(a - b, units)
    x = diff.to_numpy()
    n = len(x)
    mean = float(x.mean()) if n else math.nan
    low = high = None
    p = math.nan
    if n >= MIN_UNITS:
        low, high, p = _t_test(x, 1 - alpha)
    return PairedTest(
        names[0],
        names[1],
        mean,
        low,
        high,
        p,
        n,
        unit,
        alpha,
        per_unit=diff.to_dict(),
        level=1 - alpha,
    )


def paired_columns(
    wide: pd.DataFrame, a: str, b: str, *, unit_level: str, unit: str, alpha: float = 0.05
) -> PairedTest:
    """:func:`paired` on two columns of a wide table, over one level of its index.

    Rows missing either column are left out; rows of one unit (several seeds,
    say) are averaged within that unit first.

    Args:
        wide: One column per method, indexed by (at least) ``unit_level``.
        a: The first method's column.
        b: The second method's column.
        unit_level: The index level that holds the independent unit.
        unit: Name of the unit.
        alpha: Significance level.
    """
    both = wide.dropna(subset=[a, b])
    return paired(
        both[a],
        both[b],
        both.index.get_level_values(unit_level),
        names=(a, b),
        unit=unit,
        alpha=alpha,
    )


def adjust(tests: Sequence[PairedTest]) -> list[PairedTest]:
    """Bonferroni-adjust a family of paired tests: their p-values and their intervals.

    Each adjusted p is ``min(1, m p)`` and each interval is widened to level
    ``1 - alpha / m``, so that an interval excludes 0 exactly when its adjusted p
    is below ``alpha``: the sentence's p and interval come from one procedure.
    """
    tests = list(tests)
    family = [i for i, t in enumerate(tests) if np.isfinite(t.p)]
    m = len(family)
    out = list(tests)
    for i in family:
        t = tests[i]
        level = 1 - t.alpha / m
        x = np.asarray(list(t.per_unit.values()), dtype=float)
        low, high, _ = _t_test(x, level)
        out[i] = replace(
            t, p_adjusted=float(min(1.0, m * t.p)), low=low, high=high, level=level, family=m
        )
    return out
