"""The worker side: one cell run where the backend put it, seeded and thread-limited."""

from __future__ import annotations

import os
import pickle
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .store import _canonical


class CellError(RuntimeError):
    """A grid cell raised; the message names the grid and the cell's parameters.

    Attributes:
        grid: The grid's name.
        params: The failing cell's parameters.
        cell_traceback: The traceback of the original error, formatted where it ran.
    """

    def __init__(self, message: str, grid: str = "", params: dict | None = None, tb: str = ""):
        super().__init__(message)
        self.grid = grid
        self.params = params or {}
        self.cell_traceback = tb

    def __reduce__(self):  # keep the attributes across processes
        return (CellError, (self.args[0], self.grid, self.params, self.cell_traceback))


class _Shared:
    """The ``shared`` objects as one weak-referenceable value.

    joblib's dask backend scatters such an argument to the workers once per run
    instead of sending it with every cell.
    """

    def __init__(self, objects: dict[str, Any]):
        self.objects = objects

    def __sizeof__(self) -> int:
        # joblib scatters only arguments that dask's sizeof finds larger than 1 kB
        try:
            from dask.sizeof import sizeof
        except ImportError:  # pragma: no cover
            return sys.getsizeof(self.objects)
        return int(sizeof(self.objects))


@dataclass(frozen=True)
class _SharedFile:
    """``shared`` pickled once to a local file; each loky worker reads it once."""

    path: str
    token: str


_SHARED_CACHE: dict[str, dict[str, Any]] = {}


def _resolve_shared(shared: _Shared | _SharedFile | None) -> dict[str, Any]:
    if shared is None:
        return {}
    if isinstance(shared, _Shared):
        return shared.objects
    objects = _SHARED_CACHE.get(shared.token)
    if objects is None:
        _SHARED_CACHE.clear()  # keep one run's objects only
        with open(shared.path, "rb") as handle:
            objects = pickle.load(handle)
        _SHARED_CACHE[shared.token] = objects
    return objects


def _cell_threads() -> int:
    value = os.environ.get("SERTL_CELL_THREADS", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else 1


_CONTROLLER: list[Any] = [None, -1]


def _thread_controller() -> Any:
    """A ``ThreadpoolController`` of this process, found again when modules were imported.

    Finding the thread pools walks every loaded shared library (about 20 ms with
    torch loaded), too slow to repeat for every cell.
    """
    from threadpoolctl import ThreadpoolController

    if _CONTROLLER[0] is None or _CONTROLLER[1] != len(sys.modules):
        _CONTROLLER[0] = ThreadpoolController()
        _CONTROLLER[1] = len(sys.modules)
    return _CONTROLLER[0]


@contextmanager
def _cell_environment(seed: int, threads: int) -> Iterator[None]:
    """Thread limits and seeded global generators for one cell; all restored afterwards."""
    import joblib
    import torch

    # joblib calls inside the cell (scikit-learn's n_jobs) stay inside the cell's thread
    # budget: joblib's dask backend would otherwise send them to the cluster, and threads
    # summing a forest's votes in finishing order change the last bits of the result
    nested = (
        joblib.parallel_config(backend="sequential", n_jobs=1)
        if threads == 1
        else joblib.parallel_config(backend="threading", n_jobs=threads)
    )
    torch_threads = torch.get_num_threads()
    states = random.getstate(), np.random.get_state(), torch.get_rng_state()
    try:
        with _thread_controller().limit(limits=threads), nested:
            torch.set_num_threads(threads)
            random.seed(seed)
            np.random.seed(seed)
            torch.manual_seed(seed)
            yield
    finally:
        torch.set_num_threads(torch_threads)
        random.setstate(states[0])
        np.random.set_state(states[1])
        torch.set_rng_state(states[2])


def _as_rows(result: Any, params: dict[str, Any]) -> pd.DataFrame:
    """The cell's result as a table with the parameter columns it did not return."""
    if isinstance(result, pd.DataFrame):
        rows = result.reset_index(drop=True)
    elif isinstance(result, list | tuple) and all(isinstance(r, Mapping) for r in result):
        rows = pd.DataFrame(list(result))
    elif isinstance(result, Mapping):
        rows = pd.DataFrame([result])
    else:
        raise TypeError(
            f"a cell must return a DataFrame or a list of dicts, not {type(result).__name__}"
        )
    missing = [k for k in params if k not in rows.columns]
    for position, k in enumerate(missing):
        value = params[k]
        if isinstance(value, list | tuple | dict) or not len(rows):
            column: Any = pd.Series([value] * len(rows), dtype=object)
        else:
            column = [value] * len(rows)
        rows.insert(position, k, column)
    return rows


def _run_cell(
    cell: Callable, name: str, params: dict[str, Any], shared: Any, threads: int
) -> tuple[pd.DataFrame, float]:
    """Run one cell where the backend put it; the error names the cell's parameters."""
    from ..device import stable_seed

    start = time.perf_counter()
    try:
        objects = _resolve_shared(shared)
        with _cell_environment(stable_seed(0, name, _canonical(params)), threads):
            result = cell(**params, **objects)
        rows = _as_rows(result, params)
    except Exception as error:
        raise CellError(
            f"grid {name!r}: cell ({_describe(params)}) failed: {type(error).__name__}: {error}",
            name,
            params,
            traceback.format_exc(),
        ) from error
    return rows, time.perf_counter() - start


def _describe(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in params.items())


def _indexed(
    index: int,
    cell: Callable,
    name: str,
    params: dict,
    shared: Any,
    threads: int,
    markers: str | None,
) -> tuple[int, pd.DataFrame, float]:
    marker = Path(markers) / str(index) if markers else None
    if marker is not None:
        marker.touch()  # present while the cell runs: names it if the process dies
    try:
        rows, took = _run_cell(cell, name, params, shared, threads)
    finally:
        if marker is not None:
            marker.unlink(missing_ok=True)
    return index, rows, took
