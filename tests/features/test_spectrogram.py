import numpy as np

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
