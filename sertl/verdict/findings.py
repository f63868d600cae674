"""A paper's comparisons and conclusions, judged: effects, findings and claims.

:func:`effect` turns a paired test into a row of ``effects.csv`` (our
difference beside the paper's, with the three-way verdict); :func:`finding`
judges a paper's stated conclusion from its effect rows; :func:`claim` states a
claim without a published number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from .intervals import MIN_UNITS, Interval
from .levels import MARGIN, judge
from .paired_tests import PairedTest

#: Statuses of an effect row (a difference between two methods) beyond
#: :data:`~sertl.verdict.levels.STATUSES`.
EFFECT_STATUSES = ("same direction", "opposite direction", "degenerate (at chance)")
#: Verdicts of a finding (a paper's stated conclusion).
FINDING_VERDICTS = (
    "replicated",
    "partly replicated",
    "inconclusive",
    "not replicated",
    "cannot be tested here",
)


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


def _effect_verdict(
    test: PairedTest,
    low: float,
    high: float,
    *,
    paper_difference: float,
    margin: float,
    data: str,
    stand_in: str,
    degenerate: bool,
) -> str:
    """The verdict of :func:`effect` (``low``, ``high``: our interval, NaN without one)."""
    if data != "real":
        return "synthetic data"
    if degenerate:
        return "degenerate (at chance)"
    if test.n_units < MIN_UNITS:
        return "undetermined (n < 3)"
    iv = Interval(test.difference, low, high, test.n_units, test.unit, test.n_units, (0, 0))
    if math.isfinite(paper_difference):
        if stand_in:
            inside = iv.contains(paper_difference)
            return "consistent (stand-in)" if inside else "differs (stand-in)"
        return judge(iv, paper_difference, margin)
    if low > 0:
        return "same direction"
    if high < 0:
        return "opposite direction"
    return "inconclusive"


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
    if degenerate and data == "real":
        reason = f"{', '.join(degenerate)} at chance: no comparison is made"
    verdict = _effect_verdict(
        test,
        low,
        high,
        paper_difference=paper_difference,
        margin=margin,
        data=data,
        stand_in=stand_in,
        degenerate=bool(degenerate),
    )
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


def _bearing(row: pd.Series, kind: str, margin: float) -> str:
    """How an effect row bears on a finding of ``kind``: supports, contradicts, or neither."""
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
