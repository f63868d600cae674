"""Run an experiment grid: sequentially, on every local core, or on a Dask cluster; resumable.

A grid is a list of cells, each a dict of parameters (source, target, seed, subject,
method, shots ...). A cell function turns one cell's parameters into tidy rows. The
runner hands the cells to joblib (``"sequential"``, ``"loky"`` local processes, or
``"dask"`` through ``dask.distributed``), stores each finished cell's rows on disk
(atomically, keyed by the grid, the parameters, the data fingerprint and the code
version) and returns one table sorted by the grid's keys: the same table whatever the
backend and the number of workers.

Numbers do not depend on the backend because

- every cell seeds itself from its own parameters (:func:`sertl.device.stable_seed`);
  the runner also seeds Python's, NumPy's and torch's global generators from the cell's
  parameters before the call (and restores them after), so a cell that draws from a
  global generator still gets the same numbers in any process;
- BLAS, OpenMP and torch use ``SERTL_CELL_THREADS`` threads (default 1) inside every
  cell, in every backend: workers do not oversubscribe the cores, and reductions are
  not split differently between runs;
- the rows are concatenated in grid order and sorted (stably) by the keys.

A chapter runs its grid with::

    table = grid.run(
        experiments.andova_lustrek.cell,  # cell(source, target, seed, subject, **shared)
        [{"source": "emodb", "target": "savee", "seed": s, "subject": x} for ...],
        name="andova_lustrek",
        shared={"corpora": prepared, "settings": settings},  # sent once, not hashed
        fingerprint=ctx.fingerprint(),  # the data manifests: part of the store key
        scheduler=scheduler,  # the chapter's parameter; None reads SERTL_SCHEDULER
    )

Environment:
    ``SERTL_SCHEDULER``: ``sequential``, ``loky``, ``dask`` or ``auto`` (default).
    ``SERTL_DASK_ADDRESS``: the scheduler of a running Dask cluster (``tcp://host:8786``,
    or the path of the JSON file ``dask scheduler --scheduler-file`` writes).
    ``SERTL_JOBS``: local worker processes (default: all cores).
    ``SERTL_CELL_THREADS``: BLAS/torch threads inside one cell (default 1).
"""

from __future__ import annotations

import atexit
import hashlib
import inspect
import json
import os
import pickle
import random
import sys
import tempfile
import time
import traceback
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .atomic import atomic_path
from .config import cache_dir
from .config import n_jobs as _local_jobs

SCHEDULERS = ("sequential", "loky", "dask", "auto")

#: Part of every store key: bump when the stored entry's layout changes.
STORE_VERSION = "1"


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


# ---------------------------------------------------------------------------------------
# backends


def resolve_scheduler(scheduler: str | None = None, n_cells: int = 2) -> str:
    """The backend a run uses: ``"sequential"``, ``"loky"`` or ``"dask"``.

    Args:
        scheduler: ``"sequential" | "loky" | "dask" | "auto"``; ``None`` reads
            ``SERTL_SCHEDULER`` (default ``"auto"``).
        n_cells: Cells to compute; ``"auto"`` runs a single cell in-process.

    Returns:
        ``"auto"`` resolves to ``"dask"`` when ``SERTL_DASK_ADDRESS`` is set, else to
        ``"loky"`` when there is more than one cell and more than one local core, else to
        ``"sequential"``.

    Raises:
        ValueError: An unknown scheduler name.
    """
    if scheduler is None:
        scheduler = os.environ.get("SERTL_SCHEDULER", "").strip() or "auto"
    scheduler = scheduler.strip().lower()
    if scheduler not in SCHEDULERS:
        raise ValueError(f"scheduler={scheduler!r}: expected one of {', '.join(SCHEDULERS)}")
    if scheduler != "auto":
        return scheduler
    if os.environ.get("SERTL_DASK_ADDRESS", "").strip():
        return "dask"
    return "loky" if n_cells > 1 and _local_jobs() > 1 else "sequential"


_CLIENTS: dict[str, Any] = {}


