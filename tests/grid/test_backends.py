"""The backends: which one runs, and joblib's default inside the block."""

from __future__ import annotations

import os

import joblib
import pytest

from sertl import grid
from sertl.grid import backends

from .cells import thread_cell


def test_resolve_scheduler(monkeypatch):
    monkeypatch.setattr(backends, "_local_jobs", lambda n=None: 4)
    assert grid.resolve_scheduler(None, n_cells=5) == "loky"
    assert grid.resolve_scheduler("auto", n_cells=1) == "sequential"
    monkeypatch.setenv("SERTL_SCHEDULER", "sequential")
    assert grid.resolve_scheduler(None, n_cells=5) == "sequential"
    assert grid.resolve_scheduler("Loky", n_cells=5) == "loky"
    monkeypatch.setenv("SERTL_SCHEDULER", "auto")
    monkeypatch.setenv("SERTL_DASK_ADDRESS", "tcp://example:8786")
    assert grid.resolve_scheduler(None) == "dask"
    with pytest.raises(ValueError, match="scheduler='ray'"):
        grid.resolve_scheduler("ray")


def test_dask_without_a_cluster_says_how_to_get_one():
    with pytest.raises(RuntimeError, match="SERTL_DASK_ADDRESS"):
        grid.run(
            thread_cell, [{"seed": 0}, {"seed": 1}], name="nodask", scheduler="dask", store=False
        )


def test_parallel_backend_sets_joblibs_default():
    with grid.parallel_backend("sequential") as backend:
        assert backend == grid.Backend("sequential", 1)
        assert joblib.Parallel()(joblib.delayed(os.getpid)() for _ in range(2)) == [os.getpid()] * 2
    with grid.parallel_backend("loky", n_jobs=2) as backend:
        assert backend.n_jobs == 2
        pids = joblib.Parallel()(joblib.delayed(os.getpid)() for _ in range(4))
    assert os.getpid() not in pids
