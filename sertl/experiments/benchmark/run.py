"""The benchmark's protocol and grid: inputs, support draws, source models, cells.

The protocol: an ordered pair of corpora (source -> target), the four emotions
(:data:`EMOTIONS`), and a target budget. With budget 0 (zero-shot) a method
trains on the whole source and is tested on every target speaker; the unit of
its intervals is the **target speaker** (one UAR per speaker). With budget
``k > 0`` (few-shot) a support set of ``k`` labelled utterances per emotion is
drawn from each of ``n_speakers`` target speakers; the other target speakers are
the test set, and the unit is the **support draw** (one UAR over the pooled test
speakers per draw). Every method of a (pair, budget, draw) sees the same
support and test speech, so methods are paired.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score

from ... import features
from ... import grid as gridlib
from ...device import stable_seed
from ...metrics import uar
from ...protocols import FewShotSplit
from .._base import GridOptions, unit_scores
from .methods import (
    EMOTIONS,
    FEATURE_SETS,
    FEW_UNIT,
    METHODS,
    SOURCE_KINDS,
    ZERO_UNIT,
    Settings,
    check_methods,
    predict,
    train_source_model,
)


def prepare(
    tables: Mapping[str, pd.DataFrame],
    methods: Sequence[str],
    *,
    spectrogram_seconds: float = 3.0,
    max_files: int | None = None,
    seed: int = 0,
    standardise_corpora: bool = True,
) -> dict[str, dict]:
    """The four emotions of each corpus, with every input the methods need.

    Args:
        tables: Corpus tables by name.
        methods: The methods to run (decides which inputs are extracted).
        spectrogram_seconds: Crop of the log spectrograms (pairwise task only).
        max_files: At most this many files per corpus, stratified (quick runs).
        seed: Seed of that subsample.
        standardise_corpora: Standardise every input of each corpus with that
            corpus's own statistics, without labels (:func:`corpus_z`), before any
            method sees it.

    Returns:
        ``{corpus: {"table", "y", "speaker", "file", "X": {input: array}}}``, rows
        aligned (only files every input could be computed for).
    """
    from ...corpora import subsample

    needed = sorted({METHODS[m].features for m in methods})
    out = {}
    for name, table in tables.items():
        table = table[table["emotion"].isin(EMOTIONS)].reset_index(drop=True)
        table = subsample(table, max_files, seed)
        arrays = {}
        for key in needed:
            if key == "spectrogram":
                extractor = features.LogSpectrogram(duration=float(spectrogram_seconds))
                ok, x = features.extract_table(table, extractor, dtype="float16")
            elif key == "whisper":
                # packaged tiny.en, mean over the utterance's frames, window trimmed to it
                extractor = features.WhisperExtractor()
                ok, x = features.extract_table(table, extractor, progress=False)
            else:
                ok, x = features.extract_table(
                    table, features.OpenSmileExtractor(FEATURE_SETS[key])
                )
            arrays[key] = pd.Series(list(range(len(ok))), index=ok["file"]), x
        common = [f for f in table["file"] if all(f in idx.index for idx, _ in arrays.values())]
        table = table.set_index("file", drop=False).loc[common].reset_index(drop=True)
        X = {k: np.asarray(x[idx[common].to_numpy()]) for k, (idx, x) in arrays.items()}
        if standardise_corpora:
            X = {k: corpus_z(x) for k, x in X.items()}
        out[name] = {
            "table": table,
            "file": table["file"].to_numpy(dtype=str),
            "y": table["emotion"].astype(str).to_numpy(),
            "speaker": table["speaker"].astype(str).to_numpy(),
            "X": X,
        }
    return out


def corpus_z(x: np.ndarray) -> np.ndarray:
    """``x`` standardised with its own mean and deviation, per feature (per frequency bin).

    Rows are utterances; a 3-d input (utterances, bins, frames) is standardised per
    bin over utterances and frames. The dtype is kept. Constant features become 0.
    The corpus normalisation of Schuller et al. (2010): a model trained on one
    corpus otherwise meets another corpus's offsets (level, recording chain), which
    can send every test utterance to one class.
    """
    axes = (0, 2) if x.ndim == 3 else (0,)
    x32 = x.astype(np.float32)
    mean = x32.mean(axis=axes, keepdims=True)
    std = x32.std(axis=axes, keepdims=True)
    return ((x32 - mean) / np.where(std > 0, std, 1)).astype(x.dtype)


def pairs_of(corpora: Sequence[str]) -> list[tuple[str, str]]:
    """Every ordered pair (source, target) of distinct corpora."""
    return [(s, t) for s in corpora for t in corpora if s != t]


def support_draw(
    y: np.ndarray, speakers: np.ndarray, k: int, n_speakers: int, draw: int, seed: int, target: str
) -> tuple[np.ndarray, np.ndarray]:
    """``k`` utterances per emotion from each of ``n_speakers`` random target speakers.

    The draw depends on the target, ``k``, ``n_speakers`` and ``draw`` only, so
    every method and every source of one draw sees the same support and test set.

    Support speakers are drawn among those with every emotion: the class-centre
    methods (BTL and the like) have no centre for an emotion without a shot. The
    others are test speakers only (a user's corpus often has such speakers).

    Returns:
        (support indices, test indices): the test set is every utterance of the
        other speakers.

    Raises:
        ValueError: No test speaker would be left, or too few speakers have every emotion.
    """
    if n_speakers >= len(np.unique(speakers)):
        raise ValueError(
            f"{target}: {n_speakers} support speakers leave no test speaker "
            f"({len(np.unique(speakers))} speakers)"
        )
    eligible = [s for s in np.unique(speakers) if set(EMOTIONS) <= set(y[speakers == s])]
    if len(eligible) < n_speakers:
        raise ValueError(
            f"{target}: {len(eligible)} speakers have every emotion of {list(EMOTIONS)}, "
            f"fewer than the {n_speakers} support speakers asked for (n_speakers)"
        )
    split = FewShotSplit(
        k=k,
        n_speakers=n_speakers,
        n_splits=1,
        random_state=stable_seed(seed, "support", target, k, n_speakers, draw),
        classes=EMOTIONS,
    )
    pool = np.flatnonzero(np.isin(speakers, eligible))  # every index when all are eligible
    chosen, _ = next(split.split(y[pool], y[pool], speakers[pool]))
    support = pool[chosen]
    return support, np.flatnonzero(~np.isin(speakers, speakers[support]))


def source_cell(source: str, kind: str, seed: int, *, data: Mapping, settings: Mapping) -> list:
    """One source model trained on the whole source (shared with the cells of every target)."""
    feats = METHODS[next(m for m, k in SOURCE_KINDS.items() if k == kind)].features
    src = data[source]
    model = train_source_model(
        kind, src["X"][feats], src["y"], src["speaker"], settings, seed, source
    )
    return [{"model": model}]


def source_models(
    data: Mapping[str, dict],
    sources: Sequence[str],
    methods: Sequence[str],
    settings: Settings,
    seed: int,
    *,
    grid: GridOptions | None = None,
) -> dict[tuple[str, str], object]:
    """Every source model the methods need, one grid cell each: ``{(source, kind): model}``."""
    kinds = sorted({SOURCE_KINDS[m] for m in methods if m in SOURCE_KINDS})
    plan = [{"source": s, "kind": k, "seed": seed} for s in dict.fromkeys(sources) for k in kinds]
    if not plan:
        return {}
    opts = settings.as_dict()
    rows = gridlib.run(
        source_cell,
        plan,
        name="08_benchmark_sources",
        keys=["source", "kind", "seed"],
        shared={"data": dict(data), "settings": opts},
        **(grid or GridOptions()).kwargs(f"{sorted(opts.items())}"),
    )
    return {(r["source"], r["kind"]): r["model"] for _, r in rows.iterrows()}


# ---------------------------------------------------------------------------------------
# the grid


def cells(
    pairs: Sequence[Sequence[str]],
    methods: Sequence[str],
    shots: Sequence[int],
    draws: int,
    seed: int,
) -> list[dict]:
    """Zero-shot methods at budget 0 (one cell); few-shot ones at each ``k`` and draw."""
    out = []
    for source, target in pairs:
        for m in check_methods(methods):
            budgets = (
                [(0, 0)] if METHODS[m].zero_shot else [(k, d) for k in shots for d in range(draws)]
            )
            out += [
                {"source": source, "target": target, "method": m, "k": k, "draw": d, "seed": seed}
                for k, d in budgets
                if k > 0 or METHODS[m].zero_shot
            ]
    return out


KEYS = ["source", "target", "method", "k", "draw", "seed", "unit"]


def _score_rows(truth, pred, speakers, **keys) -> list[dict]:
    return unit_scores(truth, pred, speakers, accuracy=True, unit_kind=ZERO_UNIT, **keys)


def cell(
    source: str,
    target: str,
    method: str,
    k: int,
    draw: int,
    seed: int,
    *,
    data: Mapping[str, dict],
    settings: Mapping,
    models: Mapping | None = None,
) -> list[dict]:
    """One (pair, method, budget, draw): its UAR per target test speaker or per draw.

    Returns:
        Zero-shot (``k == 0``): one row per target speaker (``unit`` = speaker,
        ``unit_kind`` = :data:`ZERO_UNIT`). Few-shot: one row for the draw
        (``unit`` = ``"draw N"``, :data:`FEW_UNIT`), scored on the pooled test speakers.
    """
    opts = Settings(**settings)
    feats = METHODS[method].features
    src, tgt = data[source], data[target]
    keys = {"source": source, "target": target, "method": method, "k": k, "draw": draw}
    if k == 0:
        support = np.array([], dtype=int)
        test = np.arange(len(tgt["y"]))
    else:
        support, test = support_draw(
            tgt["y"], tgt["speaker"], k, opts.n_speakers, draw, seed, target
        )
    xq = tgt["X"][feats][support]
    pred = predict(
        method,
        src["X"][feats],
        src["y"],
        xq,
        tgt["y"][support],
        tgt["X"][feats][test],
        source_speakers=src["speaker"],
        test_speakers=tgt["speaker"][test],
        settings=opts,
        seed=seed,
        source=source,
        models=models,
    )
    truth = tgt["y"][test]
    if k == 0:
        return _score_rows(truth, pred, tgt["speaker"][test], **keys)
    return [
        {
            **keys,
            "unit": f"draw {draw}",
            "unit_kind": FEW_UNIT,
            "n_test": len(test),
            "uar": 100 * uar(truth, pred),
            "accuracy": 100 * accuracy_score(truth, pred),
        }
    ]


def run(
    data: Mapping[str, dict],
    plan: Sequence[Mapping],
    settings: Settings,
    *,
    grid: GridOptions | None = None,
    name: str = "08_benchmark",
    models: Mapping | None = None,
) -> pd.DataFrame:
    """Run the cells through :func:`sertl.grid.run`; the settings are part of the store key.

    ``models`` (from :func:`source_models`) are the source-trained models the
    cells share; without them each worker trains what it needs once.
    """
    opts = settings.as_dict()
    return gridlib.run(
        cell,
        list(plan),
        name=name,
        keys=KEYS,
        shared={"data": dict(data), "settings": opts, "models": models},
        **(grid or GridOptions()).kwargs(f"{sorted(opts.items())}"),
    )
