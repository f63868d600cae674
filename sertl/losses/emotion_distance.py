"""Yue et al.'s metric loss guided by emotion distance (EMOFSL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch

from .base import PairLoss, Pairs


class EmotionDistanceLoss(PairLoss):
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

    def is_pure_negative(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """(n_pairs,) boolean: the classes ``a[k]``, ``b[k]`` form a PN pair."""
        mask = torch.zeros_like(a, dtype=torch.bool)
        for pair in self.pure_negative:
            x, y = tuple(pair)
            mask |= ((a == x) & (b == y)) | ((a == y) & (b == x))
        return mask

    def compute(self, pairs: Pairs) -> torch.Tensor:
        """The loss from the pairs of one batch (see :class:`~sertl.losses.base.PairLoss`)."""
        d = pairs.euclidean
        pp = pairs.same
        pn = self.is_pure_negative(pairs.first_label, pairs.second_label) & ~pp
        mn = ~pp & ~pn
        near = pairs.mean(d[pp].pow(2)) + pairs.mean((self.alpha - d[pn]).clamp_min(0).pow(2))
        return self.kappa1 * near + self.kappa2 * pairs.mean(
            (self.beta - d[mn]).clamp_min(0).pow(2)
        )
