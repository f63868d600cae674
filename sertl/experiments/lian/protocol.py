"""The protocol: the groups a split divides, the paper's split and the rotating folds.

Lian et al. hold out whole IEMOCAP sessions (1-3 train, 4 validates, 5 tests);
:func:`rotation` keeps that single split on IEMOCAP and rotates the same
proportions over the sorted speakers (or sessions) of any other corpus, so that
every group is tested once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def split_groups(table: pd.DataFrame) -> tuple[np.ndarray, str]:
    """The groups the fixed split divides: sessions where they hold speakers, else speakers.

    Sessions are used when every utterance has one, there are at least three, and no
    speaker appears in two of them (IEMOCAP, MSP-IMPROV); otherwise speakers.

    Returns:
        The group of each row and its kind (``"session"`` or ``"speaker"``).
    """
    sessions = table["session"] if "session" in table else None
    if sessions is not None and sessions.notna().all() and sessions.nunique() >= 3:
        if (table.groupby("speaker")["session"].nunique() == 1).all():
            return sessions.astype(str).to_numpy(), "session"
    return table["speaker"].astype(str).to_numpy(), "speaker"


def rotation(groups: Sequence, *, paper_split: bool = False) -> list[dict]:
    """Folds that rotate Lian et al.'s train / validation / test proportions.

    The sorted groups are cut into five consecutive parts of near-equal size (each
    group its own part with three or four groups); fold ``k`` tests part ``k``,
    validates on part ``k + 1`` (cyclically) and trains on the others, so every
    group is tested once. ``paper_split`` gives the paper's single fold instead
    (sessions 1-3 / 4 / 5 on IEMOCAP).

    Returns:
        One dict per fold: ``name`` (the test groups, joined by ``+``), ``train``,
        ``val`` and ``test`` (sorted item indices).

    Raises:
        ValueError: Fewer than three groups.
    """
    groups = np.asarray(groups).astype(str)
    ordered = np.unique(groups)
    if len(ordered) < 3:
        raise ValueError(f"rotating folds need at least 3 speakers or sessions, got {len(ordered)}")
    parts = np.array_split(ordered, min(5, len(ordered)))
    chosen = [len(parts) - 1] if paper_split else range(len(parts))
    folds = []
    for k in chosen:
        val_part = len(parts) - 2 if paper_split else (k + 1) % len(parts)
        train_parts = [p for j, p in enumerate(parts) if j not in (k, val_part)]
        folds.append(
            {
                "name": "+".join(parts[k]),
                "train": np.flatnonzero(np.isin(groups, np.concatenate(train_parts))),
                "val": np.flatnonzero(np.isin(groups, parts[val_part])),
                "test": np.flatnonzero(np.isin(groups, parts[k])),
            }
        )
    return folds


def fold_members(table: pd.DataFrame, folds: Sequence[dict]) -> pd.DataFrame:
    """Which groups each fold trains, validates and tests on, and how many items."""
    groups, kind = split_groups(table)
    rows = []
    for k, fold in enumerate(folds):
        row = {"fold": k, "test unit": fold["name"]}
        for part in ("train", "val", "test"):
            row[f"{part} {kind}s"] = len(set(groups[fold[part]]))
            row[f"{part} items"] = len(fold[part])
        rows.append(row)
    return pd.DataFrame(rows).set_index("fold")
