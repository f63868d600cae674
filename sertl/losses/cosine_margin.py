"""The cosine loss of Lian et al.'s pairwise discriminative task."""

from __future__ import annotations

import torch
from torch import nn


class CosineMarginLoss(nn.Module):
    r"""Cosine loss on pairs of embeddings.

    .. math::

        \ell(a, b) = \begin{cases} 1 - \cos(a, b) & \text{same emotion} \\
                                   \max(0, \cos(a, b) - m) & \text{different emotions}
                     \end{cases}

    averaged over the pairs of a batch.

    Args:
        margin: :math:`m`; Lian et al.'s best value is 0.1.
    """

    def __init__(self, margin: float = 0.1) -> None:
        super().__init__()
        self.margin = margin

    def forward(self, a: torch.Tensor, b: torch.Tensor, same: torch.Tensor) -> torch.Tensor:
        """Mean loss of the pairs ``(a[i], b[i])``; ``same`` is boolean (batch,)."""
        cos = nn.functional.cosine_similarity(a, b, dim=-1, eps=1e-8)
        loss = torch.where(same.bool(), 1.0 - cos, (cos - self.margin).clamp_min(0.0))
        return loss.mean()
