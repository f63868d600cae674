"""The store: keys that cover what made a cell, resumed runs, damaged entries."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from sertl import grid

from .cells import counting_cell, n_calls


def test_store_key_covers_fingerprint_and_parameters(tmp_path):
    calls = tmp_path / "calls"
    calls.mkdir()
    shared = {"calls": str(calls)}
    cells = [{"seed": 0, "subject": "a"}]
    grid.run(counting_cell, cells, name="keys", shared=shared, fingerprint="v1", progress=False)
    grid.run(counting_cell, cells, name="keys", shared=shared, fingerprint="v1", progress=False)
    assert n_calls(calls) == 1
    grid.run(counting_cell, cells, name="keys", shared=shared, fingerprint="v2", progress=False)
    assert n_calls(calls) == 2
    grid.run(counting_cell, cells, name="other", shared=shared, fingerprint="v2", progress=False)
    assert n_calls(calls) == 3
    key = grid.cell_key("keys", {"seed": 0, "subject": "a"}, "v1", grid.code_version(counting_cell))
    assert key != grid.cell_key("keys", {"seed": 1, "subject": "a"}, "v1", "c")
    assert key == grid.cell_key(
        "keys", {"subject": "a", "seed": np.int64(0)}, "v1", grid.code_version(counting_cell)
    )
    assert "sertl-" in grid.code_version(counting_cell)


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
    assert n_calls(calls) == 3
    assert len(list(grid.store_dir("resume").glob("*.pkl"))) == 2

    shared["fail_at"] = 0
    table = grid.run(counting_cell, cells, name="resume", shared=shared, scheduler="sequential")
    assert n_calls(calls) == 3 + (len(cells) - 2)
    assert grid.last_report.cached == 2 and grid.last_report.computed == len(cells) - 2
    assert len(table) == len(cells)

    # extended (another seed): only the new cells run
    more = cells + [{"seed": 2, "subject": f"s{j}"} for j in range(4)]
    done = n_calls(calls)
    extended = grid.run(counting_cell, more, name="resume", shared=shared, scheduler="sequential")
    assert n_calls(calls) == done + 4
    pd.testing.assert_frame_equal(extended[extended["seed"] < 2].reset_index(drop=True), table)

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    reference = grid.run(
        counting_cell, more, name="resume", shared={"calls": str(fresh)}, store=False
    )
    pd.testing.assert_frame_equal(extended, reference)


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
    assert n_calls(calls) == 4
    pd.testing.assert_frame_equal(first, again)
    with open(entries[0], "rb") as handle:
        entry = pickle.load(handle)  # rewritten whole
    assert len(entry["rows"]) == 1 and entry["params"]["subject"] == "a"
