"""One cell where the backend put it: thread limits, seeded generators, its errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from sertl import grid

from .cells import failing_cell, model_cell, thread_cell


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


def test_a_failing_cell_names_its_parameters_and_keeps_the_others():
    cells = [{"seed": s, "subject": "x"} for s in range(6)]
    with pytest.raises(grid.CellError, match=r"grid 'fails': cell \(seed=4, subject='x'\)") as info:
        grid.run(failing_cell, cells, name="fails", scheduler="loky", n_jobs=2, progress=False)
    assert info.value.params == {"seed": 4, "subject": "x"}
    assert "ValueError: bad seed" in str(info.value)
    stored = len(list(grid.store_dir("fails").glob("*.pkl")))
    assert stored == grid.last_report.computed and stored < len(cells)
