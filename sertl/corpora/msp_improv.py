"""MSP-IMPROV (Busso et al., 2017).

Layout: ``Audio/sessionN/S01A/<type>/MSP-IMPROV-S01A-F01-S-FM01.wav`` (sentence and
target emotion, speaker F01..F06 / M01..M06 whose digit is the session, scenario
type R, S, P or T) and the consensus labels in ``Evaluation.txt`` (spelled
``Evalution.txt`` in some releases), one line per clip:
``UTD-IMPROV-S01A-F01-S-FM01.avi; N; A:3.0; V:3.5; D:3.0;``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ._base import CorpusError, CorpusInfo, audio_files, check_root, finish, register
from .synthetic import CorpusStyle, Item, Spec, make_speakers

NAME = "msp_improv"
LABELS: dict[str, str | None] = {
    "A": "angry",
    "H": "happy",
    "S": "sad",
    "N": "neutral",
    "X": None,  # no majority among the evaluators
    "O": None,
}
CLIP = re.compile(r"^MSP-IMPROV-(S\d\d[A-Z])-([FM])(\d\d)-([A-Z])-(\w+)$")
LABEL_LINE = re.compile(r"^UTD-IMPROV-(S\d\d[A-Z]-[FM]\d\d-[A-Z]-\w+)\.avi;\s*([A-Z])\s*;")


def read_labels(root: Path) -> dict[str, str]:
    """Return clip id (``S01A-F01-S-FM01``) -> consensus label.

    Raises:
        CorpusError: No evaluation file exists.
    """
    files = [p for n in ("Evaluation.txt", "Evalution.txt") for p in root.glob(f"**/{n}")]
    if not files:
        raise CorpusError(f"{root}: no Evaluation.txt (or Evalution.txt) label file")
    labels = {}
    for line in files[0].read_text(encoding="utf-8", errors="replace").splitlines():
        match = LABEL_LINE.match(line.strip())
        if match:
            labels[match.group(1)] = match.group(2)
    return labels


def prepare_msp_improv(root: str | Path, with_duration: bool = True) -> pd.DataFrame:
    """Return the standard table of the labelled MSP-IMPROV clips below ``root``."""
    root = check_root(root, NAME)
    labels = read_labels(root)
    rows = []
    for path in audio_files(root):
        match = CLIP.match(path.stem)
        if not match:
            raise CorpusError(f"{path}: not an MSP-IMPROV name (MSP-IMPROV-S01A-F01-S-FM01)")
        _, gender, number, _, _ = match.groups()
        clip = path.stem.removeprefix("MSP-IMPROV-")
        if clip not in labels:
            continue  # clips without a consensus line are not part of the labelled set
        rows.append(
            {
                "file": str(path),
                "speaker": f"{gender}{number}",
                "gender": "female" if gender == "F" else "male",
                "label": labels[clip],
                "session": f"session{int(number)}",
                "language": "en",
            }
        )
    return finish(rows, NAME, LABELS, root, with_duration)


def _synthetic_layout() -> tuple[list[Item], dict[str, str]]:
    # 6 sessions of one actress and one actor (F0N/M0N); per speaker four target
    # sentences, each in one scenario type, and per sentence the consensus labels below
    items, lines = [], []
    labels = [(code, LABELS[code]) for code in "AHSNN"]
    kinds = ("S", "R", "P", "T")
    for session in range(1, 7):
        pair = make_speakers(500 + session, [(f"F0{session}", "female"), (f"M0{session}", "male")])
        for spk in pair:
            partner = "M" if spk.id[0] == "F" else "F"
            for s_index, (target, _) in enumerate(labels[:4]):
                sentence = f"S0{s_index + 1}{target}"
                kind = kinds[(s_index + session) % len(kinds)]
                for n, (label, emotion) in enumerate(labels):
                    clip = f"{sentence}-{spk.id}-{kind}-{spk.id[0]}{partner}{n:02d}"
                    rel = f"Audio/session{session}/{sentence}/{kind}/MSP-IMPROV-{clip}.wav"
                    items.append(Item(rel, spk, emotion))
                    lines.append(f"UTD-IMPROV-{clip}.avi; {label}; A:3.0; V:3.0; D:3.0; N:0.0;")
                    lines.append("A; Neutral; Neutral;")
                    lines.append("")
    return items, {"Evalution.txt": "\n".join(lines) + "\n"}


#: The synthetic stand-in: its channel and acting style, and its files.
SYNTHETIC = Spec(CorpusStyle("en", (120, 7000), -0.3, 20, 0.7, 15, 3.0), _synthetic_layout)


INFO = register(
    CorpusInfo(
        name=NAME,
        title="MSP-IMPROV",
        prepare=prepare_msp_improv,
        labels=LABELS,
        language="en",
        url="https://ecs.utdallas.edu/research/researchlabs/msp-lab/MSP-Improv.html",
        citation="busso2017mspimprov",
        available_here=False,
        synthetic=SYNTHETIC,
    )
)
