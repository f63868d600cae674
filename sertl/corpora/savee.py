"""Surrey Audio-Visual Expressed Emotion, SAVEE (Haq & Jackson, 2008).

Layout: ``AudioData/SPK/EENN.wav`` (any depth) with four male speakers and the
emotion prefix a, d, f, h, n, sa, su.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ._base import CorpusError, CorpusInfo, audio_files, check_root, finish, register
from .synthetic import CorpusStyle, Item, Spec, make_speakers

NAME = "savee"
#: SAVEE prefix -> canonical emotion.
LABELS: dict[str, str | None] = {
    "a": "angry",
    "d": "disgust",
    "f": "fear",
    "h": "happy",
    "n": "neutral",
    "sa": "sad",
    "su": "surprise",
}
SPEAKERS = ("DC", "JE", "JK", "KL")
PATTERN = re.compile(r"^(sa|su|a|d|f|h|n)(\d\d)$")


def prepare_savee(root: str | Path, with_duration: bool = True) -> pd.DataFrame:
    """Return the standard table of the SAVEE files below ``root``."""
    root = check_root(root, NAME)
    rows = []
    for path in audio_files(root):
        speaker = path.parent.name
        match = PATTERN.match(path.stem)
        if speaker not in SPEAKERS or not match:
            raise CorpusError(f"{path}: not a SAVEE file (SPK/EENN with SPK in {SPEAKERS})")
        rows.append(
            {
                "file": str(path),
                "speaker": speaker,
                "gender": "male",
                "label": match.group(1),
                "language": "en",
            }
        )
    return finish(rows, NAME, LABELS, root, with_duration)


def _synthetic_layout() -> tuple[list[Item], dict[str, str]]:
    # four male speakers; neutral twice as often as each other emotion, as in SAVEE
    items = []
    for spk in make_speakers(808, [(s, "male") for s in SPEAKERS]):
        for code, emotion in LABELS.items():
            for number in range(1, 7 if code == "n" else 4):
                items.append(Item(f"AudioData/{spk.id}/{code}{number:02d}.wav", spk, emotion))
    return items, {}


#: The synthetic stand-in: its channel and acting style, and its files.
SYNTHETIC = Spec(CorpusStyle("en", (90, 4000), -0.8, 30, 0.9, 18, 8.0), _synthetic_layout)


INFO = register(
    CorpusInfo(
        name=NAME,
        title="SAVEE",
        prepare=prepare_savee,
        labels=LABELS,
        language="en",
        url="http://kahlan.eps.surrey.ac.uk/savee/",
        citation="haq2008savee",
        available_here=True,
        synthetic=SYNTHETIC,
    )
)
