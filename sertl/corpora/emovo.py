"""EMOVO, Italian emotional speech (Costantini et al., 2014).

Layout: ``SPK/EMO-SPK-SENT.wav`` with speakers f1..f3, m1..m3.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._base import CorpusError, CorpusInfo, audio_files, check_root, finish, register

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
    )
)
