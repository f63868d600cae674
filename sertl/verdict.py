"""Published value against reproduced value: the interval, the test, and the sentence.

Every sentence of the book that states a result is made here from the numbers,
so that prose cannot contradict a table:

- :func:`interval` bootstraps the mean over the protocol's *independent units*
  (target subjects, folds, support draws). Repeated seeds inside a unit are
  averaged first (they are not independent of each other), so ``n`` is the
  number of units, never of runs. With fewer than three units there is no
  interval: the spread and ``n`` are reported instead.
- :func:`compare` places the paper's value against that interval.
- :func:`paired` tests two methods over the same units (Wilcoxon signed-rank).

Values are percentages (higher is better) unless a metric says otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats as sps

from .stats import holm as _holm

#: Verdict statuses. Synthetic data never yields "reproduced".
STATUSES = (
    "reproduced",
    "not reproduced",
    "consistent (stand-in)",
    "differs (stand-in)",
    "undetermined (n < 3)",
    "synthetic data",
    "not run",
)
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
    """A mean over independent units, with its bootstrap interval when n >= 3.

    Attributes:
        mean: Mean of the per-unit means.
        low: Lower bound (``None`` with fewer than three units).
        high: Upper bound (``None`` with fewer than three units).
        n_units: Number of independent units.
        unit: What a unit is ("subject", "fold", "support draw", ...).
        n_runs: Number of runs (units x seeds) behind the mean.
        spread: (min, max) of the per-unit means.
        level: Confidence level of the interval.
    """

    mean: float
    low: float | None
    high: float | None
    n_units: int
    unit: str
    n_runs: int
    spread: tuple[float, float]
    level: float = 0.95

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

    def text(self, digits: int = 1) -> str:
        """The mean with its interval, saying over which units."""
        plural = self.unit if self.n_units == 1 else f"{self.unit}s"
        if self.has_interval:
            return (
                f"{_fmt(self.mean, digits)} ({self.level * 100:.0f} % CI {_fmt(self.low, digits)}–"
                f"{_fmt(self.high, digits)}, bootstrap over {self.n_units} {plural})"
            )
        lo, hi = self.spread
        return (
            f"{_fmt(self.mean, digits)} (range {_fmt(lo, digits)}–{_fmt(hi, digits)} over "
            f"{self.n_units} {plural}; too few for an interval)"
        )


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


def interval(
    values: Sequence[float],
    units: Sequence | None = None,
    *,
    unit: str = "run",
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    """Percentile-bootstrap interval of the mean over independent units.

    Args:
        values: One score per run.
        units: The independent unit of each run (runs of the same unit, for example
            several seeds on one target subject, are averaged first).
        unit: Name of the unit, for the sentence.
        n_boot: Bootstrap resamples.
        seed: Seed of the resampling.
        level: Confidence level.

    Returns:
        The :class:`Interval`.

    Raises:
        ValueError: No finite value.
    """
    means = unit_means(values, units)
    if means.empty:
        raise ValueError("interval() got no finite value")
    x = means.to_numpy()
    n_runs = int(np.isfinite(np.asarray(values, dtype=float)).sum())
    spread = (float(x.min()), float(x.max()))
    if len(x) < MIN_UNITS:
        return Interval(float(x.mean()), None, None, len(x), unit, n_runs, spread, level)
    if np.ptp(x) == 0:
        low = high = float(x[0])
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
    return Interval(float(x.mean()), low, high, len(x), unit, n_runs, spread, level)


@dataclass(frozen=True)
class Verdict:
    """One published cell against its reproduction."""

    paper: str
    table: str
    method: str
    source: str
    target: str
    metric: str
    published: float
    reproduced: float = math.nan
    low: float = math.nan
    high: float = math.nan
    n_units: int = 0
    unit: str = ""
    data: str = ""
    status: str = "not run"
    difference: float = math.nan
    stand_in: str = ""
    reason: str = ""
    sentence: str = ""


def _cell_name(row: dict) -> str:
    pair = row["target"] if row["source"] == row["target"] else f"{row['source']} → {row['target']}"
    return f"{row['table']}, {row['method']} ({pair})"


def compare(
    published: dict | pd.Series,
    values: Sequence[float],
    units: Sequence | None = None,
    *,
    unit: str = "run",
    data: str = "real",
    stand_in: str = "",
    n_boot: int = 2000,
    seed: int = 0,
) -> Verdict:
    """Compare one published value with the reproduced runs.

    Args:
        published: A row of :func:`sertl.papers.published` (paper, table, method,
            source, target, metric, value).
        values: The reproduced score of each run (percent).
        units: The independent unit of each run.
        unit: Name of the unit.
        data: ``"real"`` or ``"synthetic"``.
        stand_in: The corpus used in place of the paper's, if any (for example
            ``"emodb"`` for ``"crema_d"``).
        n_boot: Bootstrap resamples.
        seed: Seed of the resampling.

    Returns:
        The :class:`Verdict`, with its computed sentence.
    """
    row = dict(published)
    pub = float(row["value"])
    iv = interval(values, units, unit=unit, n_boot=n_boot, seed=seed)
    diff = iv.mean - pub
    where = f" with {stand_in} in place of {row['source']}" if stand_in else ""
    ours = f"ours {iv.text()}{where}"
    gap = f"{abs(diff):.1f} points {'above' if diff > 0 else 'below'}" if diff else "equal"
    inside = iv.contains(pub)
    if data != "real":
        status = "synthetic data"
        tail = "measured on synthetic stand-ins, so it is not a reproduction"
    elif inside is None:
        status = "undetermined (n < 3)"
        tail = f"{gap} the paper; too few independent units to judge"
    elif stand_in:
        status = "consistent (stand-in)" if inside else "differs (stand-in)"
        tail = (
            "the paper's value lies inside our interval, on another corpus"
            if inside
            else f"the paper's value lies outside our interval ({gap} it), on another corpus"
        )
    else:
        status = "reproduced" if inside else "not reproduced"
        tail = (
            "the paper's value lies inside our interval: reproduced"
            if inside
            else f"the paper's value lies outside our interval ({gap} it): not reproduced"
        )
    sentence = f"{_cell_name(row)}: paper {pub:g}, {ours}; {tail}."
    return Verdict(
        paper=row["paper"],
        table=row["table"],
        method=row["method"],
        source=row["source"],
        target=row["target"],
        metric=row["metric"],
        published=pub,
        reproduced=iv.mean,
        low=math.nan if iv.low is None else iv.low,
        high=math.nan if iv.high is None else iv.high,
        n_units=iv.n_units,
        unit=unit,
        data=data,
        status=status,
        difference=diff,
        stand_in=stand_in,
        sentence=sentence,
    )


def not_run(published: dict | pd.Series, reason: str) -> Verdict:
    """A published cell that cannot run here, with the reason."""
    row = dict(published)
    return Verdict(
        paper=row["paper"],
        table=row["table"],
        method=row["method"],
        source=row["source"],
        target=row["target"],
        metric=row["metric"],
        published=float(row["value"]),
        status="not run",
        reason=reason,
        sentence=f"{_cell_name(row)}: paper {float(row['value']):g}; not run here ({reason}).",
    )


def table(verdicts: Sequence[Verdict]) -> pd.DataFrame:
    """The verdicts as a tidy table (the ``verdicts.csv`` every paper chapter saves)."""
    columns = list(Verdict.__dataclass_fields__)
    return pd.DataFrame([asdict(v) for v in verdicts], columns=columns)


def tally(verdicts: pd.DataFrame) -> str:
    """One sentence counting the verdicts of a table (from :func:`table`)."""
    ran = verdicts[verdicts["status"] != "not run"]
    if ran.empty:
        return f"None of the {len(verdicts)} published cells could run here."
    counts = ran["status"].value_counts()
    parts = [f"{n} {status}" for status, n in counts.items()]
    return f"Of {len(verdicts)} published cells, {len(ran)} ran here: " + ", ".join(parts) + "."


@dataclass(frozen=True)
class PairedTest:
    """Method ``a`` against method ``b`` over the same independent units."""

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

    @property
    def p_used(self) -> float:
        """The Holm-adjusted p-value when set, else the raw one."""
        return self.p if self.p_adjusted is None else self.p_adjusted

    @property
    def outcome(self) -> str:
        """``"better"``, ``"worse"`` or ``"no difference"`` (``a`` relative to ``b``)."""
        if not np.isfinite(self.p_used) or self.p_used >= self.alpha:
            return "no difference"
        return "better" if self.difference > 0 else "worse"

    @property
    def sentence(self) -> str:
        """The computed sentence."""
        plural = self.unit if self.n_units == 1 else f"{self.unit}s"
        ci = (
            f", 95 % CI {self.low:+.1f} to {self.high:+.1f}"
            if self.low is not None and self.high is not None
            else ""
        )
        pname = "Holm-adjusted p" if self.p_adjusted is not None else "p"
        stat = f"{self.difference:+.1f} points{ci}; Wilcoxon over {self.n_units} {plural}"
        stat += f", {pname} = {self.p_used:.2g}" if np.isfinite(self.p_used) else ""
        if self.n_units < MIN_UNITS:
            return (
                f"{self.a} against {self.b}: {self.difference:+.1f} points over "
                f"{self.n_units} {plural}; too few independent units for a test."
            )
        if self.outcome == "no difference":
            return f"{self.a} is not significantly different from {self.b} ({stat})."
        return f"{self.a} is {self.outcome} than {self.b} ({stat})."


def paired(
    a: Sequence[float],
    b: Sequence[float],
    units: Sequence | None = None,
    *,
    names: tuple[str, str] = ("A", "B"),
    unit: str = "run",
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: int = 0,
) -> PairedTest:
    """Paired comparison of two methods over independent units.

    Args:
        a: Scores of method ``a``, one per run.
        b: Scores of method ``b`` on the same runs, in the same order.
        units: The independent unit of each run; runs of one unit are averaged.
        names: Names of the two methods, for the sentence.
        unit: Name of the unit.
        alpha: Significance level.
        n_boot: Bootstrap resamples for the interval of the mean difference.
        seed: Seed of the resampling.

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
        iv = interval(x, unit=unit, n_boot=n_boot, seed=seed)
        low, high = iv.low, iv.high
        p = 1.0 if np.all(x == 0) else float(sps.wilcoxon(x, zero_method="wilcox").pvalue)
    return PairedTest(
        names[0], names[1], mean, low, high, p, n, unit, alpha, per_unit=diff.to_dict()
    )


