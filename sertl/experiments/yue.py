"""Yue et al.'s grid: BTL, FSTL and EMOFSL heads fine-tuned on k shots of a target corpus.

One cell (:func:`cell`) is one (source, target, extractor, method, seed, target fold,
shots k, source pre-training) combination: a head on fixed speech features is
(optionally) pre-trained on the labelled source corpus, fine-tuned on a k-shot
support set drawn from the target's training folds, and the held-out fold is
classified two ways: against ``cen``, the shot-average embedding of each emotion in
the support set (the paper's classifier), and by the head's linear layer (a variant).
A cell returns one row per (classifier, true emotion) with the counts of each
predicted emotion (a confusion-matrix row) and the Spearman correlation between the
test utterances' class-centroid distances and the valence-arousal prior.

The target fold is the independent unit of the claims: the test speakers of a fold
are the same for every source, extractor, method and seed, which are averaged
within it. :func:`prepare` computes the features, :func:`grid` lists the cells,
:func:`run` runs them through :func:`sertl.grid.run`, and the summaries
(:func:`scores`, :func:`uar_table`, :func:`confusions`, :func:`recalls`,
:func:`claims`) turn the rows into tables and computed sentences.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch
from scipy import stats as sps
from sklearn.preprocessing import StandardScaler

from .. import emotions, verdict
from .. import grid as gridlib
from ..device import stable_seed
from ..losses import ContrastivePairLoss, EmotionDistanceLoss
from ..models import (
    FewShotHead,
    clone,
    encode,
    predict_head,
    predict_prototype,
    pretrained_encoder,
    train_head,
)
from ..protocols import LeaveOneSessionOut, SpeakerFolds, sample_support
from ._base import GridOptions
from ._base import Settings as _Settings

PAPER = "yue"
EMOTIONS: tuple[str, ...] = tuple(emotions.FOUR_CLASS["yue"])
METHODS = ("BTL", "FSTL", "EMOFSL")
CLASSIFIERS = ("prototype", "linear")
KEYS = ["source", "target", "extractor", "method", "seed", "fold", "k", "source_pretrain"]
PRED = [f"pred_{e}" for e in EMOTIONS]
SESSION_CORPORA = ("iemocap", "msp_improv")


# ---------------------------------------------------------------------------------------
# the losses of the three methods


def pure_negative_index(valence_weight: float, threshold: float) -> list[tuple[int, int]]:
    """The PN pairs of the four emotions as class-index pairs (from the coordinates)."""
    index = {e: i for i, e in enumerate(EMOTIONS)}
    pairs = emotions.pure_negative_pairs(EMOTIONS, valence_weight, threshold)
    return sorted(tuple(sorted(index[e] for e in p)) for p in pairs)


def metric_loss(method: str, hp: Mapping) -> torch.nn.Module | None:
    """The metric loss a method adds to the cross-entropy (None for BTL).

    Args:
        method: ``"BTL"``, ``"FSTL"`` or ``"EMOFSL"``.
        hp: ``margin``, ``kappa`` (FSTL); ``alpha``, ``beta``, ``kappa1``, ``kappa2``,
            ``pn_index`` (EMOFSL).
    """
    if method == "FSTL":
        return ContrastivePairLoss(hp["margin"], kappa=hp["kappa"])
    if method == "EMOFSL":
        pn = [tuple(p) for p in hp["pn_index"]]
        return EmotionDistanceLoss(pn, hp["alpha"], hp["beta"], hp["kappa1"], hp["kappa2"])
    if method == "BTL":
        return None
    raise ValueError(f"unknown method {method!r}; known: {METHODS}")


# ---------------------------------------------------------------------------------------
# data


def folds(table: pd.DataFrame, name: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The paper's cross-validation of a target.

    One session out for IEMOCAP and MSP-IMPROV, else (RAVDESS and the stand-ins)
    up to six speaker folds.
    """
    x = np.zeros(len(table))
    if name in SESSION_CORPORA and table["session"].notna().all():
        return list(LeaveOneSessionOut().split(x, None, table["session"].to_numpy()))
    n_speakers = table["speaker"].nunique()
    return list(SpeakerFolds(min(6, n_speakers)).split(x, None, table["speaker"].to_numpy()))


