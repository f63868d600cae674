"""Feng & Chaspari's modified distance loss, their equation (1)."""

from __future__ import annotations

import torch

from .base import PairLoss, Pairs


class DistanceRatioLoss(PairLoss):
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

    When :math:`\bar d_{\neq} - \bar d_{=}` < ``min_gap`` the loss is
    :math:`(\bar d_{\neq} + \bar d_{=}) / \text{min\_gap}`: it then only
    shrinks every distance. The loss counts such batches (``n_clamped_`` of
    ``n_batches_`` since the last :meth:`reset_counts`), so that a training run
    can report how often the clamp, not the ratio, drove it.

    Args:
        min_gap: Lower bound of the denominator.
    """

    def __init__(self, min_gap: float = 1e-2) -> None:
        super().__init__()
        self.min_gap = min_gap
        self.reset_counts()

    def reset_counts(self) -> None:
        """Start counting informative and clamped batches anew."""
        self.n_batches_ = 0
        self.n_clamped_ = 0

    def compute(self, pairs: Pairs) -> torch.Tensor:
        """Equation (1) from the pairs of one batch (see :class:`~sertl.losses.base.PairLoss`)."""
        if not pairs.same.any() or pairs.same.all():
            return pairs.zero
        dist = pairs.euclidean
        d_same, d_diff = dist[pairs.same].mean(), dist[pairs.different].mean()
        gap = d_diff - d_same
        self.n_batches_ += 1
        self.n_clamped_ += int(gap.detach() < self.min_gap)
        return (d_diff + d_same) / gap.clamp_min(self.min_gap)
