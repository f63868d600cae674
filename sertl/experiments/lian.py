"""Lian et al.'s grid: the pairwise discriminative task against softmax baselines.

One grid, run through :func:`sertl.grid.run`: every cell trains one model, for one
seed and one variant (the pairwise task on ``proposed_duration``-second crops, or the
softmax baseline on crops of one of ``durations`` seconds), on a fixed speaker split
(:class:`sertl.protocols.FixedSpeakerSplit`: Lian et al.'s sessions 1-3 / 4 / 5 on
IEMOCAP, the same rule on the sorted speakers of any other corpus). The cell's tidy
rows hold its test predictions, and, for the pairwise task, its training curve and
the training vectors the figures draw. The independent unit of every score is the test speaker.

The summaries (:func:`per_speaker`, :func:`table3`, :func:`verdicts`, :func:`claims`)
turn them into tables and computed sentences; :func:`duration_table`,
:func:`crop_coverage` and :func:`choose_stand_in` measure what the crop lengths of the
duration baselines mean on a corpus.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .. import features, grid, verdict
from ..device import resolve_device, stable_seed
from ..features.spectrogram import mel_filterbank
from ..metrics import uar
from ..models.lian import (
    DEFAULT_CONV,
    SpectrogramNorm,
    embed,
    encoder_parameters,
    predict_softmax,
    svm_uar,
    train_pairwise,
    train_softmax,
)

EMOTIONS = ("angry", "happy", "sad", "neutral")
PAIRWISE = "pairwise discriminative task"
UNIT = "test speaker group"
#: Frames per second of the log-spectrograms (10 ms hop).
FPS = 100
PAPER = "lian"
#: The corpus of the paper's Table 3 (any other corpus is a stand-in).
PAPER_CORPUS = "iemocap"
#: What the paper states of its own scale (Section 3, Tables 1 and 2); None: not stated.
PAPER_SCALE = {
    "training utterances": 3259,
    "input (bins x frames, pairwise crop)": "257 x 400",
    "most training pairs per model": "above 4 million (its pair set)",
    "pairs per epoch": None,
    "pairwise epochs (most)": None,
    "softmax epochs (most)": None,
    "encoder layers (channels, kernel, stride)": "five conv + FC (figure missing)",
    "encoder parameters": None,
    "learning rate": 1e-5,
    "schedule": "constant",
    "batch size": 32,
    "seeds": None,
    "folds (test units)": "1 (session 5)",
}


def baseline(duration: float) -> str:
    """The method name of the softmax baseline on ``duration``-second crops."""
    return f"baseline {duration:g} s"


# ---------------------------------------------------------------------------------------
# data and split


def prepare(
    table: pd.DataFrame, *, merge_excited: bool = True, emotions: Sequence[str] = EMOTIONS
) -> pd.DataFrame:
    """The four emotions of a corpus table, with excited merged into happy.

    Args:
        table: A standard corpus table.
        merge_excited: Relabel ``excited`` as ``happy`` first (Lian et al. on IEMOCAP).
        emotions: The classes kept.

    Returns:
        The rows of ``emotions``, index reset, ``attrs`` kept.
    """
    out = table.copy()
    if merge_excited:
        out["emotion"] = out["emotion"].replace({"excited": "happy"})
    out = out[out["emotion"].isin(list(emotions))].reset_index(drop=True)
    out.attrs = dict(table.attrs)
    return out


def split_groups(table: pd.DataFrame) -> tuple[np.ndarray, str]:
    """The groups the fixed split divides: sessions where they hold speakers, else speakers.

    Sessions are used when every utterance has one, there are at least three, and no
    speaker appears in two of them (IEMOCAP, MSP-IMPROV); otherwise speakers.

    Returns:
        The group of each row and its kind (``"session"`` or ``"speaker"``).
    """
    sessions = table["session"] if "session" in table else None
    if sessions is not None and sessions.notna().all() and sessions.nunique() >= 3:
        if (table.groupby("speaker")["session"].nunique() == 1).all():
            return sessions.astype(str).to_numpy(), "session"
    return table["speaker"].astype(str).to_numpy(), "speaker"


def split_members(table: pd.DataFrame, split: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """Which groups and how many utterances of each emotion every part holds."""
    groups, kind = split_groups(table)
    rows = []
    for part, idx in split.items():
        counts = table["emotion"].iloc[idx].value_counts()
        rows.append(
            {
                "part": part,
                f"{kind}s": ", ".join(sorted(set(groups[idx]))),
                **{e: int(counts.get(e, 0)) for e in EMOTIONS},
                "total": len(idx),
            }
        )
    return pd.DataFrame(rows).set_index("part")


# ---------------------------------------------------------------------------------------
# durations against the crop lengths


def duration_table(
    tables: Mapping[str, pd.DataFrame], crops: Sequence[float], *, merge_excited: bool = True
) -> pd.DataFrame:
    """Each corpus's clip durations against the crop lengths (four emotions only).

    A ``d``-second crop holds more audio than a shorter one only for clips longer than
    the shorter crop, so the share of clips longer than each crop says how far the
    duration baselines can differ on a corpus.

    Returns:
        One row per corpus: ``corpus, data, clips, median_s`` and ``longer_than_<d>s``
        (percent of clips longer than ``d`` seconds) for each crop.
    """
    rows = []
    for name, table in tables.items():
        d = prepare(table, merge_excited=merge_excited)["duration"].to_numpy(float)
        row = {
            "corpus": name,
            "data": table.attrs.get("origin", ""),
            "clips": len(d),
            "median_s": float(np.median(d)) if len(d) else np.nan,
        }
        for c in crops:
            row[f"longer_than_{c:g}s"] = 100 * float(np.mean(d > c)) if len(d) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def duration_sentences(table: pd.DataFrame, min_share: float = 5.0) -> list[str]:
    """Per corpus of :func:`duration_table`: from which crop on the longer crops add nothing.

    A crop adds audio to the next shorter crop ``c`` only for the clips longer than
    ``c``; once fewer than ``min_share`` percent are, every longer crop holds the same
    audio as ``c`` for the other clips.
    """
    crops = sorted(float(c.removeprefix("longer_than_")[:-1]) for c in table if "longer" in c)
    out = []
    for row in table.itertuples(index=False):
        share = {c: getattr(row, f"longer_than_{c:g}s") for c in crops}
        text = f"{row.corpus} ({row.data})"
        empty = next((c for c in crops[:-1] if share[c] < min_share), None)
        if empty is None:
            text += f": every crop adds audio for at least {min_share:g} % of the clips."
        else:
            longer = [f"{c:g} s" for c in crops if c > empty]
            names = longer[0] if len(longer) == 1 else ", ".join(longer[:-1]) + " and " + longer[-1]
            subject = f"the {names} crop holds" if len(longer) == 1 else f"crops of {names} hold"
            text += (
                f": {subject} the same audio as the {empty:g} s crop for "
                f"{100 - share[empty]:.1f} % of its clips."
            )
        out.append(text)
    return out


def choose_stand_in(
    tables: Mapping[str, pd.DataFrame],
    proposed_duration: float,
    *,
    merge_excited: bool = True,
) -> str:
    """The stand-in corpus: the most speakers, then the most clips longer than the crop.

    The rule: among corpora with at least three speakers, the one with the most
    speakers (the rotating folds test each speaker once, so more speakers give more
    training speakers per fold); ties go to the larger share of clips longer than
    the proposed crop (where the duration baselines can differ), then to the first named.

    Raises:
        ValueError: No corpus has three speakers.
    """
    best, best_key = None, (-1, -1.0)
    for name, table in tables.items():
        part = prepare(table, merge_excited=merge_excited)
        n = len(np.unique(split_groups(part)[0])) if len(part) else 0
        if n < 3:
            continue
        key = (n, float(np.mean(part["duration"].to_numpy(float) > proposed_duration)))
        if key > best_key:
            best, best_key = name, key
    if best is None:
        raise ValueError(f"none of {list(tables)} has three speakers for rotating folds")
    return best


def crop_coverage(
    durations: Sequence[float], crops: Sequence[float], proposed_duration: float
) -> pd.DataFrame:
    """What each crop adds, on a set of clips (for example the test speakers').

    Returns:
        One row per crop: ``crop_s``, ``cut`` (percent of clips longer than the crop),
        ``more_than_proposed`` (percent of clips for which the crop holds more audio
        than the proposed crop) and ``more_than_previous`` (the same against the next
        shorter crop; NaN for the shortest).
    """
    d = np.asarray(durations, dtype=float)
    ordered = sorted(crops)
    rows = []
    for i, c in enumerate(ordered):
        rows.append(
            {
                "crop_s": c,
                "cut": 100 * float(np.mean(d > c)),
                "more_than_proposed": 100 * float(np.mean(d > proposed_duration))
                if c > proposed_duration
                else 0.0,
                "more_than_previous": 100 * float(np.mean(d > ordered[i - 1])) if i else np.nan,
            }
        )
    return pd.DataFrame(rows)


def crop_sentence(coverage: pd.DataFrame, corpus: str, min_share: float = 5.0) -> str:
    """Say, from :func:`crop_coverage`, which duration baselines can differ at all."""
    longer = coverage.dropna(subset=["more_than_previous"])
    if longer.empty:
        return ""
    same = longer[longer["more_than_previous"] < min_share]
    parts = [
        f"a {r.crop_s:g} s crop holds more audio than the next shorter one for "
        f"{r.more_than_previous:.1f} % of the test clips"
        for r in longer.itertuples()
    ]
    text = f"On {corpus}, " + "; ".join(parts) + "."
    if len(same):
        crops = [f"{c:g} s" for c in same["crop_s"]]
        names = crops[0] if len(crops) == 1 else ", ".join(crops[:-1]) + " and " + crops[-1]
        text += (
            f" The baselines at {names} therefore see the same audio as the next shorter "
            f"crop for at least {100 - min_share:g} % of the test clips (they differ by "
            "padding and training noise): their differences say nothing about duration here."
        )
    else:
        text += f" Every longer crop adds audio for at least {min_share:g} % of the test clips."
    return text


# ---------------------------------------------------------------------------------------
# settings, input and the method (written once: the chapter's cells and fit_predict)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every knob of the pairwise task and its softmax baselines.

    Args:
        conv: Encoder layers, (channels, kernel, stride) each.
        n_mels: Mel bands the 257 linear bins are pooled into (None: the paper's 257).
        frame_pool: Consecutive 10 ms frames averaged into one (1: the paper's frames).
        duration: Crop of the pairwise task in seconds (the paper: 4).
        pairwise_epochs: Most epochs of the pairwise task.
        pairs_per_epoch: Pairs drawn per epoch.
        softmax_epochs: Most epochs of a softmax baseline.
        batch_size: Mini-batch size (pairs, or utterances for the baselines).
        lr: Adam's (peak) learning rate.
        schedule: Learning-rate schedule (``sertl.models.lian.lr_scheduler``).
        patience: Epochs without a better validation UAR before stopping (None: never).
        weight: Lambda, the weight of the cosine loss.
        margin: The cosine margin m.
        val_share: Share of the training speakers held out for validation
            (:func:`fit_predict` only; the chapter's folds give their own).
        device: Torch device or ``"auto"``.
    """

    conv: tuple[tuple[int, int, int], ...] = DEFAULT_CONV
    n_mels: int | None = None
    frame_pool: int = 1
    duration: float = 4.0
    pairwise_epochs: int = 30
    pairs_per_epoch: int = 3200
    softmax_epochs: int = 30
    batch_size: int = 32
    lr: float = 1e-5
    schedule: str = "constant"
    patience: int | None = None
    weight: float = 0.9
    margin: float = 0.1
    val_share: float = 0.2
    device: str = "cpu"

    @classmethod
    def from_params(cls, params: Mapping) -> Settings:
        """The settings named in ``params`` (a profile section; other keys are ignored).

        ``proposed_duration`` is read as ``duration``.
        """
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in params.items() if k in names}
        if "duration" not in values and "proposed_duration" in params:
            values["duration"] = float(params["proposed_duration"])
        if "conv" in values:
            values["conv"] = tuple(tuple(int(v) for v in layer) for layer in values["conv"])
        return cls(**values)

    def as_dict(self) -> dict:
        """Plain values (lists for the layers), for fingerprints and JSON."""
        out = dataclasses.asdict(self)
        out["conv"] = [list(layer) for layer in self.conv]
        return out

    @property
    def n_bins(self) -> int:
        """Frequency bins the encoder sees."""
        return self.n_mels or 257

    def frames(self, duration: float) -> int:
        """Encoder frames of a ``duration``-second crop."""
        return int(round(FPS * duration)) // self.frame_pool


