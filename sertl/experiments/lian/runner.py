"""The grid: one cell per fold, seed and variant, run through :func:`sertl.grid.run`.

Every cell trains one model (the pairwise task on ``proposed_duration``-second
crops, or the softmax baseline on crops of one of ``durations`` seconds) on one
fold of :func:`~sertl.experiments.lian.protocol.rotation` and returns tidy rows:
its test predictions, its training curve and, for the pairwise task of the first
fold, the training vectors the figures draw.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ... import grid as gridlib
from ...device import stable_seed
from .._base import GridOptions, Prepared, indices
from .method import pairwise, softmax
from .settings import EMOTIONS, PAIRWISE, Settings, baseline


def inputs(table: pd.DataFrame, x: np.ndarray, folds: Sequence[dict]) -> dict:
    """What every cell shares: the compact inputs as one corpus, and the folds.

    Args:
        table: The corpus table, one row per item of ``x``.
        x: Compact inputs (:func:`~sertl.experiments.lian.data.compact`).
        folds: :func:`~sertl.experiments.lian.protocol.rotation`.

    Returns:
        ``prepared`` (a :class:`~sertl.experiments._base.Prepared`: ``X`` the inputs,
        ``y`` indices into :data:`EMOTIONS`, ``speaker``, ``table``) and ``folds``.
    """
    return {
        "prepared": Prepared(
            X=x,
            y=indices(table["emotion"].to_numpy(), EMOTIONS, where="lian.inputs"),
            speaker=table["speaker"].astype(str).to_numpy(),
            table=table,
        ),
        "folds": [{k: (np.asarray(v) if k != "name" else v) for k, v in f.items()} for f in folds],
    }


def cells(
    seeds: Sequence[int], durations: Sequence[float], proposed_duration: float, n_folds: int = 1
) -> list[dict]:
    """One cell per fold, seed and variant: the pairwise task and one baseline per duration."""
    out = []
    for fold in range(n_folds):
        for s in seeds:
            out.append({"method": PAIRWISE, "duration": proposed_duration, "seed": s, "fold": fold})
            out += [
                {"method": baseline(d), "duration": d, "seed": s, "fold": fold} for d in durations
            ]
    return out


def cell(
    *, method: str, duration: float, seed: int, fold: int = 0, data: dict, config: dict
) -> pd.DataFrame:
    """Train one model (one fold, seed and variant) and test it on the fold's test group.

    Both methods train on the fold's training part and keep the epoch with the best
    validation UAR (the pairwise task: an SVM on the training vectors scored on the
    validation part); the pairwise task's test score is an SVM's on its training vectors.

    Args:
        method: :data:`PAIRWISE` or :func:`baseline` of a duration.
        duration: Crop length in seconds.
        seed: The run's seed; the model's seed is derived from it, the fold and the variant.
        fold: Index into ``data["folds"]``.
        data: :func:`inputs`.
        config: :meth:`Settings.as_dict`.

    Returns:
        Tidy rows with a ``record`` column: ``test`` (one per test utterance: ``item,
        unit, speaker, true, predicted``), ``curve`` (one per epoch) and, for the
        pairwise task of the first fold, ``embedding`` (one per training utterance).

    Raises:
        ValueError: ``method`` is neither the pairwise task nor the baseline of ``duration``.
    """
    settings = Settings.from_params(config)
    prepared: Prepared = data["prepared"]
    x, y = prepared.X, prepared.y
    part = data["folds"][fold]
    train, val, test = part["train"], part["val"], part["test"]
    model_seed = stable_seed(seed, method, duration, fold)
    rows: list[dict] = []
    if method == PAIRWISE:
        pred, history, train_emb = pairwise(x, y, train, val, test, settings, model_seed)
        if fold == 0:  # the figures draw one fold's training vectors
            rows += [
                {"record": "embedding", "item": int(i), "true": EMOTIONS[y[i]], "embedding": e}
                for i, e in zip(train, train_emb, strict=True)
            ]
    elif method == baseline(duration):
        pred, history = softmax(x, y, train, val, test, duration, settings, model_seed)
    else:
        raise ValueError(f"unknown method {method!r} for duration {duration}")
    rows += [{"record": "curve", "unit": part["name"], **h} for h in history]
    rows += _test_rows(prepared, test, pred, part["name"])
    return pd.DataFrame(rows)


def _test_rows(prepared: Prepared, test: np.ndarray, pred: np.ndarray, unit: str) -> list[dict]:
    """One ``test`` record per test utterance: its speaker, true and predicted emotion."""
    return [
        {
            "record": "test",
            "item": int(i),
            "unit": unit,
            "speaker": prepared.speaker[i],
            "true": EMOTIONS[prepared.y[i]],
            "predicted": EMOTIONS[p],
        }
        for i, p in zip(test, pred, strict=True)
    ]


def run(
    data: dict,
    settings: Settings,
    *,
    seeds: Sequence[int],
    durations: Sequence[float],
    grid: GridOptions | None = None,
) -> pd.DataFrame:
    """Run the whole grid (:func:`cells`) through :func:`sertl.grid.run`.

    Args:
        data: :func:`inputs`' output.
        settings: The methods' settings.
        seeds: Seeds of the models.
        durations: Crop lengths of the baselines, in seconds.
        grid: The runner's options (fingerprint, scheduler, store, progress).
    """
    config = settings.as_dict()
    options = grid or GridOptions()
    return gridlib.run(
        cell,
        cells(seeds, durations, settings.duration, len(data["folds"])),
        name="03_lian",
        keys=["method", "duration", "seed", "fold"],
        shared={"data": data, "config": config},
        **options.kwargs(json.dumps(config, sort_keys=True)),
    )
