"""The papers' effects and findings, computed from each chapter's scores.

The papers' claims are mostly effects: one method against another. Each paper
chapter turns the comparisons its paper draws into rows of ``effects.csv``
(:class:`sertl.verdict.Effect`: our difference, paired over the protocol's
independent units, beside the paper's difference computed from its published
values), and its stated conclusions into rows of ``findings.csv`` (judged by
:func:`sertl.verdict.finding` from the effect rows they rest on).

The conclusions themselves are data: ``findings`` in each paper's file of
``sertl/data/papers/`` (paraphrased, with the comparisons they rest on).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from . import papers, verdict


def at_chance(values: Sequence[float], units: Sequence, chance: float, alpha: float = 0.05) -> bool:
    """Whether scores are not above ``chance`` by a one-sided t-test over units.

    Args:
        values: One UAR (or balanced accuracy) per run, in percent.
        units: The independent unit of each run (runs of a unit are averaged).
        chance: Chance level, in percent (:func:`sertl.verdict.chance`).
        alpha: Significance level.

    Returns:
        True when the per-unit means are not significantly above chance (or fewer
        than three units leave it untested and their mean is not above chance).
    """
    x = verdict.unit_means(values, units).to_numpy()
    if len(x) < verdict.MIN_UNITS:
        return not (len(x) and x.mean() > chance)
    if np.ptp(x) == 0:
        return bool(x[0] <= chance)
    p = sps.ttest_1samp(x, chance, alternative="greater").pvalue
    return not p < alpha


def _published(paper: str) -> pd.Series:
    pub = papers.published(paper)
    return pub.set_index(["table", "method", "source", "target"])["value"]


def _difference(pub: pd.Series, table_a: str, a: str, table_b: str, b: str, s: str, t: str):
    va = pub.get((table_a, a, s, t), math.nan)
    vb = pub.get((table_b, b, s, t), math.nan)
    return float(va) - float(vb)


def _compared(
    wide: pd.DataFrame,
    a: str,
    b: str,
    *,
    unit_level: str,
    unit: str,
    chance: float,
    exempt: Sequence[str] = (),
    chance_on: pd.DataFrame | None = None,
    **effect: object,
) -> verdict.Effect:
    """``a`` minus ``b`` paired over ``unit_level``; an arm not above chance is degenerate.

    Args:
        wide: One column per arm, indexed by unit (and seed, averaged within a unit).
        a: The first arm.
        b: The second arm.
        unit_level: The index level holding the unit.
        unit: Name of the unit.
        chance: Chance level, in percent.
        exempt: Arms never called degenerate (a chance reference such as the majority
            class), besides those already found degenerate (``effect["degenerate"]``).
        chance_on: The scores tested against chance, laid out as ``wide`` (default
            ``wide``; Andova & Luštrek compare accuracy but test UAR against chance).
        **effect: Keyword arguments of :func:`sertl.verdict.effect`.
    """
    found = list(effect.pop("degenerate", ()))
    for arm in (a, b):
        values = (wide if chance_on is None else chance_on)[arm].dropna()
        if arm in exempt or arm in found:
            continue
        if at_chance(values, values.index.get_level_values(unit_level), chance):
            found.append(arm)
    test = verdict.paired_columns(wide, a, b, unit_level=unit_level, unit=unit)
    return verdict.effect(test, degenerate=[m for m in (a, b) if m in found], **effect)


# ---------------------------------------------------------------------------------------
# Andova & Luštrek


#: Andova & Luštrek's comparisons: (table, a, b). Every Table 3 method against the
#: scenario-2 forest (the paper's reference), scenario 3 against scenario 2, scenario 1
#: against the majority class, and normalisation 2 against the other transfer methods.
ANDOVA_COMPARISONS = (
    *[
        ("Table 3", m, "scenario 2")
        for m in ("normalisation 1", "normalisation 2", "multi-task", "FCNN", "DBN")
    ],
    ("Table 2", "scenario 3", "scenario 2"),
    ("Table 2", "scenario 1", "majority"),
    ("Table 2", "scenario 2", "majority"),
    ("Table 2", "scenario 3", "majority"),
    ("Table 3", "DBN", "majority"),
    *[("Table 3", "normalisation 2", m) for m in ("normalisation 1", "multi-task", "FCNN", "DBN")],
    # beyond the paper's own comparisons: the method against its scenario-3 data alone
    ("Table 3", "normalisation 1", "scenario 3"),
    ("Table 3", "multi-task", "scenario 3"),
)
#: The methods of Andova & Luštrek's Table 2 (their published values are there).
_TABLE2 = ("majority", "scenario 1", "scenario 2", "scenario 3")
#: Methods that are a chance reference themselves, never "degenerate".
CHANCE_REFERENCES = ("majority",)


def andova_lustrek(
    scores: pd.DataFrame, *, data: str, margin: float = verdict.MARGIN, n_classes: int = 4
) -> pd.DataFrame:
    """Effects of Andova & Luštrek's Tables 2 and 3, per pair that ran.

    Accuracy (the paper's metric), paired over target subjects (seeds averaged
    within a subject); a method whose UAR is not above chance over the subjects
    is degenerate and not compared.

    Args:
        scores: The chapter's ``scores.csv``.
        data: ``"real"`` or ``"synthetic"``.
        margin: Margin of equivalence, in points.
        n_classes: Number of emotions (chance = 100 / n).

    Returns:
        The ``effects.csv`` table.
    """
    pub = _published("andova_lustrek")
    unit = "target subject"
    source_free = set(papers.spec("andova_lustrek").get("source_free", []))
    seen = set()
    rows = []
    for (source, target), group in scores.groupby(["source", "target"], sort=False):
        wide = group.pivot_table(
            index=["subject", "seed"], columns="method", values="accuracy", aggfunc="mean"
        )
        uar = group.pivot_table(index=["subject", "seed"], columns="method", values="uar")
        for table, a, b in ANDOVA_COMPARISONS:
            if not {a, b} <= set(wide.columns):
                continue
            setting = f"{source} → {target}"
            if {a, b} <= source_free:  # the same models for every source: one row per target
                if (a, b, target) in seen:
                    continue
                seen.add((a, b, target))
                setting = f"any source → {target}"
            base_table = "Table 2" if b in _TABLE2 else table
            rows.append(
                _compared(
                    wide,
                    a,
                    b,
                    unit_level="subject",
                    unit=unit,
                    chance=verdict.chance(n_classes),
                    # against a chance reference, being at chance is the question itself
                    exempt=(a, b) if b in CHANCE_REFERENCES else (),
                    chance_on=uar,
                    paper="andova_lustrek",
                    table=table,
                    setting=setting,
                    paper_difference=_difference(pub, table, a, base_table, b, source, target),
                    margin=margin,
                    data=data,
                )
            )
    return verdict.effects_table(rows)


# ---------------------------------------------------------------------------------------
# Feng & Chaspari


def feng_chaspari(
    scores: pd.DataFrame,
    *,
    data: str,
    stand_ins: Mapping[str, str],
    references: str = "target",
    margin: float = verdict.MARGIN,
    n_classes: int = 4,
) -> pd.DataFrame:
    """Effects of Feng & Chaspari's Table 1, per source that ran.

    Fine-tuning minus OODT, and fine-tuning with the distance loss minus plain
    fine-tuning, paired over support draws (each draw's frozen settings
    averaged). The paper's differences are those of its best cells; ours average
    the whole grid of frozen layers and speaker counts, chosen in advance.

    Args:
        scores: The chapter's ``scores.csv``.
        data: ``"real"`` or ``"synthetic"``.
        stand_ins: The corpus run in place of each paper source (``{"crema_d": "emodb"}``).
        references: The reference set of the fine-tuned models.
        margin: Margin of equivalence, in points.
        n_classes: Number of emotions.

    Returns:
        The ``effects.csv`` table.
    """
    from .experiments import feng_chaspari as fc

    pub = _published("feng_chaspari")
    paper_source = {corpus: paper for paper, corpus in stand_ins.items()}
    per = {
        m: fc._per_draw(scores, m, references).set_index(["source", "speakers", "unit"])["uar"]
        for m in (fc.OODT, fc.FT, fc.FT_LOSS)
    }
    wide = pd.DataFrame(per)
    rows = []
    for source in dict.fromkeys(wide.index.get_level_values("source")):
        part = wide.xs(source, level="source")
        original = source if (("Table 1", fc.OODT, source, "ravdess") in pub.index) else None
        original = original or paper_source.get(source, "")
        for a, b in ((fc.FT, fc.OODT), (fc.FT_LOSS, fc.FT)):
            diff = (
                _difference(pub, "Table 1", a, "Table 1", b, original, "ravdess")
                if original
                else math.nan
            )
            rows.append(
                _compared(
                    part,
                    a,
                    b,
                    unit_level="unit",
                    unit="support draw",
                    chance=verdict.chance(n_classes),
                    paper="feng_chaspari",
                    table="Table 1",
                    setting=f"{original or source} → ravdess",
                    paper_difference=diff,
                    margin=margin,
                    data=data,
                    stand_in=source if original and original != source else "",
                )
            )
    return verdict.effects_table(rows)


# ---------------------------------------------------------------------------------------
# Lian et al.


def lian(
    scores: pd.DataFrame,
    *,
    data: str,
    stand_in: str = "",
    proposed: str = "pairwise discriminative task",
    unit: str = "test speaker",
    unit_column: str = "unit",
    degenerate: Sequence[str] = (),
    margin: float = verdict.MARGIN,
    n_classes: int = 4,
) -> pd.DataFrame:
    """Effects of Lian et al.'s Table 3: the pairwise task against each baseline.

    The pairwise task minus each duration baseline, and each longer baseline
    minus the shortest.

    Paired over the protocol's test units (seeds averaged within a unit).

    Args:
        scores: Per-unit rows (``method``, ``seed``, ``unit_column``, ``uar``).
        data: ``"real"`` or ``"synthetic"``.
        stand_in: The corpus run in place of IEMOCAP, if any.
        proposed: Name of the pairwise method in ``scores``.
        unit: Name of the unit.
        unit_column: Column of ``scores`` that holds the unit.
        degenerate: Methods found degenerate (one class for >= 90 % of the test items).
        margin: Margin of equivalence, in points.
        n_classes: Number of emotions.

    Returns:
        The ``effects.csv`` table.
    """
    pub = _published("lian")
    wide = scores.pivot_table(
        index=[unit_column, "seed"], columns="method", values="uar", aggfunc="mean"
    )
    baselines = sorted(m for m in wide.columns if m != proposed)
    comparisons = [(proposed, b) for b in baselines if proposed in wide.columns]
    # longer crops against the shortest (the paper's Exp. 1 to 4)
    comparisons += [(b, baselines[0]) for b in baselines[1:]]
    rows = []
    for a, b in comparisons:
        rows.append(
            _compared(
                wide,
                a,
                b,
                unit_level=unit_column,
                unit=unit,
                chance=verdict.chance(n_classes),
                degenerate=[m for m in (a, b) if m in degenerate],
                paper="lian",
                table="Table 3",
                setting="iemocap",
                paper_difference=_difference(pub, "Table 3", a, "Table 3", b, "iemocap", "iemocap"),
                margin=margin,
                data=data,
                stand_in=stand_in,
            )
        )
    return verdict.effects_table(rows)


# ---------------------------------------------------------------------------------------
# Yue et al.


def yue(
    scores: pd.DataFrame,
    *,
    data: str,
    k: int,
    classifier: str = "prototype",
    source_pretrain: bool = False,
    pretrained: Sequence[str] = ("whisper", "hf"),
    traditional: str = "egemaps",
    margin: float = verdict.MARGIN,
    n_classes: int = 4,
) -> pd.DataFrame:
    """Effects of Yue et al.: EMOFSL minus FSTL, FSTL minus BTL, EMOFSL minus BTL.

    And, for the paper's conclusion that pre-trained features beat traditional
    ones, each method on a pre-trained extractor's features minus on
    ``traditional`` features, over the same target folds.

    Per feature extractor, over the target folds of every pair (a fold met as
    the target of several sources is one unit, its pairs averaged). The paper's
    results table is missing from its text, so its differences are unknown: the
    verdict is on the direction the text states (the first method above).

    Args:
        scores: :func:`sertl.experiments.yue.scores` of the chapter's rows.
        data: ``"real"`` or ``"synthetic"``.
        k: Shots per emotion.
        classifier: ``"prototype"`` or ``"linear"``.
        source_pretrain: Whether the head is trained on the labelled source first.
        pretrained: Extractor keys of pre-trained encoders.
        traditional: Extractor key of the traditional (openSMILE) features.
        margin: Margin of equivalence, in points.
        n_classes: Number of emotions.

    Returns:
        The ``effects.csv`` table.
    """
    keep = (
        (scores["k"] == k)
        & (scores["classifier"] == classifier)
        & (scores["source_pretrain"] == source_pretrain)
    )
    rows = []
    chance = verdict.chance(n_classes)
    for extractor, part in scores[keep].groupby("extractor", sort=False):
        wide = part.pivot_table(
            index=["unit", "pair", "seed"], columns="method", values="uar", aggfunc="mean"
        )
        for a, b in (("EMOFSL", "FSTL"), ("FSTL", "BTL"), ("EMOFSL", "BTL")):
            if not {a, b} <= set(wide.columns):
                continue
            rows.append(
                _compared(
                    wide,
                    a,
                    b,
                    unit_level="unit",
                    unit="target fold",
                    chance=chance,
                    paper="yue",
                    table="Table II (not in the text)",
                    setting=f"{extractor} features, k = {k}, {part['pair'].nunique()} pairs",
                    margin=margin,
                    data=data,
                )
            )
    rows += _feature_effects(
        scores[keep], pretrained, traditional, data=data, k=k, margin=margin, chance=chance
    )
    return verdict.effects_table(rows)


def _feature_effects(
    scores: pd.DataFrame,
    pretrained: Sequence[str],
    traditional: str,
    *,
    data: str,
    k: int,
    margin: float,
    chance: float,
) -> list[verdict.Effect]:
    """Each method on a pre-trained extractor's features minus on traditional ones."""
    rows = []
    for extractor in [e for e in pretrained if e in set(scores["extractor"])]:
        for method in ("BTL", "FSTL", "EMOFSL"):
            part = scores[scores["method"] == method]
            wide = part.pivot_table(
                index=["unit", "pair", "seed"], columns="extractor", values="uar", aggfunc="mean"
            )
            if not {extractor, traditional} <= set(wide.columns):
                continue
            wide = wide.rename(columns={e: f"{method} on {e}" for e in (extractor, traditional)})
            a, b = f"{method} on {extractor}", f"{method} on {traditional}"
            rows.append(
                _compared(
                    wide,
                    a,
                    b,
                    unit_level="unit",
                    unit="target fold",
                    chance=chance,
                    paper="yue",
                    table="Conclusion",
                    setting=f"k = {k}, {part['pair'].nunique()} pairs",
                    margin=margin,
                    data=data,
                )
            )
    return rows


