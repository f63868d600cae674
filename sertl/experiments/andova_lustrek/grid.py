"""The two grids: the source FCNNs (:func:`train_source`), then one cell per target subject."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, balanced_accuracy_score

from ... import grid as gridlib
from ...device import stable_seed
from ...models import TransferFCNN
from .._base import GridOptions, Prepared
from .methods import fit_predict, source_model
from .settings import COLUMNS, EMOTIONS, METHODS, OWN_SPEECH, PAPER, TABLE2, TABLE3, Settings


def source_cells(pairs: Sequence[Sequence[str]], seeds: Sequence[int]) -> list[dict]:
    """One cell per (source, seed): the FCNN's training on the whole source."""
    sources = dict.fromkeys(s for s, _ in pairs)
    return [{"source": s, "seed": int(k)} for s in sources for k in seeds]


def train_source(
    source: str, seed: int, *, corpora: Mapping[str, Prepared], settings: dict
) -> list:
    """The FCNN trained on the whole source corpus (shared by every target subject)."""
    opts = Settings(**settings)
    c = corpora[source]
    model = source_model(
        c.X,
        c.names(EMOTIONS),
        hidden=opts.fcnn_hidden,
        epochs=opts.fcnn_epochs,
        fine_tune_epochs=opts.fcnn_finetune_epochs,
        lr=opts.fcnn_lr,
        batch_size=opts.fcnn_batch,
        device=opts.device,
        random_state=stable_seed(seed, source, "FCNN"),
    )
    return [{"fcnn": model, "source_loss": model.source_loss_[-1] if opts.fcnn_epochs else np.nan}]


def cells(
    pairs: Sequence[Sequence[str]], seeds: Sequence[int], subjects: Mapping[str, Sequence[str]]
) -> list[dict]:
    """One cell per (source, target, seed, target subject).

    Args:
        pairs: ``[source, target]`` pairs.
        seeds: Seeds.
        subjects: The training subjects of each target (:func:`target_subjects`).
    """
    return [
        {"source": s, "target": t, "seed": int(k), "subject": str(subject)}
        for s, t in pairs
        for k in seeds
        for subject in subjects[t]
    ]


def cell(
    source: str,
    target: str,
    seed: int,
    subject: str,
    *,
    corpora: Mapping[str, Prepared],
    settings: dict,
    fcnn: Mapping[str, TransferFCNN] | None = None,
) -> list[dict]:
    """Every method for one target subject as the labelled target speech.

    Args:
        source: Source corpus.
        target: Target corpus.
        seed: Seed (each model's seed is derived from it and the cell).
        subject: The target's training subject; the other subjects are the test set.
        corpora: From :func:`prepare`.
        settings: ``dataclasses.asdict`` of :class:`Settings`.
        fcnn: Source-trained FCNNs by ``"source/seed"`` (from :func:`train_source`).

    Returns:
        One row per method (columns :data:`COLUMNS`).
    """
    opts = Settings(**settings)
    src, tgt = corpora[source], corpora[target]
    # the methods take emotion names (fit_predict is shared with chapter 08; a forest's
    # classes, and so its ties, follow the names' order)
    ys, y = src.names(EMOTIONS), tgt.names(EMOTIONS)
    train = tgt.speaker == subject
    xs, xt, yt, xe, ye = src.X, tgt.X[train], y[train], tgt.X[~train], y[~train]
    dbn = opts.dbn_kwargs()

    def predict(method: str) -> np.ndarray | None:
        if method == "FCNN":
            base = (fcnn or {}).get(f"{source}/{seed}")
            if base is None:
                raise KeyError(f"no source-trained FCNN for {source}/{seed}: run train_source")
            return base.fine_tune(xt, yt).predict(xe)
        # scenarios 1 and 2 do not depend on the subject or the source: same models everywhere
        parts = {"scenario 1": (source,), "scenario 2": (target, subject)}
        return fit_predict(
            method,
            xs,
            ys,
            xt,
            yt,
            xt if method in OWN_SPEECH else xe,
            random_state=stable_seed(seed, *parts.get(method, (source, target, subject)), method),
            n_trees=opts.n_trees,
            max_depth=opts.max_depth,
            n_bins=opts.n_bins,
            dbn=dbn,
            device=opts.device,
        )

    n_train = {"majority": len(yt), "scenario 1": len(ys), "scenario 2": len(yt)}
    rows = []
    for method in opts.methods:
        pred = predict(method)
        truth = yt if method in OWN_SPEECH else ye
        table = "Table 2" if method in TABLE2 else "Table 3" if method in TABLE3 else "variant"
        ok = pred is not None
        rows.append(
            {
                "source": source,
                "target": target,
                "seed": seed,
                "subject": subject,
                "table": table,
                "method": method,
                "n_train": n_train.get(method, len(ys) + len(yt)),
                "n_test": len(truth),
                "accuracy": 100 * accuracy_score(truth, pred) if ok else np.nan,
                "uar": 100 * balanced_accuracy_score(truth, pred) if ok else np.nan,
            }
        )
    return rows


def run(
    corpora: Mapping[str, Prepared],
    *,
    pairs: Sequence[Sequence[str]],
    seeds: Sequence[int],
    subjects: Mapping[str, Sequence[str]],
    settings: Settings,
    grid: GridOptions | None = None,
) -> pd.DataFrame:
    """Both grids: the source FCNNs, then every (pair, seed, subject) cell.

    Args:
        corpora: From :func:`prepare`; must hold every corpus of ``pairs``.
        pairs: ``[source, target]`` pairs.
        seeds: Seeds.
        subjects: Training subjects per target (:func:`target_subjects`).
        settings: The methods' options.
        grid: The runner's options (the settings are added to its fingerprint here).

    Returns:
        The scores, one row per method and cell (columns :data:`COLUMNS`).
    """
    pairs = [tuple(p) for p in pairs]
    opts = asdict(settings)
    common = (grid or GridOptions()).kwargs(f"{sorted(opts.items())!r}")
    fcnn = {}
    if "FCNN" in settings.methods:
        trained = gridlib.run(
            train_source,
            source_cells(pairs, seeds),
            name=f"{PAPER}_source",
            keys=["source", "seed"],
            shared={"corpora": {s: corpora[s] for s, _ in pairs}, "settings": opts},
            **common,
        )
        fcnn = {f"{r.source}/{r.seed}": r.fcnn for r in trained.itertuples()}
    scores = gridlib.run(
        cell,
        cells(pairs, seeds, subjects),
        name=PAPER,
        keys=["source", "target", "seed", "subject"],
        shared={"corpora": dict(corpora), "settings": opts, "fcnn": fcnn},
        **common,
    )
    if scores.empty:
        return pd.DataFrame(columns=COLUMNS)
    order = {m: i for i, m in enumerate(METHODS)}
    scores = scores.sort_values(
        ["source", "target", "seed", "subject", "method"],
        key=lambda c: c.map(order) if c.name == "method" else c,
        kind="mergesort",
    )
    return scores[COLUMNS].reset_index(drop=True)
