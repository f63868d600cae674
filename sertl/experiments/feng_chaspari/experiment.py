"""The chapter's grids: their settings, their cells and the run through :func:`sertl.grid.run`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ... import grid as gridlib
from .._base import GridOptions, Prepared
from .._base import Settings as _Settings
from .data import COLUMNS, LOSS_COLUMNS, REFERENCES, usable_speaker_counts
from .grid_cells import finetune_cell, idt_cell, oodt_cell


@dataclass(frozen=True)
class Settings(_Settings):
    """Every knob of the chapter's three grids (:meth:`from_params` reads them from its parameters).

    Attributes:
        target: Target corpus.
        sources: Source corpora (those that run).
        source_epochs: Epochs of the OODT models.
        idt_epochs: Epochs of each in-domain (LOSO) model.
        finetune_epochs: Epochs of fine-tuning.
        speaker_counts: Numbers of target speakers in a support draw.
        frozen_layers: Numbers of frozen extractor layers.
        repeats: Support draws per speaker count.
        references: Reference sets after fine-tuning (see :data:`REFERENCES`).
        distance_weight: Weight of the distance loss.
        lr: Adam's learning rate.
        idt_folds: Run only this many LOSO folds (random speakers); ``None``: all.
        seed: Base seed.
        device: ``"cpu"`` or ``"cuda"``.
    """

    target: str = "ravdess"
    sources: tuple[str, ...] = ()
    source_epochs: int = 60
    idt_epochs: int = 40
    finetune_epochs: int = 30
    speaker_counts: tuple[int, ...] = (2, 4, 6, 8, 10, 12, 14, 16, 18, 20)
    frozen_layers: tuple[int, ...] = (0, 1, 2)
    repeats: int = 10
    references: tuple[str, ...] = ("target",)
    distance_weight: float = 1.0
    lr: float = 1e-3
    idt_folds: int | None = None
    seed: int = 0
    device: str = "cpu"

    def __post_init__(self) -> None:
        for name in ("sources", "speaker_counts", "frozen_layers", "references"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        unknown = set(self.references) - set(REFERENCES)
        if unknown:
            raise ValueError(f"unknown references {sorted(unknown)}; known: {list(REFERENCES)}")


#: The cell function of each grid.
CELLS = {"idt": idt_cell, "oodt": oodt_cell, "finetune": finetune_cell}
#: The key columns of each grid.
GRID_KEYS = {"idt": ["speaker"], "oodt": ["source"], "finetune": ["source", "speakers", "repeat"]}


def cells(corpora: Mapping[str, Prepared], settings: Settings) -> dict[str, list[dict]]:
    """The cells of the three grids (``"idt"``, ``"oodt"``, ``"finetune"``).

    Args:
        corpora: The prepared corpora (the target's speakers give the IDT folds).
        settings: The grids' knobs.

    Returns:
        The parameters of each cell by grid, without the shared ``corpora``.
    """
    s = settings
    common = dict(target=s.target, lr=s.lr, seed=s.seed, device=s.device)
    held_out = sorted(np.unique(corpora[s.target].speaker))
    speaker_counts = usable_speaker_counts(s.speaker_counts, len(held_out))
    if s.idt_folds is not None:
        held_out = sorted(
            np.random.default_rng(s.seed).choice(held_out, s.idt_folds, replace=False)
        )
    finetune = [
        dict(
            source=src,
            speakers=int(n),
            repeat=r,
            frozen_layers=[int(f) for f in s.frozen_layers],
            references=list(s.references),
            epochs=s.source_epochs,
            finetune_epochs=s.finetune_epochs,
            distance_weight=s.distance_weight,
            **common,
        )
        for src in s.sources
        for n in speaker_counts
        for r in range(s.repeats)
    ]
    return {
        "idt": [dict(speaker=str(h), epochs=s.idt_epochs, **common) for h in held_out],
        "oodt": [dict(source=src, epochs=s.source_epochs, **common) for src in s.sources],
        "finetune": finetune,
    }


def cell(grid_name: str, **params: object) -> list[dict]:
    """One cell of the grid ``grid_name`` (a key of :data:`CELLS`).

    Args:
        grid_name: ``"idt"``, ``"oodt"`` or ``"finetune"``.
        **params: The cell's parameters and ``corpora``.

    Returns:
        The cell's rows (columns :data:`COLUMNS`).
    """
    return CELLS[grid_name](**params)  # type: ignore[operator]


def run(
    corpora: Mapping[str, Prepared], settings: Settings, *, grid: GridOptions | None = None
) -> pd.DataFrame:
    """Every cell of the three grids, as one tidy table (columns :data:`COLUMNS`).

    Args:
        corpora: From :func:`prepare`; must hold the target and every source.
        settings: The grids' knobs.
        grid: The runner's options (fingerprint, scheduler, store, progress).
    """
    opts = (grid or GridOptions()).kwargs()
    tables = [
        gridlib.run(
            CELLS[name],
            plan,
            name=f"feng_chaspari_{name}",
            keys=GRID_KEYS[name],
            shared={"corpora": corpora},
            **opts,
        )
        for name, plan in cells(corpora, settings).items()
    ]
    columns = [*COLUMNS, *LOSS_COLUMNS]  # the distance loss's record: fine-tunings only
    return pd.concat([t.reindex(columns=columns) for t in tables if len(t)], ignore_index=True)
