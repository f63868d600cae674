"""The benchmark's summaries: matrix, rankings, figure and computed sentences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats as sps

from ... import verdict
from ...effects import at_chance
from .methods import (
    BASELINE_INPUTS,
    EMOTIONS,
    METHODS,
    PAIR_UNIT,
    PAPERS,
)

#: Chance UAR of the four emotions, in percent.
CHANCE = verdict.chance(len(EMOTIONS))

# ---------------------------------------------------------------------------------------
# summaries


def pair_name(source: str, target: str) -> str:
    """``"emodb→savee"``."""
    return f"{source}→{target}"


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Mean UAR per (pair, method, budget) with its interval over the independent units.

    ``at_chance`` is True where the units' UARs are not above chance by a one-sided
    t-test (:func:`sertl.effects.at_chance`).
    """
    rows = []
    for (source, target, method, k), g in results.groupby(
        ["source", "target", "method", "k"], sort=False
    ):
        kind = g["unit_kind"].iloc[0]
        iv = verdict.interval(g["uar"], g["unit"], unit=kind)
        chance = at_chance(g["uar"], g["unit"], CHANCE)
        rows.append(
            {
                "source": source,
                "target": target,
                "pair": pair_name(source, target),
                "method": method,
                "paper": METHODS[method].paper,
                "k": int(k),
                "uar": iv.mean,
                "low": iv.low,
                "high": iv.high,
                "n_units": iv.n_units,
                "unit": kind,
                "at_chance": chance,
            }
        )
    return pd.DataFrame(rows)


def chance_sentences(summ: pd.DataFrame) -> list[str]:
    """Per budget, the methods not above chance on some pair (none: one sentence saying so)."""
    out = []
    for k, part in summ.groupby("k", sort=True):
        budget = "zero-shot" if k == 0 else f"k = {k}"
        low = part[part["at_chance"]]
        if low.empty:
            out.append(f"{budget}: every method is above chance ({CHANCE:.0f} %) on every pair.")
            continue
        per = low.groupby("method", sort=False)["pair"].agg(list)
        out.append(
            f"{budget}: not above chance ({CHANCE:.0f} %, one-sided t over the units) in "
            f"{len(low)} of {len(part)} cells: "
            + "; ".join(f"{m} on {', '.join(p)}" for m, p in per.items())
            + "."
        )
    return out


def matrix(summ: pd.DataFrame, k: int, text: bool = True) -> pd.DataFrame:
    """Method x pair: ``"mean [low, high]"`` (or the means) at budget ``k``."""
    part = summ[summ["k"] == k]
    if text:
        cells_ = part.assign(
            value=[
                f"{m:.1f} [{lo:.1f}, {hi:.1f}]" if pd.notna(lo) else f"{m:.1f}"
                for m, lo, hi in zip(part["uar"], part["low"], part["high"], strict=True)
            ]
        )
        out = cells_.pivot(index="method", columns="pair", values="value")
    else:
        out = part.pivot(index="method", columns="pair", values="uar")
    order = [m for m in METHODS if m in out.index]
    pairs = list(dict.fromkeys(part["pair"]))
    return out.loc[order, pairs]


