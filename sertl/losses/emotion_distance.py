"""Yue et al.'s metric loss guided by emotion distance (EMOFSL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch
from torch import nn

from .contrastive_pair import pair_distances


class EmotionDistanceLoss(nn.Module):
    r"""Pairs split by emotion distance, each kind with its own margin.

    Pure positive pairs (PP, same emotion) are pulled together; pure negative
    pairs (PN, emotions far apart in valence-arousal space) are pushed beyond
    :math:`\alpha`; medium negative pairs (MN, every other pair of different
    emotions) beyond :math:`\beta < \alpha`:

    .. math::

        L = \kappa_1 \Big(\overline{d^2}_{PP} + \overline{\max(0, \alpha - d)^2}_{PN}\Big)
          + \kappa_2\, \overline{\max(0, \beta - d)^2}_{MN}

    where the bars are means over the pairs of each kind in a batch (a kind
    with no pair contributes 0).

    Args:
        pure_negative: Pairs of class indices that are PN.
        alpha: PN margin.
        beta: MN margin (smaller than ``alpha``).
        kappa1: Weight of the PP and PN parts.
        kappa2: Weight of the MN part.
    """

    def __init__(
        self,
        pure_negative: Iterable[Sequence[int]],
        alpha: float = 2.0,
        beta: float = 1.0,
        kappa1: float = 1.0,
        kappa2: float = 1.0,
    ) -> None:
        super().__init__()
        if not alpha > beta:
            raise ValueError(f"alpha ({alpha}) must exceed beta ({beta})")
        self.pure_negative = {frozenset(int(c) for c in p) for p in pure_negative}
        self.alpha, self.beta, self.kappa1, self.kappa2 = alpha, beta, kappa1, kappa2

    def _is_pn(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        mask = torch.zeros_like(a, dtype=torch.bool)
        for pair in self.pure_negative:
            x, y = tuple(pair)
            mask |= ((a == x) & (b == y)) | ((a == y) & (b == x))
        return mask

    def forward(self, embeddings: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Loss of a batch."""
        dist, a, b = pair_distances(embeddings, labels)
        pp = a == b
        pn = self._is_pn(a, b) & ~pp
        mn = ~pp & ~pn
        zero = embeddings.sum() * 0.0

        def mean(values: torch.Tensor) -> torch.Tensor:
            return values.mean() if values.numel() else zero

        return self.kappa1 * (
            mean(dist[pp].pow(2)) + mean((self.alpha - dist[pn]).clamp_min(0).pow(2))
        ) + self.kappa2 * mean((self.beta - dist[mn]).clamp_min(0).pow(2))