def yue_sensitivity(
    scores: pd.DataFrame,
    variants: pd.DataFrame,
    *,
    data: str,
    k: int,
    margin: float = verdict.MARGIN,
) -> pd.DataFrame:
    """EMOFSL under each other loss setting minus FSTL, over the same target folds.

    Args:
        scores: The chapter's scores (FSTL and EMOFSL, the paper's setting).
        variants: :func:`sertl.experiments.yue.sensitivity` rows.
        data: ``"real"`` or ``"synthetic"``.
        k: Shots per emotion.
        margin: Margin of equivalence, in points.
    """
    rows = []
    extractor = variants["extractor"].iloc[0]
    keep = (
        (scores["k"] == k)
        & (scores["classifier"] == "prototype")
        & (~scores["source_pretrain"].astype(bool))
        & (scores["extractor"] == extractor)
    )
    base = scores[keep & scores["method"].isin(["FSTL", "EMOFSL"])]
    var = variants[(variants["k"] == k) & (variants["classifier"] == "prototype")]
    frames = [base.assign(arm=base["method"])]
    frames += [var.assign(arm=[f"EMOFSL ({v})" for v in var["variant"]])]
    both = pd.concat(frames, ignore_index=True)
    seeds = set(var["seed"])
    both = both[both["seed"].isin(seeds)]  # the variants ran on these seeds only
    wide = both.pivot_table(
        index=["unit", "pair", "seed"], columns="arm", values="uar", aggfunc="mean"
    )
    for arm in ["EMOFSL", *[f"EMOFSL ({v})" for v in dict.fromkeys(var["variant"])]]:
        if arm not in wide or "FSTL" not in wide:
            continue
        test = verdict.paired_columns(wide, arm, "FSTL", unit_level="unit", unit="target fold")
        rows.append(
            verdict.effect(
                test,
                paper="yue",
                table="sensitivity (ours)",
                setting=f"{extractor} features, k = {k}, seeds {sorted(seeds)}",
                margin=margin,
                data=data,
            )
        )
    return verdict.effects_table(rows)


