"""The benchmark's methods: a registry from a method's name to its paper module's code.

Each method is a :class:`Method`: its paper, its budget, its input and two
callables, the source stage (a model trained once on the whole labelled
source, shared by every target and budget) and ``fit``, which calls the paper
module's own ``fit_predict``. Nothing is trained here: Feng & Chaspari's
Siamese network is :mod:`~sertl.experiments.feng_chaspari`'s, Yue et al.'s head
:mod:`~sertl.experiments.yue`'s, Lian et al.'s pairwise task
:mod:`~sertl.experiments.lian`'s, Andova & Luštrek's methods
:mod:`~sertl.experiments.andova_lustrek`'s and the baselines
:mod:`~sertl.experiments.own_corpus`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler

from ...device import stable_seed
from .. import andova_lustrek, feng_chaspari, lian, own_corpus, yue
from .._base import Settings as _Settings
from .._base import digest, indices, source_cache

EMOTIONS = ("angry", "happy", "neutral", "sad")
CORPORA = ("ravdess", "emodb", "emovo", "savee")
#: Short feature-set keys -> openSMILE names; ``spectrogram`` is a log spectrogram.
FEATURE_SETS = {"egemaps": "eGeMAPSv02", "is10": "IS10", "is09": "IS09_64"}
#: Inputs that are not openSMILE sets -> their name on the page. ``whisper``: the mean
#: over the utterance's frames of Whisper tiny.en's encoder states
#: (:class:`sertl.features.WhisperExtractor`, packaged model, trimmed window).
OTHER_INPUTS = {"spectrogram": "log spectrogram", "whisper": "Whisper tiny.en encoder (mean)"}
#: The baselines' inputs: feature key -> label in the method names.
BASELINE_INPUTS = {"egemaps": "eGeMAPS", "is10": "IS10", "whisper": "Whisper tiny.en"}
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
PAPERS = (FENG, LIAN, YUE, ANDOVA, BASE)


@dataclass(frozen=True)
class Settings(_Settings):
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
        conv: Encoder layers of the pairwise task (chapter 03's `default` encoder).
        pairwise_epochs: Its most epochs (early stopping on a fifth of the source's
            speakers, as chapter 03).
        pairs_per_epoch: Pairs per epoch.
        pairwise_lr: Its peak learning rate (one-cycle schedule, as chapter 03).
        n_mels: Mel bands of its input (chapter 03's `default`: 64).
        frame_pool: 10 ms frames averaged into one (chapter 03's `default`: 4).
        device: Torch device.
        yue: Yue et al.'s loss settings that differ from :data:`YUE_HP`.
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
    conv: tuple = ((16, 3, 2), (16, 3, 2), (32, 3, 2), (32, 3, 2), (64, 3, 2))
    pairwise_epochs: int = 10
    pairs_per_epoch: int = 640
    pairwise_lr: float = 1e-3
    n_mels: int | None = 64
    frame_pool: int = 4
    device: str = "cpu"
    yue: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fcnn_hidden", tuple(self.fcnn_hidden))
        object.__setattr__(self, "dbn_hidden", tuple(self.dbn_hidden))
        object.__setattr__(self, "conv", tuple(tuple(c) for c in self.conv))

    def lian(self) -> lian.Settings:
        """The pairwise task's settings."""
        return lian.Settings(
            conv=self.conv,
            n_mels=self.n_mels,
            frame_pool=self.frame_pool,
            duration=self.spectrogram_seconds,
            pairwise_epochs=self.pairwise_epochs,
            pairs_per_epoch=self.pairs_per_epoch,
            batch_size=32,
            lr=self.pairwise_lr,
            schedule="onecycle",
            patience=5,
            device=self.device,
        )

    def yue_hp(self) -> dict:
        """Yue et al.'s loss settings (:data:`YUE_HP`, then :attr:`yue`) with the PN pairs."""
        hp = {**YUE_HP, **self.yue}
        hp["pn_index"] = yue.pure_negative_index(hp["valence_weight"], hp["pn_threshold"])
        return hp


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


@dataclass(frozen=True)
class Task:
    """What one prediction sees: labelled source, the target's support set and test speech.

    Attributes:
        method: The method's name.
        xs: Source inputs.
        ys: Source emotions (names).
        xq: The target's support inputs (empty at budget 0).
        yq: Their emotions.
        xt: The target's test inputs.
        source_speakers: Speaker of each source row.
        test_speakers: Speaker of each test row.
        source: The source's name.
        seed: The master seed.
    """

    method: str
    xs: np.ndarray
    ys: np.ndarray
    xq: np.ndarray
    yq: np.ndarray
    xt: np.ndarray
    source_speakers: np.ndarray
    test_speakers: np.ndarray
    source: str
    seed: int

    @property
    def own_seed(self) -> int:
        """The method's own seed (from the master seed, the source and the method)."""
        return stable_seed(self.seed, self.source, self.method)


def _index(y: np.ndarray) -> np.ndarray:
    return indices(y, EMOTIONS)


# ---------------------------------------------------------------------------------------
# source stages: one model on the whole labelled source, shared by every target and budget


