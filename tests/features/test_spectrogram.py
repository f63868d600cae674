import json
from pathlib import Path

import numpy as np
import pytest

from sertl.features import LogMel, LogSpectrogram, mel_filterbank


def test_lian_shape_and_one_frame_by_hand():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(16000 * 5).astype(np.float32)
    spec = LogSpectrogram()
    s = spec(x)
    assert s.shape == (257, 400) == spec.shape
    frame = x[160 * 7 : 160 * 7 + 320] * np.hamming(320)
    by_hand = np.log(np.abs(np.fft.rfft(frame, 512)) ** 2 + 1e-10)
    assert np.allclose(s[:, 7], by_hand, atol=1e-3)


def test_short_signal_is_padded_by_repeating_the_last_frame():
    x = np.random.default_rng(1).standard_normal(16000).astype(np.float32)  # 1 s
    s = LogSpectrogram(duration=4.0)(x)
    assert s.shape == (257, 400)
    last_real = 1 + (16000 - 320) // 160
    assert np.array_equal(s[:, last_real - 1], s[:, -1])
    assert np.array_equal(
        s[:, last_real:], np.repeat(s[:, last_real - 1 : last_real], 400 - last_real, 1)
    )


def test_duration_is_a_parameter():
    x = np.zeros(16000 * 8, np.float32)
    assert LogSpectrogram(duration=7.0)(x).shape == (257, 700)


def test_log_mel():
    fb = mel_filterbank(64, 512, 16000)
    assert fb.shape == (64, 257) and (fb >= 0).all() and (fb.sum(1) > 0).all()
    x = np.random.default_rng(2).standard_normal(16000).astype(np.float32)
    assert LogMel()(x).shape[0] == 64
    assert LogMel(duration=2.0)(x).shape == (64, 200)


# Reference values: librosa.filters.mel(htk=True, norm=None), computed with librosa 0.11.0
# outside the project (see the npz's "meta"); the test does not need librosa installed.
REFERENCE = Path(__file__).parent / "data" / "mel_librosa.npz"


def _reference():
    data = np.load(REFERENCE)
    meta = json.loads(str(data["meta"]))
    assert meta["source"].startswith("librosa 0.11.0")
    return [(config, data[f"fb{i}"]) for i, config in enumerate(meta["configs"])]


@pytest.mark.parametrize("index", range(3))
def test_mel_filterbank_values_match_librosa(index):
    config, want = _reference()[index]
    got = mel_filterbank(
        config["n_mels"], config["n_fft"], config["sr"], config["fmin"], config["fmax"]
    )
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_mel_filterbank_matches_librosa_when_installed():
    librosa = pytest.importorskip("librosa")
    want = librosa.filters.mel(sr=16000, n_fft=512, n_mels=80, htk=True, norm=None)
    np.testing.assert_allclose(mel_filterbank(80, 512, 16000), want, rtol=1e-5, atol=1e-6)


def test_mel_filters_peak_at_their_htk_centres():
    fb = mel_filterbank(10, 512, 16000)
    mel = 2595.0 * np.log10(1.0 + np.array([0.0, 8000.0]) / 700.0)
    centres = 700.0 * (10 ** (np.linspace(mel[0], mel[1], 12)[1:-1] / 2595.0) - 1.0)
    bins = np.linspace(0, 8000, 257)
    assert np.allclose(bins[fb.argmax(1)], centres, atol=8000 / 256)


def test_slaney_filters_match_whispers():
    transformers = pytest.importorskip("transformers")
    want = transformers.WhisperFeatureExtractor(feature_size=80).mel_filters.T
    got = mel_filterbank(80, 400, 16000, scale="slaney", norm="slaney")
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8)
    with pytest.raises(ValueError, match="scale"):
        mel_filterbank(80, 400, 16000, scale="bark")
