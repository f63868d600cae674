"""The Siamese network's training stages: one network, the source model, and fine-tuning.

:func:`base_model` (the out-of-domain model of a source) and :func:`fit_predict`
(OODT or fine-tuning on labelled target speech) are what the cells and the
benchmark (:mod:`sertl.experiments.benchmark`) both call.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.preprocessing import StandardScaler

from ...device import stable_seed
from ...models import SiameseNet, classify, train_siamese
from .._base import digest, source_cache
from .data import FT, FT_LOSS, OODT


def _train(
    X: np.ndarray,
    y: np.ndarray,
    epochs: int,
    *,
    lr: float,
    seed: int,
    device: str,
    init: dict | None = None,
    frozen: int = 0,
    distance_weight: float = 0.0,
    batch_size: int = 64,
    pair_seed: int | None = None,
) -> SiameseNet:
    """A Siamese network trained on pairs of ``X``, seeded by ``seed``.

    The pairs are drawn with ``pair_seed`` (default: derived from ``seed``). The
    per-epoch losses are kept as the network's ``history_``.
    """
    torch.manual_seed(seed)
    net = SiameseNet(X.shape[1])
    if init is not None:
        net.load_state_dict(init)
    net.freeze(frozen)
    net.history_ = train_siamese(
        net,
        X,
        y,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        distance_weight=distance_weight,
        random_state=stable_seed(seed, "pairs") if pair_seed is None else pair_seed,
        device=device,
    )
    return net


def base_model(
    X: np.ndarray, y: np.ndarray, *, source: str, epochs: int, lr: float, seed: int, device: str
) -> tuple[dict, StandardScaler]:
    """The out-of-domain model of one source (its weights) and the source's scaler.

    Deterministic in its arguments, so every process that needs it trains the
    same model; it is kept in memory for the process's other cells.

    Args:
        X: Source features (unscaled).
        y: Their emotions (indices).
        source: The source's name (part of the seed and the cache key).
        epochs: Training epochs.
        lr: Adam's learning rate.
        seed: Base seed (the network's derives from it and ``source``).
        device: Torch device.

    Returns:
        The trained network's state dict (on the CPU) and the scaler fitted on ``X``.
    """

    def train() -> tuple[dict, StandardScaler]:
        scaler = StandardScaler().fit(X)
        net = _train(
            scaler.transform(X),
            y,
            epochs,
            lr=lr,
            seed=stable_seed(seed, "oodt", source),
            device=device,
        )
        return {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}, scaler

    key = ("feng_chaspari.base_model", source, epochs, lr, seed, device, digest(X, y))
    return source_cache(key, train)


def fit_predict(
    method: str,
    x_source: np.ndarray,
    y_source: np.ndarray,
    x_support: np.ndarray,
    y_support: np.ndarray,
    x_test: np.ndarray,
    *,
    model: tuple[dict, StandardScaler],
    finetune_epochs: int = 30,
    lr: float = 1e-3,
    frozen: int = 0,
    distance_weight: float = 1.0,
    batch_size: int = 32,
    device: str = "cpu",
    random_state: int = 0,
    pair_seed: int | None = None,
) -> np.ndarray:
    """The OODT model, or its fine-tuning on labelled target speech, on the test speech.

    OODT compares each test utterance with the source's; after fine-tuning (with
    or without the distance loss) the model compares with the labelled target
    speech, the paper's reading.

    Args:
        method: :data:`OODT`, :data:`FT` or :data:`FT_LOSS`.
        x_source: Source features (OODT's references).
        y_source: Their labels (integers).
        x_support: Labelled target features (fine-tuning only).
        y_support: Their labels.
        x_test: Test features.
        model: The source stage, :func:`base_model`'s (state dict, scaler).
        finetune_epochs: Epochs of fine-tuning.
        lr: Its learning rate.
        frozen: Extractor layers frozen while fine-tuning.
        distance_weight: Weight of the distance loss (:data:`FT_LOSS` only).
        batch_size: Fine-tuning mini-batch size.
        device: Torch device.
        random_state: Seed of the fine-tuned network.
        pair_seed: Seed of its pairs (default: derived from ``random_state``).

    Returns:
        Predicted labels (the coding of ``y_source``/``y_support``).
    """
    state, scaler = model
    if method == OODT:
        net = SiameseNet(x_source.shape[1])
        net.load_state_dict(state)
        refs = scaler.transform(x_source)
        return classify(net, scaler.transform(x_test), refs, np.asarray(y_source), device)
    if method not in (FT, FT_LOSS):
        raise ValueError(f"unknown method {method!r}; known: {[OODT, FT, FT_LOSS]}")
    if len(y_support) == 0:
        raise ValueError(f"{method} needs labelled target speech")
    xq = scaler.transform(x_support).astype(np.float32)
    # both arms start from the same model and see the same pairs: only the loss differs
    net = _train(
        xq,
        np.asarray(y_support),
        finetune_epochs,
        lr=lr,
        seed=random_state,
        device=device,
        init=state,
        frozen=frozen,
        distance_weight=distance_weight if method == FT_LOSS else 0.0,
        batch_size=batch_size,
        pair_seed=pair_seed,
    )
    return classify(net, scaler.transform(x_test), xq, np.asarray(y_support), device)
