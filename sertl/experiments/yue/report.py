"""Yue et al.'s tables: scores per cell, UAR, confusions, the shot curve, rho, sensitivity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ... import verdict
from .._base import GridOptions
from .data import Prepared
from .runner import cells, run
from .settings import EMOTIONS, KEYS, METHODS, PRED


def _uar(counts: np.ndarray) -> float:
    rows = counts.sum(1)
    ok = rows > 0
    return float(np.mean(np.diag(counts)[ok] / rows[ok]))


def scores(rows: pd.DataFrame) -> pd.DataFrame:
    """UAR (%) and rho per cell and classifier, with the unit (``target/fold``)."""
    by = [*KEYS, "classifier"]
    out = []
    for key, part in rows.groupby(by, sort=True):
        counts = part.set_index("true").reindex(list(EMOTIONS))[PRED].to_numpy()
        recall = np.diag(counts) / np.maximum(counts.sum(1), 1)
        out.append(
            {
                **dict(zip(by, key, strict=True)),
                "uar": 100 * _uar(counts),
                **{f"recall_{e}": 100 * r for e, r in zip(EMOTIONS, recall, strict=True)},
                "rho": part["rho"].iloc[0],
            }
        )
    out = pd.DataFrame(out)
    out["pair"] = out["source"] + " → " + out["target"]
    out["unit"] = out["target"] + "/fold " + out["fold"].astype(str)
    return out


def select(
    table: pd.DataFrame,
    *,
    classifier: str,
    source_pretrain: bool,
    k: int | None = None,
    extractor: str | None = None,
) -> pd.DataFrame:
    """The rows of one configuration."""
    keep = (table["classifier"] == classifier) & (table["source_pretrain"] == source_pretrain)
    if k is not None:
        keep &= table["k"] == k
    if extractor is not None:
        keep &= table["extractor"] == extractor
    return table[keep]


def uar_table(sc: pd.DataFrame, k: int) -> pd.DataFrame:
    """Mean UAR (%) and the spread over target folds, per pair, extractor, variant, method.

    Returns:
        Long table: pair, extractor, classifier, source_pretrain, method, mean, sd, n_folds.
    """
    part = sc[sc["k"] == k]
    per_fold = part.groupby(
        ["pair", "extractor", "classifier", "source_pretrain", "method", "fold"]
    )["uar"].mean()
    return (
        per_fold.groupby(level=[0, 1, 2, 3, 4])
        .agg(mean="mean", sd="std", n_folds="count")
        .reset_index()
    )


def variant_name(classifier: str, source_pretrain: bool) -> str:
    """Human name of a (classifier, source pre-training) variant."""
    pre = "source-trained head" if source_pretrain else "no source labels"
    return f"{'cen' if classifier == 'prototype' else 'linear'}, {pre}"


def confusions(rows: pd.DataFrame, by: Sequence[str] = ("method",)) -> dict:
    """Row-normalised confusion matrices: each pair's pooled matrix, then the mean over pairs.

    Args:
        rows: Rows of one configuration (from :func:`run`, filtered).
        by: Grouping columns (``"method"``; add ``"source", "target"`` for one per pair).

    Returns:
        {group key: DataFrame (true x predicted)}.
    """
    pooled = rows.groupby([*by, "source", "target", "true"], sort=False)[PRED].sum()
    norm = pooled.div(pooled.sum(axis=1).where(lambda s: s > 0), axis=0).fillna(0.0)
    mean = norm.groupby(level=[*range(len(by)), len(by) + 2]).mean()
    out = {}
    for key, part in mean.groupby(level=list(range(len(by)))):
        frame = part.droplevel(list(range(len(by)))).reindex(list(EMOTIONS))
        frame.columns = pd.Index(list(EMOTIONS), name="predicted")
        frame.index.name = "true"
        out[key[0] if len(by) == 1 else key] = frame
    return out


def recalls(rows: pd.DataFrame) -> pd.DataFrame:
    """Recall (%) per method and emotion: each pair's pooled recall, mean over pairs."""
    mats = confusions(rows, ("method",))
    return 100 * pd.DataFrame(
        {m: np.diag(mats[m].to_numpy()) for m in mats}, index=list(EMOTIONS)
    ).T.reindex(list(METHODS))


def pair_recalls(rows: pd.DataFrame) -> pd.DataFrame:
    """Recall (%) per emotion of every pair and method: one row each, ``"src → tgt: method"``.

    The diagonal of each pair's pooled confusion matrix (:func:`confusions`), so
    that every pair fits one compact figure instead of one matrix per panel.
    """
    mats = confusions(rows, ("source", "target", "method"))
    return 100 * pd.DataFrame(
        {f"{s} → {t}: {m}": np.diag(mat.to_numpy()) for (s, t, m), mat in mats.items()},
        index=pd.Index(list(EMOTIONS), name="emotion"),
    ).T.rename_axis("pair: method")


