"""The cosine loss of Lian et al.'s pairwise discriminative task."""

from __future__ import annotations

import torch

from .base import PairLoss, Pairs


class CosineMarginLoss(PairLoss):
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

    def forward(  # type: ignore[override]
        self, a: torch.Tensor, b: torch.Tensor, same: torch.Tensor
    ) -> torch.Tensor:
        """Mean loss of the pairs ``(a[k], b[k])``; ``same`` is boolean (n_pairs,)."""
        return self.compute(self.given_pairs(a, b, same))

    def compute(self, pairs: Pairs) -> torch.Tensor:
        """The loss from given pairs (see :class:`~sertl.losses.base.PairLoss`)."""
        cos = pairs.cosine
        return torch.where(pairs.same, 1.0 - cos, (cos - self.margin).clamp_min(0.0)).mean()
