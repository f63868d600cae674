"""The toy corpora and one small grid run, shared by the tests of the package."""

import pytest

from sertl.experiments import GridOptions, yue

from ._toy import PARAMS, toy_prepared


@pytest.fixture(scope="package")
def prepared():
    return toy_prepared()


@pytest.fixture(scope="package")
def rows(prepared):
    n_folds = {n: len(s) for n, s in prepared.shared()["splits"].items()}
    cells = yue.grid(
        [("a", "b"), ("b", "a")], ["toy"], [0], n_folds, 2, k_curve=[2, 4], curve_pair=("a", "b")
    )
    hp = yue.hyperparameters(PARAMS)
    options = GridOptions(scheduler="sequential", store=False, progress=False)
    return yue.run(prepared, cells, hp, grid=options)
