"""Splitters: no speaker is ever on both sides of a split, on every corpus."""

import numpy as np
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
        (SpeakerFolds(min(3, n_spk), shuffle=True, seed=1), spk),
        (FewShotSplit(k=1, n_speakers=max(1, n_spk // 2), n_repeats=3), spk),
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
    splitter = FewShotSplit(k=1, n_speakers=4, n_repeats=3, seed=2)
    for support, test in splitter.split(np.zeros(len(y)), y, spk):
        assert len(support) == 16 and len(np.unique(spk[support])) == 4
        for g in np.unique(spk[support]):
            assert sorted(y[support][spk[support] == g]) == ["a", "b", "c", "d"]
        assert not set(spk[test]) & set(spk[support]) and len(test) == 6 * 12
