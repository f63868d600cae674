"""Lian et al.'s joint loss: cosine loss on the embeddings plus cross-entropy on the pair."""

from __future__ import annotations

import torch
from torch import nn

from .base import PairLoss, Pairs
from .cosine_margin import CosineMarginLoss


class PairwiseLoss(PairLoss):
    r""":math:`\lambda L_{\cos} + (1 - \lambda) L_{CE}`.

    :math:`L_{\cos}` is :class:`CosineMarginLoss` on the two 256-d embeddings;
    :math:`L_{CE}` is the cross-entropy of the discrimination network's 2-way
    softmax (class 1 = same emotion).

    Args:
        weight: :math:`\lambda` (0.9 in the paper).
        margin: The cosine margin :math:`m` (0.1 in the paper).
    """

    def __init__(self, weight: float = 0.9, margin: float = 0.1) -> None:
        super().__init__()
        self.weight = weight
        self.cosine = CosineMarginLoss(margin)
        self.ce = nn.CrossEntropyLoss()

    def forward(  # type: ignore[override]
        self, a: torch.Tensor, b: torch.Tensor, logits: torch.Tensor, same: torch.Tensor
    ) -> torch.Tensor:
        """Loss of a batch of pairs ``(a[k], b[k])``.

        Args:
            a: (n_pairs, dim) first embeddings.
            b: (n_pairs, dim) second embeddings.
            logits: (n_pairs, 2) discrimination network outputs.
            same: (n_pairs,) boolean, True for pairs of the same emotion.
        """
        pairs = self.given_pairs(a, b, same)
        return self.compute(pairs, logits)

    def compute(self, pairs: Pairs, logits: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        """The joint loss from given pairs and the discrimination network's logits."""
        cos = self.cosine.compute(pairs)  # the same pairs: cosines computed once
        return self.weight * cos + (1 - self.weight) * self.ce(logits, pairs.same.long())
