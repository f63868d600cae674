import numpy as np
import pytest

from sertl.audio import load_audio
from sertl.features import DIMENSIONS, OpenSmileExtractor, is09_subset_names


@pytest.mark.parametrize("feature_set", sorted(DIMENSIONS))
def test_dimensions(feature_set, tmp_path, tone):
    x = load_audio(tone(tmp_path / "a.wav", seconds=1.0))
    extractor = OpenSmileExtractor(feature_set)
    values = extractor(x, 16000)
    assert values.shape == (DIMENSIONS[feature_set],) and values.dtype == np.float32
    assert len(extractor.feature_names) == DIMENSIONS[feature_set]


def test_is09_subset_is_mean_and_std_of_16_llds_and_deltas(tmp_path, tone):
    names = is09_subset_names()
    assert len(names) == 64 == len(set(names))
    assert sum(n.endswith("_amean") for n in names) == 32
    assert sum("_de" in n for n in names) == 32
    full = OpenSmileExtractor("IS09")
    x = load_audio(tone(tmp_path / "a.wav", seconds=1.0))
    all_values = dict(zip(full.feature_names, full(x, 16000), strict=True))
    subset = OpenSmileExtractor("IS09_64")(x, 16000)
    assert np.array_equal(subset, np.array([all_values[n] for n in names], dtype=np.float32))


def test_unknown_set():
    with pytest.raises(ValueError, match="IS99"):
        OpenSmileExtractor("IS99")


@pytest.mark.parametrize("feature_set", sorted(DIMENSIONS))
def test_values_are_those_of_opensmile_process_signal(feature_set, tmp_path, tone):
    import opensmile

    x = load_audio(tone(tmp_path / "a.wav", seconds=1.0))
    extractor = OpenSmileExtractor(feature_set)
    base = "IS09" if feature_set == "IS09_64" else feature_set
    smile = opensmile.Smile(
        feature_set=getattr(opensmile.FeatureSet, base),
        feature_level=opensmile.FeatureLevel.Functionals,
    )
    frame = smile.process_signal(x, 16000)
    names = extractor.feature_names
    np.testing.assert_array_equal(extractor(x, 16000), frame[names].to_numpy(np.float32)[0])
