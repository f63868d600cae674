"""The tidy scores summarised: verdicts on Table 1, paired effects, trends and computed sentences.

Everything on the fine-tuning grid is measured over support draws, its
independent unit (the frozen settings fine-tuned on one draw are averaged
within it, since they are not independent of each other).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats as sps

from ... import verdict
from .data import FT, FT_LOSS, IDT, OODT, UNITS


def _finetuned(scores: pd.DataFrame, references: str) -> pd.DataFrame:
    grid_rows = scores[scores["grid"] == "finetune"]
    return grid_rows[(grid_rows["method"] == OODT) | (grid_rows["references"] == references)]


def best_settings(scores: pd.DataFrame, references: str = "target") -> pd.DataFrame:
    """Per source and fine-tuning method, the (frozen, speakers) cell with the best mean.

    As in the paper's Table 1, the best cell is chosen on the test data, which
    favours the grid; its values are the UARs of that cell's support draws.

    Args:
        scores: From :func:`~sertl.experiments.feng_chaspari.run`.
        references: The reference set of the fine-tuned rows.

    Returns:
        Columns ``source, method, frozen, speakers, uar, n_draws``.
    """
    ft = _finetuned(scores, references)
    ft = ft[ft["method"].isin([FT, FT_LOSS])]
    means = ft.groupby(["source", "method", "frozen", "speakers"])["uar"].agg(["mean", "size"])
    best = means.loc[means.groupby(["source", "method"])["mean"].idxmax()].reset_index()
    return best.rename(columns={"mean": "uar", "size": "n_draws"})


def verdicts(
    scores: pd.DataFrame,
    published: pd.DataFrame,
    *,
    data: str,
    stand_ins: Mapping[str, str],
    references: str = "target",
    margin: float = verdict.MARGIN,
) -> list[verdict.Verdict]:
    """One verdict per published cell of Table 1, those that cannot run included.

    A fine-tuning row takes the best cell of the grid, chosen on the test data
    as in the paper; its ``reason`` says so, since such an interval is optimistic.

    Args:
        scores: From :func:`run`.
        published: ``sertl.papers.published("feng_chaspari", "Table 1")``.
        data: ``"real"`` or ``"synthetic"``.
        stand_ins: The corpus run in place of each paper source that is absent here.
        references: Which reference set the fine-tuning verdicts use.
        margin: Margin of equivalence, in points.
    """
    ran = set(scores["source"])
    best = best_settings(scores, references).set_index(["source", "method"])
    ft = _finetuned(scores, references)
    out = []
    for _, row in published.iterrows():
        method, source = row["method"], row["source"]
        if method == IDT:
            sub = scores[scores["grid"] == "idt"]
            corpus = source if len(sub) else None
        else:
            corpus = source if source in ran else stand_ins.get(source)
            corpus = corpus if corpus in ran else None
        if corpus is None:
            reason = f"{source} is not configured here and no stand-in ran"
            out.append(verdict.not_run(row, reason))
            continue
        if method == OODT:
            sub = scores[(scores["grid"] == "oodt") & (scores["source"] == corpus)]
        elif method in (FT, FT_LOSS):
            frozen, speakers = best.loc[(corpus, method), ["frozen", "speakers"]]
            sub = ft[
                (ft["source"] == corpus)
                & (ft["method"] == method)
                & (ft["frozen"] == frozen)
                & (ft["speakers"] == speakers)
            ]
        found = verdict.compare(
            row,
            sub["uar"],
            sub["unit"],
            unit=UNITS[method],
            data=data,
            stand_in="" if corpus == source else corpus,
            margin=margin,
        )
        if method in (FT, FT_LOSS):
            n_cells = len(
                ft.loc[(ft["source"] == corpus) & (ft["method"] == method)].groupby(
                    ["frozen", "speakers"]
                )
            )
            found = replace(
                found,
                reason=(
                    f"best of {n_cells} cells ({int(frozen)} frozen, {int(speakers)} speakers), "
                    "chosen on the test data as in the paper: the interval is optimistic"
                ),
            )
        out.append(found)
    return out


def _per_draw(scores: pd.DataFrame, method: str, references: str) -> pd.DataFrame:
    """UAR per (source, support draw) of one method, averaged over frozen settings."""
    ft = _finetuned(scores, references)
    sub = ft[ft["method"] == method]
    return sub.groupby(["source", "unit", "speakers"], as_index=False)["uar"].mean()


def _paired_by_source(
    scores: pd.DataFrame,
    a: tuple[str, str],
    b: tuple[str, str],
    names: tuple[str, str],
) -> pd.DataFrame:
    """Paired t-tests of (method, references) ``a`` against ``b`` per source (Bonferroni)."""
    left, right = _per_draw(scores, *a), _per_draw(scores, *b)
    both = left.merge(right, on=["source", "unit", "speakers"], suffixes=("_a", "_b"))
    sources = list(dict.fromkeys(both["source"]))
    tests = []
    for source in sources:
        g = both[both["source"] == source]
        tests.append(
            verdict.paired(g["uar_a"], g["uar_b"], g["unit"], names=names, unit="support draw")
        )
    tests = verdict.adjust(tests)
    return pd.DataFrame(
        {
            "source": sources,
            "difference": [t.difference for t in tests],
            "low": [t.low for t in tests],
            "high": [t.high for t in tests],
            "p (Bonferroni)": [t.p_used for t in tests],
            "draws": [t.n_units for t in tests],
            "outcome": [t.outcome for t in tests],
            "sentence": [f"From {s}: {t.sentence}" for s, t in zip(sources, tests, strict=True)],
        }
    )


def loss_effect(scores: pd.DataFrame, references: str = "target") -> pd.DataFrame:
    """The distance loss against plain fine-tuning, per source, over support draws.

    The unit is the support draw (a random choice of target speakers and
    utterances); the frozen settings fine-tuned on the same draw are averaged
    within it, since they are not independent of each other.

    Args:
        scores: From :func:`~sertl.experiments.feng_chaspari.run`.
        references: The reference set of the fine-tuned rows.

    Returns:
        One row per source: difference, interval, Bonferroni p, draws, outcome, sentence.
    """
    return _paired_by_source(scores, (FT_LOSS, references), (FT, references), (FT_LOSS, FT))


def finetune_effect(
    scores: pd.DataFrame, method: str = FT, references: str = "target"
) -> pd.DataFrame:
    """Fine-tuning against the OODT model on the same draw's test speakers, per source.

    Args:
        scores: From :func:`~sertl.experiments.feng_chaspari.run`.
        method: :data:`FT` or :data:`FT_LOSS`.
        references: The reference set of the fine-tuned rows.

    Returns:
        As :func:`loss_effect`.
    """
    return _paired_by_source(scores, (method, references), (OODT, references), (method, OODT))


def reference_effect(scores: pd.DataFrame, method: str = FT) -> pd.DataFrame:
    """Target-only references against source plus target references, per source.

    Args:
        scores: From :func:`~sertl.experiments.feng_chaspari.run`.
        method: :data:`FT` or :data:`FT_LOSS`.

    Returns:
        As :func:`loss_effect`.
    """
    return _paired_by_source(
        scores,
        (method, "target"),
        (method, "source+target"),
        ("scoring against the target data only", "scoring against source and target data"),
    )


def speaker_trend(
    scores: pd.DataFrame, method: str = FT, references: str = "target", alpha: float = 0.05
) -> pd.DataFrame:
    """Does fine-tuning's gain over OODT grow with the number of target speakers?

    Spearman's rank correlation between the number of speakers of each support
    draw and the draw's gain over OODT (UAR points, frozen settings averaged).

    Args:
        scores: From :func:`~sertl.experiments.feng_chaspari.run`.
        method: :data:`FT` or :data:`FT_LOSS`.
        references: The reference set of the fine-tuned rows.
        alpha: Level of the test.

    Returns:
        One row per source: ``rho``, ``p``, ``draws`` and a sentence.
    """
    gain = _per_draw(scores, method, references).merge(
        _per_draw(scores, OODT, references),
        on=["source", "unit", "speakers"],
        suffixes=("", "_oodt"),
    )
    gain["gain"] = gain["uar"] - gain["uar_oodt"]
    rows = []
    for source, g in gain.groupby("source", sort=False):
        if g["speakers"].nunique() < 3:
            rho, p = np.nan, np.nan
            sentence = f"From {source}: fewer than three speaker counts, no trend test."
        else:
            rho, p = sps.spearmanr(g["speakers"], g["gain"])
            word = "no trend" if not p < alpha else ("grows" if rho > 0 else "shrinks")
            verb = "shows no trend" if word == "no trend" else f"{word}"
            sentence = (
                f"From {source}: the gain of {method} over OODT {verb} with the number of target "
                f"speakers (Spearman ρ = {rho:+.2f}, p = {p:.2g}, {len(g)} support draws)."
            )
        rows.append({"source": source, "rho": rho, "p": p, "draws": len(g), "sentence": sentence})
    return pd.DataFrame(rows)


def variance_explained(scores: pd.DataFrame, references: str = "target") -> pd.DataFrame:
    """Share of the variance of fine-tuned UAR explained by each factor (η² of its means).

    Args:
        scores: From :func:`~sertl.experiments.feng_chaspari.run`.
        references: The reference set of the fine-tuned rows.

    Returns:
        Columns ``factor`` (source, frozen, speakers, method) and ``eta2``.
    """
    ft = _finetuned(scores, references)
    ft = ft[ft["method"].isin([FT, FT_LOSS])]
    grand = ft["uar"].mean()
    total = ((ft["uar"] - grand) ** 2).sum()
    eta = {}
    for factor in ("source", "frozen", "speakers", "method"):
        between = ft.groupby(factor)["uar"].agg(lambda v: len(v) * (v.mean() - grand) ** 2).sum()
        eta[factor] = float(between / total) if total > 0 else np.nan
    return pd.DataFrame({"factor": list(eta), "eta2": list(eta.values())})


def source_claim(effects: pd.DataFrame, n_sources: int) -> str:
    """The computed sentence on the paper's claim that the source matters more than freezing.

    Args:
        effects: From :func:`variance_explained`.
        n_sources: Sources that ran.
    """
    eta = effects.set_index("factor")["eta2"]
    if n_sources < 2:
        return "With one source, the source's share of the variance cannot be measured."
    holds = eta["source"] > eta["frozen"]
    return (
        f"The source explains {eta['source']:.0%} of the variance of fine-tuned UAR and the number "
        f"of frozen layers {eta['frozen']:.0%}: the paper's finding that the source matters more "
        f"{'holds' if holds else 'does not hold'} here (descriptive, over {n_sources} sources)."
    )


def clamp_sentence(scores: pd.DataFrame) -> str:
    """How often the distance loss's clamp decided, over the fine-tunings with the loss.

    Args:
        scores: From :func:`~sertl.experiments.feng_chaspari.run` (empty without ``clamp_share``).
    """
    if "clamp_share" not in scores:
        return ""
    share = scores.loc[scores["method"] == FT_LOSS, "clamp_share"].dropna()
    if share.empty:
        return ""
    return (
        f"The distance loss's denominator was clamped (same-emotion pairs as far apart as "
        f"different-emotion pairs, so that the loss only shrinks all distances) in "
        f"{100 * share.mean():.1f} % of its batches on average over {len(share)} fine-tunings; "
        f"in {int((share > 0.5).sum())} of them in more than half of the batches."
    )