def dask_client() -> Any:
    """The ``dask.distributed.Client`` the ``"dask"`` scheduler uses.

    Returns:
        A client connected to ``SERTL_DASK_ADDRESS`` when it is set (an address such
        as ``tcp://host:8786`` or the path of a scheduler file; one client per address
        and process), otherwise the running default client.

    Raises:
        RuntimeError: No address is configured and no client is running.
    """
    try:
        from distributed import Client, default_client
    except ImportError as error:  # pragma: no cover - the cluster extra is missing
        raise RuntimeError(
            "scheduler='dask' needs dask.distributed: pip install 'sertl[cluster]'"
        ) from error
    address = os.environ.get("SERTL_DASK_ADDRESS", "").strip()
    if address:
        client = _CLIENTS.get(address)
        if client is None or client.status in ("closed", "closing"):
            if Path(address).expanduser().is_file():  # a scheduler file (dask scheduler
                # --scheduler-file) on a shared file system
                client = Client(
                    scheduler_file=str(Path(address).expanduser()), set_as_default=False
                )
            else:
                client = Client(address, set_as_default=False)
            _CLIENTS[address] = client
        return client
    try:
        return default_client()
    except ValueError:
        raise RuntimeError(
            "scheduler='dask' needs a cluster: set SERTL_DASK_ADDRESS=tcp://host:8786 "
            "(see the book's page 'Running at the papers' scale') or create a "
            "dask.distributed.Client in this process first"
        ) from None


@atexit.register
def close_clients() -> None:
    """Close the clients :func:`dask_client` made (before their cluster goes away)."""
    for client in _CLIENTS.values():
        try:
            client.close()
        except Exception:  # best effort at interpreter exit
            pass
    _CLIENTS.clear()


@dataclass(frozen=True)
class Backend:
    """The joblib backend :func:`parallel_backend` set up.

    Attributes:
        scheduler: ``"sequential"``, ``"loky"`` or ``"dask"``.
        n_jobs: Workers it offers (for dask: the cluster's threads at entry; 0 while
            its workers are still starting).
        client: The ``dask.distributed.Client`` (dask only).
    """

    scheduler: str
    n_jobs: int
    client: Any = None


@contextmanager
def parallel_backend(
    scheduler: str | None = None, n_jobs: int | None = None, *, n_cells: int = 2, **dask_options
) -> Iterator[Backend]:
    """Make ``joblib.Parallel()`` inside the block use the grid's backend.

    Code that wants to run on the same backend as the grids (feature extraction)
    calls ``joblib.Parallel()`` without ``backend=`` or ``n_jobs=`` inside this block.

    Args:
        scheduler: See :func:`resolve_scheduler`.
        n_jobs: Local worker processes for ``"loky"`` (default: ``SERTL_JOBS`` or all
            cores); ignored by ``"dask"``, which uses every worker thread of the cluster.
        n_cells: Tasks the caller will run (lets ``"auto"`` stay in-process for one).
        **dask_options: Passed to joblib's dask backend (for example ``scatter=[...]``;
            ``wait_for_workers_timeout`` is 900 s unless given: a batch queue may start
            the workers minutes after the scheduler).

    Yields:
        The :class:`Backend` in use.
    """
    import joblib

    name = resolve_scheduler(scheduler, n_cells)
    if name == "sequential":
        with joblib.parallel_config(backend="sequential", n_jobs=1):
            yield Backend("sequential", 1)
    elif name == "loky":
        jobs = _local_jobs(n_jobs)
        with joblib.parallel_config(backend="loky", n_jobs=jobs):
            yield Backend("loky", jobs)
    else:
        client = dask_client()
        threads = sum(client.nthreads().values())
        # batch-queue workers (dask-jobqueue) may start minutes after the scheduler
        dask_options.setdefault("wait_for_workers_timeout", 900)
        with joblib.parallel_config(backend="dask", n_jobs=-1, client=client, **dask_options):
            yield Backend("dask", threads, client)


# ---------------------------------------------------------------------------------------
# keys and the store


