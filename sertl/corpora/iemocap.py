"""IEMOCAP (Busso et al., 2008).

Layout: ``SessionN/sentences/wav/<dialog>/<utterance>.wav`` and the categorical
labels in ``SessionN/dialog/EmoEvaluation/<dialog>.txt``, one summary line per
utterance: ``[start - end]<TAB>Ses01F_impro01_F000<TAB>neu<TAB>[v, a, d]``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ._base import CorpusError, CorpusInfo, audio_files, check_root, finish, register
from .synthetic import CorpusStyle, Item, Spec, make_speakers

NAME = "iemocap"
#: IEMOCAP label -> canonical. Excited keeps its own name: merging it into happy is a
#: chapter parameter (Lian et al. merge, Andova & Luštrek do not).
LABELS: dict[str, str | None] = {
    "neu": "neutral",
    "hap": "happy",
    "exc": "excited",
    "sad": "sad",
    "ang": "angry",
    "fru": "frustration",
    "fea": "fear",
    "sur": "surprise",
    "dis": "disgust",
    "oth": None,
    "xxx": None,
}
SUMMARY = re.compile(r"^\[[\d.]+ - [\d.]+\]\t(Ses\d\d[FM]_\S+)\t(\w+)\t\[")


def read_labels(root: Path) -> dict[str, str]:
    """Return utterance id -> label from every ``EmoEvaluation/*.txt``.

    Raises:
        CorpusError: No label file was found.
    """
    files = sorted(root.glob("Session*/dialog/EmoEvaluation/*.txt"))
    if not files:
        raise CorpusError(f"{root}: no Session*/dialog/EmoEvaluation/*.txt label files")
    labels = {}
    for file in files:
        for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
            match = SUMMARY.match(line)
            if match:
                labels[match.group(1)] = match.group(2)
    return labels


def prepare_iemocap(root: str | Path, with_duration: bool = True) -> pd.DataFrame:
    """Return the standard table of the IEMOCAP utterances below ``root``.

    The speaker is the session plus the gender of the utterance's speaker
    (``Ses01F_impro01_M003`` is spoken by the male actor of session 1).
    """
    root = check_root(root, NAME)
    labels = read_labels(root)
    rows = []
    missing = []
    for path in audio_files(root, "Session*/sentences/wav/*/*"):
        utterance = path.stem
        if utterance not in labels:
            missing.append(str(path))
            continue
        session = utterance[3:5]
        gender_letter = utterance.rsplit("_", 1)[-1][0]
        rows.append(
            {
                "file": str(path),
                "speaker": f"Ses{session}{gender_letter}",
                "gender": {"F": "female", "M": "male"}.get(gender_letter),
                "label": labels[utterance],
                "session": f"Session{int(session)}",
                "language": "en",
            }
        )
    if missing:
        shown = "\n  ".join(missing[:10])
        raise CorpusError(f"{NAME}: {len(missing)} files have no label line:\n  {shown}")
    return finish(rows, NAME, LABELS, root, with_duration)


#: Per speaker of the synthetic stand-in: label and files, the natural-speech imbalance of
#: IEMOCAP (many neutral and frustrated).
SYNTHETIC_COUNTS = (
    ("neu", 4),
    ("ang", 2),
    ("sad", 3),
    ("hap", 1),
    ("exc", 2),
    ("fru", 2),
    ("xxx", 1),
)
#: The voice of labels without cues of their own in the generator: excited sounds happy,
#: turns without a majority neutral.
SYNTHETIC_VOICE = {"exc": "happy", "xxx": "neutral"}


def _synthetic_dialog(session: int, pair: list, dialog_kind: str) -> tuple[list[Item], str]:
    """The files of one synthetic dialog and its EmoEvaluation text."""
    dialog = f"Ses0{session}F_{dialog_kind}"
    items = []
    lines = ["% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]", ""]
    counter = {"F": 0, "M": 0}
    for spk in pair:
        letter = spk.id[-1]
        for label, count in SYNTHETIC_COUNTS:
            emotion = SYNTHETIC_VOICE.get(label) or LABELS[label]
            for _ in range(count if dialog_kind == "impro01" else max(1, count // 2)):
                utt = f"{dialog}_{letter}{counter[letter]:03d}"
                counter[letter] += 1
                rel = f"Session{session}/sentences/wav/{dialog}/{utt}.wav"
                items.append(Item(rel, spk, emotion))
                start = 1.0 + 3 * len(lines)
                lines.append(
                    f"[{start:.4f} - {start + 2.5:.4f}]\t{utt}\t{label}\t[2.5000, 2.5000, 2.5000]"
                )
                lines.append("C-E1:\tNeutral;\t()")
                lines.append("")
    return items, "\n".join(lines) + "\n"


def _synthetic_layout() -> tuple[list[Item], dict[str, str]]:
    # 5 sessions of 2 actors, an improvised and a scripted dialog each
    items, extra = [], {}
    for session in range(1, 6):
        ids = [(f"Ses0{session}F", "female"), (f"Ses0{session}M", "male")]
        pair = make_speakers(400 + session, ids)
        for dialog_kind in ("impro01", "script01_1"):
            dialog_items, text = _synthetic_dialog(session, pair, dialog_kind)
            items += dialog_items
            extra[f"Session{session}/dialog/EmoEvaluation/Ses0{session}F_{dialog_kind}.txt"] = text
    return items, extra


#: The synthetic stand-in: its channel and acting style, and its files.
SYNTHETIC = Spec(CorpusStyle("en", (100, 6500), 0.3, 25, 0.7, 14, -4.0), _synthetic_layout)


INFO = register(
    CorpusInfo(
        name=NAME,
        title="IEMOCAP",
        prepare=prepare_iemocap,
        labels=LABELS,
        language="en",
        url="https://sail.usc.edu/iemocap/",
        citation="busso2008iemocap",
        available_here=False,
        synthetic=SYNTHETIC,
    )
)
