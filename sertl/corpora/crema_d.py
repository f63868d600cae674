"""CREMA-D (Cao et al., 2014).

Layout: ``AudioWAV/1001_DFA_ANG_XX.wav`` (actor, sentence, emotion, level) and
``VideoDemographics.csv`` (ActorID, Age, Sex, Race, Ethnicity) at the root.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from ._base import CorpusError, CorpusInfo, audio_files, check_root, finish, register
from .synthetic import CorpusStyle, Item, Spec, make_speakers

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


#: CREMA-D's twelve sentence codes.
SENTENCES = ("IEO", "TIE", "IOM", "IWW", "TAI", "MTI", "IWL", "ITH", "DFA", "ITS", "TSI", "WSI")


def _synthetic_layout() -> tuple[list[Item], dict[str, str]]:
    # 91 actors (1001-1091), 48 male and 43 female as in CREMA-D; one file per emotion
    females = set(np.random.default_rng(202).choice(91, size=43, replace=False).tolist())
    ids = [(str(1001 + i), "female" if i in females else "male") for i in range(91)]
    items = []
    speakers = make_speakers(202, ids)
    for i, spk in enumerate(speakers):
        for j, (code, emotion) in enumerate(LABELS.items()):
            sentence = SENTENCES[(i + j) % len(SENTENCES)]
            items.append(Item(f"AudioWAV/{spk.id}_{sentence}_{code}_XX.wav", spk, emotion))
    demo = "ActorID,Age,Sex,Race,Ethnicity\n" + "".join(
        f"{s.id},30,{s.gender.capitalize()},Caucasian,Not Hispanic\n" for s in speakers
    )
    return items, {"VideoDemographics.csv": demo}


#: The synthetic stand-in: its channel and acting style, and its files.
SYNTHETIC = Spec(CorpusStyle("en", (200, 5000), 0.6, 22, 0.8, 12, -7.0), _synthetic_layout)


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
        synthetic=SYNTHETIC,
    )
)
