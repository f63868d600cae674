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
    )
)
