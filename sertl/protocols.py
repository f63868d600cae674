"""Evaluation protocols as scikit-learn splitters: ``split(X, y, groups)``.

Every splitter is speaker-independent: no speaker is on both sides of a split.
Leaving one group out is scikit-learn's :class:`~sklearn.model_selection.LeaveOneGroupOut`
(:class:`LeaveOneSpeakerOut` and :class:`LeaveOneSessionOut` only add reading the
groups from a corpus table). What scikit-learn lacks follows the base class
scikit-learn uses for splitters of the same kind:

- :class:`SpeakerFolds` (consecutive speaker folds, test sets partitioning the
  items) is a :class:`~sklearn.model_selection.BaseCrossValidator`, like ``GroupKFold``;
- :class:`FewShotSplit` (``n_splits`` random support sets, :func:`sample_support`;
  train and test are not complements and test sets overlap between draws) is a
  :class:`~sklearn.model_selection.BaseShuffleSplit`, like ``GroupShuffleSplit``;
- :class:`FixedSpeakerSplit` (one fixed train/validation/test partition: one
  split, the validation part in neither side) is, like
  :class:`~sklearn.model_selection.PredefinedSplit`, a ``BaseCrossValidator``
  with its own ``split`` and ``get_n_splits() == 1``.

All of them need ``groups`` and ask for them under scikit-learn's metadata
routing (as its group splitters do), so ``cross_validate(..., params={"groups":
...})`` routes the speakers to them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator, BaseShuffleSplit, LeaveOneGroupOut

#: What scikit-learn's (private) ``GroupsConsumerMixin`` sets: ``split`` asks for
#: ``groups`` under metadata routing.
_REQUEST_GROUPS = {"groups": True}


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

    __metadata_request__split = _REQUEST_GROUPS

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


class FewShotSplit(BaseShuffleSplit):
    """Repeated few-shot splits, speaker-disjoint: ``n_splits`` random support sets.

    A support set of ``k`` items per class from each of ``n_speakers`` random
    speakers (``per_speaker=False``: ``k`` per class in all);
    the items of all other speakers are the test set (Feng & Chaspari's
    fine-tuning protocol).

    As in scikit-learn's shuffle splitters (this is a
    :class:`~sklearn.model_selection.BaseShuffleSplit`), the draws are
    independent: train (the support set) and test are not complements (the
    chosen speakers' other items are in neither), and test sets of different
    draws overlap. Its ``test_size`` and ``train_size`` do not apply: the sizes
    follow from ``k``, ``n_speakers`` and the classes, so they are not
    parameters. The draws use NumPy's :func:`numpy.random.default_rng` (not
    scikit-learn's legacy ``RandomState``), which keeps every seed's draws as
    they were.

    Args:
        k: Items per class in the support set.
        n_speakers: Speakers the support set is drawn from.
        n_splits: Number of random draws.
        random_state: Seed of the draws: an int gives the same draws on every
            call of :meth:`split`; ``None`` or a :class:`numpy.random.Generator`
            (consumed) gives new draws on each call.
        per_speaker: ``k`` per class from each chosen speaker (else ``k`` in all).
        classes: The classes drawn (default: those among the chosen speakers).
    """

    __metadata_request__split = _REQUEST_GROUPS

    def __init__(
        self,
        k: int = 1,
        n_speakers: int = 2,
        n_splits: int = 10,
        random_state: int | np.random.Generator | None = 0,
        per_speaker: bool = True,
        classes: Sequence | None = None,
    ) -> None:
        # BaseShuffleSplit.__init__ is not called: it only sets the sizes, which do not apply
        self.k = k
        self.n_speakers = n_speakers
        self.n_splits = n_splits
        self.random_state = random_state
        self.per_speaker = per_speaker
        self.classes = classes

    def _iter_indices(self, X, y=None, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The draws: ``(support, test)``, the hook :meth:`split` calls."""
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

    def split(self, X, y=None, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(support, test)`` index arrays; test holds the other speakers.

        Args:
            X: The items (only their number is used).
            y: The class of each item.
            groups: The speaker of each item.

        Raises:
            ValueError: ``y`` or ``groups`` missing or holding NA (naming the column),
                more speakers asked for than there are, or ``X``, ``y`` and
                ``groups`` of different lengths.
        """
        return super().split(X, y, groups)


class FixedSpeakerSplit(BaseCrossValidator):
    """Lian et al.'s fixed speaker split, as a rule for any corpus.

    The sorted groups (sessions or speakers) are cut into five consecutive parts
    of near-equal size: the first three train, the fourth validates, the fifth
    tests (IEMOCAP's sessions 1-3 / 4 / 5). With three or four groups, the last
    tests, the one before validates, the rest train. :meth:`split` yields the
    one ``(train, test)`` pair; :meth:`partition` also gives the validation part.

    Like scikit-learn's :class:`~sklearn.model_selection.PredefinedSplit`, it is
    one predefined split (``get_n_splits() == 1``) with its own :meth:`split`:
    train is not the complement of test, since the validation groups are in
    neither (``cross_val_predict``, which needs test sets that partition the
    items, refuses it as it refuses shuffle splits).
    """

    __metadata_request__split = _REQUEST_GROUPS

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """One split (whatever the arguments, as for a predefined split)."""
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

    def _iter_test_indices(self, X=None, y=None, groups=None) -> Iterator[np.ndarray]:
        """The one test set (BaseCrossValidator's hook; :meth:`split` does not use it)."""
        parts = self.partition(_check_groups(groups, len(X), "FixedSpeakerSplit"))
        yield parts["test"]

    def split(self, X, y=None, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield the ``(train, test)`` pair (the validation groups are in neither).

        Args:
            X: The items (only their number is used).
            y: Ignored (the split depends on the groups only).
            groups: The session or speaker of each item.

        Raises:
            ValueError: Fewer than three groups, groups missing (NA), or not one per item.
        """
        parts = self.partition(_check_groups(groups, len(X), "FixedSpeakerSplit"))
        yield parts["train"], parts["test"]