def adjust(tests: Sequence[PairedTest]) -> list[PairedTest]:
    """Holm-adjust a family of paired tests (their sentences then name the adjusted p)."""
    tests = list(tests)
    ps = [t.p for t in tests]
    finite = [i for i, p in enumerate(ps) if np.isfinite(p)]
    adjusted = _holm([ps[i] for i in finite]) if finite else []
    out = list(tests)
    for i, p_adj in zip(finite, adjusted, strict=True):
        out[i] = replace(tests[i], p_adjusted=float(p_adj))
    return out


def claim(
    paper: str, claim_text: str, holds: bool | None, evidence: str, data: str = "real"
) -> dict:
    """One claim of a paper without a published number, tested here.

    Args:
        paper: Paper key.
        claim_text: The claim, paraphrased.
        holds: Whether it holds on our numbers (``None``: cannot be decided).
        evidence: The computed evidence (a test's sentence).
        data: ``"real"`` or ``"synthetic"``.

    Returns:
        A row of ``claims.csv``.
    """
    if data != "real":
        word = "not tested on real data (synthetic stand-ins)"
    elif holds is None:
        word = "undetermined"
    else:
        word = "holds" if holds else "does not hold"
    return {
        "paper": paper,
        "claim": claim_text,
        "holds": holds if data == "real" else None,
        "evidence": evidence,
        "data": data,
        "sentence": f"{claim_text}: {word} ({evidence}).",
    }


def say(*texts: str) -> None:
    """Display computed sentences as Markdown in the notebook."""
    from IPython.display import Markdown, display

    display(Markdown("\n\n".join(t for t in texts if t)))
