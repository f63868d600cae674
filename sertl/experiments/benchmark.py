"""Every method of the four papers, and plain baselines, on one cross-corpus protocol.

The protocol: an ordered pair of corpora (source -> target), the four emotions
(:data:`EMOTIONS`), and a target budget. With budget 0 (zero-shot) a method
trains on the whole source and is tested on every target speaker; the unit of
its intervals is the **target speaker** (one UAR per speaker). With budget
``k > 0`` (few-shot) a support set of ``k`` labelled utterances per emotion is
drawn from each of ``n_speakers`` target speakers; the other target speakers are
the test set, and the unit is the **support draw** (one UAR over the pooled test
speakers per draw). Every method of a (pair, budget, draw) sees the same
support and test speech, so methods are paired.

Each method is a thin adapter (:func:`predict`) with one signature: source
features and labels, the target's support set (empty at budget 0) and the
target's test features in, predicted emotions out. The adapters call the
models and transfer methods the paper chapters use (:mod:`sertl.models`,
:mod:`sertl.transfer`, :mod:`sertl.losses`, and the public helpers of
:mod:`sertl.experiments.feng_chaspari`, :mod:`~sertl.experiments.yue`,
:mod:`~sertl.experiments.own_corpus`).

One grid cell (:func:`cell`) is one (source, target, method, budget, draw), run
through :func:`sertl.grid.run`; :func:`emobox_cell` scores a zero-shot method on
EmoBox's published test lists (:mod:`sertl.emobox`). The summaries
(:func:`summary`, :func:`matrix`, :func:`ranking`, :func:`rank_figure`,
:func:`findings`, :func:`emobox_table`) turn the rows into tables, a figure and
computed sentences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from scipy import stats as sps
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import StandardScaler

from .. import features, verdict
from .. import grid as gridlib
from ..device import stable_seed
from ..metrics import uar
from ..models import (
    FewShotHead,
    SiameseNet,
    SpectrogramNorm,
    TransferFCNN,
    classify,
    clone,
    embed,
    predict_prototype,
    svm_uar,
    train_head,
    train_pairwise,
    train_siamese,
)
from ..protocols import sample_support
from . import andova_lustrek, feng_chaspari, own_corpus, yue

EMOTIONS = ("angry", "happy", "neutral", "sad")
CORPORA = ("ravdess", "emodb", "emovo", "savee")
#: Short feature-set keys -> openSMILE names; ``spectrogram`` is a log spectrogram.
FEATURE_SETS = {"egemaps": "eGeMAPSv02", "is10": "IS10", "is09": "IS09_64"}
ZERO_UNIT = "target speaker"
FEW_UNIT = "support draw"
PAIR_UNIT = "corpus pair"

FENG, LIAN, YUE, ANDOVA, BASE = (
    "Feng & Chaspari",
    "Lian et al.",
    "Yue et al.",
    "Andova & Luštrek",
    "baseline",
)


@dataclass(frozen=True)
class Method:
    """One method of the benchmark.

    Attributes:
        name: Its name on the page.
        paper: Whose method it is (or ``"baseline"``).
        zero_shot: Whether it runs without target labels (budget 0 only);
            otherwise it needs a support set (budgets ``k > 0`` only).
        features: The input: a key of :data:`FEATURE_SETS` or ``"spectrogram"``.
    """

    name: str
    paper: str
    zero_shot: bool
    features: str


def _baselines() -> list[Method]:
    out = []
    for fs, label in (("egemaps", "eGeMAPS"), ("is10", "IS10")):
        for clf in ("SVM", "RF"):
            out.append(Method(f"{label} + {clf}", BASE, True, fs))
            out.append(Method(f"{label} + {clf}, per-speaker z", BASE, True, fs))
    return out


METHODS: dict[str, Method] = {
    m.name: m
    for m in [
        Method("OODT (Siamese)", FENG, True, "is09"),
        Method("Siamese fine-tuning", FENG, False, "is09"),
        Method("Siamese fine-tuning + distance loss", FENG, False, "is09"),
        Method("pairwise embedding + SVM", LIAN, True, "spectrogram"),
        Method("BTL", YUE, False, "egemaps"),
        Method("FSTL", YUE, False, "egemaps"),
        Method("EMOFSL", YUE, False, "egemaps"),
        Method("RF scenario 1", ANDOVA, True, "is10"),
        Method("RF scenario 2", ANDOVA, False, "is10"),
        Method("RF scenario 3", ANDOVA, False, "is10"),
        Method("normalisation 1", ANDOVA, False, "is10"),
        Method("normalisation 2", ANDOVA, False, "is10"),
        Method("multi-task RF", ANDOVA, False, "is10"),
        Method("FCNN", ANDOVA, False, "is10"),
        Method("DBN", ANDOVA, False, "is10"),
        *_baselines(),
    ]
}
ZERO_SHOT = tuple(n for n, m in METHODS.items() if m.zero_shot)
FEW_SHOT = tuple(n for n, m in METHODS.items() if not m.zero_shot)
PAPERS = (FENG, LIAN, YUE, ANDOVA, BASE)


@dataclass(frozen=True)
class Settings:
    """Every knob of the methods (profile values; the papers' where they give them).

    Attributes:
        n_speakers: Target speakers that give the support set at budgets ``k > 0``.
        n_trees: Trees of every random forest.
        max_depth: Depth of Andova & Luštrek's forests (baselines: unlimited).
        siamese_epochs: Epochs of the source Siamese network (OODT).
        finetune_epochs: Epochs of Siamese fine-tuning on the support set.
        distance_weight: Weight of Feng & Chaspari's distance loss.
        frozen: Layers frozen while fine-tuning the Siamese network.
        head_pretrain_epochs: Epochs of Yue et al.'s head on the labelled source.
        head_finetune_epochs: Its fine-tuning epochs on the support set.
        fcnn_hidden: FCNN hidden layers.
        fcnn_epochs: FCNN epochs on the source (and on the support, output layer).
        dbn_hidden: DBN layer sizes.
        dbn_epochs: DBN fine-tuning epochs (RBMs: ``dbn_rbm_epochs`` each).
        dbn_rbm_epochs: Pre-training epochs per RBM.
        spectrogram_seconds: Crop of the spectrograms (Lian et al.: 4 s).
        conv: Encoder layers of the pairwise task.
        pairwise_epochs: Its epochs.
        pairs_per_epoch: Pairs per epoch.
        pairwise_lr: Its learning rate.
        device: Torch device.
    """

    n_speakers: int = 1
    n_trees: int = 200
    max_depth: int | None = 10
    siamese_epochs: int = 60
    finetune_epochs: int = 30
    distance_weight: float = 1.0
    frozen: int = 0
    head_pretrain_epochs: int = 40
    head_finetune_epochs: int = 60
    fcnn_hidden: tuple[int, ...] = (1000, 500, 300)
    fcnn_epochs: int = 30
    dbn_hidden: tuple[int, ...] = (256, 128, 64)
    dbn_epochs: int = 30
    dbn_rbm_epochs: int = 10
    spectrogram_seconds: float = 3.0
    conv: tuple = ((8, 5, 3), (16, 3, 2), (16, 3, 2), (32, 3, 2), (32, 3, 2))
    pairwise_epochs: int = 10
    pairs_per_epoch: int = 640
    pairwise_lr: float = 3e-4
    device: str = "cpu"
    yue: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fcnn_hidden", tuple(self.fcnn_hidden))
        object.__setattr__(self, "dbn_hidden", tuple(self.dbn_hidden))
        object.__setattr__(self, "conv", tuple(tuple(c) for c in self.conv))

    def as_dict(self) -> dict:
        """Plain values (for ``grid.run``'s shared objects and fingerprint)."""
        return asdict(self)


#: Yue et al.'s loss settings (the chapter 04 defaults).
YUE_HP = {
    "lr": 1e-3,
    "finetune_lr": 5e-4,
    "margin": 1.0,
    "kappa": 0.5,
    "alpha": 2.0,
    "beta": 1.0,
    "kappa1": 0.5,
    "kappa2": 0.5,
    "valence_weight": 0.5,
    "pn_threshold": 1.0,
}


# ---------------------------------------------------------------------------------------
# data


def methods_table() -> pd.DataFrame:
    """The methods: paper, budget, input."""
    return pd.DataFrame(
        [
            {
                "method": m.name,
                "paper": m.paper,
                "budget": "zero-shot" if m.zero_shot else "few-shot",
                "input": FEATURE_SETS.get(m.features, "log spectrogram"),
            }
            for m in METHODS.values()
        ]
    ).set_index("method")


def check_methods(methods: Sequence[str]) -> list[str]:
    """The methods asked for, in :data:`METHODS` order.

    Raises:
        ValueError: An unknown name (the message lists the known ones).
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown methods {unknown}; known: {list(METHODS)}")
    return [m for m in METHODS if m in set(methods)]


def prepare(
    tables: Mapping[str, pd.DataFrame],
    methods: Sequence[str],
    *,
    spectrogram_seconds: float = 3.0,
    max_files: int | None = None,
    seed: int = 0,
) -> dict[str, dict]:
    """The four emotions of each corpus, with every input the methods need.

    Args:
        tables: Corpus tables by name.
        methods: The methods to run (decides which inputs are extracted).
        spectrogram_seconds: Crop of the log spectrograms (pairwise task only).
        max_files: At most this many files per corpus, stratified (quick runs).
        seed: Seed of that subsample.

    Returns:
        ``{corpus: {"table", "y", "speaker", "file", "X": {input: array}}}``, rows
        aligned (only files every input could be computed for).
    """
    from ..corpora import subsample

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
            else:
                ok, x = features.extract_table(
                    table, features.OpenSmileExtractor(FEATURE_SETS[key])
                )
            arrays[key] = pd.Series(list(range(len(ok))), index=ok["file"]), x
        common = [f for f in table["file"] if all(f in idx.index for idx, _ in arrays.values())]
        table = table.set_index("file", drop=False).loc[common].reset_index(drop=True)
        X = {k: np.asarray(x[idx[common].to_numpy()]) for k, (idx, x) in arrays.items()}
        out[name] = {
            "table": table,
            "file": table["file"].to_numpy(dtype=str),
            "y": table["emotion"].astype(str).to_numpy(),
            "speaker": table["speaker"].astype(str).to_numpy(),
            "X": X,
        }
    return out


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
    rng = np.random.default_rng(stable_seed(seed, "support", target, k, n_speakers, draw))
    pool = np.flatnonzero(np.isin(speakers, eligible))
    support = sample_support(
        y, speakers, k, rng, n_speakers=n_speakers, pool=pool, per_speaker=True, classes=EMOTIONS
    )
    return support, np.flatnonzero(~np.isin(speakers, speakers[support]))


# ---------------------------------------------------------------------------------------
# the adapters: (source, support, test) -> predictions

#: The models a method trains on the whole source once, shared by all its cells.
SOURCE_KINDS = {
    "OODT (Siamese)": "siamese",
    "Siamese fine-tuning": "siamese",
    "Siamese fine-tuning + distance loss": "siamese",
    "pairwise embedding + SVM": "pairwise",
    "BTL": "head:BTL",
    "FSTL": "head:FSTL",
    "EMOFSL": "head:EMOFSL",
    "FCNN": "fcnn",
}

_SOURCE_CACHE: dict[tuple, object] = {}


def _digest(*arrays: np.ndarray) -> str:
    import hashlib

    h = hashlib.blake2b(digest_size=8)
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def _index(y: np.ndarray) -> np.ndarray:
    lookup = {e: i for i, e in enumerate(EMOTIONS)}
    return np.array([lookup[str(v)] for v in y], dtype=int)


def _yue_hp(opts: Settings) -> dict:
    hp = {**YUE_HP, **opts.yue}
    hp["pn_index"] = yue.pure_negative_index(hp["valence_weight"], hp["pn_threshold"])
    return hp


def train_source_model(
    kind: str,
    xs: np.ndarray,
    ys: np.ndarray,
    speakers: np.ndarray,
    settings: Mapping | Settings,
    seed: int,
    source: str,
) -> object:
    """Train one source model (a :data:`SOURCE_KINDS` value) on the whole labelled source.

    Args:
        kind: ``"siamese"``, ``"pairwise"``, ``"head:<BTL|FSTL|EMOFSL>"`` or ``"fcnn"``.
        xs: The source's inputs for that model.
        ys: The source's emotions.
        speakers: The source's speakers (the pairwise task validates on a fifth of them).
        settings: :class:`Settings`.
        seed: The master seed (the model's seed derives from it, the source and the kind).
        source: The source's name.

    Returns:
        ``siamese``: (state dict, scaler); ``pairwise``: (encoder, spectrogram norm);
        ``head:*``: (head, scaler); ``fcnn``: the fitted :class:`TransferFCNN`.
    """
    opts = settings if isinstance(settings, Settings) else Settings(**settings)
    own = stable_seed(seed, source, kind)
    ys = np.asarray(ys).astype(str)
    if kind == "siamese":
        state, scaler = feng_chaspari.base_model(
            np.asarray(xs, np.float32),
            _index(ys),
            source=source,
            epochs=opts.siamese_epochs,
            lr=1e-3,
            seed=own,
            device=opts.device,
        )
        return state, scaler
    if kind == "pairwise":
        spk = np.unique(speakers)
        rng = np.random.default_rng(own)
        val_spk = rng.choice(spk, size=max(1, len(spk) // 5), replace=False)
        val = np.flatnonzero(np.isin(speakers, val_spk))
        train = np.flatnonzero(~np.isin(speakers, val_spk))
        norm = SpectrogramNorm().fit(np.asarray(xs[train], np.float32))
        x = np.ascontiguousarray(norm.transform(np.asarray(xs, np.float32)))
        encoder, _ = train_pairwise(
            x,
            _index(ys),
            train,
            val,
            opts.pairwise_epochs,
            opts.pairs_per_epoch,
            32,
            opts.pairwise_lr,
            0.9,
            0.1,
            [tuple(c) for c in opts.conv],
            opts.device,
            own,
        )
        return encoder.cpu(), norm
    if kind.startswith("head:"):
        method = kind.split(":", 1)[1]
        hp = _yue_hp(opts)
        scaler = StandardScaler().fit(xs)
        torch.manual_seed(stable_seed(seed, source, "head init"))  # same start for all three
        head = FewShotHead(xs.shape[1], len(EMOTIONS))
        train_head(
            head,
            scaler.transform(xs).astype(np.float32),
            _index(ys),
            opts.head_pretrain_epochs,
            hp["lr"],
            yue.metric_loss(method, hp),
            seed=own,
            device=opts.device,
        )
        return head.cpu(), scaler
    if kind == "fcnn":
        return TransferFCNN(
            hidden=opts.fcnn_hidden,
            epochs=opts.fcnn_epochs,
            fine_tune_epochs=opts.fcnn_epochs,
            batch_size=64,
            device=opts.device,
            seed=own,
        ).fit(xs, ys)
    raise ValueError(f"unknown source model {kind!r}; known: {sorted(set(SOURCE_KINDS.values()))}")


def _source_model(kind, xs, ys, speakers, opts, seed, source, models) -> object:
    """From ``models`` (trained by :func:`source_cell`), else trained once per process."""
    if models is not None and (source, kind) in models:
        return models[(source, kind)]
    key = (kind, source, seed, _digest(xs), str(sorted(opts.as_dict().items())))
    if key not in _SOURCE_CACHE:
        if len(_SOURCE_CACHE) > 16:
            _SOURCE_CACHE.clear()
        _SOURCE_CACHE[key] = train_source_model(kind, xs, ys, speakers, opts, seed, source)
    return _SOURCE_CACHE[key]


def predict(
    method: str,
    xs: np.ndarray,
    ys: np.ndarray,
    xq: np.ndarray,
    yq: np.ndarray,
    xt: np.ndarray,
    *,
    source_speakers: np.ndarray,
    test_speakers: np.ndarray,
    settings: Mapping | Settings,
    seed: int,
    source: str = "source",
    models: Mapping | None = None,
) -> np.ndarray:
    """Predict the emotions of the target's test utterances with one method.

    Args:
        method: A key of :data:`METHODS`.
        xs: Source inputs (the method's :attr:`Method.features`).
        ys: Source emotions (names).
        xq: The target's support inputs (empty for a zero-shot method).
        yq: Their emotions.
        xt: The target's test inputs.
        source_speakers: Speaker of each source row (per-speaker standardisation,
            the pairwise task's validation speakers).
        test_speakers: Speaker of each test row (per-speaker standardisation uses
            their unlabelled speech: an adaptation to the target).
        settings: :class:`Settings` (or its dict).
        seed: The master seed; every model's seed derives from it, the source and
            the method, so one source model serves every target and budget.
        source: The source's name.
        models: Source models by ``(source, kind)`` (:func:`source_cell`); a
            missing one is trained here.

    Returns:
        Predicted emotion names, one per test row.

    Raises:
        ValueError: A few-shot method without a support set.
    """
    opts = settings if isinstance(settings, Settings) else Settings(**settings)
    spec = METHODS[method]
    ys, yq = np.asarray(ys).astype(str), np.asarray(yq).astype(str)
    if not spec.zero_shot and len(yq) == 0:
        raise ValueError(f"{method} needs labelled target speech (budget k > 0)")
    names = np.array(EMOTIONS)
    own = stable_seed(seed, source, method)
    kind = SOURCE_KINDS.get(method)
    base = (
        _source_model(kind, xs, ys, source_speakers, opts, seed, source, models) if kind else None
    )
    if spec.paper == BASE:
        clf = "forest" if "RF" in method else "svm"
        if "per-speaker" in method:
            xs_, xt_ = own_corpus.zscore(xs, source_speakers), own_corpus.zscore(xt, test_speakers)
        else:
            scaler = StandardScaler().fit(xs)
            xs_, xt_ = scaler.transform(xs), scaler.transform(xt)
        model = own_corpus.make_classifier(clf, opts.n_trees, own)
        return model.fit(xs_, ys).predict(xt_).astype(str)
    if method == "OODT (Siamese)":
        state, scaler = base
        net = SiameseNet(xs.shape[1])
        net.load_state_dict(state)
        refs = scaler.transform(xs)
        return names[classify(net, scaler.transform(xt), refs, _index(ys), opts.device)]
    if method.startswith("Siamese fine-tuning"):
        state, scaler = base
        # both arms start from the same model and see the same pairs: only the loss differs
        torch.manual_seed(stable_seed(seed, source, "ft"))
        net = SiameseNet(xs.shape[1])
        net.load_state_dict(state)
        net.freeze(opts.frozen)
        xq_ = scaler.transform(xq).astype(np.float32)
        train_siamese(
            net,
            xq_,
            _index(yq),
            opts.finetune_epochs,
            lr=1e-3,
            batch_size=32,
            distance_weight=opts.distance_weight if "distance" in method else 0.0,
            seed=stable_seed(seed, source, "ft pairs"),
            device=opts.device,
        )
        # the paper's reading: the fine-tuned model compares with the labelled target speech
        return names[classify(net, scaler.transform(xt), xq_, _index(yq), opts.device)]
    if spec.paper == YUE:
        head, scaler = base
        head = clone(head)
        hp = _yue_hp(opts)
        xq_ = scaler.transform(xq).astype(np.float32)
        train_head(
            head,
            xq_,
            _index(yq),
            opts.head_finetune_epochs,
            hp["finetune_lr"],
            yue.metric_loss(method, hp),
            seed=own,
            device=opts.device,
        )
        xt_ = scaler.transform(xt).astype(np.float32)
        return names[predict_prototype(head, xq_, _index(yq), xt_, opts.device)[0]]
    if method == "pairwise embedding + SVM":
        encoder, norm = base
        dev = opts.device
        encoder = encoder.to(dev)
        xs_ = torch.as_tensor(np.ascontiguousarray(norm.transform(np.asarray(xs, np.float32))))
        xt_ = torch.as_tensor(np.ascontiguousarray(norm.transform(np.asarray(xt, np.float32))))
        emb_s, emb_t = embed(encoder, xs_.to(dev), dev), embed(encoder, xt_.to(dev), dev)
        # the SVM sees every labelled source utterance (training and validation speakers)
        pred = svm_uar(emb_s, _index(ys), emb_t, np.zeros(len(emb_t), int), own)[1]
        return names[pred]
    if method == "FCNN":
        return base.fine_tune(xq, yq).predict(xt)
    return _andova(method, xs, ys, xq, yq, xt, opts, own)


#: This chapter's names of Andova & Luštrek's methods -> chapter 05's.
ANDOVA_NAMES = {
    "RF scenario 1": "scenario 1",
    "RF scenario 2": "scenario 2",
    "RF scenario 3": "scenario 3",
    "multi-task RF": "multi-task",
    "normalisation 1": "normalisation 1",
    "normalisation 2": "normalisation 2",
    "DBN": "DBN",
}


def _andova(method, xs, ys, xq, yq, xt, opts: Settings, seed: int) -> np.ndarray:
    """Andova & Luštrek's scenarios and transfer methods, as chapter 05 runs them."""
    if method not in ANDOVA_NAMES:
        raise ValueError(f"unknown method {method!r}")
    dbn = {
        "hidden": opts.dbn_hidden,
        "rbm_epochs": opts.dbn_rbm_epochs,
        "epochs": opts.dbn_epochs,
        "batch_size": 64,
    }
    pred = andova_lustrek.fit_predict(
        ANDOVA_NAMES[method],
        xs,
        ys,
        xq,
        yq,
        xt,
        seed=seed,
        n_trees=opts.n_trees,
        max_depth=opts.max_depth,
        n_bins=5,
        dbn=dbn,
        device=opts.device,
    )
    if pred is None:
        raise ValueError(f"{method} needs neutral speech in the support set")
    return pred


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
    fingerprint: str = "",
    scheduler: str | None = None,
    store: bool = True,
    progress: bool = True,
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
        fingerprint=f"{fingerprint}|{sorted(opts.items())}",
        scheduler=scheduler,
        store=store,
        progress=progress,
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
    rows = []
    for spk in sorted(set(speakers.tolist())):
        mine = speakers == spk
        rows.append(
            {
                **keys,
                "unit": str(spk),
                "unit_kind": ZERO_UNIT,
                "n_test": int(mine.sum()),
                "uar": 100 * uar(truth[mine], pred[mine]),
                "accuracy": 100 * accuracy_score(truth[mine], pred[mine]),
            }
        )
    return rows


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
    fingerprint: str = "",
    scheduler: str | None = None,
    store: bool = True,
    progress: bool = True,
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
        fingerprint=f"{fingerprint}|{sorted(opts.items())}",
        scheduler=scheduler,
        store=store,
        progress=progress,
    )


# ---------------------------------------------------------------------------------------
# summaries


def pair_name(source: str, target: str) -> str:
    """``"emodb→savee"``."""
    return f"{source}→{target}"


def summary(results: pd.DataFrame, n_boot: int = 2000) -> pd.DataFrame:
    """Mean UAR per (pair, method, budget) with its interval over the independent units."""
    rows = []
    for (source, target, method, k), g in results.groupby(
        ["source", "target", "method", "k"], sort=False
    ):
        kind = g["unit_kind"].iloc[0]
        iv = verdict.interval(g["uar"], g["unit"], unit=kind, n_boot=n_boot)
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
            }
        )
    return pd.DataFrame(rows)


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
            Holm-adjusted p against the best, and whether it is distinguishable.
        friedman_p: Friedman test's p over pairs (NaN when it cannot run).
        friedman_stat: Its chi-square statistic.
        best: The best method (lowest mean rank).
        tests: Wilcoxon-Holm tests of every other method against the best.
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
                f"Not distinguishable from it (Wilcoxon over pairs, Holm, α = {alpha}): "
                f"{', '.join(tied)}."
                if len(tied)
                else "Every other method is significantly worse (Wilcoxon over pairs, Holm)."
            )
        )
        return out