@dataclass
class Ranking:
    """Methods ranked across pairs at one budget.

    Attributes:
        k: The budget.
        table: Per method: mean rank, mean UAR over pairs with its interval,
            Bonferroni-adjusted p of its paired t-test against the best (over
            pairs), and whether it is distinguishable.
        friedman_p: Friedman test's p over pairs (NaN when it cannot run).
        friedman_stat: Its chi-square statistic.
        best: The best method (lowest mean rank).
        tests: Paired t-tests over pairs of every other method against the best,
            Bonferroni-adjusted (:func:`sertl.verdict.adjust`).
        n_pairs: Pairs (blocks) ranked.
    """

    k: int
    table: pd.DataFrame
    friedman_p: float
    friedman_stat: float
    best: str
    tests: list
    n_pairs: int

    def sentences(self, alpha: float = 0.05) -> list[str]:
        """Computed sentences: the Friedman test and the post-hoc tests against the best."""
        budget = "zero-shot" if self.k == 0 else f"{self.k} labelled utterances per emotion"
        out = []
        if np.isfinite(self.friedman_p):
            differ = "differ" if self.friedman_p < alpha else "do not differ significantly"
            out.append(
                f"At budget {budget}, the {len(self.table)} methods' ranks over "
                f"{self.n_pairs} corpus pairs {differ} (Friedman χ² = {self.friedman_stat:.1f}, "
                f"p = {self.friedman_p:.2g})."
            )
        top = self.table.loc[self.best]
        if self.n_pairs < verdict.MIN_UNITS:
            out.append(
                f"Best mean rank: **{self.best}** (mean rank {top['mean_rank']:.1f}, mean UAR "
                f"{top['uar']:.1f} % over pairs); {self.n_pairs} corpus pairs are too few for "
                "a test between methods."
            )
            return out
        tied = self.table.index[~self.table["distinguishable"] & (self.table.index != self.best)]
        out.append(
            f"Best mean rank: **{self.best}** (mean rank {top['mean_rank']:.1f}, mean UAR "
            f"{top['uar']:.1f} % over pairs). "
            + (
                f"Not distinguishable from it (paired t-tests over pairs, Bonferroni over "
                f"{len(self.tests)} tests, α = {alpha}): "
                f"{', '.join(tied)}."
                if len(tied)
                else "Every other method is significantly worse (paired t-tests over pairs, "
                f"Bonferroni over {len(self.tests)} tests)."
            )
        )
        return out


def ranking(summ: pd.DataFrame, k: int, alpha: float = 0.05) -> Ranking:
    """Rank the methods of budget ``k`` within each pair; Friedman, then paired t-tests vs best.

    Each other method is compared with the best by a paired t-test over pairs
    (:func:`sertl.verdict.paired`: its p-value and Student-t interval come from
    the same test), Bonferroni-adjusted over the comparisons (:func:`sertl.verdict.adjust`).
    Each method's mean UAR over pairs has a Student-t interval (:func:`sertl.verdict.interval`).

    The pairs are the blocks: each pair gives one mean UAR per method (over its
    units). Pairs share corpora, so they are not fully independent; the tests
    read as descriptive over these 12 pairs.
    """
    wide = matrix(summ, k, text=False).dropna(axis=1)
    ranks = wide.rank(axis=0, ascending=False)
    mean_rank = ranks.mean(axis=1)
    stat = p = float("nan")
    if wide.shape[0] >= 3 and wide.shape[1] >= verdict.MIN_UNITS:
        res = sps.friedmanchisquare(*[wide.loc[m].to_numpy() for m in wide.index])
        stat, p = float(res.statistic), float(res.pvalue)
    best = mean_rank.sort_values(kind="stable").index[0]
    tests = [
        verdict.paired(
            wide.loc[m].to_numpy(),
            wide.loc[best].to_numpy(),
            list(wide.columns),
            names=(m, best),
            unit=PAIR_UNIT,
            alpha=alpha,
        )
        for m in wide.index
        if m != best
    ]
    tests = verdict.adjust(tests)
    rows = []
    by_name = {t.a: t for t in tests}
    for m in wide.index:
        iv = verdict.interval(wide.loc[m].to_numpy(), list(wide.columns), unit=PAIR_UNIT)
        t = by_name.get(m)
        rows.append(
            {
                "method": m,
                "paper": METHODS[m].paper,
                "mean_rank": mean_rank[m],
                "uar": iv.mean,
                "low": iv.low,
                "high": iv.high,
                "p_bonferroni": np.nan if t is None else t.p_used,
                "distinguishable": False if t is None else t.outcome != "no difference",
            }
        )
    table = pd.DataFrame(rows).set_index("method").sort_values("mean_rank", kind="stable")
    return Ranking(k, table, p, stat, best, tests, wide.shape[1])


PAPER_COLOURS = dict(zip(PAPERS, ["C0", "C1", "C2", "C3", "0.45"], strict=True))


