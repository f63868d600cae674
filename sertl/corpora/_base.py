"""The standard corpus table, and the registry of corpus loaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..audio import FailureReport, duration, map_files
from ..emotions import check_mapping

#: Columns of the table every ``prepare_<corpus>`` returns, in this order.
COLUMNS: tuple[str, ...] = (
    "file",
    "corpus",
    "speaker",
    "gender",
    "emotion",
    "label",
    "session",
    "language",
    "duration",
)
AUDIO_SUFFIXES = (".wav", ".flac")


class CorpusError(ValueError):
    """A corpus folder that cannot be parsed, naming the file and the problem."""


@dataclass(frozen=True)
class CorpusInfo:
    """What the registry knows about one corpus."""

    name: str
    title: str
    prepare: Callable[..., pd.DataFrame]
    labels: dict[str, str | None]
    language: str
    url: str
    citation: str
    available_here: bool


REGISTRY: dict[str, CorpusInfo] = {}


def register(info: CorpusInfo) -> CorpusInfo:
    """Add a corpus to the registry (called once by each corpus module)."""
    check_mapping(info.name, info.labels)
    REGISTRY[info.name] = info
    return info


def audio_files(root: Path, pattern: str = "**/*") -> list[Path]:
    """Return the audio files below ``root`` matching ``pattern``, sorted.

    Hidden files (``._x.wav`` from macOS archives) are skipped.
    """
    return sorted(
        p
        for p in root.glob(pattern)
        if p.suffix.lower() in AUDIO_SUFFIXES and not p.name.startswith(".") and p.is_file()
    )


def check_root(root: str | Path, name: str) -> Path:
    """Return ``root`` as a Path, or raise a clear error when it is missing."""
    path = Path(root).expanduser()
    if not path.is_dir():
        raise CorpusError(f"{name}: corpus folder {path} does not exist")
    return path


def finish(
    rows: list[dict], corpus: str, labels: dict[str, str | None], root: Path, with_duration: bool
) -> pd.DataFrame:
    """Turn parsed rows into the standard table.

    Maps each corpus label onto the canonical scheme (labels mapped to ``None``
    are kept with an empty emotion so that counts stay documented), reads
    durations from the file headers and reports every unreadable file.

    Raises:
        CorpusError: No audio file was found, or a label has no mapping.
    """
    if not rows:
        raise CorpusError(f"{corpus}: no audio files found below {root}")
    table = pd.DataFrame(rows)
    unknown = sorted(set(table["label"]) - set(labels))
    if unknown:
        raise CorpusError(f"{corpus}: labels without a mapping {unknown} below {root}")
    table["corpus"] = corpus
    table["emotion"] = table["label"].map(labels)
    for column in ("gender", "session"):
        if column not in table:
            table[column] = None
    if with_duration:
        durations, report = map_files(duration, table["file"], f"{corpus}: duration scan")
        report.show()
        table["duration"] = pd.array(durations, dtype="Float64")
        table.attrs["failures"] = report
    else:
        table["duration"] = pd.array([None] * len(table), dtype="Float64")
        table.attrs["failures"] = FailureReport(f"{corpus}: duration scan")
    table = table[list(COLUMNS)].sort_values("file", kind="stable").reset_index(drop=True)
    for column in ("corpus", "speaker", "gender", "emotion", "label", "session", "language"):
        table[column] = table[column].astype("string")
    table.attrs["root"] = str(root)
    return table
