"""Metrics the four papers report: UAR (unweighted) and WA (weighted accuracy)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def per_class_recall(
    y_true: Sequence, y_pred: Sequence, labels: Sequence | None = None
) -> pd.Series:
    """Recall of each class present in ``y_true`` (or listed in ``labels``)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has {y_pred.shape}")
    classes = list(labels) if labels is not None else sorted(set(y_true.tolist()))
    recalls = {}
    for c in classes:
        mask = y_true == c
        recalls[c] = float(np.mean(y_pred[mask] == c)) if mask.any() else np.nan
    return pd.Series(recalls, name="recall")


def uar(y_true: Sequence, y_pred: Sequence) -> float:
    """Unweighted average recall: the mean of per-class recalls (chance = 1 / classes)."""
    return float(np.nanmean(per_class_recall(y_true, y_pred).to_numpy()))


def wa(y_true: Sequence, y_pred: Sequence) -> float:
    """Weighted accuracy: the share of correctly classified items."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has {y_pred.shape}")
    return float(np.mean(y_true == y_pred))


def confusion(
    y_true: Sequence, y_pred: Sequence, labels: Sequence, normalize: bool = True
) -> pd.DataFrame:
    """Confusion matrix with true classes as rows; rows sum to 1 when normalised."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    labels = list(labels)
    index = {c: i for i, c in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)))
    for t, p in zip(y_true, y_pred, strict=True):
        if t in index and p in index:
            matrix[index[t], index[p]] += 1
    if normalize:
        sums = matrix.sum(axis=1, keepdims=True)
        matrix = np.divide(matrix, sums, out=np.zeros_like(matrix), where=sums > 0)
    return pd.DataFrame(
        matrix, index=pd.Index(labels, name="true"), columns=pd.Index(labels, name="predicted")
    )
