"""Pairs drawn on the fly, never materialised (Lian et al. sample millions of pairs)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np


class PairSampler:
    """Random pairs of items, a fixed share of them of the same class.

    Each call to :meth:`batches` draws fresh pairs; memory is one batch.

    Args:
        labels: Class of each item.
        same_fraction: Share of same-class pairs (Lian et al.: 1/3).
        seed: Seed of the generator.
    """

    def __init__(self, labels: Sequence, same_fraction: float = 1 / 3, seed: int = 0) -> None:
        self.labels = np.asarray(labels)
        self.same_fraction = same_fraction
        self.rng = np.random.default_rng(seed)
        self.by_class = {c: np.flatnonzero(self.labels == c) for c in np.unique(self.labels)}
        self.classes = np.array(sorted(self.by_class))
        if len(self.classes) < 2:
            raise ValueError("pairs of different classes need at least two classes")

    def draw(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Draw ``n`` pairs: (first items, second items, same-class flags)."""
        n_same = int(round(n * self.same_fraction))
        same = np.zeros(n, bool)
        same[:n_same] = True
        self.rng.shuffle(same)
        first = self.rng.integers(0, len(self.labels), n)
        second = np.empty(n, int)
        for k in range(n):
            c = self.labels[first[k]]
            if same[k]:
                pool = self.by_class[c]
                if len(pool) < 2:
                    same[k] = False
                else:
                    partner = first[k]
                    while partner == first[k]:
                        partner = pool[self.rng.integers(len(pool))]
                    second[k] = partner
                    continue
            other = self.classes[self.classes != c][self.rng.integers(len(self.classes) - 1)]
            pool = self.by_class[other]
            second[k] = pool[self.rng.integers(len(pool))]
        return first, second, same

    def batches(
        self, n_pairs: int, batch_size: int
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Yield ``n_pairs`` pairs in batches, drawn as they are needed."""
        for start in range(0, n_pairs, batch_size):
            yield self.draw(min(batch_size, n_pairs - start))
