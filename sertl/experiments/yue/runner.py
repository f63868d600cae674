"""Yue et al.'s grid: the cells, the two stages (source heads, then cells) and their run."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
import torch
from scipy import stats as sps

from ... import grid as gridlib
from ...device import stable_seed
from ...models import (
    FewShotHead,
    clone,
    predict_head,
    predict_prototype,
    train_head,
)
from ...protocols import sample_support
from .._base import GridOptions
from .data import Prepared
from .settings import CLASSIFIERS, EMOTIONS, KEYS, METHODS, PRED, Settings, metric_loss


def cells(
    pairs: Sequence[tuple[str, str]],
    extractors: Sequence[str],
    seeds: Sequence[int],
    n_folds: Mapping[str, int],
    shots: int,
    *,
    k_curve: Sequence[int] = (),
    curve_pair: tuple[str, str] | None = None,
    source_pretrain: Sequence[bool] = (False, True),
    methods: Sequence[str] = METHODS,
) -> list[dict]:
    """Every cell: pair x extractor x method x seed x target fold x shots x pre-training.

    The shot curve (``k_curve``) runs on ``curve_pair`` only.
    """
    cells = []
    for source, target in pairs:
        ks = sorted({shots, *(k_curve if (source, target) == tuple(curve_pair or ()) else ())})
        for extractor in extractors:
            for method in methods:
                for seed in seeds:
                    for fold in range(n_folds[target]):
                        for k in ks:
                            for pre in source_pretrain:
                                cells.append(
                                    dict(
                                        zip(
                                            KEYS,
                                            (
                                                source,
                                                target,
                                                extractor,
                                                method,
                                                int(seed),
                                                fold,
                                                int(k),
                                                bool(pre),
                                            ),
                                            strict=True,
                                        )
                                    )
                                )
    return cells


#: The former name of :func:`cells` (it shadowed :mod:`sertl.grid`).
grid = cells


def head_key(source: str, extractor: str, method: str, seed: int) -> str:
    """The name of one source-pre-trained head in the ``pretrained`` mapping."""
    return f"{source}|{extractor}|{method}|{seed}"


def pretrain_cells(cells: Sequence[Mapping]) -> list[dict]:
    """One cell per head the grid pre-trains on a labelled source, in grid order."""
    keys = ("source", "extractor", "method", "seed")
    wanted = (tuple(c[k] for k in keys) for c in cells if c["source_pretrain"])
    return [dict(zip(keys, w, strict=True)) for w in dict.fromkeys(wanted)]


def _fresh_head(source: str, extractor: str, seed: int, n_features: int) -> FewShotHead:
    # the same initial weights for the three methods (a paired design)
    torch.manual_seed(stable_seed(seed, "init", source, extractor))
    return FewShotHead(n_features, len(EMOTIONS))


def _pretrain_head(source, extractor, method, seed, X, labels, hp) -> FewShotHead:
    x_src = X[f"{extractor}|{source}|{source}"]
    head = _fresh_head(source, extractor, seed, x_src.shape[1])
    train_head(
        head,
        x_src,
        labels[source],
        epochs=hp["pretrain_epochs"],
        lr=hp["lr"],
        metric=metric_loss(method, hp),
        random_state=stable_seed(seed, "pre", source, extractor, method),
        device=hp.get("device", "cpu"),
    )
    return head


def pretrain(
    source: str,
    extractor: str,
    method: str,
    seed: int,
    *,
    X: Mapping[str, np.ndarray],
    labels: Mapping[str, np.ndarray],
    hp: Mapping,
    **_: object,
) -> list[dict]:
    """One grid cell of the first stage: a head trained on the whole labelled source.

    Every target, fold and number of shots of that (source, extractor, method, seed)
    starts from this head, so it is trained once, in its own cell.

    Returns:
        One row: the cell's parameters and ``head``.
    """
    with _cell_threads():
        head = _pretrain_head(source, extractor, method, seed, X, labels, hp)
    return [{"head": head}]


@contextmanager
def _cell_threads() -> Iterator[None]:
    """Torch threads as inside a grid cell, so that a direct call gives the grid's numbers."""
    before = torch.get_num_threads()
    value = os.environ.get("SERTL_CELL_THREADS", "").strip()  # as sertl.grid reads it
    torch.set_num_threads(int(value) if value.isdigit() and int(value) > 0 else 1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def fit_fold(
    *,
    source: str,
    target: str,
    extractor: str,
    method: str,
    seed: int,
    fold: int,
    k: int,
    source_pretrain: bool,
    X: Mapping[str, np.ndarray],
    labels: Mapping[str, np.ndarray],
    speakers: Mapping[str, np.ndarray],
    splits: Mapping[str, list],
    hp: Mapping,
    pretrained: Mapping[str, FewShotHead] | None = None,
) -> dict:
    """Fine-tune one head on one support set and classify one held-out fold.

    Args:
        source: Source corpus (its features standardise the target's).
        target: Target corpus.
        extractor: Feature extractor.
        method: ``"BTL"``, ``"FSTL"`` or ``"EMOFSL"``.
        seed: Seed of the initial head, the support draw and the fine-tuning.
        fold: The target fold classified (the other folds give the support set).
        k: Shots per emotion.
        source_pretrain: Start from a head pre-trained on the labelled source.
        X: Features by ``"extractor|source|corpus"`` (:class:`Prepared`).
        labels: Emotion index of each utterance, per corpus.
        speakers: Speaker of each utterance, per corpus.
        splits: ``(train, test)`` index pairs of each corpus's folds.
        hp: From :func:`hyperparameters`.
        pretrained: Source-pre-trained heads by :func:`head_key` (from :func:`pretrain`);
            one that is missing is trained here.

    Returns:
        ``truth`` (test classes), ``prototype`` and ``linear`` (their predictions),
        ``embeddings`` of the test utterances, ``support`` (indices into the target).
    """
    device = hp.get("device", "cpu")
    with _cell_threads():
        x_tgt, y_tgt = X[f"{extractor}|{source}|{target}"], labels[target]
        train, test = splits[target][fold]
        if not source_pretrain:
            head = _fresh_head(source, extractor, seed, x_tgt.shape[1])
        else:
            head = (pretrained or {}).get(head_key(source, extractor, method, seed))
            if head is None:
                head = _pretrain_head(source, extractor, method, seed, X, labels, hp)
            head = clone(head)
        # the same support set for every method, extractor and pre-training choice
        rng = np.random.default_rng(stable_seed(seed, "support", source, target, fold, k))
        support = sample_support(
            y_tgt, speakers[target], k, rng, pool=train, classes=range(len(EMOTIONS))
        )
        train_head(
            head,
            x_tgt[support],
            y_tgt[support],
            epochs=hp["finetune_epochs"],
            lr=hp["finetune_lr"],
            metric=metric_loss(method, hp),
            batch_size=64,
            random_state=stable_seed(seed, "ft", source, target, fold, k),
            device=device,
        )
        linear, emb = predict_head(head, x_tgt[test], device)
        proto, _ = predict_prototype(head, x_tgt[support], y_tgt[support], x_tgt[test], device)
    return {
        "truth": y_tgt[test],
        "prototype": proto,
        "linear": linear,
        "embeddings": emb,
        "support": support,
    }


def centroid_rho(embeddings: np.ndarray, truth: np.ndarray, prior: np.ndarray) -> float:
    """Spearman correlation of the class-centroid distances with the prior's distances."""
    present = [c for c in range(len(EMOTIONS)) if (truth == c).any()]
    if len(present) < 3:
        return float("nan")
    cen = np.stack([embeddings[truth == c].mean(0) for c in present])
    iu = np.triu_indices(len(present), 1)
    learned = np.linalg.norm(cen[:, None] - cen[None], axis=-1)[iu]
    return float(sps.spearmanr(learned, np.asarray(prior)[np.ix_(present, present)][iu]).statistic)


def cell(**params: object) -> list[dict]:
    """One grid cell: a confusion-matrix row per (classifier, true emotion), and rho.

    Parameters are those of :data:`KEYS` plus the shared ``X``, ``labels``,
    ``speakers``, ``splits`` and ``hp`` (hyper-parameters, ``prior`` distances).
    """
    out = fit_fold(**params)  # type: ignore[arg-type]
    rho = centroid_rho(out["embeddings"], out["truth"], params["hp"]["prior"])  # type: ignore[index]
    rows = []
    for classifier in CLASSIFIERS:
        counts = pd.crosstab(
            pd.Categorical(out["truth"], range(len(EMOTIONS))),
            pd.Categorical(out[classifier], range(len(EMOTIONS))),
            dropna=False,
        ).to_numpy()
        for t, e in enumerate(EMOTIONS):
            rows.append(
                {
                    "classifier": classifier,
                    "true": e,
                    **dict(zip(PRED, counts[t].tolist(), strict=True)),
                    "rho": rho,
                }
            )
    return rows


def run(
    prepared: Prepared,
    cells: Sequence[Mapping],
    hp: Mapping | Settings,
    *,
    grid: GridOptions | None = None,
) -> pd.DataFrame:
    """Both stages through :func:`sertl.grid.run`: the source heads, then the cells.

    ``hp`` (a :class:`Settings` or its :meth:`Settings.hp`) is part of both stages'
    store keys.
    """
    hp = hp.hp() if isinstance(hp, Settings) else dict(hp)
    shared = {**prepared.shared(), "hp": hp}
    common = (grid or GridOptions()).kwargs(f"{sorted(hp.items())}")
    heads = gridlib.run(
        pretrain,
        pretrain_cells(cells),
        name="04_yue_source",
        keys=["source", "extractor", "method", "seed"],
        shared=shared,
        **common,
    )
    pretrained = {
        head_key(r.source, r.extractor, r.method, r.seed): r.head for r in heads.itertuples()
    }
    return gridlib.run(
        cell,
        list(cells),
        name="04_yue",
        keys=[*KEYS, "classifier"],
        shared={**shared, "pretrained": pretrained},
        **common,
    )


def fold_embeddings(
    prepared: Prepared, hp: Mapping, **config: object
) -> tuple[np.ndarray, np.ndarray]:
    """Test embeddings and classes of every fold of one configuration (for a UMAP).

    Args:
        prepared: From :func:`prepare`.
        hp: From :func:`hyperparameters`.
        **config: ``source, target, extractor, method, seed, k, source_pretrain``.
    """
    shared = {**prepared.shared(), "hp": dict(hp)}
    n_folds = len(shared["splits"][config["target"]])
    if config["source_pretrain"]:  # one source head for every fold
        keys = ("source", "extractor", "method", "seed")
        head = pretrain(**{k: config[k] for k in keys}, **shared)[0]["head"]  # type: ignore[arg-type]
        shared["pretrained"] = {head_key(*(config[k] for k in keys)): head}  # type: ignore[arg-type]
    fits = [fit_fold(fold=f, **config, **shared) for f in range(n_folds)]  # type: ignore[arg-type]
    return np.vstack([f["embeddings"] for f in fits]), np.concatenate([f["truth"] for f in fits])
