"""Yue et al.'s methods as the benchmark calls them: a source head, then fit and predict."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from sklearn.preprocessing import StandardScaler

from ...models import FewShotHead, clone, predict_prototype, train_head
from .settings import EMOTIONS, metric_loss


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