def ranking(summ: pd.DataFrame, k: int, alpha: float = 0.05, n_boot: int = 2000) -> Ranking:
    """Rank the methods of budget ``k`` within each pair; Friedman, then Wilcoxon-Holm vs best.

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
            n_boot=n_boot,
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
                "p_holm": np.nan if t is None else t.p_used,
                "distinguishable": False if t is None else t.outcome != "no difference",
            }
        )
    table = pd.DataFrame(rows).set_index("method").sort_values("mean_rank", kind="stable")
    return Ranking(k, table, p, stat, best, tests, wide.shape[1])


PAPER_COLOURS = dict(zip(PAPERS, ["C0", "C1", "C2", "C3", "0.45"], strict=True))


def rank_figure(rankings: Sequence[Ranking]) -> plt.Figure:
    """One panel per budget: each method's mean rank over pairs, best at the top.

    Filled dots: not significantly worse than the best (Wilcoxon-Holm over
    pairs; the shaded band spans them); hollow: worse. The label beside each
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
    """Per-speaker standardisation against the source's statistics, paired over pairs."""
    wide = matrix(summ, 0, text=False)
    tests = []
    for label in ("eGeMAPS", "IS10"):
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


# ---------------------------------------------------------------------------------------
# EmoBox's lists


#: Where per-speaker standardisation takes a listed speaker's statistics from: the
#: speaker's listed utterances only, or all of the speaker's four-emotion speech in the corpus.
Z_FROM = ("list", "speaker")