def _siamese_source(xs, ys, speakers, opts: Settings, seed: int, source: str) -> object:
    return feng_chaspari.base_model(
        np.asarray(xs, np.float32),
        _index(ys),
        source=source,
        epochs=opts.siamese_epochs,
        lr=1e-3,
        seed=stable_seed(seed, source, "siamese"),
        device=opts.device,
    )


def _pairwise_source(xs, ys, speakers, opts: Settings, seed: int, source: str) -> object:
    own = stable_seed(seed, source, "pairwise")
    return lian.source_model(xs, ys, speakers, settings=opts.lian(), random_state=own)


def _head_source(method, xs, ys, speakers, opts: Settings, seed: int, source: str) -> object:
    return yue.source_model(
        method,
        xs,
        _index(ys),
        hp=opts.yue_hp(),
        epochs=opts.head_pretrain_epochs,
        init_seed=stable_seed(seed, source, "head init"),  # same start for all three
        random_state=stable_seed(seed, source, f"head:{method}"),
        device=opts.device,
    )


def _fcnn_source(xs, ys, speakers, opts: Settings, seed: int, source: str) -> object:
    return andova_lustrek.source_model(
        xs,
        ys,
        hidden=opts.fcnn_hidden,
        epochs=opts.fcnn_epochs,
        fine_tune_epochs=opts.fcnn_epochs,
        lr=1e-3,
        batch_size=64,
        device=opts.device,
        random_state=stable_seed(seed, source, "fcnn"),
    )


#: The source stages by kind: ``stage(xs, ys, speakers, settings, seed, source) -> model``.
SOURCE_STAGES: dict[str, Callable[..., object]] = {
    "siamese": _siamese_source,
    "pairwise": _pairwise_source,
    **{f"head:{m}": partial(_head_source, m) for m in yue.METHODS},
    "fcnn": _fcnn_source,
}


def train_source_model(
    kind: str,
    xs: np.ndarray,
    ys: np.ndarray,
    speakers: np.ndarray,
    settings: Mapping | Settings,
    seed: int,
    source: str,
) -> object:
    """Train one source model (a key of :data:`SOURCE_STAGES`) on the whole labelled source.

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
    if kind not in SOURCE_STAGES:
        raise ValueError(f"unknown source model {kind!r}; known: {sorted(SOURCE_STAGES)}")
    return SOURCE_STAGES[kind](xs, np.asarray(ys).astype(str), speakers, opts, seed, source)


def source_model(kind: str, task: Task, opts: Settings, models: Mapping | None = None) -> object:
    """From ``models`` (trained by the source grid), else trained once per process."""
    if models is not None and (task.source, kind) in models:
        return models[(task.source, kind)]
    key = (
        "benchmark",
        kind,
        task.source,
        task.seed,
        digest(task.xs),
        str(sorted(opts.as_dict().items())),
    )
    return source_cache(
        key,
        lambda: train_source_model(
            kind, task.xs, task.ys, task.source_speakers, opts, task.seed, task.source
        ),
    )


# ---------------------------------------------------------------------------------------
# the methods: fit(task, settings, source model) -> predicted emotion names

NAMES = np.array(EMOTIONS)


def _baseline(
    classifier: str, per_speaker: bool, t: Task, opts: Settings, model: None
) -> np.ndarray:
    if per_speaker:
        xs, xt = (
            own_corpus.zscore(t.xs, t.source_speakers),
            own_corpus.zscore(t.xt, t.test_speakers),
        )
    else:
        # Each corpus on its own statistics (the target's from its unlabelled test
        # speech): with the source's alone, the corpora's offsets send every test
        # utterance of some pairs to one class.
        xs, xt = StandardScaler().fit_transform(t.xs), StandardScaler().fit_transform(t.xt)
    clf = own_corpus.make_classifier(classifier, opts.n_trees, t.own_seed)
    return clf.fit(xs, t.ys).predict(xt).astype(str)


def _feng(method: str, t: Task, opts: Settings, model: object) -> np.ndarray:
    pred = feng_chaspari.fit_predict(
        method,
        t.xs,
        _index(t.ys),
        t.xq,
        _index(t.yq),
        t.xt,
        model=model,
        finetune_epochs=opts.finetune_epochs,
        lr=1e-3,
        frozen=opts.frozen,
        distance_weight=opts.distance_weight,
        batch_size=32,
        device=opts.device,
        random_state=stable_seed(t.seed, t.source, "ft"),
        pair_seed=stable_seed(t.seed, t.source, "ft pairs"),
    )
    return NAMES[pred]


def _yue(t: Task, opts: Settings, model: object) -> np.ndarray:
    pred = yue.fit_predict(
        t.method,
        t.xs,
        _index(t.ys),
        t.xq,
        _index(t.yq),
        t.xt,
        model=model,
        hp=opts.yue_hp(),
        epochs=opts.head_finetune_epochs,
        random_state=t.own_seed,
        device=opts.device,
    )
    return NAMES[pred]


def _lian(t: Task, opts: Settings, model: object) -> np.ndarray:
    own = stable_seed(t.seed, t.source, "pairwise")  # the encoder's seed (SVC ignores its own)
    return lian.fit_predict(
        t.xs, t.ys, t.source_speakers, t.xt, settings=opts.lian(), random_state=own, model=model
    )


def _andova(method: str, t: Task, opts: Settings, model: object) -> np.ndarray:
    """Andova & Luštrek's scenarios and transfer methods, as chapter 05 runs them."""
    dbn = {
        "hidden": opts.dbn_hidden,
        "rbm_epochs": opts.dbn_rbm_epochs,
        "epochs": opts.dbn_epochs,
        "batch_size": 64,
    }
    pred = andova_lustrek.fit_predict(
        method,
        t.xs,
        t.ys,
        t.xq,
        t.yq,
        t.xt,
        random_state=t.own_seed,
        n_trees=opts.n_trees,
        max_depth=opts.max_depth,
        n_bins=5,
        dbn=dbn,
        device=opts.device,
        model=model,
    )
    if pred is None:
        raise ValueError(f"{t.method} needs neutral speech in the support set")
    return pred