def compact(x: np.ndarray, n_mels: int | None, frame_pool: int) -> np.ndarray:
    """A smaller input: mel bands instead of linear bins, and averaged frames.

    The log power of the 257 linear bins is turned back into power, summed by
    triangular mel filters and logged again; then each run of ``frame_pool`` frames
    is averaged (trailing frames that fill no run are dropped).

    Args:
        x: Log power spectrograms (items, 257, frames).
        n_mels: Mel bands (None: keep the linear bins).
        frame_pool: Frames averaged into one.

    Returns:
        float32 (items, n_mels or 257, frames // frame_pool).
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"spectrograms must be (items, bins, frames), got shape {x.shape}")
    if n_mels:
        if x.shape[1] != 257:
            raise ValueError(f"mel pooling needs the 257 bins of a 512-point FFT, got {x.shape[1]}")
        fb = mel_filterbank(n_mels, 512, 16000)
        out = np.empty((len(x), n_mels, x.shape[2]), np.float32)
        for start in range(0, len(x), 64):  # in chunks: exp of the whole set is large
            power = np.exp(x[start : start + 64])
            out[start : start + 64] = np.log(np.einsum("mb,nbt->nmt", fb, power) + 1e-10)
        x = out
    if frame_pool > 1:
        usable = x.shape[2] // frame_pool * frame_pool
        x = x[:, :, :usable].reshape(len(x), x.shape[1], -1, frame_pool).mean(-1)
    return np.ascontiguousarray(x, dtype=np.float32)


def spectrograms(
    table: pd.DataFrame, longest: float, **options: object
) -> tuple[pd.DataFrame, np.ndarray]:
    """Log-spectrograms of the longest crop, once; shorter crops are its first frames.

    Returns:
        The rows that have features and an array (items, 257, 100 * longest).
    """
    spec = features.LogSpectrogram(duration=float(longest))
    return features.extract_table(table, spec, dtype="float16", **options)


def _crop(x: np.ndarray, frames: int, fit_on: np.ndarray) -> np.ndarray:
    """The first ``frames`` frames, standardised per frequency bin on ``fit_on``."""
    crop = x[:, :, :frames]
    norm = SpectrogramNorm().fit(crop[fit_on].astype(np.float32))
    return np.ascontiguousarray(norm.transform(crop.astype(np.float32)), dtype=np.float32)


def _encoder(xc, y, train, val, settings: Settings, device: str, seed: int) -> tuple:
    """The pairwise task's encoder on prepared crops (the chapter's cells and fit_predict)."""
    return train_pairwise(
        xc,
        y,
        train,
        val,
        settings.pairwise_epochs,
        settings.pairs_per_epoch,
        settings.batch_size,
        settings.lr,
        settings.weight,
        settings.margin,
        settings.conv,
        device,
        seed,
        schedule=settings.schedule,
        patience=settings.patience,
    )


def pairwise(
    x: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    val: np.ndarray,
    test: np.ndarray,
    settings: Settings,
    seed: int,
) -> tuple[np.ndarray, list[dict], np.ndarray]:
    """The pairwise task, then an SVM on the training vectors; predict ``test``.

    Args:
        x: Compact inputs (:func:`compact`), at least ``settings.duration`` long.
        y: Integer classes.
        train: Indices the encoder and the SVM train on.
        val: Validation indices (the epoch is chosen on them).
        test: Indices predicted.
        settings: The knobs.
        seed: The model's seed.

    Returns:
        Predicted classes of ``test``, the training curve, the training vectors.
    """
    import torch

    device = resolve_device(settings.device)
    xc = _crop(x, settings.frames(settings.duration), train)
    encoder, history = _encoder(xc, y, train, val, settings, device, seed)
    xt = torch.as_tensor(xc, device=device)
    train_emb, test_emb = embed(encoder, xt[train], device), embed(encoder, xt[test], device)
    pred = svm_uar(train_emb, y[train], test_emb, np.zeros(len(test), int), seed)[1]
    return pred, history, train_emb


def softmax(
    x: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    val: np.ndarray,
    test: np.ndarray,
    duration: float,
    settings: Settings,
    seed: int,
) -> tuple[np.ndarray, list[dict]]:
    """A softmax baseline on ``duration``-second crops; the epoch is chosen on ``val``."""
    device = resolve_device(settings.device)
    xc = _crop(x, settings.frames(duration), train)
    model, history = train_softmax(
        xc,
        y,
        train,
        settings.softmax_epochs,
        settings.batch_size,
        settings.lr,
        settings.conv,
        device,
        seed,
        val=val,
        schedule=settings.schedule,
        patience=settings.patience,
    )
    return predict_softmax(model, xc[test], device), history


def _checked(x_train, y_train, speakers_train) -> tuple[np.ndarray, np.ndarray]:
    y_train = np.asarray(y_train).astype(str)
    speakers = np.asarray(speakers_train).astype(str)
    if not (len(x_train) == len(y_train) == len(speakers)):
        raise ValueError(
            f"x_train ({len(x_train)}), y_train ({len(y_train)}) and speakers_train "
            f"({len(speakers)}) must have one entry per training item"
        )
    if len(np.unique(speakers)) < 2:
        raise ValueError(
            f"fit_predict needs two training speakers to validate, got {len(np.unique(speakers))}"
        )
    return y_train, speakers


def source_model(
    x_train: np.ndarray,
    y_train: Sequence[str],
    speakers_train: Sequence,
    *,
    settings: Settings,
    random_state: int,
) -> dict:
    """The pairwise encoder trained on labelled speech, with what it needs to embed more.

    A random ``settings.val_share`` of the training speakers (at least one)
    validates: the encoder keeps its epoch with the best validation UAR. Other
    experiments (chapter 08) train it once per source and pass it to
    :func:`fit_predict` for every target.

    Returns:
        ``encoder`` (on the CPU), ``norm`` (the crop's per-bin standardisation,
        fitted on the training speakers), ``names`` (the classes), ``train`` (the
        indices of the non-validation items), ``history``.
    """
    y_train, speakers = _checked(x_train, y_train, speakers_train)
    names = np.unique(y_train)
    spk = np.unique(speakers)
    rng = np.random.default_rng(random_state)
    held = rng.choice(spk, size=max(1, int(round(settings.val_share * len(spk)))), replace=False)
    is_val = np.isin(speakers, held)
    train, val = np.flatnonzero(~is_val), np.flatnonzero(is_val)
    x = compact(x_train, settings.n_mels, settings.frame_pool)[
        :, :, : settings.frames(settings.duration)
    ]
    norm = SpectrogramNorm().fit(x[train])
    xc = np.ascontiguousarray(norm.transform(x), dtype=np.float32)
    device = resolve_device(settings.device)
    encoder, history = _encoder(
        xc, np.searchsorted(names, y_train), train, val, settings, device, random_state
    )
    return {
        "encoder": encoder.cpu(),
        "norm": norm,
        "names": names,
        "train": train,
        "history": history,
    }


def fit_predict(
    x_train: np.ndarray,
    y_train: Sequence[str],
    speakers_train: Sequence,
    x_test: np.ndarray,
    *,
    settings: Settings,
    random_state: int,
    model: Mapping | None = None,
) -> np.ndarray:
    """Lian et al.'s method as one call: pairwise encoder, SVM, predictions.

    The encoder comes from :func:`source_model` (trained here unless ``model`` is
    given); the SVM is fitted on the vectors of the training speakers that did not
    validate it, as in the chapter's cells.

    Args:
        x_train: Log power spectrograms (items, 257, frames) of the training items,
            at least ``settings.duration`` long.
        y_train: Their emotion names.
        speakers_train: Their speakers (two at least).
        x_test: Spectrograms of the items to predict, same shape per item.
        settings: The knobs.
        random_state: Seed of the validation speakers, the weights and the pairs.
        model: :func:`source_model`'s result for these training data, if trained.

    Returns:
        The predicted emotion name of each test item.
    """
    import torch

    y_train, _ = _checked(x_train, y_train, speakers_train)
    if model is None:
        model = source_model(
            x_train, y_train, speakers_train, settings=settings, random_state=random_state
        )
    frames = settings.frames(settings.duration)
    device = resolve_device(settings.device)
    encoder = model["encoder"].to(device)

    def vectors(x: np.ndarray) -> np.ndarray:
        xc = compact(x, settings.n_mels, settings.frame_pool)[:, :, :frames]
        xc = np.ascontiguousarray(model["norm"].transform(xc), dtype=np.float32)
        return embed(encoder, torch.as_tensor(xc, device=device), device)

    names, train = model["names"], model["train"]
    y = np.searchsorted(names, y_train)
    emb_train, emb_test = vectors(x_train[train]), vectors(x_test)
    pred = svm_uar(emb_train, y[train], emb_test, np.zeros(len(emb_test), int), random_state)[1]
    return names[pred]


# ---------------------------------------------------------------------------------------
# the protocol: rotating folds


def rotation(groups: Sequence, *, paper_split: bool = False) -> list[dict]:
    """Folds that rotate Lian et al.'s train / validation / test proportions.

    The sorted groups are cut into five consecutive parts of near-equal size (each
    group its own part with three or four groups); fold ``k`` tests part ``k``,
    validates on part ``k + 1`` (cyclically) and trains on the others, so every
    group is tested once. ``paper_split`` gives the paper's single fold instead
    (sessions 1-3 / 4 / 5 on IEMOCAP).

    Returns:
        One dict per fold: ``name`` (the test groups, joined by ``+``), ``train``,
        ``val`` and ``test`` (sorted item indices).

    Raises:
        ValueError: Fewer than three groups.
    """
    groups = np.asarray(groups).astype(str)
    ordered = np.unique(groups)
    if len(ordered) < 3:
        raise ValueError(f"rotating folds need at least 3 speakers or sessions, got {len(ordered)}")
    parts = np.array_split(ordered, min(5, len(ordered)))
    chosen = [len(parts) - 1] if paper_split else range(len(parts))
    folds = []
    for k in chosen:
        val_part = len(parts) - 2 if paper_split else (k + 1) % len(parts)
        train_parts = [p for j, p in enumerate(parts) if j not in (k, val_part)]
        folds.append(
            {
                "name": "+".join(parts[k]),
                "train": np.flatnonzero(np.isin(groups, np.concatenate(train_parts))),
                "val": np.flatnonzero(np.isin(groups, parts[val_part])),
                "test": np.flatnonzero(np.isin(groups, parts[k])),
            }
        )
    return folds


def fold_members(table: pd.DataFrame, folds: Sequence[dict]) -> pd.DataFrame:
    """Which groups each fold trains, validates and tests on, and how many items."""
    groups, kind = split_groups(table)
    rows = []
    for k, fold in enumerate(folds):
        row = {"fold": k, "test unit": fold["name"]}
        for part in ("train", "val", "test"):
            row[f"{part} {kind}s"] = len(set(groups[fold[part]]))
            row[f"{part} items"] = len(fold[part])
        rows.append(row)
    return pd.DataFrame(rows).set_index("fold")


# ---------------------------------------------------------------------------------------
# the grid


def inputs(table: pd.DataFrame, x: np.ndarray, folds: Sequence[dict]) -> dict:
    """What every cell shares: compact inputs, classes, speakers, the folds."""
    return {
        "x": x,
        "y": table["emotion"].map({e: i for i, e in enumerate(EMOTIONS)}).to_numpy(),
        "speaker": table["speaker"].astype(str).to_numpy(),
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
    """
    settings = Settings.from_params(config)
    x, y = data["x"], np.asarray(data["y"])
    part = data["folds"][fold]
    train, val, test = part["train"], part["val"], part["test"]
    model_seed = stable_seed(seed, method, duration, fold)
    rows: list[dict] = []
    if method == PAIRWISE:
        pred, history, train_emb = pairwise(x, y, train, val, test, settings, model_seed)
        if fold == 0:
            rows += [
                {"record": "embedding", "item": int(i), "true": EMOTIONS[y[i]], "embedding": e}
                for i, e in zip(train, train_emb, strict=True)
            ]
    elif method == baseline(duration):
        pred, history = softmax(x, y, train, val, test, duration, settings, model_seed)
    else:
        raise ValueError(f"unknown method {method!r} for duration {duration}")
    rows += [{"record": "curve", "unit": part["name"], **h} for h in history]
    speakers = np.asarray(data["speaker"])
    rows += [
        {
            "record": "test",
            "item": int(i),
            "unit": part["name"],
            "speaker": speakers[i],
            "true": EMOTIONS[y[i]],
            "predicted": EMOTIONS[p],
        }
        for i, p in zip(test, pred, strict=True)
    ]
    return pd.DataFrame(rows)


