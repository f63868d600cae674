"""The corpora and the scores of a small grid, computed once for the package's tests."""

from __future__ import annotations

import pandas as pd
import pytest

from sertl.experiments import GridOptions, Prepared
from sertl.experiments import andova_lustrek as al

from .helpers import TINY, corpus


@pytest.fixture(scope="package")
def corpora() -> dict[str, Prepared]:
    return {
        "savee": corpus(4, 3, 1.0, 0),
        "emodb": corpus(3, 4, 0.0, 1),
        "emovo": corpus(2, 4, -1.0, 2),
    }


@pytest.fixture(scope="package")
def scores(corpora: dict[str, Prepared]) -> pd.DataFrame:
    return al.run(
        corpora,
        pairs=[["emodb", "savee"], ["emovo", "savee"]],
        seeds=[0, 1],
        subjects=al.target_subjects(corpora, ["savee"]),
        settings=TINY,
        grid=GridOptions(scheduler="sequential", store=False, progress=False),
    )
