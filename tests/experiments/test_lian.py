"""Lian et al.'s grid on toy inputs: the folds, the duration measures, the summaries."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sertl import papers
from sertl.experiments import lian
from sertl.protocols import FixedSpeakerSplit

SMALL = [[4, 3, 2], [4, 3, 2], [4, 3, 2], [4, 3, 1], [4, 3, 1]]


def _table(speakers, durations=None, sessions=None, emotions=lian.EMOTIONS, per=2):
    rows = []
    for i, s in enumerate(speakers):
        for e in emotions:
            for k in range(per):
                rows.append(
                    {
                        "file": f"{s}_{e}_{k}.wav",
                        "speaker": s,
                        "emotion": e,
                        "session": sessions[i] if sessions else None,
                        "duration": durations[i] if durations else 3.0,
                    }
                )
    table = pd.DataFrame(rows)
    table.attrs["origin"] = "synthetic"
    return table


def test_fixed_split_is_the_papers_on_five_sessions():
    speakers = [f"Ses0{i}{g}" for i in range(1, 6) for g in "FM"]
    sessions = [f"Session{i}" for i in range(1, 6) for _ in "FM"]
    table = _table(speakers, sessions=sessions)
    groups, kind = lian.split_groups(table)
    assert kind == "session"
    split = FixedSpeakerSplit().partition(groups)
    parts = {k: sorted(set(groups[v])) for k, v in split.items()}
    assert parts == {
        "train": ["Session1", "Session2", "Session3"],
        "val": ["Session4"],
        "test": ["Session5"],
    }
    assert sorted(np.concatenate(list(split.values()))) == list(range(len(table)))


def test_sessions_shared_by_speakers_fall_back_to_speakers():
    table = _table(["a", "b", "c", "d"], sessions=["s1", "s1", "s2", "s3"])
    table.loc[table["speaker"] == "a", "session"] = ["s1"] * 4 + ["s2"] * 4  # a in two sessions
    assert lian.split_groups(table)[1] == "speaker"
    assert lian.split_groups(_table(["a", "b", "c"]))[1] == "speaker"  # no sessions


def test_prepare_merges_excited_into_happy_only_when_asked():
    table = _table(["a"], emotions=["excited", "happy", "fear"], per=1)
    assert lian.prepare(table)["emotion"].tolist() == ["happy", "happy"]
    assert lian.prepare(table, merge_excited=False)["emotion"].tolist() == ["happy"]


def test_durations_against_crops_and_the_stand_in_rule():
    short = _table(["a", "b", "c"], durations=[3.0, 3.5, 4.5])  # a third longer than 4 s
    long = _table(["a", "b", "c", "d"], durations=[4.5, 5.5, 6.5, 3.0])
    two = _table(["a", "b"], durations=[9.0, 9.0])  # longest, but two speakers only
    many = _table(list("abcdef"), durations=[3.0] * 6)  # most speakers, short clips
    table = lian.duration_table({"short": short, "long": long, "two": two}, [4, 5, 6, 7])
    row = table.set_index("corpus").loc["long"]
    assert row["longer_than_4s"] == 75.0 and row["longer_than_6s"] == 25.0
    assert row["longer_than_7s"] == 0.0 and row["clips"] == len(long)
    # the rule: most speakers first, then the share of clips longer than the crop
    assert lian.choose_stand_in({"short": short, "long": long, "two": two}, 4) == "long"
    assert lian.choose_stand_in({"long": long, "many": many}, 4) == "many"
    longer3 = _table(["a", "b", "c"], durations=[4.5, 4.5, 3.0])
    assert lian.choose_stand_in({"short": short, "longer3": longer3}, 4) == "longer3"
    said = dict(zip(table["corpus"], lian.duration_sentences(table), strict=True))
    assert said["short"] == (
        "short (synthetic): crops of 6 s and 7 s hold the same audio as the 5 s crop for 100.0 % "
        "of its clips."
    )
    assert said["long"].endswith("every crop adds audio for at least 5 % of the clips.")
    assert said["two"].endswith("every crop adds audio for at least 5 % of the clips.")
    with pytest.raises(ValueError, match="three speakers"):
        lian.choose_stand_in({"two": two}, 4)


def test_rotation_tests_every_group_once_with_the_papers_proportions():
    groups = np.repeat([f"S{i:02d}" for i in range(10)], 3)
    folds = lian.rotation(groups)
    assert len(folds) == 5
    tested = np.concatenate([f["test"] for f in folds])
    assert sorted(tested) == list(range(len(groups)))  # every item tested exactly once
    for k, f in enumerate(folds):
        parts = [set(groups[f[p]]) for p in ("train", "val", "test")]
        assert len(parts[0]) == 6 and len(parts[1]) == 2 and len(parts[2]) == 2
        assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
        assert parts[1] == set(groups[folds[(k + 1) % 5]["test"]])  # next group validates
    assert folds[0]["name"] == "S00+S01"
    four = lian.rotation(np.array(list("abcd")))
    assert [f["name"] for f in four] == list("abcd") and all(len(f["train"]) == 2 for f in four)
    sessions = np.repeat([f"Session{i}" for i in range(1, 6)], 2)
    (paper,) = lian.rotation(sessions, paper_split=True)
    assert paper["name"] == "Session5" and set(sessions[paper["val"]]) == {"Session4"}
    assert set(sessions[paper["train"]]) == {"Session1", "Session2", "Session3"}
    with pytest.raises(ValueError, match="at least 3"):
        lian.rotation(["a", "b"])


def test_compact_pools_mel_bands_and_frames():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 257, 10)).astype(np.float32)
    out = lian.compact(x, 16, 4)
    assert out.shape == (3, 16, 2) and out.dtype == np.float32
    same = lian.compact(x, None, 2)
    np.testing.assert_allclose(same[:, :, 0], x[:, :, :2].mean(-1), rtol=1e-6)
    # a louder input gives larger log-mel energies in every band
    assert (lian.compact(x + 2.0, 16, 1) > lian.compact(x, 16, 1)).all()
    with pytest.raises(ValueError, match="257 bins"):
        lian.compact(x[:, :33], 16, 1)
    with pytest.raises(ValueError, match="items, bins, frames"):
        lian.compact(x[0], 16, 1)


def test_settings_from_a_profile_section():
    s = lian.Settings.from_params(
        {"conv": [[4, 3, 2]] * 5, "lr": 0.01, "proposed_duration": 3, "seeds": [0], "n_mels": 32}
    )
    assert s.conv == ((4, 3, 2),) * 5 and s.lr == 0.01 and s.duration == 3.0
    assert s.n_bins == 32 and s.frames(3) == 300
    assert lian.Settings(frame_pool=4).frames(4) == 100 and lian.Settings().n_bins == 257
    assert lian.Settings.from_params(s.as_dict()) == s
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.lr = 1.0


def test_crop_coverage_says_when_crops_hold_the_same_audio():
    d = np.array([3.0, 3.9, 4.4, 4.8, 5.2])
    cov = lian.crop_coverage(d, [4, 5, 6, 7], 4).set_index("crop_s")
    assert cov.loc[4, "cut"] == 60.0 and cov.loc[5, "more_than_proposed"] == 60.0
    assert cov.loc[6, "more_than_previous"] == 20.0 and cov.loc[7, "more_than_previous"] == 0.0
    text = lian.crop_sentence(cov.reset_index(), "toy")
    assert "7 s" in text.split("The baselines at")[1] and "say nothing" in text
    wide = lian.crop_sentence(lian.crop_coverage(np.full(4, 9.0), [4, 5], 4), "toy")
    assert "Every longer crop adds audio" in wide


def _inputs(n_speakers=5, per=6, frames=300):
    rng = np.random.default_rng(0)
    speakers = [f"S{i}" for i in range(n_speakers)]
    table = _table(speakers, per=per)
    y = table["emotion"].map({e: i for i, e in enumerate(lian.EMOTIONS)}).to_numpy()
    x = rng.normal(size=(len(table), 33, frames)).astype(np.float32)
    x[np.arange(len(y)), y * 8 + 2, :] += 3.0  # a class-specific frequency band
    folds = lian.rotation(lian.split_groups(table)[0])
    return table, lian.inputs(table, x, folds)


SETTINGS = lian.Settings(
    conv=tuple(tuple(layer) for layer in SMALL),
    pairwise_epochs=2,
    pairs_per_epoch=64,
    softmax_epochs=2,
    batch_size=16,
    lr=1e-3,
    duration=2,
)


def test_grid_rows_summaries_and_verdicts():
    table, data = _inputs()
    results = lian.run(
        data,
        SETTINGS,
        seeds=[0, 1],
        durations=[2, 3],
        scheduler="sequential",
        store=False,
        progress=False,
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


def test_single_unit_gets_an_utterance_interval_for_its_speakers_only():
    pred = pd.DataFrame(
        {
            "method": lian.PAIRWISE,
            "seed": 0,
            "unit": "Session5",
            "true": list(lian.EMOTIONS) * 10,
            "predicted": list(lian.EMOTIONS) * 5 + ["angry"] * 20,
        }
    )
    scores = pd.DataFrame(
        [{"method": lian.PAIRWISE, "duration": 4, "seed": 0, "unit": "Session5", "uar": 62.5}]
    )
    published = papers.published("lian", "Table 3")
    t3 = lian.table3(scores, published, [], pred)
    row = t3.loc[lian.PAIRWISE]
    assert row["n"] == 1 and "Session5 only" in row["interval"]
    assert row["low"] < 62.5 < row["high"] and row["pooled"] == pytest.approx(62.5)


def test_degenerate_models_are_named():
    pred = pd.DataFrame(
        {
            "method": ["a"] * 10 + ["b"] * 10,
            "seed": 0,
            "unit": "u",
            "predicted": ["sad"] * 9 + ["angry"] + ["sad", "angry"] * 5,
        }
    )
    check = lian.degenerate(pred)
    assert check["degenerate"].tolist() == [True, False]
    text = lian.degenerate_sentence(check)
    assert text.startswith("Degenerate: 1 model") and "a (seed 0, u: sad 90 %)" in text
    assert lian.degenerate_sentence(check[~check["degenerate"]]).startswith("No model")


def test_above_chance_tests_over_units():
    scores = pd.DataFrame(
        {"method": lian.PAIRWISE, "seed": 0, "unit": list("abcde"), "uar": [40.0, 45, 50, 42, 48]}
    )
    row = lian.above_chance(scores).loc[lian.PAIRWISE]
    assert row["above"] == pytest.approx(20.0) and row["p"] < 0.001
    flat = scores.assign(uar=[20.0, 30, 25, 22, 28])
    assert lian.above_chance(flat).loc[lian.PAIRWISE, "p"] > 0.05


def test_cells_are_deterministic():
    _, data = _inputs(n_speakers=3, per=3, frames=200)
    config = SETTINGS.as_dict()
    kw = dict(method=lian.baseline(2), duration=2, seed=0, fold=1, data=data, config=config)
    a, b = lian.cell(**kw), lian.cell(**kw)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="unknown method"):
        lian.cell(**{**kw, "method": "baseline 9 s"})


def test_fit_predict_learns_a_toy_task_and_checks_its_input():
    rng = np.random.default_rng(1)
    n = 96
    y = np.array(lian.EMOTIONS)[np.arange(n) % 4]
    x = rng.normal(size=(n, 257, 120)).astype(np.float32)
    band = {e: 20 + 50 * i for i, e in enumerate(lian.EMOTIONS)}
    for i, e in enumerate(y):
        x[i, band[e] : band[e] + 30] += 4.0  # a class-specific band of linear bins
    speakers = np.repeat(["a", "b", "c", "d", "e", "f"], n // 6)
    settings = lian.Settings(
        conv=((8, 3, 1), (8, 3, 2), (8, 3, 2), (8, 3, 2), (8, 3, 2)),
        n_mels=16,
        frame_pool=4,
        duration=1.2,
        pairwise_epochs=4,
        pairs_per_epoch=256,
        lr=3e-3,
        schedule="onecycle",
    )
    train, test = speakers != "f", speakers == "f"
    kw = dict(settings=settings, random_state=0)
    pred = lian.fit_predict(x[train], y[train], speakers[train], x[test], **kw)
    assert pred.dtype.kind == "U" and set(pred) <= set(lian.EMOTIONS)
    assert (pred == y[test]).mean() > 0.7
    again = lian.fit_predict(x[train], y[train], speakers[train], x[test], **kw)
    np.testing.assert_array_equal(pred, again)
    with pytest.raises(ValueError, match="one entry per training item"):
        lian.fit_predict(x[train], y[train][:-1], speakers[train], x[test], **kw)
    with pytest.raises(ValueError, match="two training speakers"):
        lian.fit_predict(x[:10], y[:10], speakers[:10], x[test], **kw)


def test_scale_is_computed_from_the_settings():
    s = lian.scale(SETTINGS, n_train=100, seeds=[0, 1, 2], folds=5)
    assert s["most training pairs per model"] == 128 and s["seeds"] == 3
    assert s["encoder parameters"] > 0 and s["input (bins x frames, pairwise crop)"] == "257 x 200"
    text = lian.scale_table({"run": s, "paper": lian.PAPER_SCALE})
    assert text.loc["learning rate", "paper"] == "1e-05"
    assert text.loc["pairwise epochs (most)", "paper"] == "not stated"
