"""Chapter 07's cross-corpus grid on small in-memory corpora (features, no audio)."""

import numpy as np
import pandas as pd
import pytest

from sertl.corpora import CorpusError
from sertl.experiments import own_corpus as oc

EMOTIONS = ["angry", "happy", "sad", "neutral"]


def _corpus(name, n_speakers, per_class, shift, speaker_spread, seed, speakers=True):
    """Emotion means in 6-d, a corpus offset and a large offset per speaker."""
    rng = np.random.default_rng(seed)
    means = np.eye(len(EMOTIONS), 6) * 3.0
    rows, xs = [], []
    for s in range(n_speakers):
        offset = rng.normal(0, speaker_spread, 6)
        for i, emotion in enumerate(EMOTIONS):
            for k in range(per_class):
                rows.append(
                    {
                        "file": f"{name}/{s}/{emotion}{k}.wav",
                        "corpus": name,
                        "speaker": f"{name}{s}" if speakers else None,
                        "emotion": emotion,
                    }
                )
                xs.append(means[i] + shift + offset + rng.normal(0, 0.7, 6))
    return pd.DataFrame(rows), np.array(xs)


@pytest.fixture(scope="module")
def data():
    return {
        ("src", "f"): _corpus("src", 6, 4, 0.0, 0.3, 1),
        ("mine", "f"): _corpus("mine", 6, 4, 4.0, 4.0, 2),
    }


def test_zscore_within_groups():
    x = np.array([[1.0, 2.0], [3.0, 6.0], [10.0, 0.0], [20.0, 2.0]])
    z = oc.zscore(x, ["a", "a", "b", "b"])
    assert np.allclose(z[:2].mean(0), 0) and np.allclose(z[2:].std(0), 1)


def test_cell_rows_per_speaker_and_whole_corpus(data):
    rows = pd.DataFrame(oc.cell("src", "f", "svm", "source", 0, data=data, target="mine"))
    assert list(rows["scope"]).count("corpus") == 1 and (rows["scope"] == "speaker").sum() == 6
    assert set(rows.columns) >= set(oc.COLUMNS)
    assert rows.loc[rows["scope"] == "speaker", "n"].sum() == 96


def test_per_speaker_standardisation_removes_a_speaker_shift(data):
    plan = oc.cells(["src"], ["f"], ["svm"], ["source", "speaker"], seed=0)
    assert len(plan) == 4  # src and within, two standardisations
    results = pd.concat(
        [pd.DataFrame(oc.cell(**p, data=data, target="mine", n_splits=3)) for p in plan]
    )
    table = oc.table(results)
    assert table.loc[("src", "f", "svm"), "speaker"] > table.loc[("src", "f", "svm"), "source"] + 20
    assert oc.best(results)["standardise"] == "speaker"
    sentences = oc.findings(results, "mine", "synthetic")
    assert "on synthetic data" in sentences[0] and "t-interval over 6 speakers" in sentences[0]
    assert "% on all of mine" in sentences[0]
    assert "per-speaker standardisation is better" in sentences[-1]


def test_a_target_without_speakers_runs_only_what_needs_none(data):
    table, x = _corpus("anon", 3, 4, 4.0, 1.0, 3, speakers=False)
    table["speaker"] = pd.array(table["speaker"], dtype="string")
    with_anon = {**data, ("anon", "f"): (table, x)}
    rows = oc.cell("src", "f", "forest", "corpus", 0, data=with_anon, target="anon", n_trees=20)
    assert [r["scope"] for r in rows] == ["corpus"]
    with pytest.raises(CorpusError, match="per-speaker standardisation cannot run"):
        oc.cell("src", "f", "forest", "speaker", 0, data=with_anon, target="anon")
    with pytest.raises(CorpusError, match="within-corpus reference"):
        oc.cell(oc.WITHIN, "f", "forest", "source", 0, data=with_anon, target="anon")


# --- the experiment contract (issue 24): Settings, run with GridOptions, percent scores ---


def test_settings_come_from_the_chapter_parameters_in_one_call():
    import dataclasses

    params = {"n_trees": 30, "n_splits": 3, "seed": 4, "sources": ["emodb"], "profile": "smoke"}
    settings = oc.Settings.from_params(params)
    assert settings == oc.Settings(n_trees=30, n_splits=3)
    assert oc.Settings.from_params({}) == oc.Settings()  # the defaults of cell()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.n_trees = 1
    with pytest.raises(ValueError, match="n_splits must be at least 2"):
        oc.Settings(n_splits=1)
    with pytest.raises(ValueError, match="n_trees must be at least 1"):
        oc.Settings.from_params({"n_trees": 0})


def test_scores_are_percent_per_speaker_and_on_the_whole_corpus():
    from sertl.metrics import uar

    y = np.array(["angry", "sad"] * 6)
    pred = np.array(["angry"] * 6 + ["sad", "sad", "angry", "sad", "sad", "sad"])
    speakers = np.repeat(["b", "a", "c"], 4)
    rows = oc._scores(y, pred, speakers)
    assert [(r["scope"], r["speaker"], r["n"]) for r in rows] == [
        ("corpus", "", 12),
        ("speaker", "a", 4),
        ("speaker", "b", 4),
        ("speaker", "c", 4),
    ]
    assert rows[0]["uar"] == 100 * uar(y, pred)
    assert [r["uar"] for r in rows[1:]] == [50.0, 50.0, 75.0]
    assert list(rows[1]) == ["scope", "speaker", "n", "uar"]


def test_run_is_the_grid_of_cells_with_the_settings_in_the_store_key(data, tmp_path, monkeypatch):
    from sertl.experiments import GridOptions

    monkeypatch.setenv("SERTL_CACHE", str(tmp_path))
    axes = {"feature_sets": ["f"], "classifiers": ["forest"], "standardisations": ["source"]}
    settings = oc.Settings(n_trees=10, n_splits=3)
    options = GridOptions(fingerprint="test", scheduler="sequential", progress=False)
    results = oc.run(data, target="mine", sources=["src"], seed=0, settings=settings,
                     grid=options, **axes)  # fmt: skip
    by_hand = pd.concat(
        [
            pd.DataFrame(oc.cell(**p, data=data, target="mine", n_trees=10, n_splits=3))
            for p in oc.cells(["src"], ["f"], ["forest"], ["source"], seed=0)
        ]
    ).assign(seed=0)  # the runner adds the parameters a cell does not return
    key = oc.KEYS
    pd.testing.assert_frame_equal(
        results.sort_values(key).reset_index(drop=True)[sorted(results.columns)],
        by_hand.sort_values(key).reset_index(drop=True)[sorted(results.columns)],
        check_exact=True,
        check_dtype=False,
    )
    assert set(results["train"]) == {"src", oc.WITHIN}
    again = oc.run(data, target="mine", sources=["src"], seed=0, settings=settings,
                   grid=options, **axes)  # fmt: skip
    from sertl import grid

    assert grid.last_report.cached == 2
    pd.testing.assert_frame_equal(again, results)
    # other settings, other stored cells: a stored run with 10 trees is not reused for 11
    more = oc.run(data, target="mine", sources=["src"], seed=0, within=False,
                  settings=oc.Settings(n_trees=11, n_splits=3), grid=options, **axes)  # fmt: skip
    assert grid.last_report.cached == 0 and set(more["train"]) == {"src"}
