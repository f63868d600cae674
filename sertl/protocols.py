"""Evaluation protocols as scikit-learn-style splitters: ``split(X, y, groups)``.

Every splitter is speaker-independent: no speaker is on both sides of a split.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np


def _groups(groups: Sequence | None, n: int) -> np.ndarray:
    if groups is None:
        raise ValueError("this splitter needs groups (speakers or sessions)")
    groups = np.asarray(groups)
    if groups.shape[0] != n:
        raise ValueError(f"groups has {groups.shape[0]} items but X has {n}")
    return groups


class LeaveOneGroupOut:
    """One fold per group: test on that group, train on the others."""

    def get_n_splits(self, X=None, y=None, groups: Sequence | None = None) -> int:  # noqa: N803
        """Number of folds (the number of distinct groups)."""
        return len(np.unique(groups))

    def split(
        self, X, y=None, groups: Sequence | None = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:  # noqa: N803
        """Yield ``(train, test)`` index arrays."""
        groups = _groups(groups, len(X))
        for g in np.unique(groups):
            test = np.flatnonzero(groups == g)
            yield np.flatnonzero(groups != g), test


class LeaveOneSpeakerOut(LeaveOneGroupOut):
    """Leave-one-speaker-out; ``groups`` are speaker ids."""


class LeaveOneSessionOut(LeaveOneGroupOut):
    """Leave-one-session-out (IEMOCAP's five sessions); ``groups`` are sessions.

    Each IEMOCAP session holds two speakers who appear in no other session, so
    holding out a session holds out its speakers.
    """


class SpeakerFolds:
    """Speakers in ``n_folds`` folds of consecutive sorted speakers.

    RAVDESS in 6 folds of 4 actors (Actor_01-04, 05-08, ...) as Yue et al.

    Args:
        n_folds: Number of folds; at most the number of speakers.
        shuffle: Shuffle the speaker order before folding (with ``seed``).
        seed: Seed of the shuffle.
    """

    def __init__(self, n_folds: int = 6, shuffle: bool = False, seed: int = 0) -> None:
        self.n_folds = n_folds
        self.shuffle = shuffle
        self.seed = seed

    def get_n_splits(self, X=None, y=None, groups=None) -> int:  # noqa: N803
        """Number of folds."""
        return self.n_folds

    def folds(self, groups: Sequence) -> list[np.ndarray]:
        """The speakers of each fold."""
        speakers = np.unique(np.asarray(groups))
        if self.n_folds > len(speakers):
            raise ValueError(f"{self.n_folds} folds but only {len(speakers)} speakers")
        if self.shuffle:
            speakers = np.random.default_rng(self.seed).permutation(speakers)
        return [np.asarray(part) for part in np.array_split(speakers, self.n_folds)]

    def split(
        self, X, y=None, groups: Sequence | None = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:  # noqa: N803
        """Yield ``(train, test)`` index arrays, one fold of speakers as test."""
        groups = _groups(groups, len(X))
        for fold in self.folds(groups):
            test_mask = np.isin(groups, fold)
            yield np.flatnonzero(~test_mask), np.flatnonzero(test_mask)


def sample_support(
    y: Sequence,
    groups: Sequence,
    k: int,
    rng: np.random.Generator,
    n_speakers: int | None = None,
    pool: np.ndarray | None = None,
    classes: Sequence | None = None,
    per_speaker: bool = False,
) -> np.ndarray:
    """Draw a k-shot support set: ``k`` items per class from ``n_speakers`` speakers.

    Args:
        y: Labels.
        groups: Speakers.
        k: Items per class.
        rng: Random generator (seeded by the caller).
        n_speakers: Draw only from this many randomly chosen speakers (``None``:
            all speakers in ``pool``).
        pool: Indices allowed in the support set (default: all).
        classes: Classes to draw (default: those in ``y[pool]``).
        per_speaker: Draw ``k`` items per class from *each* chosen speaker
            (Feng & Chaspari: one sample per emotion from each of n speakers).

    Returns:
        Sorted indices. Where a class has fewer than ``k`` items among the chosen
        speakers, all of them are taken.
    """
    y, groups = np.asarray(y), np.asarray(groups)
    pool = np.arange(len(y)) if pool is None else np.asarray(pool)
    speakers = np.unique(groups[pool])
    if n_speakers is not None:
        if n_speakers > len(speakers):
            raise ValueError(f"asked for {n_speakers} speakers, only {len(speakers)} available")
        speakers = rng.choice(speakers, size=n_speakers, replace=False)
        pool = pool[np.isin(groups[pool], speakers)]
    chosen = []
    groups_of_pool = (
        [pool[groups[pool] == g] for g in np.unique(groups[pool])] if per_speaker else [pool]
    )
    for part in groups_of_pool:
        for c in classes if classes is not None else np.unique(y[pool]):
            candidates = part[y[part] == c]
            take = min(k, len(candidates))
            if take:
                chosen.append(rng.choice(candidates, size=take, replace=False))
    return np.sort(np.concatenate(chosen)) if chosen else np.array([], dtype=int)


class FewShotSplit:
    """Repeated few-shot splits, speaker-disjoint.

    A support set of ``k`` items per class from each of ``n_speakers`` random
    speakers (``per_speaker=False``: ``k`` per class in all);
    the items of all other speakers are the test set (Feng & Chaspari's
    fine-tuning protocol).

    Args:
        k: Items per class in the support set.
        n_speakers: Speakers the support set is drawn from.
        n_repeats: Number of random draws.
        seed: Seed of the draws.
    """

    def __init__(
        self,
        k: int = 1,
        n_speakers: int = 2,
        n_repeats: int = 10,
        seed: int = 0,
        per_speaker: bool = True,
    ) -> None:
        self.k = k
        self.per_speaker = per_speaker
        self.n_speakers = n_speakers
        self.n_repeats = n_repeats
        self.seed = seed

    def get_n_splits(self, X=None, y=None, groups=None) -> int:  # noqa: N803
        """Number of repeats."""
        return self.n_repeats

    def split(
        self, X, y: Sequence, groups: Sequence | None = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:  # noqa: N803
        """Yield ``(support, test)`` index arrays; test holds the other speakers."""
        groups = _groups(groups, len(X))
        rng = np.random.default_rng(self.seed)
        for _ in range(self.n_repeats):
            support = sample_support(
                y, groups, self.k, rng, n_speakers=self.n_speakers, per_speaker=self.per_speaker
            )
            used = np.unique(groups[support])
            yield support, np.flatnonzero(~np.isin(groups, used))
