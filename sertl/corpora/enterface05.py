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
from .synthetic import CorpusStyle, Item, Spec, make_speakers

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


def _synthetic_layout() -> tuple[list[Item], dict[str, str]]:
    # 42 subjects, 8 of them women (as in eNTERFACE'05); one sentence per emotion, the
    # sentence number rotating; subject 6 has no sentence folders, as in the release
    ids = [(str(i), "female" if i % 5 == 3 and i < 40 else "male") for i in range(1, 43)]
    items = []
    for i, spk in enumerate(make_speakers(303, ids)):
        for j, (folder, emotion) in enumerate(LABELS.items()):
            sentence = (i + j) % 5 + 1
            name = f"s{spk.id}_{folder[:2]}_{sentence}.wav"  # the code: the folder's first letters
            sub = "" if spk.id == "6" else f"sentence {sentence}/"
            items.append(Item(f"subject {spk.id}/{folder}/{sub}{name}", spk, emotion))
    return items, {}


#: The synthetic stand-in: its channel and acting style, and its files.
SYNTHETIC = Spec(CorpusStyle("en", (150, 6000), -0.5, 18, 0.75, 13, 5.0), _synthetic_layout)


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
        synthetic=SYNTHETIC,
    )
)
