"""Published value against reproduced value: the interval, the test, and the sentence.

Every sentence of the book that states a result is made here from the numbers,
so that prose cannot contradict a table:

- :func:`interval` gives the mean over the protocol's *independent units*
  (target subjects, folds, support draws) with a Student-t interval, which is
  valid at small n (a percentile bootstrap over four units is too narrow).
  Repeated seeds inside a unit are averaged first, so ``n`` is the number of
  units, never of runs. With fewer than three units there is no interval.
- :func:`compare` judges a published value against that interval with a
  declared margin of equivalence ``margin`` (:data:`MARGIN` points):
  *reproduced* when the whole interval lies within published ± margin, *not
  reproduced* when the interval excludes the published value, *inconclusive*
  otherwise (the interval is too wide to tell).
- :func:`paired` tests two methods over the same units with a paired t-test,
  and its interval is the t-interval of the same test, so that a sentence's
  p-value and interval always agree; :func:`adjust` corrects both for
  multiplicity (Bonferroni) or neither.
- :func:`effect` turns a paired test into a row of ``effects.csv``: our
  difference beside the paper's, with the same three-way verdict;
  :func:`finding` judges a paper's stated conclusion from its effect rows.

Values are percentages (higher is better) unless a metric says otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats as sps

#: Verdict statuses. Synthetic data never yields "reproduced".
STATUSES = (
    "reproduced",
    "not reproduced",
    "consistent (stand-in)",
    "differs (stand-in)",
    "inconclusive",
    "undetermined (n < 3)",
    "synthetic data",
    "not run",
)
#: Statuses of an effect row (a difference between two methods) beyond :data:`STATUSES`.
EFFECT_STATUSES = ("same direction", "opposite direction", "degenerate (at chance)")
#: Verdicts of a finding (a paper's stated conclusion).
FINDING_VERDICTS = (
    "replicated",
    "partly replicated",
    "inconclusive",
    "not replicated",
    "cannot be tested here",
)
MIN_UNITS = 3
#: Default margin of equivalence, in points of accuracy or UAR.
MARGIN = 5.0


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


@dataclass(frozen=True)
class Verdict:
    """One published cell against its reproduction.

    ``low`` and ``high`` are the interval over the protocol's independent units
    (question b: does it hold for new speakers?) that the verdict uses;
    ``seed_low`` and ``seed_high`` the range of our runs on the same units
    (question a: did we get the paper's number on the same data?).
    """

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
    margin: float = MARGIN
    interval: str = ""
    seed_low: float = math.nan
    seed_high: float = math.nan
    n_seeds: int = 0
    by_construction: str = ""


def _cell_name(row: dict) -> str:
    pair = row["target"] if row["source"] == row["target"] else f"{row['source']} → {row['target']}"
    return f"{row['table']}, {row['method']} ({pair})"


def judge(iv: Interval, value: float, margin: float) -> str:
    """Three-way verdict of a value (the paper's) against our interval.

    Returns:
        ``"reproduced"`` (the whole interval within ``value`` ± ``margin``),
        ``"not reproduced"`` (the interval excludes ``value``), ``"inconclusive"``
        (neither), or ``"undetermined (n < 3)"`` without an interval.
    """
    if not iv.has_interval:
        return "undetermined (n < 3)"
    if iv.within(value, margin):
        return "reproduced"
    if not iv.contains(value):
        return "not reproduced"
    return "inconclusive"


_TAILS = {
    "reproduced": "our whole interval lies within the paper's value ± {m:g}: reproduced",
    "not reproduced": "the paper's value lies outside our interval ({gap} it): not reproduced",
    "inconclusive": (
        "the paper's value lies inside our interval, but the interval reaches beyond "
        "± {m:g} of it: too wide to tell (inconclusive)"
    ),
}


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
    margin: float = MARGIN,
    seeds: Sequence | None = None,
    by_construction: str = "",
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
        n_boot: Unused by the t-interval; kept for callers that pass it.
        seed: Unused by the t-interval; kept for callers that pass it.
        margin: Margin of equivalence, in points.
        seeds: The seed of each run: gives the run-to-run range on the same units.
        by_construction: Why the cell holds by construction (for example a majority
            class that is the label share of the corpus), or ``""``.

    Returns:
        The :class:`Verdict`, with its computed sentence.
    """
    del n_boot, seed
    row = dict(published)
    pub = float(row["value"])
    iv = interval(values, units, unit=unit)
    diff = iv.mean - pub
    where = f" with {stand_in} in place of {row['source']}" if stand_in else ""
    ours = f"ours {iv.text()}{where}"
    gap = f"{abs(diff):.1f} points {'above' if diff > 0 else 'below'}" if diff else "equal"
    inside = iv.contains(pub)
    seed_low = seed_high = math.nan
    n_seeds = 0
    if seeds is not None:
        seed_low, seed_high, n_seeds = seed_range(values, seeds, units)
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
        status = judge(iv, pub, margin)
        tail = _TAILS[status].format(m=margin, gap=gap)
    runs = ""
    if n_seeds > 1:
        runs = (
            f"; our {n_seeds} runs on the same {_plural(unit, 2)} range "
            f"{seed_low:.1f}–{seed_high:.1f}"
        )
    construction = f" It holds by construction: {by_construction}." if by_construction else ""
    sentence = f"{_cell_name(row)}: paper {pub:g}, {ours}{runs}; {tail}.{construction}"
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
        margin=margin,
        interval=f"{iv.procedure} over {_plural(unit, 2)}" if iv.has_interval else "",
        seed_low=seed_low,
        seed_high=seed_high,
        n_seeds=n_seeds,
        by_construction=by_construction,
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
    n_boot: int = 2000,
    seed: int = 0,
) -> PairedTest:
    """Paired comparison of two methods over independent units (paired t-test).

    Args:
        a: Scores of method ``a``, one per run.
        b: Scores of method ``b`` on the same runs, in the same order.
        units: The independent unit of each run; runs of one unit are averaged.
        names: Names of the two methods, for the sentence.
        unit: Name of the unit.
        alpha: Significance level (the interval's level is ``1 - alpha``).
        n_boot: Unused (the interval is the t-test's); kept for callers.
        seed: Unused; kept for callers.

    Returns:
        The :class:`PairedTest`.

    Raises:
        ValueError: ``a`` and ``b`` differ in length.
    """
    del n_boot, seed
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


@dataclass(frozen=True)
class Effect:
    """One comparison a paper draws (``a`` minus ``b``), ours beside the paper's.

    The columns of ``effects.csv``. ``low``/``high`` are the paired t-interval of
    our difference over ``n_units`` independent units (Bonferroni-widened when
    ``family`` > 1); ``p`` comes from the same test.
    """

    paper: str
    table: str
    comparison: str
    setting: str
    paper_difference: float
    difference: float
    low: float
    high: float
    unit: str
    n_units: int
    verdict: str
    p: float = math.nan
    margin: float = MARGIN
    level: float = 0.95
    family: int = 1
    data: str = "real"
    stand_in: str = ""
    reason: str = ""
    sentence: str = ""


def effect(
    test: PairedTest,
    *,
    paper: str,
    table: str,
    setting: str,
    paper_difference: float = math.nan,
    margin: float = MARGIN,
    data: str = "real",
    stand_in: str = "",
    degenerate: Sequence[str] = (),
) -> Effect:
    """Judge our paired difference against the paper's.

    With a published difference: *reproduced* when our interval lies within it
    ± ``margin``, *not reproduced* when our interval excludes it, *inconclusive*
    otherwise. Without one (the paper states a direction only, ``a`` above
    ``b``): *same direction* when the interval lies above 0, *opposite
    direction* below 0, *inconclusive* otherwise. A comparison involving a
    degenerate model is never made.

    Args:
        test: Our paired test (``a`` minus ``b``).
        paper: Paper key.
        table: The paper's table (or section) the comparison comes from.
        setting: Where it is compared (pair, source, feature set ...).
        paper_difference: The paper's ``a`` minus ``b``, from its published values.
        margin: Margin of equivalence, in points.
        data: ``"real"`` or ``"synthetic"``.
        stand_in: The corpus used in place of the paper's, if any.
        degenerate: The arms of the comparison that are degenerate (at chance).

    Returns:
        The :class:`Effect`.
    """
    comparison = f"{test.a} − {test.b}"
    low = math.nan if test.low is None else test.low
    high = math.nan if test.high is None else test.high
    reason = ""
    if data != "real":
        verdict = "synthetic data"
    elif degenerate:
        verdict = "degenerate (at chance)"
        reason = f"{', '.join(degenerate)} at chance: no comparison is made"
    elif test.n_units < MIN_UNITS:
        verdict = "undetermined (n < 3)"
    else:
        iv = Interval(test.difference, low, high, test.n_units, test.unit, test.n_units, (0, 0))
        if math.isfinite(paper_difference):
            inside = iv.contains(paper_difference)
            if stand_in:
                verdict = "consistent (stand-in)" if inside else "differs (stand-in)"
            else:
                verdict = judge(iv, paper_difference, margin)
        elif low > 0:
            verdict = "same direction"
        elif high < 0:
            verdict = "opposite direction"
        else:
            verdict = "inconclusive"
    published = (
        f"paper {paper_difference:+.1f}" if math.isfinite(paper_difference) else "paper: A > B"
    )
    where = f", {stand_in} standing in" if stand_in else ""
    body = reason or test.sentence
    sentence = f"{comparison} ({setting}{where}): {published}; ours: {body} Verdict: {verdict}."
    return Effect(
        paper=paper,
        table=table,
        comparison=comparison,
        setting=setting,
        paper_difference=paper_difference,
        difference=test.difference,
        low=low,
        high=high,
        unit=test.unit,
        n_units=test.n_units,
        verdict=verdict,
        p=test.p_used,
        margin=margin,
        level=test.level,
        family=test.family,
        data=data,
        stand_in=stand_in,
        reason=reason,
        sentence=sentence,
    )


def effects_table(effects: Sequence[Effect]) -> pd.DataFrame:
    """The effects as a tidy table (the ``effects.csv`` every paper chapter saves)."""
    return pd.DataFrame([asdict(e) for e in effects], columns=list(Effect.__dataclass_fields__))


#: How an effect row bears on a finding of each kind: supports, contradicts, or neither.
def _bearing(row: pd.Series, kind: str, margin: float) -> str:
    if row["verdict"] in ("synthetic data", "degenerate (at chance)", "undetermined (n < 3)"):
        return "unusable"
    low, high = float(row["low"]), float(row["high"])
    if kind == "greater":  # a above b
        return "supports" if low > 0 else "contradicts" if high < 0 else "undecided"
    if kind == "not greater":  # a not above b by margin or more
        return "supports" if high < margin else "contradicts" if low > 0 else "undecided"
    raise ValueError(f"unknown finding kind {kind!r}; known: 'greater', 'not greater'")


def finding(
    paper: str,
    text: str,
    effects: pd.DataFrame,
    *,
    kind: str = "greater",
    margin: float = MARGIN,
    untestable: str = "",
) -> dict:
    """Judge a paper's stated conclusion from the effect rows it rests on.

    ``kind="greater"``: each row should show ``a`` above ``b`` (interval above 0);
    ``kind="not greater"``: each row should show ``a`` not above ``b`` by
    ``margin`` or more (interval below ``margin``). The verdict is *replicated*
    when every usable row supports it, *partly replicated* when some do, *not
    replicated* when none does and some contradict it, *inconclusive* when no
    row can tell, and *cannot be tested here* without a usable row (synthetic
    data, a degenerate model, fewer than three units, or not run).

    Args:
        paper: Paper key.
        text: The conclusion, paraphrased.
        effects: Its rows of :func:`effects_table`.
        kind: ``"greater"`` or ``"not greater"``.
        margin: Margin of equivalence for ``"not greater"``.
        untestable: Why it cannot be tested here when ``effects`` is empty.

    Returns:
        A row of ``findings.csv``: ``paper, finding, verdict, evidence``.
    """
    bearings = [_bearing(r, kind, margin) for _, r in effects.iterrows()]
    usable = [b for b in bearings if b != "unusable"]
    n_sup, n_con = usable.count("supports"), usable.count("contradicts")
    if not usable:
        verdict = "cannot be tested here"
        why = untestable or (
            "no usable comparison: " + ", ".join(sorted(set(effects["verdict"])))
            if len(effects)
            else "not run here"
        )
        evidence = why
    else:
        if n_sup == len(usable):
            verdict = "replicated"
        elif n_sup:
            verdict = "partly replicated"
        elif n_con:
            verdict = "not replicated"
        else:
            verdict = "inconclusive"
        stand_in = (effects["stand_in"].astype(str) != "").any()
        evidence = (
            f"{n_sup} of {len(usable)} comparisons support it, {n_con} contradict it, "
            f"{len(usable) - n_sup - n_con} cannot tell"
            + (" (some on stand-in corpora)" if stand_in else "")
            + ": "
            + "; ".join(
                f"{r['comparison']} ({r['setting']}) {r['difference']:+.1f} "
                f"[{r['low']:+.1f}, {r['high']:+.1f}]"
                for (_, r), b in zip(effects.iterrows(), bearings, strict=True)
                if b != "unusable"
            )
        )
    return {"paper": paper, "finding": text, "verdict": verdict, "evidence": evidence}


def claim(
    paper: str,
    claim_text: str,
    holds: bool | None,
    evidence: str,
    data: str = "real",
    *,
    basis: str = "test",
    origin: str = "paper",
) -> dict:
    """One claim of a paper without a published number, tested here.

    Args:
        paper: Paper key.
        claim_text: The claim, paraphrased.
        holds: Whether it holds on our numbers (``None``: cannot be decided).
        evidence: The computed evidence (a test's sentence).
        data: ``"real"`` or ``"synthetic"``.
        basis: ``"test"`` (decided by a test over independent units) or ``"point
            estimates"`` (means compared without a test): such a claim is never
            decided, only said to point one way or the other (inconclusive).
        origin: ``"paper"`` (the paper's claim) or ``"ours"`` (a claim this book
            adds; counted apart).

    Returns:
        A row of ``claims.csv``.
    """
    if data != "real":
        word = "not tested on real data (synthetic stand-ins)"
        decided = None
    elif basis != "test":
        lean = "" if holds is None else "points that way" if holds else "points the other way"
        word = f"inconclusive ({lean + ', ' if lean else ''}from point estimates without a test)"
        decided = None
    elif holds is None:
        word = "undetermined"
        decided = None
    else:
        word = "holds" if holds else "does not hold"
        decided = holds
    return {
        "paper": paper,
        "claim": claim_text,
        "holds": decided,
        "evidence": evidence,
        "data": data,
        "sentence": f"{claim_text}: {word} ({evidence}).",
        "basis": basis,
        "origin": origin,
    }


def say(*texts: str) -> None:
    """Display computed sentences as Markdown in the notebook."""
    from IPython.display import Markdown, display

    display(Markdown("\n\n".join(t for t in texts if t)))
