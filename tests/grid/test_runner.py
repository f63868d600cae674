"""The runner: the same table on every backend, a dead worker named, rows and keys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sertl import grid

from .cells import flag_cell, model_cell, n_calls, shape_cell, thread_cell


def test_same_table_sequential_loky_and_dask(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 12))
    y = (X[:, 0] + 0.5 * rng.normal(size=300) > 0).astype(int) + (X[:, 1] > 1)
    cells = [
        {"seed": s, "source": src, "shots": k}
        for src in ("emodb", "emovo")
        for k in (0, 2)
        for s in (0, 1)
    ]
    cells = [cells[i] for i in np.random.default_rng(1).permutation(len(cells))]
    run = dict(name="backends", shared={"X": X, "y": y}, keys=["source", "shots", "seed", "fold"])

    sequential = grid.run(model_cell, cells, scheduler="sequential", store=False, **run)
    local = grid.run(model_cell, cells, scheduler="loky", n_jobs=2, store=False, **run)
    assert grid.last_report.scheduler == "loky" and grid.last_report.n_workers == 2

    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        cluster_table = grid.run(model_cell, cells, scheduler="dask", store=False, **run)
        assert grid.last_report.scheduler == "dask" and grid.last_report.n_workers == 2

    assert len(sequential) == 2 * len(cells)
    assert list(sequential.columns[:3]) == ["seed", "source", "shots"]
    order = sequential[["source", "shots", "seed", "fold"]].apply(tuple, axis=1).tolist()
    assert order == sorted(order)
    # distinct cells drew distinct global numbers (seeded per cell, not once)
    assert sequential["global_np"].nunique() == len(sequential)
    pd.testing.assert_frame_equal(sequential, local, check_exact=True)
    pd.testing.assert_frame_equal(sequential, cluster_table, check_exact=True)


def test_dead_worker_is_named_and_the_parallel_run_resumes(tmp_path):
    calls, fail = tmp_path / "calls", tmp_path / "fail"
    calls.mkdir()
    fail.touch()
    cells = [{"seed": s} for s in range(8)]
    shared = {"calls": str(calls), "fail": str(fail)}
    with pytest.raises(grid.CellError, match=r"worker process died.*\(seed=5\)"):
        grid.run(flag_cell, cells, name="par", shared=shared, scheduler="loky", n_jobs=2)
    stored = len(list(grid.store_dir("par").glob("*.pkl")))
    assert stored < len(cells)
    before = n_calls(calls)
    fail.unlink()
    table = grid.run(flag_cell, cells, name="par", shared=shared, scheduler="loky", n_jobs=2)
    assert n_calls(calls) - before == len(cells) - stored
    assert table["seed_squared"].tolist() == [s * s for s in range(8)]


def test_rows_get_parameter_columns_and_are_sorted_by_keys():
    cells = pd.DataFrame({"seed": [2, 1, 1], "method": ["a", "b", "none"]})
    table = grid.run(
        shape_cell,
        cells,
        name="shape",
        keys=["seed", "subject"],
        store=False,
        scheduler="sequential",
        progress=False,
    )
    assert list(table.columns) == ["seed", "method", "subject", "value"]
    assert table[["seed", "subject"]].values.tolist() == [
        [1, "s1"],
        [1, "s2"],
        [2, "s1"],
        [2, "s2"],
    ]
    assert table["seed"].dtype == np.int64 and table["value"].dtype == np.int64


def test_duplicate_cells_and_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="more than once"):
        grid.run(thread_cell, [{"seed": 0}, {"seed": 0}], name="dup", store=False)
    with pytest.raises(ValueError, match="both cell parameters and shared"):
        grid.run(thread_cell, [{"seed": 0}], name="clash", shared={"seed": 1}, store=False)
    with pytest.raises(TypeError, match="JSON"):
        grid.run(thread_cell, [{"seed": object()}], name="bad", store=False)
