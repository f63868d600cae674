from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

from sertl import corpora as corpus_registry
from sertl.experiments import GridOptions
from sertl.experiments import andova_lustrek as al

from .helpers import TINY


def test_grids_have_one_source_training_per_source_and_seed_and_one_cell_per_subject(corpora):
    pairs = [["emodb", "savee"], ["emovo", "savee"], ["emodb", "emovo"]]
    assert al.source_cells(pairs, [0, 1]) == [
        {"source": "emodb", "seed": 0},
        {"source": "emodb", "seed": 1},
        {"source": "emovo", "seed": 0},
        {"source": "emovo", "seed": 1},
    ]
    subjects = al.target_subjects(corpora, ["savee", "emovo"])
    grid = al.cells(pairs, [0], subjects)
    assert len(grid) == 4 + 4 + 2
    assert grid[0] == {"source": "emodb", "target": "savee", "seed": 0, "subject": "s0"}


def test_every_method_is_tested_on_the_other_subjects(scores, corpora):
    assert set(scores["method"]) == set(al.METHODS)
    assert len(scores) == 2 * 2 * 4 * len(al.METHODS)
    # one training subject of 12 utterances, the other three subjects (36) are the test set;
    # scenario 1 never sees the target: each cell scores it on its own subject (12), so the
    # four subjects are scored once each
    own = scores["method"].isin(al.OWN_SPEECH)
    assert (scores.loc[~own, "n_test"] == 36).all() and (scores.loc[own, "n_test"] == 12).all()
    n_train = scores.set_index(["source", "method"])["n_train"].groupby(level=[0, 1]).first()
    assert n_train[("emodb", "scenario 2")] == 12
    assert n_train[("emodb", "scenario 1")] == 48
    assert n_train[("emodb", "scenario 3")] == 60
    assert n_train[("emovo", "DBN")] == 32 + 12
    assert scores["accuracy"].between(0, 100).all()
    # every subject has as many utterances of each emotion: the majority (alphabetically
    # first of the tied emotions) is right on a quarter of the test speech
    majority = scores[scores["method"] == "majority"]
    np.testing.assert_allclose(majority["accuracy"], 25.0)
    np.testing.assert_allclose(majority["uar"], 25.0)


def test_scenario_2_never_sees_the_source_and_scenario_1_never_sees_the_subject(scores):
    def method(name: str) -> pd.DataFrame:
        rows = scores[scores["method"] == name]
        return rows.set_index(["source", "seed", "subject"])["accuracy"].unstack("source")

    s2 = method("scenario 2")
    np.testing.assert_array_equal(s2["emodb"], s2["emovo"])
    # scenario 1: the same forest for every subject of a source, tested on different subjects
    s1 = scores[(scores["method"] == "scenario 1") & (scores["seed"] == 0)]
    assert s1.groupby("source")["accuracy"].nunique().max() > 1


def test_cell_is_deterministic_and_uses_the_shared_source_network(corpora):
    settings = asdict(al.Settings(**{**asdict(TINY), "methods": ("FCNN", "scenario 3")}))
    fcnn = {"emodb/0": al.train_source("emodb", 0, corpora=corpora, settings=settings)[0]["fcnn"]}
    a = al.cell("emodb", "savee", 0, "s1", corpora=corpora, settings=settings, fcnn=fcnn)
    b = al.cell("emodb", "savee", 0, "s1", corpora=corpora, settings=settings, fcnn=fcnn)
    assert a == b
    assert [r["method"] for r in a] == ["FCNN", "scenario 3"]
    with pytest.raises(KeyError, match="emodb/1"):
        al.cell("emodb", "savee", 1, "s1", corpora=corpora, settings=settings, fcnn=fcnn)
    with pytest.raises(ValueError, match="unknown methods"):
        al.Settings(methods=("scenario 4",))


def test_the_chapter_grid_runs_on_the_synthetic_corpora():
    tables = {n: corpus_registry.get(n, data="synthetic") for n in ["emodb", "savee"]}
    data = al.prepare(tables)
    settings = al.Settings(
        **{**asdict(TINY), "methods": ("majority", "scenario 2", "normalisation 2")}
    )
    scores = al.run(
        data,
        pairs=[["emodb", "savee"]],
        seeds=[0],
        subjects=al.target_subjects(data, ["savee"], max_subjects=2),
        settings=settings,
        grid=GridOptions(scheduler="sequential", store=False, progress=False),
    )
    assert len(scores) == 2 * 3 and list(scores.columns) == al.COLUMNS
    assert scores["accuracy"].notna().all()
