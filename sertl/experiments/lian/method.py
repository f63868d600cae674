"""The method, written once: the pairwise task, its softmax baselines, and as one call.

The chapter's cells call :func:`pairwise` and :func:`softmax` on a fold's indices;
other chapters call :func:`source_model` and :func:`fit_predict` on labelled
speech. Both paths train the encoder through :func:`_encoder` and classify its
vectors through :func:`_embedded_svm`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ...device import resolve_device
from ...models.lian import (
    SattEncoder,
    SpectrogramNorm,
    embed,
    predict_softmax,
    svm_uar,
    train_pairwise,
    train_softmax,
)
from .data import compact
from .settings import Settings


def _crop(x: np.ndarray, frames: int, fit_on: np.ndarray) -> np.ndarray:
    """The first ``frames`` frames, standardised per frequency bin on ``fit_on``."""
    crop = x[:, :, :frames]
    norm = SpectrogramNorm().fit(crop[fit_on].astype(np.float32))
    return np.ascontiguousarray(norm.transform(crop.astype(np.float32)), dtype=np.float32)


def _encoder(
    xc: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    val: np.ndarray,
    settings: Settings,
    device: str,
    seed: int,
) -> tuple[SattEncoder, list[dict]]:
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


def _embedded_svm(
    encoder: SattEncoder,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    device: str,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The encoder's vectors of both sets, an SVM fitted on the training ones, its predictions.

    Args:
        encoder: The trained encoder, on ``device``.
        x_train: Prepared crops (float32) the SVM trains on.
        y_train: Their integer classes.
        x_test: Prepared crops to predict.
        device: Torch device of the encoder.
        seed: The SVM's seed.

    Returns:
        Predicted classes of ``x_test`` and the training vectors.
    """
    import torch

    train_emb = embed(encoder, torch.as_tensor(x_train, device=device), device)
    test_emb = embed(encoder, torch.as_tensor(x_test, device=device), device)
    # svm_uar also scores; the test labels are unknown here, so zeros stand in and
    # only its predictions are kept
    pred = svm_uar(train_emb, y_train, test_emb, np.zeros(len(test_emb), int), seed)[1]
    return pred, train_emb


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
    device = resolve_device(settings.device)
    xc = _crop(x, settings.frames(settings.duration), train)
    encoder, history = _encoder(xc, y, train, val, settings, device, seed)
    pred, train_emb = _embedded_svm(encoder, xc[train], y[train], xc[test], device, seed)
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


def _checked(
    x_train: np.ndarray, y_train: Sequence[str], speakers_train: Sequence
) -> tuple[np.ndarray, np.ndarray]:
    """The labels and speakers as text, checked: one per item, two speakers at least."""
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
    y_train, _ = _checked(x_train, y_train, speakers_train)
    if model is None:
        model = source_model(
            x_train, y_train, speakers_train, settings=settings, random_state=random_state
        )
    frames = settings.frames(settings.duration)
    device = resolve_device(settings.device)

    def crops(x: np.ndarray) -> np.ndarray:
        xc = compact(x, settings.n_mels, settings.frame_pool)[:, :, :frames]
        return np.ascontiguousarray(model["norm"].transform(xc), dtype=np.float32)

    names, train = model["names"], model["train"]
    y = np.searchsorted(names, y_train)
    encoder = model["encoder"].to(device)
    pred, _ = _embedded_svm(
        encoder, crops(x_train[train]), y[train], crops(x_test), device, random_state
    )
    return names[pred]
