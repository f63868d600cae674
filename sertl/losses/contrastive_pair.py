"""The contrastive pair loss of Yue et al.'s few-shot transfer baseline (FSTL)."""

from __future__ import annotations

import torch

from .base import PairLoss, Pairs


class ContrastivePairLoss(PairLoss):
    r"""Same-class pairs pulled together, different-class pairs pushed beyond a margin.

    .. math::

        L = \kappa \frac{1}{|P|}\sum_{(i,j) \in P} d_{ij}^2
          + (1 - \kappa) \frac{1}{|N|}\sum_{(i,j) \in N} \max(0, m - d_{ij})^2

    over the pairs of a batch, :math:`P` same class, :math:`N` different. A part
    with no pair contributes 0. :math:`\kappa` trades off the same-class term
    against the different-class term, as Yue et al.'s text describes it (their
    equation is an image that the text lacks; this is our reading of it).
    ``kappa=None`` gives the unweighted sum of the two terms.

    Args:
        margin: :math:`m`.
        kappa: :math:`\kappa` in [0, 1], or None for :math:`P + N`.
    """

    def __init__(self, margin: float = 1.0, kappa: float | None = 0.5) -> None:
        super().__init__()
        if kappa is not None and not 0.0 <= kappa <= 1.0:
            raise ValueError(f"kappa must lie in [0, 1], got {kappa}")
        self.margin, self.kappa = margin, kappa

    def compute(self, pairs: Pairs) -> torch.Tensor:
        """The loss from the pairs of one batch (see :class:`~sertl.losses.base.PairLoss`)."""
        d = pairs.euclidean
        pos = pairs.mean(d[pairs.same].pow(2))
        neg = pairs.mean((self.margin - d[pairs.different]).clamp_min(0).pow(2))
        if self.kappa is None:
            return pos + neg
        return self.kappa * pos + (1.0 - self.kappa) * neg
