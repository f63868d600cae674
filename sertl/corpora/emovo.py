"""EMOVO, Italian emotional speech (Costantini et al., 2014).

Layout: ``SPK/EMO-SPK-SENT.wav`` with speakers f1..f3, m1..m3.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._base import CorpusError, CorpusInfo, audio_files, check_root, finish, register
from .synthetic import CorpusStyle, Item, Spec, make_speakers

NAME = "emovo"
#: EMOVO label (Italian) -> canonical emotion.
LABELS: dict[str, str | None] = {
    "dis": "disgust",  # disgusto
    "gio": "happy",  # gioia
    "neu": "neutral",
    "pau": "fear",  # paura
    "rab": "angry",  # rabbia
    "sor": "surprise",  # sorpresa
    "tri": "sad",  # tristezza
}


def prepare_emovo(root: str | Path, with_duration: bool = True) -> pd.DataFrame:
    """Return the standard table of the EMOVO files below ``root``."""
    root = check_root(root, NAME)
    rows = []
    for path in audio_files(root):
        fields = path.stem.split("-")
        if len(fields) != 3 or fields[1][:1] not in ("f", "m"):
            raise CorpusError(f"{path}: not an EMOVO name (EMO-SPK-SENT, e.g. dis-f1-b1)")
        label, speaker, _ = fields
        rows.append(
            {
                "file": str(path),
                "speaker": speaker,
                "gender": "female" if speaker.startswith("f") else "male",
                "label": label,
                "language": "it",
            }
        )
    return finish(rows, NAME, LABELS, root, with_duration)


#: EMOVO's sentence codes.
SENTENCES = ("b1", "b2", "b3", "d1", "d2", "l1", "l2", "l3", "l4", "n1", "n2", "n3")


def _synthetic_layout() -> tuple[list[Item], dict[str, str]]:
    # six actors (f1-f3, m1-m3), every emotion, two sentences each
    ids = [(f"{g}{i}", "female" if g == "f" else "male") for g in "fm" for i in (1, 2, 3)]
    items = []
    for i, spk in enumerate(make_speakers(707, ids)):
        for j, (code, emotion) in enumerate(LABELS.items()):
            for k in range(2):
                sentence = SENTENCES[(i + 2 * j + 6 * k) % len(SENTENCES)]
                items.append(Item(f"{spk.id}/{code}-{spk.id}-{sentence}.wav", spk, emotion))
    return items, {}


#: The synthetic stand-in: its channel and acting style, and its files.
SYNTHETIC = Spec(CorpusStyle("it", (250, 6000), 0.5, 28, 1.0, 17, -6.0), _synthetic_layout)


INFO = register(
    CorpusInfo(
        name=NAME,
        title="EMOVO",
        prepare=prepare_emovo,
        labels=LABELS,
        language="it",
        url="http://voice.fub.it/activities/corpora/emovo/index.html",
        citation="costantini2014emovo",
        available_here=True,
        synthetic=SYNTHETIC,
    )
)
