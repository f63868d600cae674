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
    )
)
