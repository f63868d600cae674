"""Metrics the four papers report, delegated to scikit-learn.

UAR (unweighted average recall) is :func:`sklearn.metrics.balanced_accuracy_score`,
WA (weighted accuracy) is :func:`sklearn.metrics.accuracy_score`; these names are
the papers' and return plain floats.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    confusion_matrix,
    recall_score,
)


def _pair(y_true: Sequence, y_pred: Sequence) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has {y_pred.shape}")
    return y_true, y_pred


def per_class_recall(
    y_true: Sequence, y_pred: Sequence, labels: Sequence | None = None
) -> pd.Series:
    """Recall of each class present in ``y_true`` (or listed in ``labels``; NaN when absent)."""
    y_true, y_pred = _pair(y_true, y_pred)
    classes = list(labels) if labels is not None else sorted(set(y_true.tolist()))
    recalls = recall_score(
        y_true, y_pred, labels=classes, average=None, zero_division=np.nan
    ).astype(float)
    return pd.Series(recalls, index=classes, name="recall")


def uar(y_true: Sequence, y_pred: Sequence) -> float:
    """Unweighted average recall over the classes of ``y_true`` (chance = 1 / classes)."""
    y_true, y_pred = _pair(y_true, y_pred)
    with warnings.catch_warnings():
        # predicted classes absent from y_true are left out of the mean, as intended
        warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")
        return float(balanced_accuracy_score(y_true, y_pred))


def wa(y_true: Sequence, y_pred: Sequence) -> float:
    """Weighted accuracy: the share of correctly classified items."""
    return float(accuracy_score(*_pair(y_true, y_pred)))


def confusion(
    y_true: Sequence, y_pred: Sequence, labels: Sequence, normalize: bool = True
) -> pd.DataFrame:
    """Confusion matrix with true classes as rows; rows sum to 1 when normalised.

    Items whose true or predicted class is not in ``labels`` are left out; a
    class without items has a row of zeros.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    labels = list(labels)
    matrix = confusion_matrix(
        y_true, y_pred, labels=labels, normalize="true" if normalize else None
    )
    return pd.DataFrame(
        matrix.astype(float),
        index=pd.Index(labels, name="true"),
        columns=pd.Index(labels, name="predicted"),
    )
