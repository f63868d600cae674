"""Berlin Database of Emotional Speech, EmoDB (Burkhardt et al., 2005).

Layout: ``wav/SSTTTEV.wav`` (any depth): speaker, text code, emotion letter, version.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ._base import CorpusError, CorpusInfo, audio_files, check_root, finish, register
from .synthetic import CorpusStyle, Item, Spec, make_speakers

NAME = "emodb"
#: EmoDB emotion letter (German initial) -> canonical emotion.
LABELS: dict[str, str | None] = {
    "W": "angry",  # Wut
    "L": "boredom",  # Langeweile
    "E": "disgust",  # Ekel
    "A": "fear",  # Angst
    "F": "happy",  # Freude
    "T": "sad",  # Trauer
    "N": "neutral",
}
GENDER = {
    "03": "male",
    "08": "female",
    "09": "female",
    "10": "male",
    "11": "male",
    "12": "male",
    "13": "female",
    "14": "female",
    "15": "male",
    "16": "female",
}
PATTERN = re.compile(r"^(\d\d)([ab]\d\d)([WLEAFTN])([a-z])$")


def prepare_emodb(root: str | Path, with_duration: bool = True) -> pd.DataFrame:
    """Return the standard table of the EmoDB files below ``root``."""
    root = check_root(root, NAME)
    rows = []
    for path in audio_files(root):
        match = PATTERN.match(path.stem)
        if not match:
            raise CorpusError(f"{path}: not an EmoDB name (SSTTTEV, e.g. 03a01Fa)")
        speaker, _, letter, _ = match.groups()
        rows.append(
            {
                "file": str(path),
                "speaker": speaker,
                "gender": GENDER.get(speaker),
                "label": letter,
                "language": "de",
            }
        )
    return finish(rows, NAME, LABELS, root, with_duration)


#: EmoDB's ten text codes.
TEXTS = ("a01", "a02", "a04", "a05", "a07", "b01", "b02", "b03", "b09", "b10")


def _synthetic_layout() -> tuple[list[Item], dict[str, str]]:
    # every emotion for every speaker, two texts each (the texts rotate per speaker)
    items = []
    for i, spk in enumerate(make_speakers(606, list(GENDER.items()))):
        for j, (letter, emotion) in enumerate(LABELS.items()):
            for k in range(2):
                text = TEXTS[(i + 3 * j + 5 * k) % len(TEXTS)]
                items.append(Item(f"wav/{spk.id}{text}{letter}a.wav", spk, emotion))
    return items, {}


#: The synthetic stand-in: its channel and acting style, and its files.
SYNTHETIC = Spec(CorpusStyle("de", (60, 7500), -0.2, 40, 1.2, 16, 6.0), _synthetic_layout)


INFO = register(
    CorpusInfo(
        name=NAME,
        title="EmoDB",
        prepare=prepare_emodb,
        labels=LABELS,
        language="de",
        url="http://emodb.bilderbar.info/",
        citation="burkhardt2005emodb",
        available_here=True,
        synthetic=SYNTHETIC,
    )
)
