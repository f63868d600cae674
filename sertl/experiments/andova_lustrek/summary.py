"""The tidy scores as tables and computed sentences: summary, verdicts, findings."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ... import papers, verdict
from .settings import BASELINE, METHODS, PAPER, TABLE3, UNIT


def _runs(scores: pd.DataFrame, source: str, target: str, method: str) -> pd.DataFrame:
    rows = scores[
        (scores["source"] == source) & (scores["target"] == target) & (scores["method"] == method)
    ]
    return rows.dropna(subset=["accuracy"]).sort_values(["subject", "seed"])


def _paired(scores: pd.DataFrame, source: str, target: str, a: str, b: str) -> verdict.PairedTest:
    """``a`` against ``b`` over target subjects (seeds averaged within a subject first)."""
    wide = pd.concat(
        {
            m: _runs(scores, source, target, m).set_index(["subject", "seed"])["accuracy"]
            for m in (a, b)
        },
        axis=1,
    )
    return verdict.paired_columns(wide, a, b, unit_level="subject", unit=UNIT)


def summary(scores: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Our accuracy per pair and method beside the paper's, with intervals and tests.

    Each Table 3 method (and the variant) is compared with the scenario-2
    random forest, as in the paper, by a paired t-test over target subjects,
    Bonferroni-adjusted over the methods of a pair.

    Returns:
        Columns ``source, target, table, method, paper, ours, low, high, n, unit,
        uar, vs_baseline, p_adjusted, outcome`` (``ours`` and ``uar`` in %, means over
        target subjects).
    """
    paper = published.set_index(["source", "target", "method"])["value"]
    rows = []
    for (source, target), group in scores.groupby(["source", "target"], sort=False):
        tests = {}
        for method in [m for m in METHODS if m in set(group["method"])]:
            runs = _runs(scores, source, target, method)
            if runs.empty:
                continue
            iv = verdict.interval(runs["accuracy"], runs["subject"], unit=UNIT)
            table = runs["table"].iloc[0]
            rows.append(
                {
                    "source": source,
                    "target": target,
                    "table": table,
                    "method": method,
                    "paper": paper.get((source, target, method), np.nan),
                    "ours": iv.mean,
                    "uar": verdict.unit_means(runs["uar"], runs["subject"]).mean(),
                    "low": np.nan if iv.low is None else iv.low,
                    "high": np.nan if iv.high is None else iv.high,
                    "n": iv.n_units,
                    "unit": UNIT,
                }
            )
            if table != "Table 2" and BASELINE in set(group["method"]):
                tests[len(rows) - 1] = _paired(scores, source, target, method, BASELINE)
        for i, test in zip(tests, verdict.adjust(list(tests.values())), strict=True):
            rows[i].update(
                vs_baseline=test.difference,
                p_adjusted=test.p_used,
                outcome=test.outcome if test.n_units >= verdict.MIN_UNITS else "n < 3",
            )
    columns = ["source", "target", "table", "method", "paper", "ours", "low", "high", "n"]
    columns += ["unit", "uar", "vs_baseline", "p_adjusted", "outcome"]
    return pd.DataFrame(rows).reindex(columns=columns)


def table_view(summary: pd.DataFrame, verdicts: pd.DataFrame, table: str) -> pd.DataFrame:
    """One published table beside ours, rounded, for the page.

    Args:
        summary: From :func:`summary`.
        verdicts: ``verdict.table`` of :func:`verdicts`.
        table: ``"Table 2"`` or ``"Table 3"`` (with the scenario-2 baseline and the variants).
    """
    if table == "Table 3":
        keep = summary["table"].isin(["Table 3", "variant"]) | (summary["method"] == BASELINE)
    else:
        keep = summary["table"] == table
    rows = summary[keep].copy()
    status = verdicts.set_index(["source", "target", "method", "table"])["status"]

    def interval(r: pd.Series) -> str:
        ci = f" [{r['low']:.1f}, {r['high']:.1f}]" if np.isfinite(r["low"]) else ""
        return f"{r['ours']:.1f}{ci}"

    view = pd.DataFrame(
        {
            "pair": rows["source"] + " → " + rows["target"],
            "method": rows["method"].where(rows["method"] != BASELINE, "baseline (scenario 2)")
            if table == "Table 3"
            else rows["method"],
            "paper": rows["paper"].map(lambda v: f"{v:.0f}" if np.isfinite(v) else "–"),
            "ours (95 % CI)": rows.apply(interval, axis=1),
            "UAR": rows["uar"].round(1),
        }
    )
    if table == "Table 3":
        view["vs scenario 2"] = rows["vs_baseline"].map(
            lambda v: f"{v:+.1f}" if np.isfinite(v) else ""
        )
        view["p (Bonferroni)"] = rows["p_adjusted"].map(
            lambda v: verdict.p_text(v).removeprefix("p = ") if np.isfinite(v) else ""
        )
    view["verdict"] = [
        status.get((r.source, r.target, r.method, table), "") for r in rows.itertuples()
    ]
    return view.set_index(["pair", "method"])


