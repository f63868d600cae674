"""RAVDESS (Livingstone & Russo, 2018), audio-only speech.

Layout: ``Actor_XX/MM-VC-EE-II-SS-RR-AA.wav``: modality, vocal channel (01 speech,
02 song), emotion, intensity, statement, repetition, actor (odd male, even female).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._base import CorpusError, CorpusInfo, audio_files, check_root, finish, register
from .synthetic import CorpusStyle, Item, Spec, make_speakers

NAME = "ravdess"
EMOTION_CODES = {
    "01": "neutral",
    "02": "calm",
    "03": "happy",
    "04": "sad",
    "05": "angry",
    "06": "fearful",
    "07": "disgust",
    "08": "surprised",
}
#: RAVDESS label -> canonical emotion.
LABELS: dict[str, str | None] = {
    "neutral": "neutral",
    "calm": "calm",
    "happy": "happy",
    "sad": "sad",
    "angry": "angry",
    "fearful": "fear",
    "disgust": "disgust",
    "surprised": "surprise",
}


def parse_name(path: Path) -> dict:
    """Parse one RAVDESS file name.

    Raises:
        CorpusError: The name does not follow the seven-field convention.
    """
    fields = path.stem.split("-")
    if len(fields) != 7 or not all(f.isdigit() and len(f) == 2 for f in fields):
        raise CorpusError(f"{path}: not a RAVDESS name (MM-VC-EE-II-SS-RR-AA)")
    _, channel, emotion, _, _, _, actor = fields
    if emotion not in EMOTION_CODES:
        raise CorpusError(f"{path}: unknown RAVDESS emotion code {emotion}")
    return {
        "file": str(path),
        "speaker": f"Actor_{actor}",
        "gender": "male" if int(actor) % 2 else "female",
        "label": EMOTION_CODES[emotion],
        "channel": channel,
        "language": "en",
    }


def prepare_ravdess(root: str | Path, with_duration: bool = True) -> pd.DataFrame:
    """Return the standard table of the RAVDESS speech files below ``root``.

    Song files (vocal channel 02) are skipped: all four papers use speech.
    """
    root = check_root(root, NAME)
    rows = [parse_name(p) for p in audio_files(root, "**/*")]
    rows = [r for r in rows if r.pop("channel") == "01"]
    return finish(rows, NAME, LABELS, root, with_duration)


def _synthetic_layout() -> tuple[list[Item], dict[str, str]]:
    # 24 actors, odd male and even female; per actor every emotion at both intensities
    # (neutral has only the normal one, as in RAVDESS), one statement and repetition each
    ids = [(f"{a:02d}", "male" if a % 2 else "female") for a in range(1, 25)]
    items = []
    for spk in make_speakers(101, ids):
        for code, label in EMOTION_CODES.items():
            # neutral: both repetitions of the normal intensity, so it keeps two files
            takes = [("01", "01"), ("01", "02")] if code == "01" else [("01", "01"), ("02", "01")]
            for inten, rep in takes:
                rel = f"Actor_{spk.id}/03-01-{code}-{inten}-01-{rep}-{spk.id}.wav"
                items.append(Item(rel, spk, LABELS[label]))
    return items, {}


#: The synthetic stand-in: its channel and acting style, and its files.
SYNTHETIC = Spec(CorpusStyle("en", (80, 7000), 0.0, 35, 1.1, 11, 0.0), _synthetic_layout)


INFO = register(
    CorpusInfo(
        name=NAME,
        title="RAVDESS (speech)",
        prepare=prepare_ravdess,
        labels=LABELS,
        language="en",
        url="https://zenodo.org/record/1188976",
        citation="livingstone2018ravdess",
        available_here=True,
        synthetic=SYNTHETIC,
    )
)