def emobox_cells(pairs: Sequence[Sequence[str]], methods: Sequence[str], seed: int) -> list[dict]:
    """One cell per (list pair, zero-shot method); per-speaker ones once per :data:`Z_FROM`."""
    zero = [m for m in check_methods(methods) if METHODS[m].zero_shot]
    return [
        {"source": s, "target": t, "method": m, "z_from": z, "seed": seed}
        for s, t in pairs
        for m in zero
        for z in (Z_FROM if "per-speaker" in m else Z_FROM[:1])
    ]


def emobox_name(method: str, z_from: str) -> str:
    """The method's name in the EmoBox table (says where per-speaker statistics come from)."""
    if "per-speaker" not in method:
        return method
    return f"{method} ({_z_label(z_from)})"


def _z_label(z_from: str) -> str:
    return "listed speech" if z_from == "list" else "all their speech"


def emobox_cell(
    source: str,
    target: str,
    method: str,
    seed: int,
    z_from: str = "list",
    *,
    data: Mapping[str, dict],
    lists: Mapping[str, Sequence[int]],
    settings: Mapping,
    models: Mapping | None = None,
) -> list[dict]:
    """A zero-shot method trained on the whole source, tested on the target's list.

    Per-speaker standardisation takes each listed speaker's statistics, without
    labels, from that speaker's listed (test) utterances (``z_from="list"``) or
    from all of the speaker's four-emotion speech in the corpus (``"speaker"``).

    Returns:
        One row per listed speaker (``scope="speaker"``) and one for the whole
        list (``scope="list"``, accuracy as EmoBox reports it, and UAR).
    """
    feats = METHODS[method].features
    src, tgt = data[source], data[target]
    if z_from not in Z_FROM:
        raise ValueError(f"z_from must be one of {Z_FROM}, not {z_from!r}")
    test = np.asarray(lists[target], dtype=int)
    speakers = tgt["speaker"][test]
    # the speech standardised together: the list, or every utterance of its speakers
    seen = test if z_from == "list" else np.flatnonzero(np.isin(tgt["speaker"], speakers))
    pred = predict(
        method,
        src["X"][feats],
        src["y"],
        tgt["X"][feats][:0],
        tgt["y"][:0],
        tgt["X"][feats][seen],
        source_speakers=src["speaker"],
        test_speakers=tgt["speaker"][seen],
        settings=settings,
        seed=seed,
        source=source,
        models=models,
    )
    pred = pd.Series(pred, index=seen)[test].to_numpy()
    truth = tgt["y"][test]
    keys = {"source": source, "target": target, "method": method, "z_from": z_from}
    rows = [
        {
            **keys,
            "scope": "list",
            "unit": "",
            "n_test": len(test),
            "uar": 100 * uar(truth, pred),
            "accuracy": 100 * accuracy_score(truth, pred),
        }
    ]
    for r in _score_rows(truth, pred, speakers, **keys):
        r.pop("unit_kind")
        rows.append({**r, "scope": "speaker"})
    return rows


