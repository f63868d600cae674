"""Evaluation protocols as scikit-learn splitters: ``split(X, y, groups)``.

Every splitter is speaker-independent: no speaker is on both sides of a split.
Leaving one group out is scikit-learn's :class:`~sklearn.model_selection.LeaveOneGroupOut`
(:class:`LeaveOneSpeakerOut` and :class:`LeaveOneSessionOut` only add reading the
groups from a corpus table); what scikit-learn lacks subclasses its
:class:`~sklearn.model_selection.BaseCrossValidator`: consecutive speaker folds
(:class:`SpeakerFolds`), repeated few-shot support sets (:class:`FewShotSplit`,
:func:`sample_support`) and a fixed train/validation/test speaker split
(:class:`FixedSpeakerSplit`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator, LeaveOneGroupOut


def _check_groups(
    groups: Sequence | None, n: int | None, who: str, column: str = "speaker"
) -> np.ndarray:
    """Groups as an array, with a clear error when absent, misaligned or incomplete.

    Args:
        groups: The group of each item.
        n: Items in ``X`` (``None``: not checked).
        who: The splitter, for the message.
        column: The corpus-table column the groups come from, for the message.
    """
    if groups is None:
        raise ValueError(
            f"{who} needs groups: the {column!r} of each item "
            f"(pass groups=table[{column!r}], or X as a table with a {column!r} column)"
        )
    groups = np.asarray(groups, dtype=object if isinstance(groups, pd.Series) else None)
    if n is not None and groups.shape[0] != n:
        raise ValueError(f"{who}: groups has {groups.shape[0]} items but X has {n}")
    missing = pd.isna(groups)
    if missing.any():
        raise ValueError(
            f"{who} needs a {column!r} for every item, but {int(missing.sum())} of "
            f"{len(groups)} have none (NA): this corpus table has no {column!r} information "
            f"for them; drop those rows or use a protocol that does not need {column!r}"
        )
    return groups


def _check_labels(y: Sequence | None, who: str, column: str = "emotion") -> np.ndarray:
    """Labels as an array, refusing missing ones (unmapped emotions)."""
    if y is None:
        raise ValueError(f"{who} needs y: the {column!r} of each item")
    y = np.asarray(y, dtype=object if isinstance(y, pd.Series) else None)
    missing = pd.isna(y)
    if missing.any():
        raise ValueError(
            f"{who}: {int(missing.sum())} of {len(y)} labels are missing (NA), for example "
            f"emotions the corpus maps to no class; keep the rows whose {column!r} is set "
            f"(table[table[{column!r}].notna()]) before splitting"
        )
    return y


class _TableGroups(LeaveOneGroupOut):
    """scikit-learn's LeaveOneGroupOut, taking the groups from a table column when not given."""

    column = "speaker"

    def _groups(self, X, groups):
        if groups is None and isinstance(X, pd.DataFrame):
            if self.column not in X.columns:
                raise ValueError(
                    f"{type(self).__name__} needs a {self.column!r} column; "
                    f"the table has {list(X.columns)}"
                )
            groups = X[self.column]
        return _check_groups(
            groups, None if X is None else len(X), type(self).__name__, self.column
        )

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Number of folds: the distinct groups.

        Raises:
            ValueError: Neither ``groups`` nor a table ``X`` with the column is given.
        """
        return len(np.unique(self._groups(X, groups).astype(str)))

    def split(self, X, y=None, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train, test)`` index arrays, one group held out at a time."""
        return super().split(X, y, self._groups(X, groups))


class LeaveOneSpeakerOut(_TableGroups):
    """Leave-one-speaker-out; ``groups`` are speakers (default: ``X["speaker"]``)."""

    column = "speaker"


class LeaveOneSessionOut(_TableGroups):
    """Leave-one-session-out (IEMOCAP's five sessions); ``groups`` are sessions.

    Each IEMOCAP session holds two speakers who appear in no other session, so
    holding out a session holds out its speakers. Default groups: ``X["session"]``.
    """

    column = "session"