@dataclass(frozen=True)
class Method:
    """One method of the benchmark.

    Attributes:
        name: Its name on the page.
        paper: Whose method it is (or ``"baseline"``).
        zero_shot: Whether it runs without target labels (budget 0 only);
            otherwise it needs a support set (budgets ``k > 0`` only).
        features: The input: a key of :data:`FEATURE_SETS` or :data:`OTHER_INPUTS`.
        fit: ``fit(task, settings, source model) -> predicted emotion names``.
        source: The kind of source model it starts from (a key of
            :data:`SOURCE_STAGES`), or None.
    """

    name: str
    paper: str
    zero_shot: bool
    features: str
    fit: Callable[[Task, Settings, object], np.ndarray] = field(repr=False, compare=False)
    source: str | None = None


def _baselines() -> list[Method]:
    out = []
    for fs, label in BASELINE_INPUTS.items():
        for clf, name in (("svm", "SVM"), ("forest", "RF")):
            out.append(Method(f"{label} + {name}", BASE, True, fs, partial(_baseline, clf, False)))
            z = f"{label} + {name}, per-speaker z"
            out.append(Method(z, BASE, True, fs, partial(_baseline, clf, True)))
    return out


def _andova_method(name: str, chapter_name: str, zero_shot: bool = False) -> Method:
    fit = partial(_andova, chapter_name)
    return Method(name, ANDOVA, zero_shot, "is10", fit, "fcnn" if name == "FCNN" else None)


METHODS: dict[str, Method] = {
    m.name: m
    for m in [
        Method("OODT (Siamese)", FENG, True, "is09", partial(_feng, feng_chaspari.OODT), "siamese"),
        Method(
            "Siamese fine-tuning", FENG, False, "is09", partial(_feng, feng_chaspari.FT), "siamese"
        ),
        Method(
            "Siamese fine-tuning + distance loss",
            FENG,
            False,
            "is09",
            partial(_feng, feng_chaspari.FT_LOSS),
            "siamese",
        ),
        Method("pairwise embedding + SVM", LIAN, True, "spectrogram", _lian, "pairwise"),
        *(Method(m, YUE, False, "egemaps", _yue, f"head:{m}") for m in ("BTL", "FSTL", "EMOFSL")),
        _andova_method("RF scenario 1", "scenario 1", zero_shot=True),
        _andova_method("RF scenario 2", "scenario 2"),
        _andova_method("RF scenario 3", "scenario 3"),
        _andova_method("normalisation 1", "normalisation 1"),
        _andova_method("normalisation 2", "normalisation 2"),
        _andova_method("multi-task RF", "multi-task"),
        _andova_method("FCNN", "FCNN"),
        _andova_method("DBN", "DBN"),
        *_baselines(),
    ]
}
ZERO_SHOT = tuple(n for n, m in METHODS.items() if m.zero_shot)
FEW_SHOT = tuple(n for n, m in METHODS.items() if not m.zero_shot)
#: The models a method trains on the whole source once, shared by all its cells.
SOURCE_KINDS = {n: m.source for n, m in METHODS.items() if m.source}
#: This chapter's names of Andova & Luštrek's methods -> chapter 05's.
ANDOVA_NAMES = {n: m.fit.args[0] for n, m in METHODS.items() if m.paper == ANDOVA}


def methods_table() -> pd.DataFrame:
    """The methods: paper, budget, input."""
    return pd.DataFrame(
        [
            {
                "method": m.name,
                "paper": m.paper,
                "budget": "zero-shot" if m.zero_shot else "few-shot",
                "input": FEATURE_SETS.get(m.features) or OTHER_INPUTS[m.features],
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
    task = Task(
        method,
        xs,
        np.asarray(ys).astype(str),
        xq,
        np.asarray(yq).astype(str),
        xt,
        source_speakers,
        test_speakers,
        source,
        seed,
    )
    if not spec.zero_shot and len(task.yq) == 0:
        raise ValueError(f"{method} needs labelled target speech (budget k > 0)")
    model = source_model(spec.source, task, opts, models) if spec.source else None
    return spec.fit(task, opts, model)
