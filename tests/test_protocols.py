"""Splitters: no speaker is ever on both sides of a split, on every corpus."""

import numpy as np
import pandas as pd
import pytest

from sertl import config, corpora
from sertl.protocols import (
    FewShotSplit,
    LeaveOneSessionOut,
    LeaveOneSpeakerOut,
    SpeakerFolds,
    sample_support,
)


def _tables():
    out = []
    for name in corpora.names():
        out.append(corpora.get(name, data="synthetic", with_duration=False))
        if config.corpus_root(name) is not None:
            out.append(corpora.load(name, with_duration=False))
    return out


TABLES = _tables()


@pytest.mark.parametrize("table", TABLES, ids=lambda t: f"{t['corpus'][0]}-{t.attrs['origin']}")
def test_no_speaker_on_both_sides(table):
    table = table[table["emotion"].notna()].reset_index(drop=True)
    x, y, spk = np.zeros((len(table), 1)), table["emotion"].to_numpy(), table["speaker"].to_numpy()
    n_spk = len(np.unique(spk))
    splitters = [
        (LeaveOneSpeakerOut(), spk),
        (SpeakerFolds(min(6, n_spk)), spk),
        (SpeakerFolds(min(3, n_spk), shuffle=True, random_state=1), spk),
        (FewShotSplit(k=1, n_speakers=max(1, n_spk // 2), n_splits=3), spk),
    ]
    if table["session"].notna().all():
        splitters.append((LeaveOneSessionOut(), table["session"].to_numpy()))
    for splitter, groups in splitters:
        covered = np.zeros(len(table), bool)
        for train, test in splitter.split(x, y, groups):
            assert len(test) and len(train)
            assert not set(spk[train]) & set(spk[test]), type(splitter).__name__
            covered[test] = True
        if not isinstance(splitter, FewShotSplit):
            assert covered.all()


def test_ravdess_six_folds_of_four_actors():
    spk = np.repeat([f"Actor_{i:02d}" for i in range(1, 25)], 3)
    folds = SpeakerFolds(6).folds(spk)
    assert [list(f) for f in folds][0] == ["Actor_01", "Actor_02", "Actor_03", "Actor_04"]
    assert all(len(f) == 4 for f in folds)


def test_support_sampling_is_k_per_class_from_n_speakers_and_seeded():
    y = np.tile(["a", "b", "c"], 40)
    spk = np.repeat(np.arange(10), 12)
    s1 = sample_support(y, spk, 2, np.random.default_rng(5), n_speakers=3)
    s2 = sample_support(y, spk, 2, np.random.default_rng(5), n_speakers=3)
    assert np.array_equal(s1, s2) and len(s1) == 6
    assert len(np.unique(spk[s1])) <= 3
    assert all((y[s1] == c).sum() == 2 for c in "abc")
    pool = np.flatnonzero(spk < 5)
    s3 = sample_support(y, spk, 5, np.random.default_rng(0), pool=pool)
    assert set(s3) <= set(pool)
    with pytest.raises(ValueError, match="speakers"):
        sample_support(y, spk, 1, np.random.default_rng(0), n_speakers=11)


def test_per_speaker_support_is_k_per_class_from_each_speaker():
    y = np.tile(["a", "b", "c", "d"], 30)
    spk = np.repeat(np.arange(10), 12)
    splitter = FewShotSplit(k=1, n_speakers=4, n_splits=3, random_state=2)
    for support, test in splitter.split(np.zeros(len(y)), y, spk):
        assert len(support) == 16 and len(np.unique(spk[support])) == 4
        for g in np.unique(spk[support]):
            assert sorted(y[support][spk[support] == g]) == ["a", "b", "c", "d"]
        assert not set(spk[test]) & set(spk[support]) and len(test) == 6 * 12


def test_few_shot_split_draws_the_classes_asked_for():
    y = np.tile(["a", "b", "c", "d"], 30)
    spk = np.repeat(np.arange(10), 12)
    draw = FewShotSplit(k=2, n_speakers=1, n_splits=1, random_state=5, classes=["a", "c"])
    support, test = next(draw.split(y, y, spk))
    assert sorted(y[support]) == ["a", "a", "c", "c"] and len(test) == 9 * 12
    # the same draw as sample_support with the same generator
    rng = np.random.default_rng(5)
    same = sample_support(y, spk, 2, rng, n_speakers=1, classes=["a", "c"], per_speaker=True)
    np.testing.assert_array_equal(support, same)


# --- scikit-learn splitters (issue 13) and clear errors (issue 16, item 12) ---


def test_the_splitters_are_scikit_learn_cross_validators():
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import (
        BaseCrossValidator,
        BaseShuffleSplit,
        LeaveOneGroupOut,
        cross_val_score,
    )

    import sertl.protocols as protocols

    assert not hasattr(protocols, "LeaveOneGroupOut") or protocols.LeaveOneGroupOut is (
        LeaveOneGroupOut
    )
    assert issubclass(LeaveOneSpeakerOut, LeaveOneGroupOut)
    # folds that partition the items, and one predefined split: cross-validators;
    # random draws whose sides are no complements: a shuffle splitter
    for cls in (SpeakerFolds, protocols.FixedSpeakerSplit):
        assert issubclass(cls, BaseCrossValidator) and not issubclass(cls, BaseShuffleSplit)
    assert issubclass(FewShotSplit, BaseShuffleSplit)
    assert not issubclass(FewShotSplit, BaseCrossValidator)
    y = np.tile(["a", "b"], 30)
    spk = np.repeat(np.arange(6), 10)
    x = np.zeros((60, 1))
    scores = cross_val_score(DummyClassifier(), x, y, groups=spk, cv=SpeakerFolds(3))
    assert len(scores) == 3
    assert "n_splits=3" in repr(SpeakerFolds(3)) and "random_state=0" in repr(FewShotSplit())


def test_leave_one_out_reads_groups_from_a_table_and_needs_them():
    table = pd.DataFrame({"speaker": list("aabbcc"), "session": [1, 1, 2, 2, 3, 3]})
    assert LeaveOneSpeakerOut().get_n_splits(table) == 3
    folds = list(LeaveOneSessionOut().split(table))
    assert [list(test) for _, test in folds] == [[0, 1], [2, 3], [4, 5]]
    with pytest.raises(ValueError, match="needs groups: the 'speaker' of each item"):
        LeaveOneSpeakerOut().get_n_splits()
    with pytest.raises(ValueError, match="needs a 'session' column"):
        LeaveOneSessionOut().get_n_splits(table.drop(columns="session"))


def test_missing_sessions_name_the_column():
    table = pd.DataFrame({"speaker": list("aabb"), "session": pd.array([1, 1, pd.NA, pd.NA])})
    with pytest.raises(ValueError, match=r"needs a 'session' for every item, but 2 of 4"):
        list(LeaveOneSessionOut().split(np.zeros((4, 1)), None, table["session"].to_numpy()))
    with pytest.raises(ValueError, match="'session'"):
        list(LeaveOneSessionOut().split(table))


def test_unmapped_labels_name_the_column():
    y = pd.Series(["angry", None, "sad", "angry"] * 3, dtype="string")
    spk = np.repeat(np.arange(4), 3)
    with pytest.raises(ValueError, match=r"3 of 12 labels are missing \(NA\).*'emotion'"):
        list(FewShotSplit(n_speakers=2).split(np.zeros((12, 1)), y, spk))
    with pytest.raises(ValueError, match="'speaker'"):
        list(FewShotSplit().split(np.zeros((12, 1)), y.fillna("sad"), pd.array([None] * 12)))


def test_fixed_speaker_split_is_lians_rule():
    from sertl.protocols import FixedSpeakerSplit

    sessions = np.repeat([f"Ses0{i}" for i in range(1, 6)], 4)
    parts = FixedSpeakerSplit().partition(sessions)
    assert set(sessions[parts["train"]]) == {"Ses01", "Ses02", "Ses03"}
    assert set(sessions[parts["val"]]) == {"Ses04"} and set(sessions[parts["test"]]) == {"Ses05"}
    (train, test), *rest = list(FixedSpeakerSplit().split(np.zeros(20), None, sessions))
    assert not rest and np.array_equal(train, parts["train"])
    assert np.array_equal(test, parts["test"])
    four = FixedSpeakerSplit().partition(np.repeat(list("dcba"), 2))
    assert {k: sorted(set(np.repeat(list("dcba"), 2)[v])) for k, v in four.items()} == {
        "train": ["a", "b"],
        "val": ["c"],
        "test": ["d"],
    }
    with pytest.raises(ValueError, match="at least 3"):
        FixedSpeakerSplit().partition(["a", "b"])


@pytest.mark.parametrize("n_groups", [3, 4, 5, 7, 10, 24])
def test_fixed_speaker_split_parts_are_consecutive_disjoint_and_cover_everything(n_groups):
    from sertl.protocols import FixedSpeakerSplit

    names = np.array([f"s{i:02d}" for i in range(n_groups)])
    groups = np.random.default_rng(n_groups).permutation(np.repeat(names, 3))
    parts = FixedSpeakerSplit().partition(groups)
    members = {k: sorted(set(groups[v])) for k, v in parts.items()}
    assert sorted(np.concatenate(list(parts.values()))) == list(range(len(groups)))
    assert members["train"] + members["val"] + members["test"] == list(names)  # in order
    if n_groups >= 5:  # five near-equal parts: 3 train, 1 validation, 1 test
        sizes = [len(p) for p in np.array_split(names, 5)]
        assert [len(members["val"]), len(members["test"])] == sizes[3:]
    else:
        assert len(members["val"]) == len(members["test"]) == 1


# --- the semantics of scikit-learn's splitters of the same kind (issue 24) ---


def _speakers(n_speakers=8, per_speaker=12, classes="abcd"):
    y = np.tile(list(classes), n_speakers * per_speaker // len(classes))
    spk = np.repeat([f"s{i}" for i in range(n_speakers)], per_speaker)
    return np.zeros((len(y), 2)), y, spk


def test_few_shot_split_is_a_shuffle_split_seeded_by_random_state():
    x, y, spk = _speakers()
    draws = FewShotSplit(k=1, n_speakers=2, n_splits=5, random_state=3)
    assert draws.get_n_splits() == 5 == len(list(draws.split(x, y, spk)))
    assert draws.get_n_splits(x, y, spk) == 5  # like BaseShuffleSplit: the arguments are ignored
    first, again = list(draws.split(x, y, spk)), list(draws.split(x, y, spk))
    for (s1, t1), (s2, t2) in zip(first, again, strict=True):  # an int: the same draws each call
        assert np.array_equal(s1, s2) and np.array_equal(t1, t2)
    other = list(FewShotSplit(k=1, n_speakers=2, n_splits=5, random_state=4).split(x, y, spk))
    assert any(not np.array_equal(a, b) for (a, _), (b, _) in zip(first, other, strict=True))
    # a Generator is consumed, as scikit-learn's RandomState instances: new draws each call
    shared = FewShotSplit(k=1, n_speakers=2, n_splits=5, random_state=np.random.default_rng(3))
    once, twice = list(shared.split(x, y, spk)), list(shared.split(x, y, spk))
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(first, once, strict=True))
    assert any(not np.array_equal(a, b) for (a, _), (b, _) in zip(once, twice, strict=True))
    # support and test are not complements: the chosen speakers' other items are in neither
    support, test = first[0]
    assert len(support) + len(test) < len(y)
    assert set(spk[np.setdiff1d(np.arange(len(y)), np.concatenate([support, test]))]) == set(
        spk[support]
    )
    assert repr(draws) == (
        "FewShotSplit(classes=None, k=1, n_speakers=2, n_splits=5, per_speaker=True,\n"
        "       random_state=3)"
    )


def test_few_shot_split_needs_aligned_inputs():
    x, y, spk = _speakers()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        list(FewShotSplit().split(x, y, spk[:-1]))
    with pytest.raises(ValueError, match="needs groups"):
        list(FewShotSplit().split(x, y))
    with pytest.raises(ValueError, match="only 8 available"):
        list(FewShotSplit(n_speakers=9).split(x, y, spk))


def test_fixed_speaker_split_is_one_predefined_split():
    from sertl.protocols import FixedSpeakerSplit

    x, y, spk = _speakers(n_speakers=10)
    fixed = FixedSpeakerSplit()
    assert fixed.get_n_splits() == fixed.get_n_splits(x, y, spk) == 1
    (train, test), *rest = list(fixed.split(x, y, spk))
    parts = fixed.partition(spk)
    assert (
        not rest and np.array_equal(train, parts["train"]) and np.array_equal(test, parts["test"])
    )
    # the base class's hook gives the same test set; train is not its complement
    (mask,) = list(fixed._iter_test_masks(x, y, spk))
    assert np.array_equal(np.flatnonzero(mask), test)
    assert np.array_equal(np.setdiff1d(np.arange(len(y)), np.union1d(train, test)), parts["val"])
    assert repr(fixed) == "FixedSpeakerSplit()"


@pytest.mark.parametrize("routing", [False, True])
def test_scikit_learn_runs_the_splits_as_given(routing):
    """check_cv keeps them; cross_validate fits on each train side and scores each test side,
    with ``groups`` passed directly or routed (they ask for groups, as scikit-learn's group
    splitters do)."""
    import sklearn
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import check_cv, cross_validate

    from sertl.protocols import FixedSpeakerSplit

    x, y, spk = _speakers(n_speakers=10)
    for splitter in (
        FewShotSplit(k=1, n_speakers=3, n_splits=4, random_state=1),
        FixedSpeakerSplit(),
        SpeakerFolds(5),
    ):
        assert check_cv(splitter, y, classifier=True) is splitter
        with sklearn.config_context(enable_metadata_routing=routing):
            groups = {"params": {"groups": spk}} if routing else {"groups": spk}
            out = cross_validate(
                DummyClassifier(), x, y, cv=splitter, return_indices=True, **groups
            )
        expected = list(splitter.split(x, y, spk))
        assert len(out["test_score"]) == splitter.get_n_splits() == len(expected)
        for kind, i in (("train", 0), ("test", 1)):
            for got, want in zip(out["indices"][kind], expected, strict=True):
                np.testing.assert_array_equal(got, want[i])


def test_cross_val_predict_refuses_splits_that_are_no_partition():
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import cross_val_predict

    from sertl.protocols import FixedSpeakerSplit

    x, y, spk = _speakers(n_speakers=10)
    for splitter in (FewShotSplit(k=1, n_speakers=3, n_splits=4), FixedSpeakerSplit()):
        with pytest.raises(ValueError, match="only works for partitions"):
            cross_val_predict(DummyClassifier(), x, y, groups=spk, cv=splitter)
    assert len(cross_val_predict(DummyClassifier(), x, y, groups=spk, cv=SpeakerFolds(5))) == 120
