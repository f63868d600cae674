"""The runner: a grid's cells read from the store or computed on a backend, one table."""

from __future__ import annotations

import pickle
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .backends import Backend, _check_threads, parallel_backend
from .store import _load, _plain, _save, cell_key, code_version, store_dir
from .worker import CellError, _cell_threads, _describe, _indexed, _run_cell, _Shared, _SharedFile


@dataclass
class GridReport:
    """What the last :func:`run` of a grid did (``sertl.grid.last_report``).

    Attributes:
        name: The grid's name.
        scheduler: The backend used (``sequential``, ``loky``, ``dask``; ``none`` when
            every cell was stored).
        n_workers: Workers the backend offered (1 for sequential, 0 when every cell
            was stored).
        cells: Cells in the grid.
        cached: Cells read from the store.
        computed: Cells computed in this run.
        wall_s: Seconds of the whole run.
        cell_seconds: Seconds each computed cell took inside its worker (grid order).
    """

    name: str
    scheduler: str
    n_workers: int
    cells: int
    cached: int = 0
    computed: int = 0
    wall_s: float = 0.0
    cell_seconds: list[float] = field(default_factory=list)


#: The report of the most recent :func:`run` (any grid).
last_report: GridReport | None = None


def _cells(grid: Sequence[Mapping[str, Any]] | pd.DataFrame) -> list[dict[str, Any]]:
    if isinstance(grid, pd.DataFrame):
        records = grid.to_dict("records")
    else:
        records = [dict(p) for p in grid]
    return [{k: _plain(v) for k, v in p.items()} for p in records]


