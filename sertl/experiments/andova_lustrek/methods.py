"""One method of the paper trained and predicted (:func:`fit_predict`; chapter 08 calls it too)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.ensemble import RandomForestClassifier

from ...models import DBNClassifier, TransferFCNN
from ...transfer import DistributionBinner, MultiTaskForest, NeutralNormalizer, QuantileWarper
from .settings import METHODS, QUANTILE


def source_model(
    x: np.ndarray,
    y: np.ndarray,
    *,
    hidden: Sequence[int] = (1000, 500, 300),
    epochs: int = 60,
    fine_tune_epochs: int = 60,
    lr: float = 1e-3,
    batch_size: int = 32,
    device: str = "cpu",
    random_state: int = 0,
) -> TransferFCNN:
    """The FCNN trained on a whole source (the source stage of ``fit_predict("FCNN")``)."""
    return TransferFCNN(
        hidden=hidden,
        epochs=epochs,
        fine_tune_epochs=fine_tune_epochs,
        lr=lr,
        batch_size=batch_size,
        device=device,
        random_state=random_state,
    ).fit(x, y)


def _normalised(
    method: str,
    x3: np.ndarray,
    y3: np.ndarray,
    dom: np.ndarray,
    xe: np.ndarray,
    forest: RandomForestClassifier,
    n_bins: int,
) -> np.ndarray | None:
    """A forest on normalised features (source and labelled target speech in ``x3``)."""
    test_dom = np.full(len(xe), "target")
    if method == "normalisation 1":
        if "neutral" not in set(y3[dom == "target"]):
            return None  # the method needs the subject's neutral speech
        norm = NeutralNormalizer().fit(x3, y3, domain=dom)
        model = forest.fit(norm.transform(x3, domain=dom), y3)
        return model.predict(norm.transform(xe, domain=test_dom))
    if method == "normalisation 2":
        binner = DistributionBinner(n_bins=n_bins, edges="pooled").fit(x3, y3, domain=dom)
        model = forest.fit(binner.transform(x3, y3, domain=dom), y3)
        return model.predict(binner.transform(xe, domain=test_dom))
    warped = QuantileWarper(n_bins=n_bins).fit_transform(x3, y3, domain=dom)  # QUANTILE
    return forest.fit(warped, y3).predict(xe)


def fit_predict(
    method: str,
    xs: np.ndarray,
    ys: np.ndarray,
    xt: np.ndarray,
    yt: np.ndarray,
    xe: np.ndarray,
    *,
    random_state: int,
    n_trees: int = 1000,
    max_depth: int | None = 10,
    n_bins: int = 5,
    dbn: Mapping | None = None,
    device: str = "cpu",
    model: TransferFCNN | None = None,
) -> np.ndarray | None:
    """Train one of the paper's methods and predict the target's test speech.

    The majority class, the forests of scenarios 1-3 and, under scenario 3, the
    multi-task forest, the normalisations (:data:`VARIANTS` too), the DBN and the FCNN
    (from ``model``). Chapter 08 calls it too: both chapters run the same methods.

    Args:
        method: A name of :data:`METHODS`.
        xs: Source features.
        ys: Source emotions.
        xt: Features of the labelled target speech.
        yt: Its emotions.
        xe: Features of the target's test speech.
        random_state: The model's seed.
        n_trees: Trees of every forest (the paper: 1000).
        max_depth: Their maximum depth (the paper: 10).
        n_bins: Bins of normalisation 2 (the paper: 5).
        dbn: Keyword arguments of :class:`sertl.models.DBNClassifier` other than
            ``device`` and ``seed``.
        device: Torch device of the DBN.
        model: The source-trained FCNN (``"FCNN"`` only; it is not changed).

    Returns:
        The predicted emotions, or None where the method cannot run (normalisation 1
        without neutral speech in the labelled target speech).

    Raises:
        ValueError: An unknown method, or ``"FCNN"`` without ``model``.
    """
    x3, y3 = np.vstack([xs, xt]), np.concatenate([ys, yt])
    dom = np.array(["source"] * len(ys) + ["target"] * len(yt))

    def forest() -> RandomForestClassifier:
        return RandomForestClassifier(
            n_estimators=n_trees, max_depth=max_depth, random_state=random_state, n_jobs=1
        )

    if method == "majority":
        values, n = np.unique(yt, return_counts=True)
        return np.full(len(xe), values[n.argmax()])
    if method == "scenario 1":
        return forest().fit(xs, ys).predict(xe)
    if method == "scenario 2":
        return forest().fit(xt, yt).predict(xe)
    if method == "scenario 3":
        return forest().fit(x3, y3).predict(xe)
    if method == "multi-task":
        mt = MultiTaskForest(
            n_estimators=n_trees, max_depth=max_depth, random_state=random_state, n_jobs=1
        )
        return mt.fit(x3, y3, domain=dom).predict(xe)
    if method in ("normalisation 1", "normalisation 2", QUANTILE):
        return _normalised(method, x3, y3, dom, xe, forest(), n_bins)
    if method == "DBN":
        return (
            DBNClassifier(**dict(dbn or {}), device=device, random_state=random_state)
            .fit(x3, y3)
            .predict(xe)
        )
    if method == "FCNN":
        if model is None:
            raise ValueError("the FCNN fine-tunes a source-trained network: see train_source")
        return model.fine_tune(xt, yt).predict(xe)
    raise ValueError(f"unknown method {method!r}; known: {list(METHODS)}")
