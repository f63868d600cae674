"""Lian et al.'s grid on toy inputs: its rows, the summaries and the verdicts."""

import numpy as np
import pandas as pd
import pytest

from sertl import papers
from sertl.experiments import GridOptions, Prepared, lian

from .toy import SETTINGS, _inputs


def test_grid_rows_summaries_and_verdicts():
    table, data = _inputs()
    results = lian.run(
        data,
        SETTINGS,
        seeds=[0, 1],
        durations=[2, 3],
        grid=GridOptions(scheduler="sequential", store=False, progress=False),
    )
    pred = lian.predictions(results)
    assert len(pred) == 2 * 3 * len(table)  # seeds x (pairwise + 2 baselines) x every item once
    assert set(pred["unit"]) == {"S0", "S1", "S2", "S3", "S4"}
    assert (pred.groupby("unit")["speaker"].nunique() == 1).all()
    curves = lian.curves(results)
    assert set(curves["epoch"]) == {1, 2} and set(curves["method"]) == set(pred["method"])
    emb, labels = lian.embeddings(results, 0)
    assert emb.shape == (len(data["folds"][0]["train"]), 256) and len(labels) == len(emb)

    scores = lian.per_unit(results)
    assert len(scores) == 2 * 3 * 5 and scores["uar"].between(0, 100).all()
    assert {"method", "duration", "seed", "unit", "uar"} <= set(scores)
    published = papers.published("lian", "Table 3")
    published.loc[:, "method"] = published["method"].str.replace("4 s", "2 s")
    published.loc[published["method"] == "baseline 5 s", "method"] = "baseline 3 s"
    vs = lian.verdicts(scores, published, data="synthetic", corpus="toy")
    by = {v.method: v for v in vs}
    assert by["baseline 6 s"].status == "not run" and by["baseline 7 s"].status == "not run"
    assert by[lian.PAIRWISE].status == "synthetic data" and by[lian.PAIRWISE].n_units == 5
    assert by[lian.PAIRWISE].stand_in == "toy"
    mine = scores[scores["method"] == lian.PAIRWISE].groupby("unit")["uar"].mean()
    assert by[lian.PAIRWISE].reproduced == pytest.approx(mine.mean())
    t3 = lian.table3(scores, published, vs, pred)
    assert list(t3.index)[-1] == lian.PAIRWISE and t3.loc[lian.PAIRWISE, "seeds"] == 2
    assert t3.loc[lian.PAIRWISE, "n"] == 5 and t3.loc[lian.PAIRWISE, "ours"] == pytest.approx(
        mine.mean()
    )
    assert t3.loc[lian.PAIRWISE, "low"] <= mine.mean() <= t3.loc[lian.PAIRWISE, "high"]
    from sertl import effects

    found = effects.lian(scores, data="real", stand_in="toy", proposed=lian.PAIRWISE)
    first = found.iloc[0]
    assert first["comparison"] == f"{lian.PAIRWISE} − baseline 2 s" and first["n_units"] == 5
    assert found.iloc[-1]["comparison"] == "baseline 3 s − baseline 2 s"
    learned = lian.above_chance(scores)
    assert (learned["chance"] == 25.0).all() and (learned["n"] == 5).all()
    check = lian.degenerate(pred)
    assert len(check) == 3 * 2 * 5 and check["share"].between(25, 100).all()


def test_cells_are_deterministic():
    _, data = _inputs(n_speakers=3, per=3, frames=200)
    config = SETTINGS.as_dict()
    kw = dict(method=lian.baseline(2), duration=2, seed=0, fold=1, data=data, config=config)
    a, b = lian.cell(**kw), lian.cell(**kw)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="unknown method"):
        lian.cell(**{**kw, "method": "baseline 9 s"})


def test_inputs_share_one_prepared_corpus_and_reject_other_emotions():
    table, data = _inputs(n_speakers=3, per=2, frames=20)
    prepared = data["prepared"]
    assert isinstance(prepared, Prepared) and prepared.X.shape == (len(table), 33, 20)
    assert list(prepared.names(lian.EMOTIONS)) == table["emotion"].tolist()
    assert prepared.speaker.tolist() == table["speaker"].tolist()
    assert all(isinstance(f["train"], np.ndarray) for f in data["folds"])
    odd = table.assign(emotion=table["emotion"].replace({"sad": "fear"}))
    with pytest.raises(ValueError, match="fear"):
        lian.inputs(odd, prepared.X, data["folds"])
