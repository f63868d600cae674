"""Lian et al.'s split groups, the paper's split and the rotating folds."""

import numpy as np
import pytest

from sertl.experiments import lian
from sertl.protocols import FixedSpeakerSplit

from .toy import _table


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
