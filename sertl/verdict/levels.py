"""A published value against our interval: the three-way verdict of one cell.

:func:`compare` judges a published value against the interval over the
protocol's independent units with a declared margin of equivalence (:data:`MARGIN`
points): *reproduced*, *not reproduced* or *inconclusive*; :func:`table` and
:func:`tally` gather the verdicts of a chapter (``verdicts.csv``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from .intervals import Interval, _plural, interval, seed_range

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
#: Default margin of equivalence, in points of accuracy or UAR.
MARGIN = 5.0


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


def _status(
    iv: Interval, pub: float, *, data: str, stand_in: str, margin: float, gap: str
) -> tuple[str, str]:
    """The status of a published value ``pub`` against our interval, and why.

    Returns:
        (status, the sentence's tail saying why); ``gap`` says in words how far
        our mean lies from ``pub``.
    """
    inside = iv.contains(pub)
    if data != "real":
        return "synthetic data", "measured on synthetic stand-ins, so it is not a reproduction"
    if inside is None:
        return "undetermined (n < 3)", f"{gap} the paper; too few independent units to judge"
    if stand_in:
        if inside:
            return "consistent (stand-in)", (
                "the paper's value lies inside our interval, on another corpus"
            )
        return "differs (stand-in)", (
            f"the paper's value lies outside our interval ({gap} it), on another corpus"
        )
    status = judge(iv, pub, margin)
    return status, _TAILS[status].format(m=margin, gap=gap)


def _runs(n_seeds: int, unit: str, low: float, high: float) -> str:
    """The range of our runs on the same units, for the sentence (``""`` for one run)."""
    if n_seeds < 2:
        return ""
    return f"; our {n_seeds} runs on the same {_plural(unit, 2)} range {low:.1f}–{high:.1f}"


def compare(
    published: dict | pd.Series,
    values: Sequence[float],
    units: Sequence | None = None,
    *,
    unit: str = "run",
    data: str = "real",
    stand_in: str = "",
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
        margin: Margin of equivalence, in points.
        seeds: The seed of each run: gives the run-to-run range on the same units.
        by_construction: Why the cell holds by construction (for example a majority
            class that is the label share of the corpus), or ``""``.

    Returns:
        The :class:`Verdict`, with its computed sentence.
    """
    row = dict(published)
    pub = float(row["value"])
    iv = interval(values, units, unit=unit)
    diff = iv.mean - pub
    where = f" with {stand_in} in place of {row['source']}" if stand_in else ""
    ours = f"ours {iv.text()}{where}"
    gap = f"{abs(diff):.1f} points {'above' if diff > 0 else 'below'}" if diff else "equal"
    seed_low = seed_high = math.nan
    n_seeds = 0
    if seeds is not None:
        seed_low, seed_high, n_seeds = seed_range(values, seeds, units)
    status, tail = _status(iv, pub, data=data, stand_in=stand_in, margin=margin, gap=gap)
    runs = _runs(n_seeds, unit, seed_low, seed_high)
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