def rank_figure(rankings: Sequence[Ranking]) -> plt.Figure:
    """One panel per budget: each method's mean rank over pairs, best at the top.

    Filled dots: not significantly worse than the best (paired t-tests over
    pairs, Bonferroni-adjusted; the shaded band spans them); hollow: worse. The label beside each
    dot is the mean UAR over pairs; colours are the papers.
    """
    sizes = [len(r.table) for r in rankings]
    fig, axes = plt.subplots(
        len(rankings),
        1,
        figsize=(7.5, 0.27 * sum(sizes) + 1.4 * len(rankings) + 0.6),
        squeeze=False,
        gridspec_kw={"height_ratios": sizes},
    )
    for ax, r in zip(axes[:, 0], rankings, strict=True):
        t = r.table.iloc[::-1]
        for i, (_, row) in enumerate(t.iterrows()):
            colour = PAPER_COLOURS[row["paper"]]
            ax.scatter(
                row["mean_rank"],
                i,
                s=46,
                facecolor="white" if row["distinguishable"] else colour,
                edgecolor=colour,
                linewidth=1.5,
                zorder=3,
            )
            ax.annotate(
                f"{row['uar']:.0f} %",
                (row["mean_rank"], i),
                xytext=(7, -3),
                textcoords="offset points",
                fontsize=8,
                color="0.3",
            )
        if r.n_pairs >= verdict.MIN_UNITS:
            tied = t[~t["distinguishable"]]
            ax.axvspan(tied["mean_rank"].min(), tied["mean_rank"].max(), color="0.92", zorder=0)
        ax.set_yticks(np.arange(len(t)), t.index, fontsize=9)
        ax.set_xlim(len(t) + 0.5, 0.5)  # rank 1 on the right, next to the labels of UAR
        ax.set_ylim(-0.7, len(t) - 0.3)
        budget = "zero-shot" if r.k == 0 else f"{r.k} labelled utterances per emotion"
        ax.set_title(f"{budget}: mean rank over {r.n_pairs} corpus pairs", fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[-1, 0].set_xlabel("mean rank within each pair (1 = best; label: mean UAR over pairs)")
    handles = [
        plt.Line2D([], [], marker="o", ls="", color=c, label=p) for p, c in PAPER_COLOURS.items()
    ]
    handles.append(
        plt.Line2D([], [], marker="o", ls="", mfc="white", mec="0.3", label="worse than the best")
    )
    fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False, fontsize=9)
    fig.tight_layout(rect=(0, 0.7 / fig.get_figheight(), 1, 1))
    return fig


def standardisation_tests(summ: pd.DataFrame) -> list[verdict.PairedTest]:
    """Per-speaker against per-corpus standardisation, paired over pairs."""
    wide = matrix(summ, 0, text=False)
    tests = []
    for label in BASELINE_INPUTS.values():
        for clf in ("SVM", "RF"):
            a, b = f"{label} + {clf}, per-speaker z", f"{label} + {clf}"
            if a in wide.index and b in wide.index:
                both = wide.loc[[a, b]].dropna(axis=1)
                tests.append(
                    verdict.paired(
                        both.loc[a].to_numpy(),
                        both.loc[b].to_numpy(),
                        list(both.columns),
                        names=(a, b),
                        unit=PAIR_UNIT,
                    )
                )
    return verdict.adjust(tests) if tests else []


def findings(rankings: Sequence[Ranking], summ: pd.DataFrame, data_kind: str) -> list[str]:
    """The closing sentences: top methods per budget, and what standardisation does."""
    out = []
    for r in rankings:
        top = r.table.head(3)
        budget = "zero-shot" if r.k == 0 else f"with {r.k} labelled utterances per emotion"
        out.append(
            f"On {data_kind} data, {budget}, the top methods by mean rank over {r.n_pairs} pairs: "
            + "; ".join(
                f"{m} ({row['mean_rank']:.1f}, UAR {row['uar']:.1f} %)" for m, row in top.iterrows()
            )
            + "."
        )
    out += [t.sentence for t in standardisation_tests(summ)]
    return out
