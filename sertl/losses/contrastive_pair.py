"""The contrastive pair loss of Yue et al.'s few-shot transfer baseline (FSTL)."""

from __future__ import annotations

import torch
from torch import nn


def pair_distances(embeddings: torch.Tensor, labels: torch.Tensor):  # noqa: ANN201
    """Euclidean distances and label pairs of all pairs i < j of a batch."""
    n = embeddings.shape[0]
    i, j = torch.triu_indices(n, n, offset=1, device=embeddings.device)
    dist = (embeddings[i] - embeddings[j]).pow(2).sum(-1).clamp_min(1e-12).sqrt()
    return dist, labels[i], labels[j]


class ContrastivePairLoss(nn.Module):
    r"""Same-class pairs pulled together, different-class pairs pushed beyond a margin.

    .. math::

        L = \frac{1}{|P|}\sum_{(i,j) \in P} d_{ij}^2
          + \frac{1}{|N|}\sum_{(i,j) \in N} \max(0, m - d_{ij})^2

    over the pairs of a batch, :math:`P` same class, :math:`N` different. A part
    with no pair contributes 0.

    Args:
        margin: :math:`m`.
    """

    def __init__(self, margin: float = 1.0) -> None:
        super().__init__()
        self.margin = margin

    def forward(self, embeddings: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Loss of a batch."""
        dist, a, b = pair_distances(embeddings, labels)
        same = a == b
        zero = embeddings.sum() * 0.0
        pos = dist[same].pow(2).mean() if same.any() else zero
        neg = (self.margin - dist[~same]).clamp_min(0).pow(2).mean() if (~same).any() else zero
        return pos + neg