def _sorted(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if table.empty or not keys:
        return table.reset_index(drop=True)
    absent = [k for k in keys if k not in table.columns]
    if absent:
        raise KeyError(f"grid keys {absent} are neither parameters nor columns of the rows")
    try:
        table = table.sort_values(keys, kind="mergesort", na_position="last")
    except TypeError:  # mixed types in a key column: compare their text
        table = table.sort_values(keys, kind="mergesort", key=lambda c: c.map(repr))
    return table.reset_index(drop=True)


def run(
    cell: Callable[..., pd.DataFrame | list[dict]],
    grid: Sequence[Mapping[str, Any]] | pd.DataFrame,
    *,
    name: str,
    keys: Sequence[str] | None = None,
    shared: Mapping[str, Any] | None = None,
    fingerprint: str = "",
    scheduler: str | None = None,
    n_jobs: int | None = None,
    store: bool = True,
    progress: bool = True,
) -> pd.DataFrame:
    """Run ``cell`` on every cell of ``grid`` and return all rows, sorted by ``keys``.

    Args:
        cell: A module-level function ``cell(**params, **shared)`` returning the cell's
            tidy rows (a DataFrame or a list of dicts). It seeds itself from its
            parameters (``sertl.device.stable_seed(seed, *key values)``).
        grid: The cells' parameters: a list of dicts or a DataFrame (JSON values).
        name: The grid's name (the store folder; part of every store key).
        keys: Columns to sort the result by (default: every parameter name, in order
            of first appearance); they may also name columns the cell returns.
        shared: Big read-only objects given to every cell as keyword arguments
            (feature tables). They are not hashed: pass what identifies them (data
            manifest hashes) in ``fingerprint``.
        fingerprint: Text identifying the data and settings behind the cells; part
            of each stored cell's key.
        scheduler: ``"sequential" | "loky" | "dask" | "auto"``; see
            :func:`resolve_scheduler`.
        n_jobs: Local worker processes for ``"loky"`` (default: all cores).
        store: Store each finished cell's rows under ``SERTL_CACHE/grid/<name>/`` and
            reuse stored cells; ``False`` computes everything and stores nothing.
        progress: Show a progress bar of cells done, cached and remaining.

    Returns:
        The rows of every cell, with the parameter columns a cell did not return,
        concatenated in grid order, stably sorted by ``keys``, index reset.

    Raises:
        CellError: A cell raised (the message names its parameters); the cells
            finished before it stay stored.
        ValueError: Two cells have the same parameters, a shared object has the name
            of a parameter, or an unknown scheduler.
        TypeError: A parameter is not a JSON value.
    """
    global last_report
    started = time.perf_counter()
    plan = _plan(cell, grid, name, shared, fingerprint, store)
    keys = list(dict.fromkeys(k for p in plan.cells for k in p) if keys is None else keys)
    cached = len(plan.cells) - len(plan.todo)
    report = GridReport(name, "none", 0, len(plan.cells), cached=cached)
    try:
        _compute(cell, plan, dict(shared or {}), report, scheduler, n_jobs, progress)
    finally:
        report.wall_s = time.perf_counter() - started
        last_report = report
    # empty tables would turn typed columns into object ones
    frames = [r for r in plan.results if r is not None and len(r)]
    if frames:
        table = pd.concat(frames, ignore_index=True)
    else:
        table = next((r for r in plan.results if r is not None and len(r.columns)), None)
        table = pd.DataFrame(columns=keys) if table is None else table
    return _sorted(table, keys)


@dataclass
class _Plan:
    """A grid's cells, their store keys, what the store holds and what is left to compute."""

    name: str
    cells: list[dict[str, Any]]
    ids: list[str]
    folder: Path | None
    results: list[pd.DataFrame | None]
    todo: list[int]


def _plan(
    cell: Callable,
    grid: Sequence[Mapping[str, Any]] | pd.DataFrame,
    name: str,
    shared: Mapping[str, Any] | None,
    fingerprint: str,
    store: bool,
) -> _Plan:
    """The cells and their keys, checked, with the rows the store already holds."""
    cells = _cells(grid)
    clash = sorted({k for p in cells for k in p} & set(shared or {}))
    if clash:
        raise ValueError(f"grid {name!r}: {clash} are both cell parameters and shared objects")
    code = code_version(cell)
    ids = [cell_key(name, p, fingerprint, code) for p in cells]
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        twice = next(p for p, i in zip(cells, ids, strict=True) if i in seen or seen.add(i))
        raise ValueError(f"grid {name!r}: cell {twice} appears more than once")
    folder = store_dir(name) if store else None
    results: list[pd.DataFrame | None] = [None] * len(cells)
    todo: list[int] = []
    for index, key in enumerate(ids):
        path = folder / f"{key}.pkl" if folder is not None else None
        if path is None or not path.exists():
            todo.append(index)
            continue
        try:
            results[index] = _load(path, key)
        except Exception as error:  # any damage means: compute it again
            warnings.warn(
                f"grid {name!r}: stored cell {path} ({cells[index]}) is damaged "
                f"({type(error).__name__}: {error}); computing it again",
                stacklevel=3,  # the caller of run
            )
            todo.append(index)
    return _Plan(name, cells, ids, folder, results, todo)


def _compute(
    cell: Callable,
    plan: _Plan,
    shared: dict[str, Any],
    report: GridReport,
    scheduler: str | None,
    n_jobs: int | None,
    progress: bool,
) -> None:
    """Compute the cells left to compute (and store them), with a bar; fill ``report``."""
    from tqdm import tqdm

    name, cells, todo, folder = plan.name, plan.cells, plan.todo, plan.folder
    cached = len(cells) - len(todo)
    threads = _cell_threads()
    bar = tqdm(
        total=len(cells),
        initial=cached,
        desc=f"grid {name}",
        unit="cell",
        disable=not progress or not cells,
        mininterval=1.0,
    )

    def status(done: int) -> None:
        bar.set_postfix_str(
            f"cached {cached}, computed {done}, remaining {len(todo) - done}", refresh=False
        )

    status(0)
    seconds: dict[int, float] = {}
    try:
        if todo:
            with parallel_backend(scheduler, n_jobs, n_cells=len(todo)) as backend:
                report.scheduler, report.n_workers = backend.scheduler, backend.n_jobs
                if backend.client is not None:
                    _check_threads(backend.client)
                stream = _execute(cell, name, cells, todo, shared, threads, backend)
                try:
                    for index, rows, took in stream:
                        plan.results[index] = rows
                        seconds[index] = took
                        if folder is not None:
                            key = plan.ids[index]
                            _save(folder / f"{key}.pkl", key, cells[index], rows, took)
                        bar.update(1)
                        status(len(seconds))
                finally:
                    stream.close()
    finally:
        bar.close()
        report.computed = len(seconds)
        report.cell_seconds = [seconds[i] for i in sorted(seconds)]


def _execute(
    cell: Callable,
    name: str,
    cells: list[dict[str, Any]],
    todo: list[int],
    shared: dict[str, Any],
    threads: int,
    backend: Backend,
) -> Iterator[tuple[int, pd.DataFrame, float]]:
    """Yield ``(index, rows, seconds)`` for each cell of ``todo`` as it finishes.

    Raises:
        CellError: A cell raised, or a local worker process died while running cells
            (the message names the cells it was running).
    """
    if backend.scheduler == "sequential":
        for index in todo:
            rows, took = _run_cell(cell, name, cells[index], _Shared(shared), threads)
            yield index, rows, took
        return
    import shutil

    import joblib

    folder = tempfile.mkdtemp(prefix="sertl-grid-") if backend.scheduler == "loky" else None
    try:
        handle: Any = None
        markers: str | None = None
        if folder is not None:
            markers = str(Path(folder) / "running")
            Path(markers).mkdir()
            if shared:  # pickled once here, read once per worker process
                handle = _SharedFile(str(Path(folder) / "shared.pkl"), uuid.uuid4().hex)
                with open(handle.path, "wb") as out:
                    pickle.dump(shared, out, protocol=pickle.HIGHEST_PROTOCOL)
        elif shared:  # joblib's dask backend scatters it once
            handle = _Shared(shared)
        tasks = (
            joblib.delayed(_indexed)(index, cell, name, cells[index], handle, threads, markers)
            for index in todo
        )
        # batch_size=1: cells last seconds to minutes, and the bar moves per cell; Dask
        # gets every cell at once (its scheduler queues them, and workers that join
        # later get work), loky twice as many as it has workers
        parallel = joblib.Parallel(
            return_as="generator_unordered",
            batch_size=1,
            pre_dispatch="all" if folder is None else f"{2 * max(1, backend.n_jobs)}",
        )
        try:
            yield from parallel(tasks)
        except BrokenProcessPool as error:
            running = sorted(int(p.name) for p in Path(markers).iterdir()) if markers else []
            where = "; ".join(_describe(cells[i]) for i in running) or "unknown cells"
            raise CellError(
                f"grid {name!r}: a worker process died ({type(error).__name__}: "
                f"{str(error).strip().splitlines()[0] if str(error).strip() else ''}) while "
                f"running cell(s) ({where}); out of memory? The finished cells are stored.",
                name,
                cells[running[0]] if running else {},
            ) from error
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
