"""Corpus loaders: one module per corpus, a registry, and synthetic stand-ins.

Every loader returns the same standard table (see :data:`COLUMNS`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import config
from . import (  # noqa: F401  (each module registers its corpus)
    crema_d,
    emodb,
    emovo,
    enterface05,
    folder,
    iemocap,
    msp_improv,
    ravdess,
    savee,
    synthetic,
)
from ._base import COLUMNS, REGISTRY, CorpusError, CorpusInfo
from .crema_d import prepare_crema_d
from .emodb import prepare_emodb
from .emovo import prepare_emovo
from .enterface05 import prepare_enterface05
from .folder import prepare_folder
from .iemocap import prepare_iemocap
from .msp_improv import prepare_msp_improv
from .ravdess import prepare_ravdess
from .savee import prepare_savee

__all__ = [
    "COLUMNS",
    "REGISTRY",
    "CorpusError",
    "CorpusInfo",
    "get",
    "info",
    "load",
    "names",
    "origin",
    "prepare_crema_d",
    "prepare_emodb",
    "prepare_emovo",
    "prepare_enterface05",
    "prepare_folder",
    "prepare_iemocap",
    "prepare_msp_improv",
    "prepare_ravdess",
    "prepare_savee",
    "resolve",
    "subsample",
]


def names() -> list[str]:
    """Return the registered corpus names (``folder`` excluded: it needs a root)."""
    return sorted(n for n in REGISTRY if n != "folder")


def info(name: str) -> CorpusInfo:
    """Return the registry entry of corpus ``name``."""
    if name not in REGISTRY:
        raise KeyError(f"unknown corpus {name!r}; known: {sorted(REGISTRY)}")
    return REGISTRY[name]


def load(name: str, root: str | Path | None = None, with_duration: bool = True) -> pd.DataFrame:
    """Load a real corpus into the standard table.

    Args:
        name: A registered corpus name.
        root: The corpus folder; default ``$SERTL_DATA/<name>``.
        with_duration: Read each file's duration from its header.

    Raises:
        CorpusError: No folder is given or configured for this corpus.
    """
    entry = info(name)
    if root is None:
        root = config.corpus_root(name)
        if root is None:
            raise CorpusError(
                f"{name}: no corpus folder; set SERTL_DATA to a folder holding "
                f"'{config.CORPUS_FOLDERS.get(name, name)}/' (download from {entry.url})"
            )
    table = entry.prepare(root, with_duration=with_duration)
    table.attrs["origin"] = "real"
    return table


def origin(name: str) -> str:
    """Return ``"real"`` when corpus ``name`` is configured, else ``"synthetic"``."""
    return "real" if config.corpus_root(name) is not None else "synthetic"


def get(name: str, data: str = "auto", with_duration: bool = True) -> pd.DataFrame:
    """Load a corpus, real or synthetic.

    Args:
        name: A registered corpus name.
        data: ``"auto"`` (real when configured, else synthetic), ``"real"`` or
            ``"synthetic"``.
        with_duration: Read each file's duration.

    Returns:
        The standard table; ``table.attrs["origin"]`` says which data it holds.
    """
    if data not in ("auto", "real", "synthetic"):
        raise ValueError(f"data must be 'auto', 'real' or 'synthetic', not {data!r}")
    if data == "real" or (data == "auto" and origin(name) == "real"):
        return load(name, with_duration=with_duration)
    table = info(name).prepare(synthetic.ensure(name), with_duration=with_duration)
    table.attrs["origin"] = "synthetic"
    return table


def resolve(requested: list[str], data: str = "auto") -> tuple[list[str], str, list[str]]:
    """Decide which corpora a chapter uses, and whether real or synthetic.

    With ``data="auto"``: when any requested corpus is configured, only the real
    ones are used (mixing a synthetic stand-in with real corpora would measure
    the generator); when none is, all are synthetic.

    Returns:
        (corpora used, ``"real"`` or ``"synthetic"``, corpora left out).
    """
    if data == "auto":
        real = [c for c in requested if origin(c) == "real"]
        chosen, source = (real, "real") if real else (list(requested), "synthetic")
    elif data in ("real", "synthetic"):
        chosen, source = list(requested), data
    else:
        raise ValueError(f"data must be 'auto', 'real' or 'synthetic', not {data!r}")
    return chosen, source, [c for c in requested if c not in chosen]


def subsample(table: pd.DataFrame, n: int | None, seed: int = 0) -> pd.DataFrame:
    """At most ``n`` rows, stratified by emotion, keeping the table's attrs."""
    if n is None or len(table) <= n:
        return table
    frac = n / len(table)
    parts = [
        g.sample(n=max(1, round(len(g) * frac)), random_state=seed)
        for _, g in table.groupby("emotion", dropna=False, sort=True)
    ]
    out = pd.concat(parts).sort_values("file").reset_index(drop=True)
    out.attrs = dict(table.attrs)
    return out