def emobox_run(
    data: Mapping[str, dict],
    plan: Sequence[Mapping],
    lists: Mapping[str, Sequence[int]],
    settings: Settings,
    *,
    fingerprint: str = "",
    scheduler: str | None = None,
    store: bool = True,
    progress: bool = True,
    models: Mapping | None = None,
) -> pd.DataFrame:
    """Run :func:`emobox_cell` over ``plan`` through :func:`sertl.grid.run`."""
    opts = settings.as_dict()
    lists = {k: [int(i) for i in v] for k, v in lists.items()}
    return gridlib.run(
        emobox_cell,
        list(plan),
        name="08_benchmark_emobox",
        keys=["source", "target", "method", "z_from", "seed", "scope", "unit"],
        shared={"data": dict(data), "lists": lists, "settings": opts, "models": models},
        fingerprint=f"{fingerprint}|{sorted(opts.items())}|{sorted(lists.items())}",
        scheduler=scheduler,
        store=store,
        progress=progress,
    )


def list_indices(prepared: Mapping, target: str, rows: pd.DataFrame) -> np.ndarray:
    """Positions of a matched list's files in the prepared target (list order).

    Raises:
        KeyError: A listed file without features.
    """
    pos = pd.Series(np.arange(len(prepared[target]["file"])), index=prepared[target]["file"])
    lacking = [f for f in rows["file"] if f not in pos.index]
    if lacking:
        raise KeyError(f"{len(lacking)} listed files have no features (first: {lacking[0]})")
    return pos[rows["file"]].to_numpy()


