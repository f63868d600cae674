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

# The modules: backends (sequential, loky, Dask), store (keys, stored cells), worker (one
# cell where the backend put it) and runner (``run``, its report).
from .backends import (
    SCHEDULERS,
    Backend,
    close_clients,
    dask_client,
    parallel_backend,
    resolve_scheduler,
)
from .runner import GridReport, run
from .store import STORE_VERSION, cell_key, code_version, store_dir
from .worker import CellError


def __getattr__(name: str) -> object:
    # the report of the latest run lives in the runner's module: read it there each time
    if name == "last_report":
        from . import runner

        return runner.last_report
    raise AttributeError(f"module 'sertl.grid' has no attribute {name!r}")


__all__ = [
    "SCHEDULERS",
    "STORE_VERSION",
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