# ---------------------------------------------------------------------------------------
# Findings


def findings(paper: str, effects: pd.DataFrame, *, margin: float = verdict.MARGIN) -> pd.DataFrame:
    """The paper's stated conclusions (its data file's ``findings``), each judged.

    Each finding names the comparisons it rests on (``a − b``, optionally only
    some tables or settings); :func:`sertl.verdict.finding` judges it from those
    effect rows.

    Args:
        paper: Paper key.
        effects: The chapter's ``effects.csv`` table.
        margin: Margin of equivalence, in points.

    Returns:
        The ``findings.csv`` table: ``paper, finding, verdict, evidence``.
    """
    rows = []
    for spec in papers.spec(paper).get("findings", []) or []:
        wanted = set(spec.get("comparisons", []))
        sub = effects[effects["comparison"].isin(wanted)] if len(effects) else effects
        if len(sub) and spec.get("settings"):
            sub = sub[sub["setting"].str.contains("|".join(spec["settings"]), regex=True)]
        rows.append(
            verdict.finding(
                paper,
                spec["text"],
                sub,
                kind=spec.get("kind", "greater"),
                margin=margin,
                untestable=spec.get("untestable", "") if not len(sub) else "",
            )
        )
    return pd.DataFrame(rows, columns=["paper", "finding", "verdict", "evidence"])
