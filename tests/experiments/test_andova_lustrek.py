from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

from sertl import corpora as corpus_registry
from sertl import papers, verdict
from sertl.experiments import GridOptions
from sertl.experiments import andova_lustrek as al

EMOTIONS = np.array(al.EMOTIONS)
TINY = al.Settings(
    n_trees=8,
    max_depth=4,
    fcnn_hidden=(8, 4),
    fcnn_epochs=2,
    fcnn_finetune_epochs=2,
    fcnn_batch=16,
    dbn_hidden=(8,),
    dbn_rbm_epochs=1,
    dbn_epochs=2,
    dbn_batch=16,
)


def _corpus(n_speakers: int, n_per: int, shift: float, seed: int) -> dict:
    """Gaussian features with an emotion signal, ``n_per`` items per speaker and emotion."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(99).normal(scale=2.0, size=(4, 12))
    speakers = np.repeat([f"s{k}" for k in range(n_speakers)], 4 * n_per)
    y = np.tile(np.repeat(np.arange(4), n_per), n_speakers)
    X = centres[y] + shift + rng.normal(size=(len(y), 12))
    return {"X": X.astype(np.float32), "y": EMOTIONS[y], "speaker": speakers}


@pytest.fixture(scope="module")
def corpora() -> dict:
    return {
        "savee": _corpus(4, 3, 1.0, 0),
        "emodb": _corpus(3, 4, 0.0, 1),
        "emovo": _corpus(2, 4, -1.0, 2),
    }


@pytest.fixture(scope="module")
def scores(corpora: dict) -> pd.DataFrame:
    return al.run(
        corpora,
        pairs=[["emodb", "savee"], ["emovo", "savee"]],
        seeds=[0, 1],
        subjects=al.target_subjects(corpora, ["savee"]),
        settings=TINY,
        grid=GridOptions(scheduler="sequential", store=False, progress=False),
    )


def test_relabel_keeps_the_four_emotions_and_merges_excited_only_on_request():
    table = pd.DataFrame(
        {
            "emotion": ["happy", "excited", "angry", "fear", "sad", "neutral"],
            "speaker": list("abcdef"),
        }
    )
    kept = al.relabel(table)
    assert kept["emotion"].tolist() == ["happy", "angry", "sad", "neutral"]
    merged = al.relabel(table, merge_excited=True)
    assert merged["emotion"].tolist() == ["happy", "happy", "angry", "sad", "neutral"]


def test_grids_have_one_source_training_per_source_and_seed_and_one_cell_per_subject(corpora):
    pairs = [["emodb", "savee"], ["emovo", "savee"], ["emodb", "emovo"]]
    assert al.source_cells(pairs, [0, 1]) == [
        {"source": "emodb", "seed": 0},
        {"source": "emodb", "seed": 1},
        {"source": "emovo", "seed": 0},
        {"source": "emovo", "seed": 1},
    ]
    subjects = al.target_subjects(corpora, ["savee", "emovo"])
    assert subjects == {"savee": ["s0", "s1", "s2", "s3"], "emovo": ["s0", "s1"]}
    grid = al.cells(pairs, [0], subjects)
    assert len(grid) == 4 + 4 + 2
    assert grid[0] == {"source": "emodb", "target": "savee", "seed": 0, "subject": "s0"}
    few = al.target_subjects(corpora, ["savee"], max_subjects=2, seed=3)["savee"]
    assert len(few) == 2 and set(few) <= set(subjects["savee"])
    assert few == al.target_subjects(corpora, ["savee"], max_subjects=2, seed=3)["savee"]


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


def test_table_3_compares_each_method_with_the_scenario_2_forest(scores):
    published = papers.published("andova_lustrek")
    summary = al.summary(scores, published, n_boot=200)
    pair = summary[(summary["source"] == "emodb") & (summary["target"] == "savee")]
    by_method = pair.set_index("method")
    base = by_method.loc["scenario 2", "ours"]
    for method in [*al.TABLE3, *al.VARIANTS]:
        assert by_method.loc[method, "vs_baseline"] == pytest.approx(
            by_method.loc[method, "ours"] - base
        )
        assert by_method.loc[method, "n"] == 4
    assert np.isnan(by_method.loc["scenario 3", "vs_baseline"])  # Table 2 rows are not tested
    assert by_method.loc["normalisation 2", "paper"] == 58.0
    assert np.isnan(by_method.loc[al.QUANTILE, "paper"])
    # intervals over the four target subjects, seeds averaged within a subject
    runs = scores[(scores["source"] == "emodb") & (scores["method"] == "DBN")]
    per_subject = runs.groupby("subject")["accuracy"].mean()
    assert by_method.loc["DBN", "ours"] == pytest.approx(per_subject.mean())
    view = al.table_view(summary, verdict.table([]), "Table 3")
    assert "baseline (scenario 2)" in view.index.get_level_values("method")


def test_verdicts_cover_every_published_cell_and_say_why_one_did_not_run(scores):
    published = papers.published("andova_lustrek")
    assert len(published) == 54
    table = verdict.table(
        al.verdicts(scores, published, data="synthetic", available=["emodb", "emovo", "savee"])
    )
    assert len(table) == 54
    ran = table[table["status"] != "not run"]
    assert len(ran) == 18
    assert set(zip(ran["source"], ran["target"], strict=True)) == {
        ("emodb", "savee"),
        ("emovo", "savee"),
    }
    assert (ran["status"] == "synthetic data").all()  # never "reproduced" on synthetic data
    assert (ran["n_units"] == 4).all() and (ran["unit"] == al.UNIT).all()
    not_run = table[table["status"] == "not run"]
    assert not_run["reason"].str.contains("iemocap not configured").all()
    real = verdict.table(
        al.verdicts(scores, published, data="real", available=["emodb", "emovo", "savee"])
    )
    assert set(real["status"]) <= {"reproduced", "not reproduced", "not run"}


def test_findings_follow_the_numbers_and_the_paper(scores):
    published = papers.published("andova_lustrek")
    text = al.overall(scores, published)
    # the paper: scenario 3 is on average 0.8 points below scenario 2 over its six pairs
    assert "over the paper's six pairs it lies 0.8 points below" in text
    s = scores[scores["method"].isin(["scenario 2", "scenario 3"])]
    diff = s.groupby("method")["accuracy"].mean().diff().iloc[-1]
    assert f"{abs(diff):.1f} points {'above' if diff > 0 else 'below'} scenario 2" in text
    found = al.findings(scores, published)
    assert any("The paper: +8 points (57 against 49)" in f for f in found)
    assert any("the paper's is normalisation 2, +9 points" in f for f in found)
    # EMOVO -> SAVEE: FCNN and normalisation 2 tie at 58 in the paper's Table 3
    assert any("the paper's is FCNN and normalisation 2, +9 points" in f for f in found)
    assert "(over the same 2 pairs: 5.0 points above)" in text
    note = al.power_note(al.summary(scores, published, n_boot=200))
    assert "savee: 4 subjects, median half-width" in note and "Student-t" in note


def test_the_chapter_grid_runs_on_the_synthetic_corpora():
    tables = {n: corpus_registry.get(n, data="synthetic") for n in ["emodb", "savee"]}
    data = al.prepare(tables)
    counts = al.counts(data)
    assert list(counts.columns) == [*al.EMOTIONS, "subjects"]
    assert counts.loc["savee", "subjects"] == 4 and counts.loc["emodb", "subjects"] == 10
    assert data["savee"]["X"].shape[1] == 1582  # emobase2010
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


def test_fit_predict_runs_each_method_and_says_what_it_cannot(corpora: dict):
    src, tgt = corpora["emodb"], corpora["savee"]
    train = tgt["speaker"] == "s0"
    args = (src["X"], src["y"], tgt["X"][train], tgt["y"][train], tgt["X"][~train])
    opts = dict(random_state=0, n_trees=8, max_depth=4, dbn={"hidden": (8,), "epochs": 1})
    for method in set(al.METHODS) - {"FCNN"}:
        pred = al.fit_predict(method, *args, **opts)
        assert len(pred) == (~train).sum() and set(pred) <= set(al.EMOTIONS), method
    again = al.fit_predict("multi-task", *args, **opts)
    np.testing.assert_array_equal(again, al.fit_predict("multi-task", *args, **opts))
    no_neutral = tgt["y"][train] != "neutral"
    assert (
        al.fit_predict(
            "normalisation 1",
            *args[:2],
            tgt["X"][train][no_neutral],
            tgt["y"][train][no_neutral],
            args[4],
            **opts,
        )
        is None
    )
    with pytest.raises(ValueError, match="train_source"):
        al.fit_predict("FCNN", *args, **opts)
    with pytest.raises(ValueError, match="unknown method 'SVM'"):
        al.fit_predict("SVM", *args, **opts)


def test_the_feature_views_figure_picks_a_subject_with_neutral_speech():
    src, tgt = _corpus(3, 2, 0.0, 0), _corpus(3, 2, 1.0, 1)
    tgt["y"] = np.where((tgt["speaker"] == "s0") & (tgt["y"] == "neutral"), "sad", tgt["y"])
    data = {"a": src, "b": tgt}
    subjects = {"b": ["s0", "s1", "s2"]}
    assert al.figure_subject(data, [("a", "b")], subjects) == ("a", "b", "s1")
    fig = al.plot_feature_views(data, source="a", target="b", subject="s1", column=0, feature="f0")
    assert len(fig.axes) == 4
    no_neutral = {**src, "y": np.where(src["y"] == "neutral", "sad", src["y"])}
    assert al.figure_subject({"a": no_neutral, "b": tgt}, [("a", "b")], subjects) is None
