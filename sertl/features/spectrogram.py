"""Log-spectrograms (Lian et al.) and log-mel spectrograms."""

from __future__ import annotations

import numpy as np

from ..audio import SAMPLE_RATE


def _frames(signal: np.ndarray, win: int, hop: int, n_frames: int | None) -> np.ndarray:
    """Hamming-windowed frames; a fixed count is cut, or padded with the last frame."""
    if signal.shape[0] < win:
        signal = np.pad(signal, (0, win - signal.shape[0]))
    count = 1 + (signal.shape[0] - win) // hop
    index = np.arange(win)[None, :] + hop * np.arange(count)[:, None]
    frames = signal[index] * np.hamming(win).astype(np.float32)
    if n_frames is not None:
        if count >= n_frames:
            frames = frames[:n_frames]
        else:  # shorter utterances: repeat the last frame, as Lian et al. describe
            frames = np.concatenate([frames, np.repeat(frames[-1:], n_frames - count, axis=0)])
    return frames


class LogSpectrogram:
    """Log power spectrogram of a fixed duration.

    The defaults are Lian et al.'s: 20 ms Hamming windows, 10 ms hop, a 512-point
    FFT (257 bins), 4 s (400 frames); longer signals are cut and shorter ones
    padded by repeating the last frame.

    Args:
        duration: Seconds of audio represented (frames = duration / hop).
        win_ms: Window length in milliseconds.
        hop_ms: Hop in milliseconds.
        n_fft: FFT size.
        floor: Added to the power before the log.
    """

    def __init__(
        self,
        duration: float = 4.0,
        win_ms: float = 20.0,
        hop_ms: float = 10.0,
        n_fft: int = 512,
        floor: float = 1e-10,
    ) -> None:
        self.duration = duration
        self.win_ms = win_ms
        self.hop_ms = hop_ms
        self.n_fft = n_fft
        self.floor = floor

    @property
    def n_frames(self) -> int:
        """Frames per spectrogram."""
        return int(round(self.duration * 1000 / self.hop_ms))

    @property
    def name(self) -> str:
        """Identifier used in the cache key."""
        return f"logspec-d{self.duration}-w{self.win_ms}-h{self.hop_ms}-n{self.n_fft}-f{self.floor}"

    @property
    def shape(self) -> tuple[int, int]:
        """(frequency bins, frames)."""
        return (self.n_fft // 2 + 1, self.n_frames)

    def __call__(self, signal: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
        """Return a (bins, frames) float32 log-spectrogram."""
        win = int(round(self.win_ms * sample_rate / 1000))
        hop = int(round(self.hop_ms * sample_rate / 1000))
        frames = _frames(signal, win, hop, self.n_frames)
        power = np.abs(np.fft.rfft(frames, n=self.n_fft, axis=1)) ** 2
        return np.log(power + self.floor).T.astype(np.float32)


def _hz_to_mel(f: np.ndarray, scale: str) -> np.ndarray:
    if scale == "htk":
        return 2595.0 * np.log10(1.0 + f / 700.0)
    # Slaney's Auditory Toolbox: linear below 1 kHz, logarithmic above
    f = np.asarray(f, dtype=np.float64)
    step, log_step = 200.0 / 3, np.log(6.4) / 27.0
    return np.where(
        f < 1000.0, f / step, 1000.0 / step + np.log(np.maximum(f, 1e-9) / 1000.0) / log_step
    )


def _mel_to_hz(m: np.ndarray, scale: str) -> np.ndarray:
    if scale == "htk":
        return 700.0 * (10 ** (m / 2595.0) - 1.0)
    step, log_step = 200.0 / 3, np.log(6.4) / 27.0
    edge = 1000.0 / step
    return np.where(m < edge, m * step, 1000.0 * np.exp(log_step * (m - edge)))


def mel_filterbank(
    n_mels: int,
    n_fft: int,
    sample_rate: int,
    fmin: float = 0.0,
    fmax: float | None = None,
    *,
    scale: str = "htk",
    norm: str | None = None,
) -> np.ndarray:
    """Triangular mel filters, shape (n_mels, n_fft // 2 + 1).

    The defaults are the HTK mel scale without normalisation
    (``librosa.filters.mel(htk=True, norm=None)``); ``scale="slaney",
    norm="slaney"`` gives librosa's own defaults, which Whisper uses.

    Args:
        n_mels: Mel bands.
        n_fft: FFT size.
        sample_rate: Sampling rate in Hz.
        fmin: Lowest frequency in Hz.
        fmax: Highest frequency in Hz (default: Nyquist).
        scale: ``"htk"`` or ``"slaney"``.
        norm: ``None``, or ``"slaney"`` (each filter scaled to unit area).
    """
    if scale not in ("htk", "slaney") or norm not in (None, "slaney"):
        raise ValueError(
            f"scale must be 'htk' or 'slaney', norm None or 'slaney' ({scale}, {norm})"
        )
    fmax = fmax or sample_rate / 2
    edges = _mel_to_hz(
        np.linspace(
            _hz_to_mel(np.asarray(fmin), scale), _hz_to_mel(np.asarray(fmax), scale), n_mels + 2
        ),
        scale,
    )
    bins = np.linspace(0, sample_rate / 2, n_fft // 2 + 1)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up = (bins[None, :] - lower) / (centre - lower)
    down = (upper - bins[None, :]) / (upper - centre)
    weights = np.maximum(0.0, np.minimum(up, down))
    if norm == "slaney":
        weights *= 2.0 / (upper - lower)
    return weights.astype(np.float32)


class LogMel:
    """Log-mel spectrogram with a variable number of frames (or a fixed one).

    Args:
        n_mels: Mel bands.
        win_ms: Window length in milliseconds.
        hop_ms: Hop in milliseconds.
        n_fft: FFT size.
        duration: When set, a fixed number of frames as in :class:`LogSpectrogram`.
    """

    def __init__(
        self,
        n_mels: int = 64,
        win_ms: float = 25.0,
        hop_ms: float = 10.0,
        n_fft: int = 512,
        duration: float | None = None,
    ) -> None:
        self.n_mels = n_mels
        self.win_ms = win_ms
        self.hop_ms = hop_ms
        self.n_fft = n_fft
        self.duration = duration

    @property
    def name(self) -> str:
        """Identifier used in the cache key."""
        return f"logmel-m{self.n_mels}-w{self.win_ms}-h{self.hop_ms}-n{self.n_fft}-d{self.duration}"

    @property
    def shape(self) -> tuple[int, int | None]:
        """(mel bands, frames); frames are free without a fixed ``duration``."""
        if self.duration is None:
            return (self.n_mels, None)
        return (self.n_mels, int(round(self.duration * 1000 / self.hop_ms)))

    def __call__(self, signal: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
        """Return an (n_mels, frames) float32 log-mel spectrogram."""
        win = int(round(self.win_ms * sample_rate / 1000))
        hop = int(round(self.hop_ms * sample_rate / 1000))
        n_frames = None if self.duration is None else int(round(self.duration * 1000 / self.hop_ms))
        frames = _frames(signal, win, hop, n_frames)
        power = np.abs(np.fft.rfft(frames, n=self.n_fft, axis=1)) ** 2
        fb = mel_filterbank(self.n_mels, self.n_fft, sample_rate)
        return np.log(power @ fb.T + 1e-10).T.astype(np.float32)
