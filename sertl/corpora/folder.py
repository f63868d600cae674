"""Any corpus a user brings: a folder per label, or a CSV with file, label, speaker."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..emotions import EMOTIONS
from ._base import CorpusError, CorpusInfo, audio_files, check_root, finish, register

NAME = "folder"
#: Identity mapping for labels already in the canonical scheme.
LABELS: dict[str, str | None] = {e: e for e in EMOTIONS}


def prepare_folder(
    root: str | Path,
    labels: dict[str, str | None] | None = None,
    csv_file: str | Path | None = None,
    language: str = "und",
    with_duration: bool = True,
) -> pd.DataFrame:
    """Return the standard table of a user's corpus.

    Either ``root/<label>/*.wav`` (speaker unknown, taken from a ``SPK_`` file
    prefix when there is one), or a CSV (``csv_file``, or ``root/labels.csv``)
    with columns ``file`` (relative to ``root``), ``label`` and ``speaker``.

    Args:
        root: The corpus folder.
        labels: The corpus label -> canonical emotion mapping (default: labels
            must already be canonical names).
        csv_file: The label table; default ``root/labels.csv`` when it exists.
        language: ISO 639 code of the speech.
        with_duration: Read durations from file headers.
    """
    root = check_root(root, NAME)
    mapping = labels if labels is not None else LABELS
    csv_path = Path(csv_file) if csv_file else root / "labels.csv"
    rows = []
    if csv_path.is_file():
        with open(csv_path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            need = {"file", "label", "speaker"}
            if reader.fieldnames is None or not need <= set(reader.fieldnames):
                raise CorpusError(f"{csv_path}: needs the columns {sorted(need)}")
            for line, row in enumerate(reader, start=2):
                path = (root / row["file"]).resolve()
                if not path.is_file():
                    raise CorpusError(f"{csv_path}, line {line}: {path} does not exist")
                rows.append(
                    {
                        "file": str(path),
                        "speaker": row["speaker"],
                        "gender": row.get("gender") or None,
                        "label": row["label"],
                        "session": row.get("session") or None,
                        "language": language,
                    }
                )
    else:
        for path in audio_files(root):
            label = path.parent.name
            speaker = path.stem.split("_", 1)[0] if "_" in path.stem else "unknown"
            rows.append(
                {"file": str(path), "speaker": speaker, "label": label, "language": language}
            )
    return finish(rows, NAME, mapping, root, with_duration)


INFO = register(
    CorpusInfo(
        name=NAME,
        title="Your own corpus",
        prepare=prepare_folder,
        labels=LABELS,
        language="und",
        url="",
        citation="",
        available_here=False,
    )
)