def power_note(summary: pd.DataFrame, alpha: float = 0.05) -> str:
    """How wide the intervals over target subjects are, given their number."""
    rows = summary.dropna(subset=["low", "high"])
    if rows.empty:
        return ""
    parts = []
    for target, g in rows.groupby("target", sort=False):
        n = int(g["n"].min())
        width = float((g["high"] - g["low"]).median() / 2)
        parts.append(f"{target}: {n} subjects, median half-width {width:.1f} points")
    return (
        f"Intervals are Student-t intervals over target subjects ({'; '.join(parts)}). "
        "A difference smaller than the half-width cannot be told from 0, and a published value "
        "is called reproduced only when the whole interval lies within the margin around it."
    )


def verdicts(
    scores: pd.DataFrame,
    published: pd.DataFrame,
    *,
    data: str,
    available: Sequence[str],
    margin: float = verdict.MARGIN,
) -> list[verdict.Verdict]:
    """One verdict per published cell: compared where its pair ran, else why not.

    Args:
        scores: From :func:`run`.
        published: ``sertl.papers.published("andova_lustrek")``.
        data: ``"real"`` or ``"synthetic"``.
        available: The corpora this run could load.
        margin: Margin of equivalence, in points.
    """
    built = papers.spec(PAPER).get("by_construction", {}) or {}
    out = []
    for _, row in published.iterrows():
        runs = _runs(scores, row["source"], row["target"], row["method"])
        if not runs.empty:
            out.append(
                verdict.compare(
                    row,
                    runs["accuracy"],
                    runs["subject"],
                    unit=UNIT,
                    data=data,
                    margin=margin,
                    seeds=runs["seed"],
                    by_construction=" ".join(str(built.get(row["method"], "")).split()),
                )
            )
            continue
        missing = [c for c in (row["source"], row["target"]) if c not in set(available)]
        reason = (
            f"{' and '.join(missing)} not configured (SERTL_DATA)"
            if missing
            else "pair not among this run's `pairs`"
        )
        out.append(verdict.not_run(row, reason))
    return out


def findings(scores: pd.DataFrame, published: pd.DataFrame) -> list[str]:
    """The paper's findings, each tested on our numbers, as computed sentences.

    Per pair: scenario 1 against the majority classifier (the paper finds
    scenario 1 the poorest, mostly not above the majority), scenario 3 against
    scenario 2 (the paper finds scenario 3 overall poorer, though better on two
    SAVEE rows), and the transfer method with the largest gain over the
    scenario-2 baseline, ours beside the paper's.
    """
    paper = published.set_index(["source", "target", "method"])["value"]
    out = []
    for (source, target), group in scores.groupby(["source", "target"], sort=False):
        name = f"**{source} → {target}**"
        methods = set(group["method"])
        for a, b in (("scenario 1", "majority"), ("scenario 3", "scenario 2")):
            if not {a, b} <= methods:
                continue
            test = _paired(scores, source, target, a, b)
            pa, pb = (paper.get((source, target, m), np.nan) for m in (a, b))
            said = (
                f" The paper: {pa - pb:+.0f} points ({pa:g} against {pb:g})."
                if np.isfinite(pa) and np.isfinite(pb)
                else ""
            )
            out.append(f"{name}: {test.sentence}{said}")
        transfer = [m for m in TABLE3 if m in methods]
        if transfer and BASELINE in methods:
            means = {m: _runs(scores, source, target, m)["accuracy"].mean() for m in transfer}
            base = _runs(scores, source, target, BASELINE)["accuracy"].mean()
            best = max(means, key=lambda m: means[m])
            text = (
                f"{name}: the best of our transfer methods is {best}, {means[best] - base:+.1f} "
                f"points against the scenario-2 baseline"
            )
            ours_paper = {m: paper.get((source, target, m), np.nan) for m in transfer}
            if all(np.isfinite(v) for v in ours_paper.values()):
                top = max(ours_paper.values())
                p_best = " and ".join(m for m, v in ours_paper.items() if v == top)
                p_base = paper.get((source, target, BASELINE), np.nan)
                text += f"; the paper's is {p_best}, {top - p_base:+.0f} points"
            out.append(text + ".")
    return out


def overall(scores: pd.DataFrame, published: pd.DataFrame) -> str:
    """Scenario 3 against scenario 2 over all pairs that ran, ours and the paper's."""
    s = scores[scores["method"].isin(["scenario 2", "scenario 3"])]
    if s.empty:
        return ""
    ours = s.groupby(["source", "target", "method"])["accuracy"].mean().unstack("method")
    ours = ours.dropna()
    if ours.empty or not {"scenario 2", "scenario 3"} <= set(ours.columns):
        return ""
    pub = published.set_index(["source", "target", "method"])["value"].unstack("method")
    gap = pub["scenario 3"] - pub["scenario 2"]

    def where(d: float) -> str:
        return f"{abs(d):.1f} points {'above' if d > 0 else 'below'}"

    diff = (ours["scenario 3"] - ours["scenario 2"]).mean()
    pairs = len(ours)
    text = (
        f"Averaged over our {pairs} pair{'s' if pairs > 1 else ''}, scenario 3 lies "
        f"{where(diff)} scenario 2; over the paper's six pairs it lies {where(gap.mean())}"
    )
    same = gap.reindex(ours.index).dropna()
    if 0 < len(same) < len(gap):
        text += (
            f" (over the same {len(same)} pair{'s' if len(same) > 1 else ''}: {where(same.mean())})"
        )
    return text + "."
