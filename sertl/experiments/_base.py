"""The contract every experiment follows: prepared data, settings, grid options, unit scores.

Each paper module (:mod:`~sertl.experiments.feng_chaspari`,
:mod:`~sertl.experiments.yue`, :mod:`~sertl.experiments.andova_lustrek`,
:mod:`~sertl.experiments.lian`) and the benchmark expose the same verbs:

- ``prepare(tables, ...)``: the corpora as arrays (:class:`Prepared` per corpus);
- ``Settings.from_params(params, device=...)``: every knob of the methods, built
  from a chapter's parameters in one call (a frozen :class:`Settings`);
- ``cells(...)`` / ``cell(**params)``: the grid and one of its cells;
- ``run(..., grid=GridOptions(...))``: the grid through :func:`sertl.grid.run`;
- ``fit_predict(...)``: one method trained on labelled speech, predicted emotions
  out (what :mod:`sertl.experiments.benchmark` calls).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score

from ..metrics import uar

S = TypeVar("S", bound="Settings")
T = TypeVar("T")

#: Source models by key, shared by every experiment of the process (one cache, not one each).
_SOURCE_CACHE: dict[Hashable, object] = {}
#: Models kept at most; the cache is emptied when full (cells of one source come together).
SOURCE_CACHE_SIZE = 16


@dataclass(frozen=True)
class Prepared:
    """One corpus as arrays, rows aligned.

    Attributes:
        X: Features, one row per utterance.
        y: Emotion of each row as an index into the experiment's canonical emotions.
        speaker: Speaker of each row.
        table: The corpus table restricted to those rows (``file``, ``speaker``,
            ``emotion``, ...).
    """

    X: np.ndarray
    y: np.ndarray
    speaker: np.ndarray
    table: pd.DataFrame

    def __post_init__(self) -> None:
        n = len(self.table)
        for name in ("X", "y", "speaker"):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"Prepared: {name} has {len(getattr(self, name))} rows, the table {n}"
                )

    def names(self, emotions: tuple[str, ...]) -> np.ndarray:
        """The emotions of :attr:`y` as names."""
        return np.asarray(emotions)[self.y]


def indices(labels: np.ndarray, emotions: tuple[str, ...], where: str = "labels") -> np.ndarray:
    """Emotion names as indices into ``emotions``.

    Raises:
        ValueError: A label outside ``emotions`` (the message names ``where``).
    """
    lookup = {e: i for i, e in enumerate(emotions)}
    unknown = sorted({str(v) for v in labels} - set(lookup))
    if unknown:
        raise ValueError(f"{where}: emotions {unknown} are not among {list(emotions)}")
    return np.array([lookup[str(v)] for v in labels], dtype=int)


@dataclass(frozen=True)
class Settings:
    """Base of each experiment's frozen settings (subclasses declare the fields)."""

    @classmethod
    def from_params(cls: type[S], params: Mapping[str, Any], **overrides: Any) -> S:
        """The settings from a chapter's parameters: every field they name, then ``overrides``.

        Parameters that are no field are ignored (a chapter's parameters also
        choose corpora, seeds, profiles ...); ``overrides`` (the resolved
        ``device``, for instance) win over ``params``.
        """
        names = {f.name for f in fields(cls) if f.init}
        values = {k: params[k] for k in names if k in params}
        values.update(overrides)
        return cls(**values)

    def as_dict(self) -> dict:
        """Plain values (for ``grid.run``'s shared objects and fingerprint)."""
        return asdict(self)


@dataclass(frozen=True)
class GridOptions:
    """The runner's options, the same for every experiment's ``run``.

    Attributes:
        fingerprint: Text identifying the data behind the cells (part of the store key).
        scheduler: Grid backend (see :func:`sertl.grid.run`); ``None`` reads
            ``SERTL_SCHEDULER``.
        store: Keep finished cells on disk (an interrupted run resumes).
        progress: Show a progress line per cell.
    """

    fingerprint: str = ""
    scheduler: str | None = None
    store: bool = True
    progress: bool = True

    def kwargs(self, extra_fingerprint: str = "") -> dict:
        """Keyword arguments of :func:`sertl.grid.run`; ``extra_fingerprint`` is appended."""
        fp = f"{self.fingerprint}|{extra_fingerprint}" if extra_fingerprint else self.fingerprint
        return {
            "fingerprint": fp,
            "scheduler": self.scheduler,
            "store": self.store,
            "progress": self.progress,
        }


def digest(*arrays: np.ndarray) -> str:
    """A short digest of the arrays' bytes (a cache key of the data a model was trained on)."""
    h = hashlib.blake2b(digest_size=8)
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def source_cache(key: Hashable, train: Callable[[], T]) -> T:
    """The model stored under ``key`` in this process, else ``train()``'s (then stored).

    A source model is deterministic in its arguments, so every process that needs
    it trains the same one; the key must hold every argument that changes it.
    """
    if key not in _SOURCE_CACHE:
        if len(_SOURCE_CACHE) >= SOURCE_CACHE_SIZE:
            _SOURCE_CACHE.clear()
        _SOURCE_CACHE[key] = train()
    return _SOURCE_CACHE[key]  # type: ignore[return-value]


def clear_source_cache() -> None:
    """Forget every cached source model (tests; memory)."""
    _SOURCE_CACHE.clear()


def unit_scores(
    truth: np.ndarray,
    pred: np.ndarray,
    units: np.ndarray,
    *,
    accuracy: bool = False,
    unit_column: str = "unit",
    unit_kind: str | None = None,
    **keys: object,
) -> list[dict]:
    """One row per unit (speaker, subject ...), sorted by unit: its test size and UAR in percent.

    Args:
        truth: True labels of the test rows.
        pred: Predicted labels.
        units: The unit of each test row.
        accuracy: Also give the accuracy (percent).
        unit_column: Name of the unit's column.
        unit_kind: When given, a ``unit_kind`` column (after the unit) says what a unit is.
        **keys: Columns repeated on every row (the cell's parameters).

    Returns:
        Rows ``{**keys, unit_column[, "unit_kind"], "n_test", "uar"[, "accuracy"]}``.
    """
    truth, pred, units = np.asarray(truth), np.asarray(pred), np.asarray(units)
    rows = []
    for unit in sorted(set(units.tolist())):
        mine = units == unit
        row = {**keys, unit_column: str(unit)}
        if unit_kind is not None:
            row["unit_kind"] = unit_kind
        row["n_test"] = int(mine.sum())
        row["uar"] = 100 * uar(truth[mine], pred[mine])
        if accuracy:
            row["accuracy"] = 100 * accuracy_score(truth[mine], pred[mine])
        rows.append(row)
    return rows
