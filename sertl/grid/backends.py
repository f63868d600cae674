"""Where the cells run: in-process, on local processes (loky) or on a Dask cluster."""

from __future__ import annotations

import atexit
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import n_jobs as _local_jobs

SCHEDULERS = ("sequential", "loky", "dask", "auto")


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


def _check_threads(client: Any) -> None:
    """Warn when a Dask worker runs several cells at once in one process."""
    crowded = sorted(str(w) for w, n in client.nthreads().items() if n > 1)
    if crowded:
        warnings.warn(
            f"{len(crowded)} Dask worker(s) run more than one thread ({crowded[0]} ...): "
            "cells in one process share the BLAS/torch thread settings and the global "
            "random generators; start workers with one thread each (dask worker "
            "--nthreads 1 --nworkers N, LocalCluster(threads_per_worker=1))",
            stacklevel=4,  # the caller of run (through runner._compute)
        )
