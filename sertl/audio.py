"""Audio loading with clear errors, and corpus-wide steps that report every failure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import soundfile as sf
import soxr

#: Every model in the project works at this rate.
SAMPLE_RATE = 16_000
#: Shorter than this (seconds) cannot be analysed with 20-60 ms frames.
MIN_DURATION = 0.1

T = TypeVar("T")


class AudioError(ValueError):
    """A file that cannot be used, with the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self) -> tuple:
        # raised in worker processes: must survive pickling with both fields
        return (type(self), (self.path, self.reason))


def _unreadable(path: str | Path, error: Exception) -> AudioError:
    """The reason a file libsndfile could not open, with the OS error when there is one.

    libsndfile reports a missing or forbidden file as ``System error.``; opening
    the file ourselves gives the OS's reason (permission denied, no such file).
    """
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as os_error:
        return AudioError(path, f"cannot be opened ({os_error.strerror or os_error})")
    return AudioError(path, f"cannot be read as audio ({error})")


def load_audio(
    path: str | Path, sample_rate: int = SAMPLE_RATE, min_duration: float = MIN_DURATION
) -> np.ndarray:
    """Load a file as mono float32 at ``sample_rate``.

    Args:
        path: A ``.wav`` or ``.flac`` (any format libsndfile reads).
        sample_rate: Target rate; other rates are resampled with soxr.
        min_duration: Shortest accepted duration in seconds.

    Returns:
        A 1-d float32 array.

    Raises:
        AudioError: The file is missing, unreadable, empty, too short, or holds
            non-finite samples.
    """
    path = Path(path)
    if not path.is_file():
        raise AudioError(path, "file does not exist")
    try:
        signal, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as error:  # libsndfile raises several types
        raise _unreadable(path, error) from None
    if signal.size == 0:
        raise AudioError(path, "holds no samples")
    signal = signal.mean(axis=1) if signal.shape[1] > 1 else signal[:, 0]
    if not np.all(np.isfinite(signal)):
        raise AudioError(path, "holds NaN or infinite samples")
    if rate != sample_rate:
        signal = soxr.resample(signal, rate, sample_rate, quality="HQ").astype(np.float32)
    if signal.shape[0] < min_duration * sample_rate:
        raise AudioError(
            path, f"too short to analyse ({signal.shape[0] / sample_rate:.3f} s < {min_duration} s)"
        )
    return np.ascontiguousarray(signal, dtype=np.float32)


def duration(path: str | Path) -> float:
    """Return a file's duration in seconds from its header.

    Raises:
        AudioError: The header cannot be read or the file holds no frames.
    """
    try:
        info = sf.info(str(path))
    except Exception as error:  # libsndfile raises several types
        raise _unreadable(path, error) from None
    if info.frames == 0:
        raise AudioError(path, "holds no samples")
    return info.frames / info.samplerate


@dataclass
class FailureReport:
    """The failures of one corpus-wide step; nothing is dropped silently."""

    step: str
    failures: list[AudioError] = field(default_factory=list)
    total: int = 0

    def __bool__(self) -> bool:
        return bool(self.failures)

    def add(self, error: AudioError) -> None:
        """Record one failure."""
        self.failures.append(error)

    def summary(self) -> str:
        """Return a readable report naming every failed file."""
        if not self.failures:
            return f"{self.step}: all {self.total} files succeeded"
        lines = [f"{self.step}: {len(self.failures)} of {self.total} files failed"]
        lines += [f"  {e.path}: {e.reason}" for e in self.failures]
        return "\n".join(lines)

    def show(self) -> None:
        """Print the report when something failed (also visible in notebooks)."""
        if self.failures:
            print(self.summary())


def map_files(
    func: Callable[[str], T], files: Iterable[str], step: str
) -> tuple[list[T | None], FailureReport]:
    """Apply ``func`` to every file, collecting failures instead of stopping.

    Args:
        func: Called with each path; raises :class:`AudioError` on bad input.
        files: The paths.
        step: Name of the step for the report.

    Returns:
        The results (``None`` where the file failed) and the failure report.
    """
    report = FailureReport(step)
    results: list[T | None] = []
    for path in files:
        report.total += 1
        try:
            results.append(func(path))
        except AudioError as error:
            report.add(error)
            results.append(None)
    return results, report
