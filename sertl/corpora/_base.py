"""The standard corpus table, and the registry of corpus loaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..audio import AudioError, FailureReport, duration, map_files
from ..emotions import check_mapping

if TYPE_CHECKING:
    from .synthetic import Spec

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


class UnknownCorpusError(CorpusError, KeyError):
    """A corpus name that is neither registered nor a user corpus in ``SERTL_DATA``.

    A ``ValueError`` (what chapters catch for bad parameters) and, for older
    callers, a ``KeyError``.
    """

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


#: What needs a speaker per file; a corpus without speaker information runs only the rest.
NEEDS_SPEAKERS = (
    "a target of chapters 02, 03, 04 and 05 (speaker-independent folds, support "
    "speakers, per-subject scenarios)",
    "chapter 01's speaker-half shift",
    "per-speaker standardisation",
)
#: What runs without speakers.
RUNS_WITHOUT_SPEAKERS = (
    "a source corpus (trained on as a whole)",
    "the test corpus of a cross-corpus table (chapter 07 without per-speaker standardisation)",
)


def require_speakers(table: pd.DataFrame, purpose: str) -> None:
    """Raise a clear error when ``table`` has files without a speaker.

    Args:
        table: A standard corpus table.
        purpose: What is about to run, for the message (``"leave-one-speaker-out"``).

    Raises:
        CorpusError: Some files have no speaker; the message says what needs
            speakers, what runs without, and how to give them.
    """
    missing = table["speaker"].isna()
    if not missing.any():
        return
    corpus = str(table["corpus"].iloc[0]) if len(table) else "corpus"
    example = table.loc[missing, "file"].iloc[0]
    raise CorpusError(
        f"{corpus}: {int(missing.sum())} of {len(table)} files have no speaker (e.g. {example}), "
        f"so {purpose} cannot run.\n"
        f"Needs speakers: {'; '.join(NEEDS_SPEAKERS)}.\n"
        f"Runs without: {'; '.join(RUNS_WITHOUT_SPEAKERS)}.\n"
        "Give speakers with a SPK_ prefix in the file names (SF01_take1.wav), "
        "speaker=r'^(?P<speaker>[^_]+)_' when loading, 'speaker:' in corpus.yaml, "
        "or a speaker column in labels.csv."
    )


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
    #: A user's corpus (a folder in ``SERTL_DATA``), not one of the registered ones.
    user: bool = False
    #: The synthetic stand-in (built by the corpus module from its labels); None: none.
    synthetic: Spec | None = None


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
    rows: list[dict],
    corpus: str,
    labels: dict[str, str | None],
    root: Path,
    with_duration: bool,
    problems: list[AudioError] | None = None,
) -> pd.DataFrame:
    """Turn parsed rows into the standard table.

    Maps each corpus label onto the canonical scheme (labels mapped to ``None``
    are kept with an empty emotion so that counts stay documented), reads
    durations from the file headers and reports every unreadable file.

    Args:
        rows: One dict per file (``file``, ``speaker``, ``label``, ``language``, ...).
        corpus: The corpus name.
        labels: Corpus label -> canonical emotion.
        root: The corpus folder.
        with_duration: Read each file's duration.
        problems: Files found but not usable (broken links, unreadable), reported
            with the duration scan's failures.

    Raises:
        CorpusError: No audio file was found, or a label has no mapping.
    """
    if not rows:
        found = f" ({len(problems)} unusable: {problems[0]})" if problems else ""
        raise CorpusError(f"{corpus}: no audio files found below {root}{found}")
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
        table["duration"] = pd.array(durations, dtype="Float64")
    else:
        table["duration"] = pd.array([None] * len(table), dtype="Float64")
        report = FailureReport(f"{corpus}: duration scan", total=len(table))
    for problem in problems or []:
        report.add(problem)
        report.total += 1
    report.show()
    table.attrs["failures"] = report
    table = table[list(COLUMNS)].sort_values("file", kind="stable").reset_index(drop=True)
    for column in ("corpus", "speaker", "gender", "emotion", "label", "session", "language"):
        table[column] = table[column].astype("string")
    table.attrs["root"] = str(root)
    return table
