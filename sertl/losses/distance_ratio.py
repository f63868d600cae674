"""Feng & Chaspari's modified distance loss, their equation (1)."""

from __future__ import annotations

import torch
from torch import nn


class DistanceRatioLoss(nn.Module):
    r"""Ratio of class distances on the feature extractor's outputs.

    With :math:`\bar d_{\neq}` the mean Euclidean distance over pairs of a batch
    whose classes differ and :math:`\bar d_{=}` the mean over pairs of the same
    class,

    .. math:: L = \frac{\bar d_{\neq} + \bar d_{=}}{\bar d_{\neq} - \bar d_{=}}.

    :math:`L \ge 1` when classes are apart, and it reaches 1 when every class
    collapses to a point. Edge cases: a batch with no same-class pair or no
    different-class pair carries no information about the ratio and gives a
    loss of 0 (with a zero gradient); the denominator is clamped below at
    ``min_gap`` so that overlapping classes give a large finite loss rather
    than a division blow-up or a sign flip.

    Args:
        min_gap: Lower bound of the denominator.
    """

    def __init__(self, min_gap: float = 1e-2) -> None:
        super().__init__()
        self.min_gap = min_gap

    def forward(self, embeddings: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Return the loss of one batch.

        Args:
            embeddings: (batch, dim) extractor outputs.
            labels: (batch,) class indices.
        """
        n = embeddings.shape[0]
        i, j = torch.triu_indices(n, n, offset=1, device=embeddings.device)
        # explicit differences: cdist's gradient is NaN at zero distance
        dist = (embeddings[i] - embeddings[j]).pow(2).sum(-1).clamp_min(1e-12).sqrt()
        same = labels[i] == labels[j]
        if not same.any() or same.all():
            return embeddings.sum() * 0.0
        d_same, d_diff = dist[same].mean(), dist[~same].mean()
        return (d_diff + d_same) / (d_diff - d_same).clamp_min(self.min_gap)