class SpeakerFolds(BaseCrossValidator):
    """Speakers in ``n_splits`` folds of consecutive sorted speakers.

    RAVDESS in 6 folds of 4 actors (Actor_01-04, 05-08, ...) as Yue et al.
    Unlike :class:`~sklearn.model_selection.GroupKFold`, which balances the
    items per fold, the folds are runs of consecutive speakers.

    Args:
        n_splits: Number of folds; at most the number of speakers.
        shuffle: Shuffle the speaker order before folding (with ``random_state``).
        random_state: Seed of the shuffle.
    """

    def __init__(self, n_splits: int = 6, shuffle: bool = False, random_state: int = 0) -> None:
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Number of folds."""
        return self.n_splits

    def folds(self, groups: Sequence) -> list[np.ndarray]:
        """The speakers of each fold."""
        speakers = np.unique(_check_groups(groups, None, "SpeakerFolds"))
        if self.n_splits > len(speakers):
            raise ValueError(f"{self.n_splits} folds but only {len(speakers)} speakers")
        if self.shuffle:
            speakers = np.random.default_rng(self.random_state).permutation(speakers)
        return [np.asarray(part) for part in np.array_split(speakers, self.n_splits)]

    def _iter_test_masks(self, X=None, y=None, groups=None) -> Iterator[np.ndarray]:
        groups = _check_groups(groups, len(X), "SpeakerFolds")
        for fold in self.folds(groups):
            yield np.isin(groups, fold)

    def split(self, X, y=None, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train, test)`` index arrays, one fold of speakers as test."""
        return super().split(X, y, groups)


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

    Raises:
        ValueError: Missing labels or speakers (NA), or more speakers asked than there are.
    """
    y = _check_labels(y, "sample_support")
    groups = _check_groups(groups, len(y), "sample_support")
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


class FewShotSplit(BaseCrossValidator):
    """Repeated few-shot splits, speaker-disjoint.

    A support set of ``k`` items per class from each of ``n_speakers`` random
    speakers (``per_speaker=False``: ``k`` per class in all);
    the items of all other speakers are the test set (Feng & Chaspari's
    fine-tuning protocol).

    Args:
        k: Items per class in the support set.
        n_speakers: Speakers the support set is drawn from.
        n_splits: Number of random draws.
        random_state: Seed of the draws.
        per_speaker: ``k`` per class from each chosen speaker (else ``k`` in all).
        classes: The classes drawn (default: those among the chosen speakers).
    """

    def __init__(
        self,
        k: int = 1,
        n_speakers: int = 2,
        n_splits: int = 10,
        random_state: int = 0,
        per_speaker: bool = True,
        classes: Sequence | None = None,
    ) -> None:
        self.k = k
        self.n_speakers = n_speakers
        self.n_splits = n_splits
        self.random_state = random_state
        self.per_speaker = per_speaker
        self.classes = classes

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """Number of draws."""
        return self.n_splits

    def _iter_test_indices(self, X=None, y=None, groups=None):
        raise NotImplementedError  # split() is overridden: support and test are not complements

    def split(self, X, y=None, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(support, test)`` index arrays; test holds the other speakers.

        Raises:
            ValueError: ``y`` or ``groups`` missing or holding NA (naming the column).
        """
        y = _check_labels(y, "FewShotSplit")
        groups = _check_groups(groups, len(X), "FewShotSplit")
        rng = np.random.default_rng(self.random_state)
        for _ in range(self.n_splits):
            support = sample_support(
                y,
                groups,
                self.k,
                rng,
                n_speakers=self.n_speakers,
                per_speaker=self.per_speaker,
                classes=self.classes,
            )
            used = np.unique(groups[support])
            yield support, np.flatnonzero(~np.isin(groups, used))


class FixedSpeakerSplit(BaseCrossValidator):
    """Lian et al.'s fixed speaker split, as a rule for any corpus.

    The sorted groups (sessions or speakers) are cut into five consecutive parts
    of near-equal size: the first three train, the fourth validates, the fifth
    tests (IEMOCAP's sessions 1-3 / 4 / 5). With three or four groups, the last
    tests, the one before validates, the rest train. :meth:`split` yields the
    one ``(train, test)`` pair; :meth:`partition` also gives the validation part.
    """

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """One split."""
        return 1

    def partition(self, groups: Sequence) -> dict[str, np.ndarray]:
        """``{"train", "val", "test"}``: sorted item indices of each part.

        Raises:
            ValueError: Fewer than three groups, or groups missing (NA).
        """
        groups = _check_groups(groups, None, "FixedSpeakerSplit").astype(str)
        ordered = np.unique(groups)
        if len(ordered) < 3:
            raise ValueError(
                f"a fixed speaker split needs at least 3 speakers or sessions, got {len(ordered)}"
            )
        if len(ordered) >= 5:
            parts = np.array_split(ordered, 5)
            members = {"train": np.concatenate(parts[:3]), "val": parts[3], "test": parts[4]}
        else:
            members = {"train": ordered[:-2], "val": ordered[-2:-1], "test": ordered[-1:]}
        return {part: np.flatnonzero(np.isin(groups, m)) for part, m in members.items()}

    def _iter_test_indices(self, X=None, y=None, groups=None):
        raise NotImplementedError  # split() is overridden: validation is in neither part

    def split(self, X, y=None, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield the ``(train, test)`` pair (the validation groups are in neither)."""
        parts = self.partition(_check_groups(groups, len(X), "FixedSpeakerSplit"))
        yield parts["train"], parts["test"]