def run(
    data: dict,
    settings: Settings,
    *,
    seeds: Sequence[int],
    durations: Sequence[float],
    fingerprint: str = "",
    scheduler: str | None = None,
    store: bool = True,
    progress: bool = True,
) -> pd.DataFrame:
    """Run the whole grid (:func:`cells`) through :func:`sertl.grid.run`."""
    config = settings.as_dict()
    return grid.run(
        cell,
        cells(seeds, durations, settings.duration, len(data["folds"])),
        name="03_lian",
        keys=["method", "duration", "seed", "fold"],
        shared={"data": data, "config": config},
        fingerprint=f"{fingerprint}|{json.dumps(config, sort_keys=True)}",
        scheduler=scheduler,
        store=store,
        progress=progress,
    )


# ---------------------------------------------------------------------------------------
# summaries


def predictions(results: pd.DataFrame) -> pd.DataFrame:
    """The test predictions of every cell."""
    cols = ["method", "duration", "seed", "fold", "unit", "item", "speaker", "true", "predicted"]
    return results[results["record"] == "test"][cols].reset_index(drop=True)


def curves(results: pd.DataFrame) -> pd.DataFrame:
    """Training curves of every cell (one row per cell and epoch)."""
    rows = results[results["record"] == "curve"]
    cols = ["method", "seed", "fold", "unit", "epoch", "loss", "pair_accuracy", "val_uar", "lr"]
    cols += ["pairs_per_s"]
    out = rows[[c for c in cols if c in rows]].reset_index(drop=True)
    out["epoch"] = out["epoch"].astype(int)
    return out


