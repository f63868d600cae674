"""Few-shot heads of Yue et al.: fine-tuned on a k-shot support set, tested against ``cen``.

Yue et al. write :math:`F(x)` for the emotion embedding of an utterance and
``cen`` for the shot-average embedding of one emotion in the support set. A
test utterance is given the emotion of the nearest ``cen`` (:func:`predict_prototype`,
scikit-learn's :class:`~sklearn.neighbors.NearestCentroid`); the linear classifier
that the cross-entropy trains is the other way to read the head (:func:`predict_head`).
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import torch
from sklearn.neighbors import NearestCentroid
from torch import nn

from .loop import minibatch_epochs


class FewShotHead(nn.Module):
    """A classifier on fixed speech features: two layers to an embedding, then a linear layer.

    Args:
        n_features: Input dimensionality.
        n_classes: Emotions.
        hidden: Hidden units.
        dim: Embedding dimensionality (where the metric losses act).
    """

    def __init__(self, n_features: int, n_classes: int, hidden: int = 128, dim: int = 64) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(), nn.Dropout(0.2), nn.Linear(hidden, dim)
        )
        self.classifier = nn.Linear(dim, n_classes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(embedding, logits)."""
        emb = self.body(x)
        return emb, self.classifier(torch.relu(emb))


def train_head(
    model: FewShotHead,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    lr: float = 1e-3,
    metric: nn.Module | None = None,
    metric_weight: float = 1.0,
    batch_size: int = 64,
    random_state: int = 0,
    device: str = "cpu",
) -> list[float]:
    """Cross-entropy, plus ``metric_weight`` times a metric loss on the embeddings when given.

    Args:
        model: The head (trained in place).
        x: (n, n_features) inputs.
        y: (n,) class indices.
        epochs: Passes over the data.
        lr: Adam's learning rate.
        metric: A pair loss on the embeddings (``loss(embeddings, labels)``), or None.
        metric_weight: Its weight beside the cross-entropy.
        batch_size: Mini-batch size.
        random_state: Seeds the initial order and dropout.
        device: Torch device.

    Returns:
        The loss per epoch.
    """
    torch.manual_seed(random_state)
    rng = np.random.default_rng(random_state)
    model.to(device).train()
    xt = torch.as_tensor(np.array(x), dtype=torch.float32, device=device)
    yt = torch.as_tensor(np.array(y), dtype=torch.long, device=device)
    optim = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    ce = nn.CrossEntropyLoss()

    def batch_loss(xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
        emb, logits = model(xb)
        loss = ce(logits, yb)
        return loss if metric is None else loss + metric_weight * metric(emb, yb)

    return minibatch_epochs(model, xt, yt, epochs, optim, batch_size, rng.permutation, batch_loss)


@torch.no_grad()
def predict_head(
    model: FewShotHead, x: np.ndarray, device: str = "cpu"
) -> tuple[np.ndarray, np.ndarray]:
    """Classes from the linear classifier, and the embeddings: (predicted, embeddings)."""
    model.eval().to(device)
    emb, logits = model(torch.as_tensor(np.array(x), dtype=torch.float32, device=device))
    return logits.argmax(1).cpu().numpy(), emb.cpu().numpy()


def _check_every_class(y: np.ndarray, n_classes: int) -> None:
    # NearestCentroid learns the classes it is shown: a class without a shot would
    # silently shift every later class index, so it is an error here
    missing = [c for c in range(n_classes) if not (np.asarray(y) == c).any()]
    if missing:
        raise ValueError(f"no shot of classes {missing}: cen is undefined")


def nearest_shot_centre(
    support: np.ndarray, y_support: np.ndarray, n_classes: int
) -> NearestCentroid:
    """:class:`~sklearn.neighbors.NearestCentroid` fitted on the support embeddings (``cen``).

    Raises:
        ValueError: A class has no shot.
    """
    _check_every_class(y_support, n_classes)
    with warnings.catch_warnings():
        if len(y_support) == n_classes:
            # one shot per class leaves no within-class spread: NearestCentroid's
            # within_class_std_dev_ (for shrinkage, which is off) is then 0 / 0; the
            # centroids and predictions do not use it
            warnings.filterwarnings(
                "ignore",
                "invalid value encountered in divide",
                RuntimeWarning,
                r"sklearn\.neighbors\._nearest_centroid",
            )
        return NearestCentroid().fit(support, y_support)


@torch.no_grad()
def predict_prototype(
    model: FewShotHead,
    x_support: np.ndarray,
    y_support: np.ndarray,
    x: np.ndarray,
    device: str = "cpu",
) -> tuple[np.ndarray, np.ndarray]:
    """Classes by the nearest ``cen`` of the support set: (predicted, embeddings of ``x``).

    Args:
        model: The fine-tuned head.
        x_support: Support features.
        y_support: Their classes (every class of the head at least once).
        x: Features to classify.
        device: Torch device.
    """
    n_classes = model.classifier.out_features
    _, support = predict_head(model, x_support, device)
    _, emb = predict_head(model, x, device)
    return nearest_shot_centre(support, y_support, n_classes).predict(emb), emb


def clone(model: FewShotHead) -> FewShotHead:
    """An independent copy (for fine-tuning one pre-trained head many times)."""
    return copy.deepcopy(model)