def emobox_table(ours: pd.DataFrame, published: pd.DataFrame, n_boot: int = 2000) -> pd.DataFrame:
    """EmoBox's models and ours on the same lists: accuracy per pair, best first.

    Args:
        ours: :func:`emobox_cell` rows.
        published: Columns ``method, source, target, value`` (EmoBox's Table 5).
        n_boot: Bootstrap resamples of our per-speaker intervals.
    """
    rows = []
    for _, p in published.iterrows():
        rows.append(
            {
                "pair": pair_name(p["source"], p["target"]),
                "model": p["method"],
                "by": "EmoBox (published)",
                "accuracy": float(p["value"]),
                "per-speaker UAR": "",
                "uses target speech": "no",
            }
        )
    for (source, target, method, z_from), g in ours.groupby(
        ["source", "target", "method", "z_from"], sort=False
    ):
        whole = g[g["scope"] == "list"].iloc[0]
        per = g[g["scope"] == "speaker"]
        iv = verdict.interval(per["uar"], per["unit"], unit="listed speaker", n_boot=n_boot)
        rows.append(
            {
                "pair": pair_name(source, target),
                "model": emobox_name(method, z_from),
                "by": "sertl (this run)",
                "accuracy": whole["accuracy"],
                "per-speaker UAR": iv.text(),
                "uses target speech": (
                    "no"
                    if "per-speaker" not in method
                    else "yes: unlabelled, the listed utterances"
                    if z_from == "list"
                    else "yes: unlabelled, all of each speaker's"
                ),
            }
        )
    out = pd.DataFrame(rows)
    out = out.sort_values(["pair", "accuracy"], ascending=[True, False], kind="stable")
    out["accuracy"] = out["accuracy"].round(1)
    return out.set_index(["pair", "model"])