@dataclass
class Prepared:
    """Everything the cells share: labels, speakers, folds and feature matrices.

    Attributes:
        tables: The four-emotion table of each corpus (rows aligned with the features).
        X: Standardised features, keyed ``"extractor|source|corpus"`` (standardised
            with the source's statistics; the contrastive encoder is the source's).
        ssl_losses: Training loss of each source's contrastive encoder.
    """

    tables: dict[str, pd.DataFrame]
    X: dict[str, np.ndarray]
    ssl_losses: dict[str, list[float]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The corpora."""
        return list(self.tables)

    def shared(self) -> dict:
        """The ``shared`` objects of :func:`sertl.grid.run` (labels, speakers, folds, X)."""
        index = {e: i for i, e in enumerate(EMOTIONS)}
        return {
            "X": self.X,
            "labels": {n: t["emotion"].map(index).to_numpy() for n, t in self.tables.items()},
            "speakers": {n: t["speaker"].to_numpy() for n, t in self.tables.items()},
            "splits": {n: folds(t, n) for n, t in self.tables.items()},
        }


def prepare(
    corpora: Mapping[str, pd.DataFrame],
    extractors: Sequence[str],
    *,
    ssl: Mapping | None = None,
    ssl_model: str | None = None,
    ssl_layer: int = -1,
    device: str = "cpu",
) -> Prepared:
    """Features of every corpus under every extractor, standardised per source.

    Args:
        corpora: Full corpus tables (all emotions: the contrastive encoder learns from
            all of the source's audio, without labels).
        extractors: ``"contrastive"`` (our self-supervised encoder, trained per source),
            ``"egemaps"`` (openSMILE), ``"whisper"`` (Whisper tiny.en's encoder, see
            :class:`sertl.features.WhisperExtractor`), ``"hf"`` (a transformers model,
            ``ssl_model``).
        ssl: The contrastive encoder's configuration (``epochs``, ``channels``,
            ``crop``, ``seed``; see :func:`sertl.models.pretrained_encoder`).
        ssl_model: A local folder or hub name for ``"hf"``.
        ssl_layer: Hidden layer for ``"hf"``.
        device: Torch device.
    """
    from .. import features
    from ..provenance import manifest_hash

    tables, raw, mels, losses = {}, {}, {}, {}
    for name, full in corpora.items():
        full, m = features.extract_table(
            full, features.LogMel(n_mels=64, duration=3.0), dtype="float16", progress=False
        )
        keep = full["emotion"].isin(EMOTIONS).to_numpy()
        mels[name] = (full, m, keep)
        tables[name] = full[keep].reset_index(drop=True)
    for extractor in extractors:
        for name, table in tables.items():
            if extractor == "egemaps":
                ok, x = features.extract_table(
                    table, features.OpenSmileExtractor("eGeMAPSv02"), progress=False
                )
            elif extractor == "whisper":
                ok, x = features.extract_table(table, features.WhisperExtractor(), progress=False)
            elif extractor == "hf":
                extract = features.TransformersExtractor(ssl_model, ssl_layer, device)
                ok, x = features.extract_table(table, extract, jobs=1, progress=False)
            elif extractor == "contrastive":
                continue
            else:
                raise ValueError(f"unknown extractor {extractor!r}")
            if list(ok["file"]) != list(table["file"]):
                raise RuntimeError(f"{extractor}: features missing for some files of {name}")
            raw[(extractor, name)] = x
    X = {}
    for source in tables:
        for extractor in extractors:
            if extractor == "contrastive":
                full, m, keep = mels[source]
                encoder, norm, losses[source] = pretrained_encoder(
                    m, manifest_hash(full), dict(ssl or {}), device
                )
                per = {n: encode(encoder, mels[n][1][mels[n][2]], norm, device) for n in tables}
            else:
                per = {n: raw[(extractor, n)] for n in tables}
            scaler = StandardScaler().fit(per[source])
            for name, x in per.items():
                X[f"{extractor}|{source}|{name}"] = scaler.transform(x).astype(np.float32)
    return Prepared(tables, X, losses)


# ---------------------------------------------------------------------------------------
# the grid


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


@dataclass(frozen=True)
class Settings(_Settings):
    """The cells' hyper-parameters (:meth:`from_params` reads them from the chapter's).

    Attributes:
        pretrain_epochs: Epochs of a head on the labelled source.
        finetune_epochs: Epochs of fine-tuning on the support set.
        lr: Learning rate on the source.
        finetune_lr: Learning rate of fine-tuning.
        margin: FSTL's margin.
        kappa: FSTL's weight of the metric loss.
        alpha: EMOFSL's alpha.
        beta: EMOFSL's beta.
        kappa1: EMOFSL's kappa1.
        kappa2: EMOFSL's kappa2.
        valence_weight: Weight of valence in the emotion distances.
        pn_threshold: Distance above which two emotions are a pure-negative pair.
        device: Torch device.
    """

    pretrain_epochs: int = 40
    finetune_epochs: int = 60
    lr: float = 1e-3
    finetune_lr: float = 5e-4
    margin: float = 1.0
    kappa: float = 0.5
    alpha: float = 2.0
    beta: float = 1.0
    kappa1: float = 0.5
    kappa2: float = 0.5
    valence_weight: float = 0.5
    pn_threshold: float = 1.0
    device: str = "cpu"

    def hp(self) -> dict:
        """The plain dict the cells share: these values, the PN pairs and the prior distances."""
        hp = {k: v for k, v in self.as_dict().items() if k != "device"}
        hp["pn_index"] = pure_negative_index(hp["valence_weight"], hp["pn_threshold"])
        prior = emotions.emotion_distance(EMOTIONS, hp["valence_weight"])
        hp["prior"] = prior.to_numpy().tolist()
        hp["device"] = self.device
        return hp


def hyperparameters(params: Mapping, device: str = "cpu") -> dict:
    """The cells' hyper-parameters from the chapter's parameters (with PN pairs and prior).

    Every field of :class:`Settings` must be among ``params``.
    """
    missing = [f for f in Settings.__dataclass_fields__ if f != "device" and f not in params]
    if missing:
        raise KeyError(f"parameters {missing} are missing")
    return Settings.from_params(params, device=device).hp()


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


def source_model(
    method: str,
    x: np.ndarray,
    y: np.ndarray,
    *,
    hp: Mapping,
    epochs: int,
    init_seed: int,
    random_state: int,
    device: str = "cpu",
) -> tuple[FewShotHead, StandardScaler]:
    """A head trained on the whole labelled source with ``method``'s loss (the source stage).

    Args:
        method: ``"BTL"``, ``"FSTL"`` or ``"EMOFSL"``.
        x: Source features (standardised here; the scaler is returned).
        y: Source labels (indices into :data:`EMOTIONS`).
        hp: ``lr`` and the loss settings (:meth:`Settings.hp`).
        epochs: Training epochs.
        init_seed: Seed of the initial weights (the same for the three methods: paired).
        random_state: Seed of the mini-batches.
        device: Torch device.
    """
    scaler = StandardScaler().fit(x)
    torch.manual_seed(init_seed)
    head = FewShotHead(x.shape[1], len(EMOTIONS))
    train_head(
        head,
        scaler.transform(x).astype(np.float32),
        y,
        epochs=epochs,
        lr=hp["lr"],
        metric=metric_loss(method, hp),
        random_state=random_state,
        device=device,
    )
    return head.cpu(), scaler


def fit_predict(
    method: str,
    x_source: np.ndarray,
    y_source: np.ndarray,
    x_support: np.ndarray,
    y_support: np.ndarray,
    x_test: np.ndarray,
    *,
    model: tuple[FewShotHead, StandardScaler],
    hp: Mapping,
    epochs: int,
    random_state: int,
    device: str = "cpu",
) -> np.ndarray:
    """The source head fine-tuned on the support set; test speech by nearest prototype.

    Args:
        method: ``"BTL"``, ``"FSTL"`` or ``"EMOFSL"``.
        x_source: Source features (their stage is ``model``; kept for one signature).
        y_source: Source labels.
        x_support: Labelled target features.
        y_support: Their labels (indices into :data:`EMOTIONS`).
        x_test: Test features.
        model: :func:`source_model`'s (head, scaler); the head is copied, not changed.
        hp: ``finetune_lr`` and the loss settings.
        epochs: Fine-tuning epochs.
        random_state: Seed of the mini-batches.
        device: Torch device.

    Returns:
        Predicted labels (indices into :data:`EMOTIONS`).
    """
    del x_source, y_source  # in the source stage
    head, scaler = model
    head = clone(head)
    xq = scaler.transform(x_support).astype(np.float32)
    train_head(
        head,
        xq,
        y_support,
        epochs=epochs,
        lr=hp["finetune_lr"],
        metric=metric_loss(method, hp),
        random_state=random_state,
        device=device,
    )
    xt = scaler.transform(x_test).astype(np.float32)
    return predict_prototype(head, xq, y_support, xt, device)[0]


# ---------------------------------------------------------------------------------------
# summaries


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


def _paired(sc: pd.DataFrame, a: str, b: str, value: str, unit: str = "target fold"):
    wide = sc.pivot_table(index=["pair", "seed", "fold", "unit"], columns="method", values=value)
    wide = wide.dropna(subset=[a, b])
    units = wide.index.get_level_values("unit")
    return verdict.paired(wide[a], wide[b], units, names=(a, b), unit=unit)


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
    tests = verdict.adjust(
        [
            _paired(main, "EMOFSL", "BTL", "uar"),
            _paired(main, "EMOFSL", "FSTL", "uar"),
            _paired(main, "FSTL", "BTL", "uar"),
        ]
    )
    out = []

    def add(text: str, holds: bool | None, evidence: str, **kind: str) -> None:
        out.append(
            verdict.claim(PAPER, text, holds, f"{evidence.rstrip('.')}; {config}", data, **kind)
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

    keep = configuration(rows, classifier, source_pretrain, extractor, shots)
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


def _decided(test: verdict.PairedTest, holds: bool) -> bool | None:
    """Whether a claim resting on ``test`` holds (None: too few units to decide)."""
    return None if test.n_units < verdict.MIN_UNITS else bool(holds)


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


def rho_table(sc: pd.DataFrame) -> pd.DataFrame:
    """Mean Spearman rho (learned centroid distances vs prior) per method, over units."""
    per_unit = sc.groupby(["method", "unit"])["rho"].mean()
    out = per_unit.groupby(level=0).agg(mean="mean", sd="std", n_units="count")
    return out.reindex(list(METHODS))


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
            units = wide.index.get_level_values("unit")
            tests.append(verdict.paired(wide[a], wide[b], units, names=names, unit="target fold"))
    return verdict.adjust(tests)


def _variant(column: str, value: object) -> tuple[str, bool]:
    if column == "source_pretrain":
        return "prototype", bool(value)
    return str(value), False
