"""Lian et al.'s four emotions, compact inputs and durations against the crops."""

import numpy as np
import pytest

from sertl.experiments import lian

from .toy import _table


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


def test_crop_coverage_says_when_crops_hold_the_same_audio():
    d = np.array([3.0, 3.9, 4.4, 4.8, 5.2])
    cov = lian.crop_coverage(d, [4, 5, 6, 7], 4).set_index("crop_s")
    assert cov.loc[4, "cut"] == 60.0 and cov.loc[5, "more_than_proposed"] == 60.0
    assert cov.loc[6, "more_than_previous"] == 20.0 and cov.loc[7, "more_than_previous"] == 0.0
    text = lian.crop_sentence(cov.reset_index(), "toy")
    assert "7 s" in text.split("The baselines at")[1] and "say nothing" in text
    wide = lian.crop_sentence(lian.crop_coverage(np.full(4, 9.0), [4, 5], 4), "toy")
    assert "Every longer crop adds audio" in wide
