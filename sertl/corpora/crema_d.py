"""CREMA-D (Cao et al., 2014).

Layout: ``AudioWAV/1001_DFA_ANG_XX.wav`` (actor, sentence, emotion, level) and
``VideoDemographics.csv`` (ActorID, Age, Sex, Race, Ethnicity) at the root.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ._base import CorpusError, CorpusInfo, audio_files, check_root, finish, register

NAME = "crema_d"
LABELS: dict[str, str | None] = {
    "ANG": "angry",
    "DIS": "disgust",
    "FEA": "fear",
    "HAP": "happy",
    "NEU": "neutral",
    "SAD": "sad",
}
LEVELS = ("LO", "MD", "HI", "XX", "X")


def read_demographics(root: Path) -> dict[str, str]:
    """Return actor id -> gender from ``VideoDemographics.csv`` (empty if absent)."""
    candidates = list(root.glob("VideoDemographics.csv")) + list(
        root.glob("*/VideoDemographics.csv")
    )
    if not candidates:
        return {}
    with open(candidates[0], newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"ActorID", "Sex"} <= set(reader.fieldnames):
            raise CorpusError(f"{candidates[0]}: expected columns ActorID and Sex")
        return {row["ActorID"].strip(): row["Sex"].strip().lower() for row in reader}


def prepare_crema_d(root: str | Path, with_duration: bool = True) -> pd.DataFrame:
    """Return the standard table of the CREMA-D files below ``root``."""
    root = check_root(root, NAME)
    genders = read_demographics(root)
    rows = []
    for path in audio_files(root):
        fields = path.stem.split("_")
        if len(fields) != 4 or not fields[0].isdigit() or fields[3] not in LEVELS:
            raise CorpusError(f"{path}: not a CREMA-D name (1001_DFA_ANG_XX)")
        actor, _, label, _ = fields
        rows.append(
            {
                "file": str(path),
                "speaker": actor,
                "gender": genders.get(actor),
                "label": label,
                "language": "en",
            }
        )
    return finish(rows, NAME, LABELS, root, with_duration)


INFO = register(
    CorpusInfo(
        name=NAME,
        title="CREMA-D",
        prepare=prepare_crema_d,
        labels=LABELS,
        language="en",
        url="https://github.com/CheyneyComputerScience/CREMA-D",
        citation="cao2014cremad",
        available_here=False,
    )
)
