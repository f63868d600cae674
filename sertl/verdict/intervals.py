"""Means over independent units with their Student-t intervals, and chance levels.

Repeated seeds inside a unit are averaged first (:func:`unit_means`), so an
interval's ``n`` is the number of units, never of runs; with fewer than
:data:`MIN_UNITS` units there is no interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

#: Fewer independent units than this give no interval (and no test).
MIN_UNITS = 3


#: A model predicting one class for at least this share of its test items is degenerate.
DEGENERATE_SHARE = 0.9


def chance(n_classes: int) -> float:
    """Chance UAR (and balanced accuracy) of ``n_classes`` classes, in percent."""
    if n_classes < 1:
        raise ValueError(f"chance() needs at least one class, got {n_classes}")
    return 100.0 / n_classes


def dominant(pred: Sequence) -> tuple[str, float]:
    """The most predicted class and its share of the predictions (0 to 1).

    Raises:
        ValueError: No prediction.
    """
    values, counts = np.unique(np.asarray(pred).astype(str), return_counts=True)
    if not len(values):
        raise ValueError("dominant() got no prediction")
    i = int(np.argmax(counts))
    return str(values[i]), float(counts[i] / counts.sum())


def is_degenerate(pred: Sequence, share: float = DEGENERATE_SHARE) -> bool:
    """Whether one class takes at least ``share`` of the predictions."""
    return dominant(pred)[1] >= share


def _fmt(x: float | None, digits: int = 1) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


@dataclass(frozen=True)
class Interval:
    """A mean over independent units, with its interval when n >= 3.

    Attributes:
        mean: Mean of the per-unit means.
        low: Lower bound (``None`` with fewer than three units).
        high: Upper bound (``None`` with fewer than three units).
        n_units: Number of independent units.
        unit: What a unit is ("subject", "fold", "support draw", ...).
        n_runs: Number of runs (units x seeds) behind the mean.
        spread: (min, max) of the per-unit means.
        level: Confidence level of the interval.
        method: How the interval was computed (``"t"`` or ``"bootstrap"``).
    """

    mean: float
    low: float | None
    high: float | None
    n_units: int
    unit: str
    n_runs: int
    spread: tuple[float, float]
    level: float = 0.95
    method: str = "t"

    @property
    def has_interval(self) -> bool:
        """Whether there are enough units for an interval."""
        return self.low is not None

    def contains(self, value: float) -> bool | None:
        """Whether ``value`` lies inside the interval (``None`` without one)."""
        if not self.has_interval:
            return None
        # a little slack for values quoted to fewer decimals than we compute
        return self.low - 1e-9 <= value <= self.high + 1e-9

    def within(self, value: float, margin: float) -> bool | None:
        """Whether the whole interval lies within ``value`` ± ``margin``."""
        if not self.has_interval:
            return None
        return value - margin - 1e-9 <= self.low and self.high <= value + margin + 1e-9

    @property
    def procedure(self) -> str:
        """The interval's procedure, in words."""
        return "t-interval" if self.method == "t" else "percentile bootstrap"

    def text(self, digits: int = 1) -> str:
        """The mean with its interval, saying how and over which units."""
        plural = _plural(self.unit, self.n_units)
        if self.has_interval:
            return (
                f"{_fmt(self.mean, digits)} ({self.level * 100:.0f} % CI {_fmt(self.low, digits)}–"
                f"{_fmt(self.high, digits)}, {self.procedure} over {self.n_units} {plural})"
            )
        lo, hi = self.spread
        return (
            f"{_fmt(self.mean, digits)} (range {_fmt(lo, digits)}–{_fmt(hi, digits)} over "
            f"{self.n_units} {plural}; too few for an interval)"
        )


def _plural(unit: str, n: int) -> str:
    return unit if n == 1 or unit.endswith("s") else f"{unit}s"


def unit_means(values: Sequence[float], units: Sequence | None = None) -> pd.Series:
    """Average the runs of each independent unit (seeds nested inside units).

    Args:
        values: One score per run.
        units: The unit of each run; ``None``: every run is its own unit.

    Returns:
        The per-unit means, indexed by unit, sorted.
    """
    values = np.asarray(values, dtype=float)
    if units is None:
        units = np.arange(len(values))
    frame = pd.DataFrame({"value": values, "unit": list(units)}).dropna(subset=["value"])
    return frame.groupby("unit", sort=True)["value"].mean()


def t_interval(x: Sequence[float], level: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean of ``x`` (at least two values).

    A constant ``x`` gives the point interval (its standard error is 0).
    """
    x = np.asarray(x, dtype=float)
    mean = float(x.mean())
    se = float(sps.sem(x)) if len(x) > 1 and np.ptp(x) > 1e-9 * max(1.0, abs(mean)) else 0.0
    if not np.isfinite(se) or se == 0:
        return mean, mean
    low, high = sps.t.interval(level, len(x) - 1, loc=mean, scale=se)
    return float(low), float(high)


def interval(
    values: Sequence[float],
    units: Sequence | None = None,
    *,
    unit: str = "run",
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
    method: str = "t",
) -> Interval:
    """Interval of the mean over independent units.

    Args:
        values: One score per run.
        units: The independent unit of each run (runs of the same unit, for example
            several seeds on one target subject, are averaged first).
        unit: Name of the unit, for the sentence.
        n_boot: Bootstrap resamples (``method="bootstrap"`` only).
        seed: Seed of the resampling (``method="bootstrap"`` only).
        level: Confidence level.
        method: ``"t"`` (Student-t, valid at small n; the default) or ``"bootstrap"``
            (percentile bootstrap, for many units only).

    Returns:
        The :class:`Interval`.

    Raises:
        ValueError: No finite value, or an unknown method.
    """
    if method not in ("t", "bootstrap"):
        raise ValueError(f"unknown interval method {method!r}; known: 't', 'bootstrap'")
    means = unit_means(values, units)
    if means.empty:
        raise ValueError("interval() got no finite value")
    x = means.to_numpy()
    n_runs = int(np.isfinite(np.asarray(values, dtype=float)).sum())
    spread = (float(x.min()), float(x.max()))
    if len(x) < MIN_UNITS:
        return Interval(float(x.mean()), None, None, len(x), unit, n_runs, spread, level, method)
    if np.ptp(x) == 0:
        low = high = float(x[0])
    elif method == "t":
        low, high = t_interval(x, level)
    else:
        res = sps.bootstrap(
            (x,),
            np.mean,
            n_resamples=n_boot,
            confidence_level=level,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
        low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
    return Interval(float(x.mean()), low, high, len(x), unit, n_runs, spread, level, method)


def seed_range(
    values: Sequence[float], seeds: Sequence, units: Sequence | None = None
) -> tuple[float, float, int]:
    """Run-to-run spread on the same units: the range of the per-seed means.

    This answers "did we get the paper's number on the same data?": the paper's
    value is one training run on the same speakers, so it is compared with what
    our own training runs give on them.

    Args:
        values: One score per run.
        seeds: The seed of each run.
        units: The unit of each run (each seed's score is the mean over its units).

    Returns:
        (lowest, highest per-seed mean, number of seeds).
    """
    values = np.asarray(values, dtype=float)
    units = np.arange(len(values)) if units is None else list(units)
    frame = pd.DataFrame({"value": values, "seed": list(seeds), "unit": units}).dropna()
    per_seed = frame.groupby(["seed", "unit"])["value"].mean().groupby("seed").mean()
    if per_seed.empty:
        return math.nan, math.nan, 0
    return float(per_seed.min()), float(per_seed.max()), int(len(per_seed))
