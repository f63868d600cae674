"""The four papers' published numbers, as data (quoted, never computed here).

One YAML file per paper in ``sertl/data/papers/``: every number of every
results table, with the table it comes from. Where the paper's text and its
table disagree, the table's value is kept and ``note`` says so. Metrics:
``accuracy`` (weighted accuracy, WA) or ``uar`` (unweighted average recall), in percent.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd
import yaml

#: The papers, by key, in book order.
PAPERS = ("feng_chaspari", "lian", "yue", "andova_lustrek")
COLUMNS = ["paper", "table", "method", "source", "target", "metric", "value", "note"]


@cache
def spec(paper: str) -> dict:
    """The data file of one paper (``citation``, ``notes``, ``values``).

    Raises:
        KeyError: Unknown paper.
    """
    if paper not in PAPERS:
        raise KeyError(f"unknown paper {paper!r}; known: {list(PAPERS)}")
    path = resources.files("sertl").joinpath("data", "papers", f"{paper}.yaml")
    if not path.is_file():
        return {"paper": paper, "values": []}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def published(paper: str | None = None, table: str | None = None) -> pd.DataFrame:
    """The published values, one row per table cell.

    Args:
        paper: A paper key (``None``: all papers).
        table: Keep only this table (for example ``"Table 2"``).

    Returns:
        Columns ``paper, table, method, source, target, metric, value, note``.
    """
    rows = []
    for key in [paper] if paper else PAPERS:
        for row in spec(key).get("values", []) or []:
            rows.append({"paper": key, "note": "", **row})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["note"] = out["note"].fillna("")
    if table is not None:
        out = out[out["table"] == table]
    return out.reset_index(drop=True)


def notes(paper: str) -> str:
    """What the data file says about the paper's numbers (for example a missing table)."""
    return str(spec(paper).get("notes", "") or "").strip()
