"""The grid runner: same table on every backend, resumable store, errors naming the cell."""

from __future__ import annotations

import os
import pickle
import uuid
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.ensemble import RandomForestClassifier

from sertl import grid
from sertl.device import stable_seed


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    for name in ("SERTL_SCHEDULER", "SERTL_DASK_ADDRESS", "SERTL_JOBS", "SERTL_CELL_THREADS"):
        monkeypatch.delenv(name, raising=False)


# --- cells: module level, so that worker processes import them --------------------------


def model_cell(seed: int, source: str, shots: int, X: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """NumPy, torch and scikit-learn randomness, seeded from the cell's parameters."""
    rng = np.random.default_rng(stable_seed(seed, source, shots))
    rows = rng.choice(len(X), size=40 + 10 * shots, replace=False)
    forest = RandomForestClassifier(n_estimators=15, max_depth=4, random_state=rng.integers(2**31))
    forest.fit(X[rows], y[rows])
    generator = torch.Generator().manual_seed(stable_seed(seed, source, shots, "torch"))
    weights = torch.randn(X.shape[1], 3, generator=generator, dtype=torch.float64)
    logits = torch.from_numpy(X) @ weights
    return pd.DataFrame(
        {
            "fold": [0, 1],
            "accuracy": [forest.score(X, y), forest.score(X[::2], y[::2])],
            "proba": forest.predict_proba(X[:2])[:, 0],
            "logit": logits[:2, 0].numpy(),
            # a careless draw from the global generators: the runner seeds them per cell
            "global_np": np.random.rand(2),
            "global_torch": torch.rand(2, dtype=torch.float64).numpy(),
        }
    )


def counting_cell(seed: int, subject: str, calls: str, fail_at: int = 0) -> list[dict]:
    """Counts its calls as files in ``calls``; raises on call number ``fail_at``."""
    folder = Path(calls)
    number = len(list(folder.iterdir())) + 1
    (folder / f"{seed}-{subject}-{uuid.uuid4().hex}").touch()
    if number == fail_at:
        raise ValueError(f"call {number} fails")
    return [{"score": stable_seed(seed, subject) % 1000 / 1000}]


def flag_cell(seed: int, calls: str, fail: str) -> list[dict]:
    """Counts its calls; while the file ``fail`` exists, its process dies at ``seed == 5``."""
    (Path(calls) / f"{seed}-{uuid.uuid4().hex}").touch()
    if seed == 5 and Path(fail).exists():
        os._exit(3)  # as if killed for memory
    return [{"seed_squared": seed * seed}]


def failing_cell(seed: int, subject: str) -> list[dict]:
    if seed == 4:
        raise ValueError("bad seed")
    return [{"value": seed}]


def thread_cell(seed: int) -> list[dict]:
    from threadpoolctl import threadpool_info

    blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    return [{"torch_threads": torch.get_num_threads(), "blas_threads": max(blas, default=1)}]


def shape_cell(seed: int, method: str) -> list[dict] | pd.DataFrame:
    if method == "none":
        return []
    return [{"subject": s, "value": seed + i} for i, s in enumerate(["s2", "s1"])]


def _calls(folder: Path) -> int:
    return len(list(folder.iterdir()))


# --- same numbers whatever the backend --------------------------------------------------


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


def test_threads_limited_inside_cells_and_restored():
    before = torch.get_num_threads()
    table = grid.run(thread_cell, [{"seed": 0}], name="threads", store=False, progress=False)
    assert table.loc[0, "torch_threads"] == 1
    assert table.loc[0, "blas_threads"] == 1
    assert torch.get_num_threads() == before


def test_global_generators_restored_after_a_sequential_run():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    grid.run(
        model_cell,
        [{"seed": 0, "source": "a", "shots": 0}],
        name="g",
        store=False,
        shared={"X": np.eye(60, 4), "y": np.arange(60) % 2},
        scheduler="sequential",
    )
    assert np.random.rand() == expected


# --- resumable --------------------------------------------------------------------------


def test_interrupted_run_resumes_with_only_the_missing_cells(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    cells = [{"seed": s, "subject": f"s{j}"} for s in (0, 1) for j in range(4)]
    shared = {"calls": str(calls), "fail_at": 3}
    with pytest.raises(
        grid.CellError, match=r"seed=0, subject='s2'.*ValueError: call 3 fails"
    ) as info:
        grid.run(counting_cell, cells, name="resume", shared=shared, scheduler="sequential")
    assert info.value.params == {"seed": 0, "subject": "s2"}
    assert _calls(calls) == 3
    assert len(list(grid.store_dir("resume").glob("*.pkl"))) == 2

    shared["fail_at"] = 0
    table = grid.run(counting_cell, cells, name="resume", shared=shared, scheduler="sequential")
    assert _calls(calls) == 3 + (len(cells) - 2)
    assert grid.last_report.cached == 2 and grid.last_report.computed == len(cells) - 2
    assert len(table) == len(cells)

    # extended (another seed): only the new cells run
    more = cells + [{"seed": 2, "subject": f"s{j}"} for j in range(4)]
    done = _calls(calls)
    extended = grid.run(counting_cell, more, name="resume", shared=shared, scheduler="sequential")
    assert _calls(calls) == done + 4
    pd.testing.assert_frame_equal(extended[extended["seed"] < 2].reset_index(drop=True), table)

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    reference = grid.run(
        counting_cell, more, name="resume", shared={"calls": str(fresh)}, store=False
    )
    pd.testing.assert_frame_equal(extended, reference)


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
    before = _calls(calls)
    fail.unlink()
    table = grid.run(flag_cell, cells, name="par", shared=shared, scheduler="loky", n_jobs=2)
    assert _calls(calls) - before == len(cells) - stored
    assert table["seed_squared"].tolist() == [s * s for s in range(8)]


def test_damaged_entry_is_recomputed_with_a_warning(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    cells = [{"seed": s, "subject": "a"} for s in range(3)]
    shared = {"calls": str(calls)}
    first = grid.run(
        counting_cell, cells, name="damage", shared=shared, scheduler="sequential", progress=False
    )
    entries = sorted(grid.store_dir("damage").glob("*.pkl"))
    assert len(entries) == 3
    entries[0].write_bytes(entries[0].read_bytes()[:20])
    with pytest.warns(UserWarning, match=entries[0].name):
        again = grid.run(counting_cell, cells, name="damage", shared=shared, scheduler="sequential")
    assert _calls(calls) == 4
    pd.testing.assert_frame_equal(first, again)
    with open(entries[0], "rb") as handle:
        entry = pickle.load(handle)  # rewritten whole
    assert len(entry["rows"]) == 1 and entry["params"]["subject"] == "a"


def test_store_key_covers_fingerprint_and_parameters(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    shared = {"calls": str(calls)}
    cells = [{"seed": 0, "subject": "a"}]
    grid.run(counting_cell, cells, name="keys", shared=shared, fingerprint="v1", progress=False)
    grid.run(counting_cell, cells, name="keys", shared=shared, fingerprint="v1", progress=False)
    assert _calls(calls) == 1
    grid.run(counting_cell, cells, name="keys", shared=shared, fingerprint="v2", progress=False)
    assert _calls(calls) == 2
    grid.run(counting_cell, cells, name="other", shared=shared, fingerprint="v2", progress=False)
    assert _calls(calls) == 3
    key = grid.cell_key("keys", {"seed": 0, "subject": "a"}, "v1", grid.code_version(counting_cell))
    assert key != grid.cell_key("keys", {"seed": 1, "subject": "a"}, "v1", "c")
    assert key == grid.cell_key(
        "keys", {"subject": "a", "seed": np.int64(0)}, "v1", grid.code_version(counting_cell)
    )
    assert "sertl-" in grid.code_version(counting_cell)


# --- errors and shapes ------------------------------------------------------------------


def test_a_failing_cell_names_its_parameters_and_keeps_the_others():
    cells = [{"seed": s, "subject": "x"} for s in range(6)]
    with pytest.raises(grid.CellError, match=r"grid 'fails': cell \(seed=4, subject='x'\)") as info:
        grid.run(failing_cell, cells, name="fails", scheduler="loky", n_jobs=2, progress=False)
    assert info.value.params == {"seed": 4, "subject": "x"}
    assert "ValueError: bad seed" in str(info.value)
    stored = len(list(grid.store_dir("fails").glob("*.pkl")))
    assert stored == grid.last_report.computed and stored < len(cells)


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


# --- choosing the backend ---------------------------------------------------------------


def test_resolve_scheduler(monkeypatch):
    monkeypatch.setattr(grid, "_local_jobs", lambda n=None: 4)
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