def configuration(
    rows: pd.DataFrame, classifier: str, source_pretrain: bool, extractor: str, k: int
) -> pd.DataFrame:
    """The grid's rows of one configuration (classifier, pre-training, extractor, shots)."""
    keep = (
        (rows["classifier"] == classifier)
        & (rows["source_pretrain"] == source_pretrain)
        & (rows["extractor"] == extractor)
        & (rows["k"] == k)
    )
    return rows[keep]


def curve(rows: pd.DataFrame, pair: tuple[str, str] | None, **config: object) -> pd.DataFrame:
    """UAR (%) against shots on one pair: mean and sd over target folds, per method."""
    if pair is None:
        return pd.DataFrame(columns=["extractor", "method", "k", "mean", "sd", "n_folds"])
    sc = select(scores(rows), **config)  # type: ignore[arg-type]
    sc = sc[(sc["source"] == pair[0]) & (sc["target"] == pair[1])]
    per_fold = sc.groupby(["extractor", "method", "k", "fold"])["uar"].mean()
    return (
        per_fold.groupby(level=[0, 1, 2]).agg(mean="mean", sd="std", n_folds="count").reset_index()
    )


def rho_table(sc: pd.DataFrame) -> pd.DataFrame:
    """Mean Spearman rho (learned centroid distances vs prior) per method, over units."""
    per_unit = sc.groupby(["method", "unit"])["rho"].mean()
    out = per_unit.groupby(level=0).agg(mean="mean", sd="std", n_units="count")
    return out.reindex(list(METHODS))


#: Other loss settings of EMOFSL for the sensitivity check (the paper gives no values):
#: EMOFSL's default weighs its metric terms 1.5 in all (kappa1 on PP and PN, kappa2 on MN)
#: against FSTL's 1, so the first variant equalises them; the others move the margins.
SENSITIVITY = {
    "kappa1 = kappa2 = 1/3 (metric weight 1, as FSTL's)": {"kappa1": 1 / 3, "kappa2": 1 / 3},
    "alpha = 1, beta = 0.5 (PN margin as FSTL's)": {"alpha": 1.0, "beta": 0.5},
    "alpha = 3, beta = 1.5 (wider margins)": {"alpha": 3.0, "beta": 1.5},
}


def sensitivity(
    prepared: Prepared,
    pairs: Sequence[tuple[str, str]],
    hp: Mapping,
    *,
    extractor: str,
    seeds: Sequence[int],
    shots: int,
    variants: Mapping[str, Mapping] = SENSITIVITY,
    grid: GridOptions | None = None,
) -> pd.DataFrame:
    """EMOFSL under other loss settings, in the paper's setting (no source labels).

    Returns:
        :func:`scores` rows of every variant, with its name in ``variant``.
    """
    n_folds = {n: len(s) for n, s in prepared.shared()["splits"].items()}
    plan = cells(
        pairs, [extractor], seeds, n_folds, shots, source_pretrain=[False], methods=["EMOFSL"]
    )
    out = [
        scores(run(prepared, plan, {**dict(hp), **dict(change)}, grid=grid)).assign(variant=name)
        for name, change in variants.items()
    ]
    return pd.concat(out, ignore_index=True)


def variant_tests(sc: pd.DataFrame, *, extractor: str, k: int) -> list[verdict.PairedTest]:
    """Each method's UAR with a source-trained head against without, and cen against linear.

    Paired over target folds (sources and seeds averaged within a fold), Bonferroni-adjusted
    over the family; the first comparison uses the ``cen`` classifier, the second no
    source labels.
    """
    part = sc[(sc["extractor"] == extractor) & (sc["k"] == k)]
    tests = []
    for method in METHODS:
        rows = part[part["method"] == method]
        for column, a, b, fixed in (
            ("source_pretrain", True, False, ("classifier", "prototype")),
            ("classifier", "prototype", "linear", ("source_pretrain", False)),
        ):
            sub = rows[rows[fixed[0]] == fixed[1]]
            wide = sub.pivot_table(
                index=["pair", "seed", "fold", "unit"], columns=column, values="uar"
            ).dropna()
            if a not in wide or b not in wide:
                continue
            names = (
                f"{method} ({variant_name(*_variant(column, a))})",
                f"{method} ({variant_name(*_variant(column, b))})",
            )
            wide = wide.rename(columns={a: names[0], b: names[1]})
            tests.append(
                verdict.paired_columns(wide, *names, unit_level="unit", unit="target fold")
            )
    return verdict.adjust(tests)


def _variant(column: str, value: object) -> tuple[str, bool]:
    if column == "source_pretrain":
        return "prototype", bool(value)
    return str(value), False