def emobox_sentences(ours: pd.DataFrame, published: pd.DataFrame, data_kind: str) -> list[str]:
    """Computed sentences: our best with and without target speech against EmoBox's models."""
    out = []
    whole = ours[ours["scope"] == "list"]
    for (source, target), g in whole.groupby(["source", "target"], sort=False):
        pub = published[(published["source"] == source) & (published["target"] == target)]
        g = g.sort_values("accuracy", ascending=False, kind="stable")
        adapted = g["method"].str.contains("per-speaker")
        text = f"{pair_name(source, target)} ({data_kind} data): "
        parts = []
        for label, rows in (("without target speech", g[~adapted]), ("with", g[adapted])):
            if not len(rows):
                continue
            top = rows.iloc[0]
            part = f"{emobox_name(top['method'], top['z_from'])} at {top['accuracy']:.1f} %"
            if len(pub):
                part += f", above {int((pub['value'] < top['accuracy']).sum())} of {len(pub)}"
                part += " EmoBox models"
            if label == "with":
                part = (
                    "with per-speaker standardisation (unlabelled target speech, which EmoBox's "
                    f"protocol does not use) our best is {part}"
                )
            else:
                part = f"our best {label} is {part}"
            parts.append(part)
        text += "; ".join(parts)
        if len(pub):
            best = pub.sort_values("value", ascending=False).iloc[0]
            text += f" (EmoBox's best: {best['method']}, {best['value']:.1f} %)"
        out.append(text + ".")
    return out


