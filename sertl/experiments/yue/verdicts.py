"""Yue et al.'s claims, tested on one configuration, and the sentences that state them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ... import verdict
from .report import configuration, confusions, curve, recalls, scores, select, variant_name
from .settings import METHODS, PAPER


def _paired(
    sc: pd.DataFrame, a: str, b: str, value: str, unit: str = "target fold"
) -> verdict.PairedTest:
    """Method ``a`` against ``b`` on ``value``, paired over the units (target folds)."""
    wide = sc.pivot_table(index=["pair", "seed", "fold", "unit"], columns="method", values=value)
    return verdict.paired_columns(wide, a, b, unit_level="unit", unit=unit)


def claims(
    rows: pd.DataFrame,
    *,
    extractor: str,
    shots: int,
    curve_pair: tuple[str, str] | None,
    k_curve: Sequence[int],
    data: str,
    classifier: str = "prototype",
    source_pretrain: bool = False,
) -> tuple[pd.DataFrame, list]:
    """The paper's claims, tested on one configuration (``claims.csv`` rows).

    Args:
        rows: The grid's rows (:func:`~sertl.experiments.yue.run`).
        extractor: The features the claims are tested on.
        shots: Shots per emotion of the main comparison.
        curve_pair: The (source, target) pair of the shot curve, or None.
        k_curve: The shots of the curve.
        data: ``"real"`` or ``"synthetic"`` (the claims' ``data`` column).
        classifier: ``"prototype"`` (the paper's ``cen``) or ``"linear"``.
        source_pretrain: Whether the heads start from a source-trained head.

    Returns:
        (the claims table, the paired tests behind them).
    """
    sc = select(
        scores(rows), classifier=classifier, source_pretrain=source_pretrain, extractor=extractor
    )
    main = sc[sc["k"] == shots]
    config = (
        f"{extractor} features, {variant_name(classifier, source_pretrain)}, k = {shots}, "
        f"{main['pair'].nunique()} pairs"
    )
    out: list[dict] = []

    def add(text: str, holds: bool | None, evidence: str, **kind: str) -> None:
        out.append(
            verdict.claim(PAPER, text, holds, f"{evidence.rstrip('.')}; {config}", data, **kind)
        )

    tests = _uar_claims(add, main)
    keep = configuration(rows, classifier, source_pretrain, extractor, shots)
    both = _emotion_claims(add, main, keep)
    out += _curve_claims(rows, extractor, curve_pair, k_curve, classifier, source_pretrain, data)
    rho = _paired(main, "EMOFSL", "BTL", "rho")
    add(
        "The emotion-distance prior shapes the learned geometry: EMOFSL's test centroids "
        "follow the valence-arousal distances more closely than BTL's (Spearman rho)",
        _decided(rho, rho.outcome == "better"),
        rho_sentence(rho),
        origin="ours",
    )
    return pd.DataFrame(out), [*tests, *both, rho]


def _uar_claims(add: Callable[..., None], main: pd.DataFrame) -> list[verdict.PairedTest]:
    """The three claims on UAR (``add`` each); the adjusted family of their tests."""
    tests = verdict.adjust(
        [
            _paired(main, "EMOFSL", "BTL", "uar"),
            _paired(main, "EMOFSL", "FSTL", "uar"),
            _paired(main, "FSTL", "BTL", "uar"),
        ]
    )
    for test, text in zip(
        tests[:2],
        ("EMOFSL has a higher UAR than BTL", "EMOFSL has a higher UAR than FSTL"),
        strict=True,
    ):
        add(text, _decided(test, test.outcome == "better"), test.sentence)
    pair_means = main.groupby(["pair", "method"])["uar"].mean().unstack()
    share = float((pair_means["FSTL"] > pair_means["BTL"]).mean())
    add(
        "FSTL has a higher UAR than BTL in most cross-corpus pairs",
        share > 0.5,
        f"FSTL above BTL in {(pair_means['FSTL'] > pair_means['BTL']).sum()} of "
        f"{len(pair_means)} pairs; {tests[2].sentence}",
        basis="point estimates",
    )
    return tests


def _emotion_claims(
    add: Callable[..., None], main: pd.DataFrame, keep: pd.DataFrame
) -> list[verdict.PairedTest]:
    """The claims on emotions: recall order, anger and sadness, confusions; their tests."""
    rec = recalls(keep)
    order = rec.loc["EMOFSL"].sort_values(ascending=False)
    add(
        "EMOFSL recognises anger and sadness best of the four emotions",
        set(order.index[:2]) == {"angry", "sad"},
        "EMOFSL recall "
        + ", ".join(f"{e} {v:.1f} %" for e, v in order.items())
        + " (each pair pooled, mean over pairs)",
        basis="point estimates",
    )
    main = main.assign(angry_sad=main[["recall_angry", "recall_sad"]].mean(axis=1))
    both = [_paired(main, m, "BTL", "angry_sad") for m in ("FSTL", "EMOFSL")]
    add(
        "FSTL and EMOFSL recognise anger and sadness better than BTL",
        _decided(both[0], all(t.outcome == "better" for t in both)),
        "mean recall of anger and sadness: " + " ".join(t.sentence for t in both),
    )
    mat = confusions(keep)["EMOFSL"]
    for true, wrong, text in (
        ("happy", "angry", "EMOFSL mistakes happy mostly for anger"),
        ("neutral", "sad", "EMOFSL mistakes neutral mostly for sadness"),
    ):
        others = mat.loc[true].drop(true).sort_values(ascending=False)
        add(
            text,
            others.index[0] == wrong,
            f"{true} predicted as " + ", ".join(f"{e} {100 * v:.1f} %" for e, v in others.items()),
            basis="point estimates",
        )
    return both


def _decided(test: verdict.PairedTest, holds: bool) -> bool | None:
    """Whether a claim resting on ``test`` holds (None: too few units to decide)."""
    return None if test.n_units < verdict.MIN_UNITS else bool(holds)


def _curve_claims(
    rows: pd.DataFrame,
    extractor: str,
    pair: tuple[str, str] | None,
    k_curve: Sequence[int],
    classifier: str,
    source_pretrain: bool,
    data: str,
) -> list[dict]:
    table = curve(rows, pair, classifier=classifier, source_pretrain=source_pretrain)
    table = table[(table["extractor"] == extractor) & table["k"].isin(list(k_curve))]
    means = table.pivot_table(index="k", columns="method", values="mean")
    texts = (
        "UAR rises with the number of shots for all three methods",
        "EMOFSL has the highest UAR at every number of shots",
        "FSTL has a higher UAR than BTL at most numbers of shots",
    )
    if pair is None or len(means) < 2 or not set(METHODS) <= set(means.columns):
        return [verdict.claim(PAPER, t, None, "the shot curve did not run", data) for t in texts]
    where = f"{pair[0]} → {pair[1]}, {extractor} features, k = {', '.join(map(str, means.index))}"
    shown = "; ".join(f"{m}: " + ", ".join(f"{v:.1f}" for v in means[m]) for m in METHODS)
    rising = all(bool(np.all(np.diff(means[m].to_numpy()) > 0)) for m in METHODS)
    best = bool((means["EMOFSL"] > means[["BTL", "FSTL"]].max(axis=1)).all())
    share = float((means["FSTL"] > means["BTL"]).mean())
    evidence = f"mean UAR % over target folds ({where}): {shown}"
    return [
        verdict.claim(PAPER, t, holds, evidence, data, basis="point estimates")
        for t, holds in zip(texts, (rising, best, share > 0.5), strict=True)
    ]


def rho_sentence(test: verdict.PairedTest) -> str:
    """The sentence of a paired test of Spearman's rho (two decimals, no "points")."""
    if test.n_units < verdict.MIN_UNITS:
        return f"{test.a} against {test.b}: rho {test.difference:+.2f} over {test.n_units} units"
    ci = (
        f", {test.level * 100:.3g} % CI {test.low:+.2f} to {test.high:+.2f}"
        if test.low is not None
        else ""
    )
    stat = f"rho {test.difference:+.2f}{ci}; paired t over {test.n_units} {test.unit}s"
    stat += f", {verdict.p_text(test.p_used)}"
    if test.outcome == "no difference":
        return f"{test.a}'s rho is not significantly different from {test.b}'s ({stat})."
    word = "higher" if test.outcome == "better" else "lower"
    return f"{test.a}'s rho is {word} than {test.b}'s ({stat})."


def tally(claims_table: pd.DataFrame) -> str:
    """One sentence counting the paper's claims by outcome, and ours apart."""
    n = len(claims_table)
    if (claims_table["data"] != "real").any():
        return f"Of the {n} claims tested here, none is decided: the data are synthetic stand-ins."
    origin = claims_table.get("origin", pd.Series("paper", index=claims_table.index))
    basis = claims_table.get("basis", pd.Series("test", index=claims_table.index))
    paper = claims_table[origin.fillna("paper") == "paper"]
    holds = paper["holds"]
    yes, no = int((holds == True).sum()), int((holds == False).sum())  # noqa: E712
    untested = int((basis.loc[paper.index].fillna("test") != "test").sum())
    text = (
        f"Of the paper's {len(paper)} claims tested here, {yes} hold, {no} do not, "
        f"{untested} rest on point estimates without a test (inconclusive) and "
        f"{len(paper) - yes - no - untested} are undetermined."
    )
    ours = n - len(paper)
    return text + (f" {ours} further claim(s) are this book's own, counted apart." if ours else "")
