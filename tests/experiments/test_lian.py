"""Lian et al.'s grid on toy inputs: the split rule, the duration measures, the summaries."""

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
    table = lian.duration_table({"short": short, "long": long, "two": two}, [4, 5, 6, 7])
    row = table.set_index("corpus").loc["long"]
    assert row["longer_than_4s"] == 75.0 and row["longer_than_6s"] == 25.0
    assert row["longer_than_7s"] == 0.0 and row["clips"] == len(long)
    assert lian.choose_stand_in({"short": short, "long": long, "two": two}, 4) == "long"
    said = dict(zip(table["corpus"], lian.duration_sentences(table), strict=True))
    assert said["short"] == (
        "short (synthetic): crops of 6 s and 7 s hold the same audio as the 5 s crop for 100.0 % "
        "of its clips."
    )
    assert said["long"].endswith("every crop adds audio for at least 5 % of the clips.")
    assert said["two"].endswith("every crop adds audio for at least 5 % of the clips.")
    with pytest.raises(ValueError, match="three speakers"):
        lian.choose_stand_in({"two": two}, 4)


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
    x = rng.normal(size=(len(table), 33, frames)).astype(np.float16)
    x[np.arange(len(y)), y * 8 + 2, :] += 3.0  # a class-specific frequency band
    split = FixedSpeakerSplit().partition(lian.split_groups(table)[0])
    return table, lian.inputs(table, x, split)


CONFIG = dict(
    conv=SMALL,
    pairwise_epochs=2,
    pairs_per_epoch=64,
    softmax_epochs=2,
    batch_size=16,
    lr=1e-3,
    weight=0.9,
    margin=0.1,
    device="cpu",
)


def test_grid_rows_summaries_and_verdicts():
    table, data = _inputs()
    results = lian.run(
        data,
        CONFIG,
        seeds=[0, 1],
        durations=[2, 3],
        proposed_duration=2,
        scheduler="sequential",
        store=False,
        progress=False,
    )
    n_test = len(data["split"]["test"])
    pred = lian.predictions(results)
    assert len(pred) == 2 * 3 * n_test  # seeds x (pairwise + 2 baselines) x test items
    assert set(pred["speaker"]) == {"S4"}
    assert set(lian.curves(results)["epoch"]) == {1, 2}
    emb, labels = lian.embeddings(results, 0)
    assert emb.shape == (len(data["split"]["train"]), 256) and len(labels) == len(emb)

    scores = lian.per_speaker(results)
    assert set(scores["speaker"]) == {"all", "S4"}
    assert scores["uar"].between(0, 100).all()
    published = papers.published("lian", "Table 3")
    published.loc[:, "method"] = published["method"].str.replace("4 s", "2 s")
    published.loc[published["method"] == "baseline 5 s", "method"] = "baseline 3 s"
    vs = lian.verdicts(scores, published, data="synthetic", corpus="toy")
    by = {v.method: v for v in vs}
    assert by["baseline 6 s"].status == "not run" and by["baseline 7 s"].status == "not run"
    assert by[lian.PAIRWISE].status == "synthetic data" and by[lian.PAIRWISE].n_units == 1
    assert by[lian.PAIRWISE].stand_in == "toy"
    mine = scores[(scores["method"] == lian.PAIRWISE) & (scores["speaker"] == "S4")]
    assert by[lian.PAIRWISE].reproduced == pytest.approx(mine["uar"].mean())
    t3 = lian.table3(scores, published, vs)
    assert list(t3.index)[-1] == lian.PAIRWISE and t3.loc[lian.PAIRWISE, "seeds"] == 2
    tests = lian.claims(scores, [2, 3], 2)
    assert tests[0].n_units == 1 and "too few" in tests[0].sentence
    said = lian.claim_sentences(tests, published)
    assert said[0].endswith("The paper: 56.33 against 51.09.")
    assert said[1].endswith("The paper: 54.71 against 51.09.")
    said = lian.claim_sentences(tests, papers.published("lian", "Table 3"))
    assert said == [t.sentence for t in tests]  # no published baseline at 2 or 3 s


def test_cells_are_deterministic():
    _, data = _inputs(n_speakers=3, per=3, frames=200)
    kw = dict(method=lian.baseline(2), duration=2, seed=0, data=data, config=CONFIG)
    a, b = lian.cell(**kw), lian.cell(**kw)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="unknown method"):
        lian.cell(**{**kw, "method": "baseline 9 s"})


def test_scale_is_computed_from_the_parameters():
    s = lian.scale(CONFIG, n_train=100, seeds=[0, 1, 2])
    assert s["training pairs in all"] == 128 and s["seeds"] == 3
    assert s["encoder parameters"] > 0
    text = lian.scale_table({"run": s, "paper": lian.PAPER_SCALE})
    assert text.loc["learning rate", "paper"] == "1e-05"
    assert text.loc["pairwise epochs", "paper"] == "not stated"