def emobox_published() -> pd.DataFrame:
    """EmoBox's Table 5 on RAVDESS and SAVEE (``sertl/data/papers/emobox.yaml``)."""
    from importlib import resources

    import yaml

    path = resources.files("sertl").joinpath("data", "papers", "emobox.yaml")
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    return pd.DataFrame(spec["values"])


def settings_from(params: Mapping, device: str = "cpu") -> Settings:
    """:class:`Settings` from a chapter's parameters (the fields it names), on ``device``."""
    names = set(Settings.__dataclass_fields__) - {"device", "yue"}
    return Settings(**{k: params[k] for k in names if k in params}, device=device)


#: Measured while issue 18 was written (eGeMAPS + random forest on EmoBox's lists, whole
#: source for training): UAR % with and without per-speaker standardisation.
EARLIER = {
    ("ravdess", "savee"): {"eGeMAPS + RF, per-speaker z": 60.0, "eGeMAPS + RF": 26.7},
    ("savee", "ravdess"): {"eGeMAPS + RF, per-speaker z": 47.9, "eGeMAPS + RF": 32.9},
}


def earlier_sentences(ours: pd.DataFrame) -> list[str]:
    """The measurements of issue 18 against this run's, on the same lists."""
    out = []
    whole = ours[ours["scope"] == "list"]
    for (source, target), values in EARLIER.items():
        parts = []
        for method, before in values.items():
            rows = whole[
                (whole["source"] == source)
                & (whole["target"] == target)
                & (whole["method"] == method)
            ]
            if len(rows):
                now = " and ".join(
                    f"{r['accuracy']:.1f} %"
                    + (f" ({_z_label(r['z_from'])})" if "per-speaker" in method else "")
                    for _, r in rows.iterrows()
                )
                parts.append(f"{method}: {now} here, {before:.1f} % then")
        if parts:
            out.append(f"{pair_name(source, target)}: " + "; ".join(parts) + ".")
    return out


def emobox_standardisation(ours: pd.DataFrame) -> list[str]:
    """Per list: each baseline's accuracy without and with per-speaker standardisation."""
    out = []
    whole = ours[ours["scope"] == "list"]
    for (source, target), g in whole.groupby(["source", "target"], sort=False):
        acc = g.set_index(["method", "z_from"])["accuracy"]
        parts = []
        for m in [m for m in ZERO_SHOT if METHODS[m].paper == BASE and "per-speaker" not in m]:
            z = f"{m}, per-speaker z"
            if (m, "list") not in acc.index or z not in acc.index.get_level_values(0):
                continue
            withz = ", ".join(
                f"{acc[(z, f)]:.1f} % ({_z_label(f)})" for f in Z_FROM if (z, f) in acc.index
            )
            parts.append(f"{m} {acc[(m, 'list')]:.1f} % without, {withz} with")
        if parts:
            out.append(f"{pair_name(source, target)}: " + "; ".join(parts) + ".")
    return out
