"""A base for losses defined over pairs of embeddings.

The pattern of pytorch-metric-learning's pair losses: the base finds the pairs
(every pair ``i < j`` of a batch, or pairs given one by one), computes their
distances and the same-class mask once, and a subclass writes its equation
only, in :meth:`PairLoss.compute`.
"""

from __future__ import annotations

from functools import cached_property

import torch
from torch import nn

# Floor under squared distances: the gradient of sqrt (and of cdist) is NaN at 0.
_EPS = 1e-12


class Pairs:
    """The pairs of one batch, their class labels and distances.

    Distances are computed on first use and kept, so that a loss with several
    parts reads them once. Every attribute is a tensor with one entry per pair.

    Attributes:
        first: (n_pairs, dim) embedding of the first member of each pair.
        second: (n_pairs, dim) embedding of the second member.
        same: (n_pairs,) boolean, True where both members have the same class.
        first_label: (n_pairs,) class of the first member (None for given pairs).
        second_label: (n_pairs,) class of the second member (None for given pairs).
        zero: A scalar 0 connected to the embeddings (a loss part without pairs
            returns it, so that ``backward`` still works and gives a zero gradient).
    """

    def __init__(
        self,
        first: torch.Tensor,
        second: torch.Tensor,
        same: torch.Tensor,
        first_label: torch.Tensor | None = None,
        second_label: torch.Tensor | None = None,
        zero: torch.Tensor | None = None,
    ) -> None:
        self.first, self.second = first, second
        self.same = same.bool()
        self.first_label, self.second_label = first_label, second_label
        self.zero = zero if zero is not None else (first.sum() + second.sum()) * 0.0

    def __len__(self) -> int:
        return int(self.same.shape[0])

    @cached_property
    def euclidean(self) -> torch.Tensor:
        """(n_pairs,) Euclidean distances (differences taken explicitly, floored at 1e-6)."""
        return (self.first - self.second).pow(2).sum(-1).clamp_min(_EPS).sqrt()

    @cached_property
    def cosine(self) -> torch.Tensor:
        """(n_pairs,) cosine similarities."""
        return nn.functional.cosine_similarity(self.first, self.second, dim=-1, eps=1e-8)

    @property
    def different(self) -> torch.Tensor:
        """(n_pairs,) boolean, True where the classes differ."""
        return ~self.same

    def mean(self, values: torch.Tensor) -> torch.Tensor:
        """Mean of ``values``, or :attr:`zero` when there are none."""
        return values.mean() if values.numel() else self.zero


class PairLoss(nn.Module):
    """Base of the pair losses: subclasses implement :meth:`compute` only.

    ``loss(embeddings, labels)`` takes every pair ``i < j`` of a batch;
    losses whose pairs are given one by one (two aligned batches ``a``, ``b``
    and a boolean ``same``) override :meth:`forward` to call
    ``self.compute(self.given_pairs(a, b, same))``.
    """

    @staticmethod
    def all_pairs(embeddings: torch.Tensor, labels: torch.Tensor) -> Pairs:
        """Every pair ``i < j`` of a batch.

        Args:
            embeddings: (batch, dim).
            labels: (batch,) class indices.

        Returns:
            The batch's pairs, in the row-major order of ``torch.triu_indices``.
        """
        n = embeddings.shape[0]
        i, j = torch.triu_indices(n, n, offset=1, device=embeddings.device)
        a, b = labels[i], labels[j]
        return Pairs(embeddings[i], embeddings[j], a == b, a, b, zero=embeddings.sum() * 0.0)

    @staticmethod
    def given_pairs(a: torch.Tensor, b: torch.Tensor, same: torch.Tensor) -> Pairs:
        """Pairs ``(a[k], b[k])`` with their same-class flags.

        Args:
            a: (n_pairs, dim) first members.
            b: (n_pairs, dim) second members.
            same: (n_pairs,) boolean (or 0/1) same-class flags.
        """
        return Pairs(a, b, same)

    def compute(self, pairs: Pairs) -> torch.Tensor:
        """The loss from the pairs of a batch (a scalar tensor)."""
        raise NotImplementedError

    def forward(self, embeddings: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Loss over every pair ``i < j`` of a batch.

        Args:
            embeddings: (batch, dim).
            labels: (batch,) class indices.
        """
        return self.compute(self.all_pairs(embeddings, labels))
