"""Machine-readable results: one tidy CSV per experiment, beside the executed chapter."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .atomic import atomic_path


def save(
    table: pd.DataFrame, results_dir: str | Path, name: str, provenance: dict | None = None
) -> Path:
    """Write ``table`` to ``results_dir/name.csv`` (and the provenance as JSON).

    Args:
        table: A tidy table (one row per measurement).
        results_dir: Folder of the chapter's results.
        name: Experiment name (file stem).
        provenance: The chapter's provenance record, saved as ``name.json``.

    Returns:
        The CSV path.
    """
    folder = Path(results_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    # atomic: a reader, or a run killed half-way, never sees a half-written table
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, float_format="%.6g")
    if provenance is not None:
        with atomic_path(folder / f"{name}.json") as tmp:
            tmp.write_text(json.dumps(provenance, indent=2, default=str))
    return path


def load(results_dir: str | Path, name: str) -> pd.DataFrame:
    """Read a results table written by :func:`save`."""
    return pd.read_csv(Path(results_dir) / f"{name}.csv")
