"""eNTERFACE'05 audio-visual emotion database (Martin et al., 2006).

Layout: ``subject N/<emotion>/sentence M/sN_xx_M.avi``; subject 6 has no sentence
folders. The audio tracks, extracted next to the videos as ``.wav`` (for example
``ffmpeg -i s1_an_1.avi -ac 1 -ar 16000 s1_an_1.wav``), are what this loader reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ._base import CorpusError, CorpusInfo, audio_files, check_root, finish, register

NAME = "enterface05"
LABELS: dict[str, str | None] = {
    "anger": "angry",
    "disgust": "disgust",
    "fear": "fear",
    "happiness": "happy",
    "sadness": "sad",
    "surprise": "surprise",
}
SUBJECT = re.compile(r"^subject\s*(\d+)$", re.IGNORECASE)


def prepare_enterface05(root: str | Path, with_duration: bool = True) -> pd.DataFrame:
    """Return the standard table of the eNTERFACE'05 audio files below ``root``."""
    root = check_root(root, NAME)
    rows = []
    for path in audio_files(root):
        parts = path.relative_to(root).parts
        subject = next((SUBJECT.match(p) for p in parts if SUBJECT.match(p)), None)
        emotion = next((p.lower() for p in parts if p.lower() in LABELS), None)
        if subject is None or emotion is None:
            raise CorpusError(
                f"{path}: not in the eNTERFACE'05 layout (subject N/<emotion>/sentence M/)"
            )
        rows.append(
            {
                "file": str(path),
                "speaker": f"subject{int(subject.group(1)):02d}",
                "label": emotion,
                "language": "en",
            }
        )
    return finish(rows, NAME, LABELS, root, with_duration)


INFO = register(
    CorpusInfo(
        name=NAME,
        title="eNTERFACE'05",
        prepare=prepare_enterface05,
        labels=LABELS,
        language="en",
        url="http://www.enterface.net/enterface05/",
        citation="martin2006enterface",
        available_here=False,
    )
)