def embeddings(results: pd.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The training vectors of one seed's pairwise encoder (first fold) and their emotions."""
    rows = results[(results["record"] == "embedding") & (results["seed"] == seed)]
    return np.stack(rows["embedding"].to_numpy()), rows["true"].to_numpy()


def per_unit(results: pd.DataFrame) -> pd.DataFrame:
    """UAR (%) of each cell on its test unit: the per-unit rows the effects pair on.

    Returns:
        Columns ``method, duration, seed, unit, n, uar`` (``n``: test utterances).
    """
    pred = predictions(results)
    rows = []
    keys = ["method", "duration", "seed", "unit"]
    for (method, duration, seed, unit), g in pred.groupby(keys, sort=False):
        rows.append(
            {
                "method": method,
                "duration": duration,
                "seed": seed,
                "unit": unit,
                "n": len(g),
                "uar": 100 * uar(g["true"].to_numpy(), g["predicted"].to_numpy()),
            }
        )
    return pd.DataFrame(rows)


def degenerate(pred: pd.DataFrame, share: float = verdict.DEGENERATE_SHARE) -> pd.DataFrame:
    """Each model's most predicted class and its share of the model's test items.

    Returns:
        One row per cell (``method, seed, unit``): ``class``, ``share`` (percent) and
        ``degenerate`` (``share`` at least ``share``).
    """
    rows = []
    for (method, seed, unit), g in pred.groupby(["method", "seed", "unit"], sort=False):
        cls, frac = verdict.dominant(g["predicted"].to_numpy())
        rows.append(
            {
                "method": method,
                "seed": seed,
                "unit": unit,
                "class": cls,
                "share": 100 * frac,
                "degenerate": verdict.is_degenerate(g["predicted"].to_numpy(), share),
            }
        )
    return pd.DataFrame(rows)


def degenerate_sentence(check: pd.DataFrame) -> str:
    """Name every model that predicts one class for most of its test items."""
    bad = check[check["degenerate"]]
    if bad.empty:
        top = check["share"].max()
        return (
            f"No model predicts one class for {100 * verdict.DEGENERATE_SHARE:.0f} % or more of "
            f"its test items (the largest share of one class is {top:.0f} %)."
        )
    names = [
        f"{r.method} (seed {r.seed}, {r.unit}: {r['class']} {r.share:.0f} %)"
        for _, r in bad.iterrows()
    ]
    return (
        f"Degenerate: {len(bad)} model(s) predict one class for at least "
        f"{100 * verdict.DEGENERATE_SHARE:.0f} % of their test items: " + "; ".join(names) + "."
    )


def above_chance(scores: pd.DataFrame, n_classes: int = len(EMOTIONS)) -> pd.DataFrame:
    """Per method: mean UAR over test units against chance, one-sided t-test over units.

    Seeds are averaged within a unit first.

    Returns:
        One row per method: ``n`` (units), ``uar``, ``chance``, ``above`` (points),
        ``p`` (one-sided; NaN under two units).
    """
    level = verdict.chance(n_classes)
    rows = []
    for method in _method_order(list(scores["method"].unique())):
        units = scores[scores["method"] == method].groupby("unit")["uar"].mean()
        p = (
            float(stats.ttest_1samp(units, level, alternative="greater").pvalue)
            if len(units) >= 2
            else np.nan
        )
        rows.append(
            {
                "method": method,
                "n": len(units),
                "uar": units.mean(),
                "chance": level,
                "above": units.mean() - level,
                "p": p,
            }
        )
    return pd.DataFrame(rows).set_index("method")


def _method_order(methods: Sequence[str]) -> list[str]:
    base = sorted((m for m in methods if m != PAIRWISE), key=lambda m: float(m.split()[1]))
    return base + ([PAIRWISE] if PAIRWISE in methods else [])


def utterance_interval(
    pred: pd.DataFrame, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile-bootstrap interval of UAR (%) over test utterances, seeds pooled.

    For a single test unit (IEMOCAP's session 5): it holds for its speakers only.
    """
    rng = np.random.default_rng(seed)
    true, predicted = pred["true"].to_numpy(), pred["predicted"].to_numpy()
    boots = [
        100 * uar(true[idx], predicted[idx])
        for idx in (rng.integers(0, len(true), len(true)) for _ in range(n_boot))
    ]
    return tuple(np.percentile(boots, [50 * (1 - level), 50 * (1 + level)]))


def verdicts(
    scores: pd.DataFrame,
    published: pd.DataFrame,
    *,
    data: str,
    corpus: str,
    paper_corpus: str = PAPER_CORPUS,
    n_boot: int = 2000,
    seed: int = 0,
    margin: float = verdict.MARGIN,
) -> list[verdict.Verdict]:
    """One verdict per published cell; the unit is the test speaker group, seeds nested.

    Args:
        scores: :func:`per_unit`.
        published: ``sertl.papers.published("lian")``.
        data: ``"real"`` or ``"synthetic"``.
        corpus: The corpus the grid ran on.
        paper_corpus: The paper's corpus (a different ``corpus`` is a stand-in).
        n_boot: Unused (intervals are Student-t); kept for callers.
        seed: Unused; kept for callers.
        margin: Margin of equivalence, in points.
    """
    out = []
    for _, row in published.iterrows():
        mine = scores[scores["method"] == row["method"]]
        if mine.empty:
            out.append(verdict.not_run(row, f"{row['method']} not in this run's grid"))
            continue
        out.append(
            verdict.compare(
                row,
                mine["uar"].to_numpy(),
                mine["unit"].to_numpy(),
                unit=UNIT,
                data=data,
                stand_in="" if corpus == paper_corpus else corpus,
                n_boot=n_boot,
                seed=seed,
                margin=margin,
                seeds=mine["seed"].to_numpy(),
            )
        )
    return out


def table3(
    scores: pd.DataFrame,
    published: pd.DataFrame,
    verdict_list: Sequence,
    pred: pd.DataFrame | None = None,
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """Table 3 beside the paper: per method the mean over test units and its interval.

    Returns:
        Rows in the paper's order; columns ``paper``, ``ours`` (mean over test units of
        the per-unit UAR, seeds averaged within a unit), ``low``, ``high`` (95 %
        interval), ``n`` (test units), ``unit``, ``interval`` (what the interval
        resamples), ``pooled`` (UAR of all test utterances, mean over seeds),
        ``seeds`` and ``status``. With one test unit and ``pred``, the interval is
        over utterances and holds for that unit's speakers only.
    """
    by = {v.method: v for v in verdict_list}
    rows = []
    for method in _method_order(list(published["method"])):
        v = by.get(method)
        mine = scores[scores["method"] == method]
        n = mine["unit"].nunique()
        low, high = (v.low, v.high) if v else (np.nan, np.nan)
        what = f"t-interval over {UNIT}s"
        pooled = np.nan
        if pred is not None:
            p = pred[pred["method"] == method]
            if len(p):
                pooled = float(
                    np.mean([100 * uar(g["true"], g["predicted"]) for _, g in p.groupby("seed")])
                )
            if n == 1 and len(p):
                low, high = utterance_interval(p, seed=seed)
                what = f"bootstrap over utterances (holds for {mine['unit'].iloc[0]} only)"
        rows.append(
            {
                "method": method,
                "paper": float(published.set_index("method").loc[method, "value"]),
                "ours": mine.groupby("unit")["uar"].mean().mean() if n else np.nan,
                "low": low,
                "high": high,
                "n": n,
                "unit": UNIT,
                "interval": what if n else "",
                "pooled": pooled,
                "seeds": mine["seed"].nunique(),
                "status": v.status if v else "not run",
            }
        )
    return pd.DataFrame(rows).set_index("method")


def scale(settings: Settings, *, n_train: int, seeds: Sequence[int], folds: int = 1) -> dict:
    """The scale of a run, computed from its settings (for the table beside Table 3)."""
    return {
        "training utterances": n_train,
        "input (bins x frames, pairwise crop)": (
            f"{settings.n_bins} x {settings.frames(settings.duration)}"
        ),
        "most training pairs per model": settings.pairs_per_epoch * settings.pairwise_epochs,
        "pairs per epoch": settings.pairs_per_epoch,
        "pairwise epochs (most)": settings.pairwise_epochs,
        "softmax epochs (most)": settings.softmax_epochs,
        "encoder layers (channels, kernel, stride)": " ".join(
            f"({c},{k},{s})" for c, k, s in settings.conv
        ),
        "encoder parameters": encoder_parameters(settings.conv, settings.n_bins),
        "learning rate": settings.lr,
        "schedule": settings.schedule,
        "batch size": settings.batch_size,
        "seeds": len(seeds),
        "folds (test units)": folds,
    }


def scale_table(columns: Mapping[str, Mapping[str, object]]) -> pd.DataFrame:
    """Several :func:`scale` records (and :data:`PAPER_SCALE`) side by side, as text."""

    def text(v: object) -> str:
        if v is None:
            return "not stated"
        if isinstance(v, float):
            return f"{v:g}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v)

    frame = pd.DataFrame({k: {q: text(v) for q, v in col.items()} for k, col in columns.items()})
    frame.index.name = "setting"
    return frame