def _plain(value: Any) -> Any:
    """NumPy scalars as Python ones, so that parameters hash and print the same."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def _canonical(params: Mapping[str, Any]) -> str:
    try:
        return json.dumps(params, sort_keys=True, default=_plain, allow_nan=True)
    except (TypeError, ValueError) as error:
        raise TypeError(f"grid cell {dict(params)!r}: parameters must be JSON values") from error


_CODE_DIGESTS: dict[tuple[str, str], str] = {}


def _package_digest() -> str:
    """Digest of every module of the sertl package and the versions of its numeric libraries.

    Cells call models, losses and transfer methods in other modules, so an edit
    anywhere in the package, or another numpy/scipy/scikit-learn/torch/openSMILE
    release, must give new store keys: rows from older code are never reused.
    """
    from importlib import metadata

    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode())
        h.update(path.read_bytes())
    for dist in ("numpy", "scipy", "scikit-learn", "torch", "opensmile", "pandas"):
        try:
            h.update(f"{dist}=={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist} absent".encode())
    return h.hexdigest()[:16]


def code_version(cell: Callable) -> str:
    """The sertl version, the cell's name and a digest of the whole package's code.

    Any edit of sertl's code (the cell's module or the models, losses and transfer
    methods it calls) or of the numeric libraries' versions gives new store keys,
    so stored rows from older code are not reused. A cell defined outside sertl (a
    notebook, a script) adds the digest of its own source.
    """
    from . import __version__

    key = (getattr(cell, "__module__", "") or "", getattr(cell, "__qualname__", repr(cell)))
    digest = _CODE_DIGESTS.get(key)
    if digest is None:
        h = hashlib.sha256(_package_digest().encode())
        if not key[0].startswith("sertl"):
            module = sys.modules.get(key[0])
            try:
                source = (
                    inspect.getsource(module) if module is not None else inspect.getsource(cell)
                )
            except (OSError, TypeError):
                try:  # a cell defined in a notebook or a REPL: its own source
                    source = inspect.getsource(cell)
                except (OSError, TypeError):
                    code = getattr(cell, "__code__", None)
                    source = repr(code.co_code + repr(code.co_consts).encode()) if code else key[1]
            h.update(source.encode())
        digest = h.hexdigest()[:16]
        _CODE_DIGESTS[key] = digest
    return f"sertl-{__version__}+{key[0]}.{key[1]}@{digest}"


def cell_key(name: str, params: Mapping[str, Any], fingerprint: str, code: str) -> str:
    """The store key of one cell: sha256 of the grid name, parameters, fingerprint, code."""
    text = json.dumps(
        {
            "store": STORE_VERSION,
            "grid": name,
            "params": json.loads(_canonical(params)),
            "fingerprint": fingerprint,
            "code": code,
        },
        sort_keys=True,
        allow_nan=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def store_dir(name: str) -> Path:
    """The folder holding grid ``name``'s stored cells (inside ``SERTL_CACHE``)."""
    return cache_dir("grid", name)


def _load(path: Path, key: str) -> pd.DataFrame:
    with open(path, "rb") as handle:
        entry = pickle.load(handle)
    if not isinstance(entry, dict) or entry.get("key") != key:
        raise ValueError("not an entry of this cell")
    rows = entry["rows"]
    if not isinstance(rows, pd.DataFrame):
        raise ValueError("its rows are not a table")
    return rows


def _save(path: Path, key: str, params: dict, rows: pd.DataFrame, seconds: float) -> None:
    entry = {"key": key, "params": params, "rows": rows, "seconds": seconds}
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)


# ---------------------------------------------------------------------------------------
# the worker side


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
    from .device import stable_seed

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


# ---------------------------------------------------------------------------------------
# the runner


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
    from tqdm import tqdm

    started = time.perf_counter()
    cells = _cells(grid)
    if keys is None:
        keys = list(dict.fromkeys(k for p in cells for k in p))
    keys = list(keys)
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
                stacklevel=2,
            )
            todo.append(index)
    cached = len(cells) - len(todo)
    threads = _cell_threads()
    report = GridReport(name, "none", 0, len(cells), cached=cached)
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
                stream = _execute(cell, name, cells, todo, dict(shared or {}), threads, backend)
                try:
                    for index, rows, took in stream:
                        results[index] = rows
                        seconds[index] = took
                        if folder is not None:
                            key = ids[index]
                            _save(folder / f"{key}.pkl", key, cells[index], rows, took)
                        bar.update(1)
                        status(len(seconds))
                finally:
                    stream.close()
    finally:
        bar.close()
        report.computed = len(seconds)
        report.cell_seconds = [seconds[i] for i in sorted(seconds)]
        report.wall_s = time.perf_counter() - started
        last_report = report

    # empty tables would turn typed columns into object ones
    frames = [r for r in results if r is not None and len(r)]
    if frames:
        table = pd.concat(frames, ignore_index=True)
    else:
        table = next((r for r in results if r is not None and len(r.columns)), None)
        table = pd.DataFrame(columns=keys) if table is None else table
    return _sorted(table, keys)


def _check_threads(client: Any) -> None:
    """Warn when a Dask worker runs several cells at once in one process."""
    crowded = sorted(str(w) for w, n in client.nthreads().items() if n > 1)
    if crowded:
        warnings.warn(
            f"{len(crowded)} Dask worker(s) run more than one thread ({crowded[0]} ...): "
            "cells in one process share the BLAS/torch thread settings and the global "
            "random generators; start workers with one thread each (dask worker "
            "--nthreads 1 --nworkers N, LocalCluster(threads_per_worker=1))",
            stacklevel=3,
        )


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


__all__ = [
    "Backend",
    "CellError",
    "GridReport",
    "cell_key",
    "close_clients",
    "code_version",
    "dask_client",
    "last_report",
    "parallel_backend",
    "resolve_scheduler",
    "run",
    "store_dir",
]
