"""Corpus loaders: one module per corpus, a registry, and synthetic stand-ins.

Every loader returns the same standard table (see :data:`COLUMNS`).
"""

from __future__ import annotations

import difflib
import functools
import inspect
import warnings
from pathlib import Path

import pandas as pd

from .. import config, emotions
from . import (  # noqa: F401  (each module registers its corpus)
    coverage,
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
from ._base import (
    AUDIO_SUFFIXES,
    COLUMNS,
    NEEDS_SPEAKERS,
    REGISTRY,
    CorpusError,
    CorpusInfo,
    UnknownCorpusError,
    require_speakers,
)
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
    "NEEDS_SPEAKERS",
    "UnknownCorpusError",
    "check",
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
    "require_speakers",
    "resolve",
    "subsample",
    "user_corpora",
]


def _has_label_folders(path: Path) -> bool:
    """Whether ``path`` holds a folder with audio files directly inside (a label folder)."""
    try:
        for sub in path.iterdir():
            if sub.is_dir() and not sub.name.startswith("."):
                if any(
                    f.suffix.lower() in AUDIO_SUFFIXES and not f.name.startswith(".")
                    for f in sub.iterdir()
                ):
                    return True
    except OSError:
        return False
    return False


def _looks_registered(path: Path) -> bool:
    """A registered corpus under another name (``EmoDB/``): left to ``config.diagnose``."""
    if path.name.lower() in {f.lower() for f in config.CORPUS_FOLDERS.values()}:
        return True
    layouts = getattr(config, "LAYOUTS", {})
    return any(check(path) for check in layouts.values())


def _is_user_corpus(path: Path) -> bool:
    if (path / folder.LABELS_FILE).is_file() or (path / folder.CONFIG_FILE).is_file():
        return True  # declared: a user corpus whatever it looks like
    return _has_label_folders(path) and not _looks_registered(path)


def user_corpora() -> dict[str, Path]:
    """The user's own corpora: folders of ``SERTL_DATA`` that are not registered corpora.

    A subfolder counts when it holds a ``labels.csv``, a ``corpus.yaml`` or a
    folder of audio files (one per label); it is named after its folder
    (``$SERTL_DATA/mycorpus/`` is ``mycorpus``). A folder that looks like a
    registered corpus under another name (``EmoDB/``, a RAVDESS copy) is not one:
    ``config.diagnose`` explains how to name it.
    """
    root = config.data_root()
    if root is None:
        return {}
    taken = set(REGISTRY) | set(config.CORPUS_FOLDERS.values())
    out = {}
    for path in sorted(root.iterdir()):
        if path.name in taken or path.name.startswith(".") or not path.is_dir():
            continue
        if _is_user_corpus(path):
            out[path.name] = path
    return out


def names(user: bool = True) -> list[str]:
    """Return the corpus names usable everywhere (``folder`` excluded: it needs a root).

    Args:
        user: Include the user's corpora found in ``SERTL_DATA``.
    """
    registered = sorted(n for n in REGISTRY if n != "folder")
    return registered + (sorted(set(user_corpora()) - set(registered)) if user else [])


def _unknown(name: object) -> UnknownCorpusError:
    known = names()
    message = f"unknown corpus {name!r}; known: {', '.join(known)}"
    close = difflib.get_close_matches(str(name), known, n=1)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    root = config.data_root()
    if root is not None and (root / str(name)).is_dir():
        message += (
            f". {root / str(name)} exists but holds no label folders with .wav/.flac files, "
            f"no {folder.LABELS_FILE} and no {folder.CONFIG_FILE}"
        )
    elif root is None:
        message += ". Your own corpus becomes a name when its folder is in SERTL_DATA (not set)"
    else:
        message += f". Your own corpus becomes a name when its folder is in SERTL_DATA ({root})"
    return UnknownCorpusError(message)


def info(name: str) -> CorpusInfo:
    """Return what is known about corpus ``name`` (registered, or a user's corpus).

    Raises:
        UnknownCorpusError: (a ``ValueError``) ``name`` is not a known corpus; the
            message lists the known names.
    """
    if name in REGISTRY:
        return REGISTRY[name]
    path = user_corpora().get(name) if isinstance(name, str) else None
    if path is None:
        raise _unknown(name)
    options = folder.read_config(path)
    labels = options.get("labels") or {}
    return CorpusInfo(
        name=name,
        title=str(options.get("title") or name),
        prepare=functools.partial(folder.prepare_folder, corpus=name),
        labels={k: (None if v is None else emotions.canonical(str(v))) for k, v in labels.items()},
        language=str(options.get("language") or "und"),
        url=str(options.get("url") or ""),
        citation=str(options.get("citation") or ""),
        available_here=True,
        user=True,
    )


def check(names_: list[str] | tuple[str, ...] | str) -> None:
    """Fail at once when any name is not a known corpus (chapters call it on parameters).

    Raises:
        UnknownCorpusError: The first unknown name, with the list of known ones.
    """
    for name in [names_] if isinstance(names_, str) else names_:
        info(name)


def _options_for(entry: CorpusInfo, options: dict) -> None:
    """Reject options a registered corpus's loader does not take, naming them."""
    params = inspect.signature(entry.prepare).parameters
    bad = sorted(set(options) - set(params))
    if bad:
        takes = [p for p in params if p != "root"]
        raise CorpusError(
            f"{entry.name}: unknown option(s) {bad}; {entry.name} takes {takes}. "
            "Label maps, speaker patterns and languages are options of folder corpora "
            "(sertl.corpora.load('folder', root=..., labels=..., speaker=..., language=...))"
        )


def load(name: str, root: str | Path | None = None, **options: object) -> pd.DataFrame:
    """Load a real corpus, or a user's folder corpus, into the standard table.

    Args:
        name: A registered corpus name, a user corpus in ``SERTL_DATA``, or
            ``"folder"`` (any folder, given as ``root``).
        root: The corpus folder; default ``$SERTL_DATA/<name>``.
        **options: Passed to the loader: ``with_duration`` for every corpus;
            ``labels``, ``speaker``, ``language``, ``csv_file`` for folder and
            user corpora (see :func:`prepare_folder`).

    Raises:
        CorpusError: No folder is given or configured for this corpus, or an
            option the loader does not take.
        UnknownCorpusError: ``name`` is not a known corpus.
    """
    if name == "folder":
        if root is None:
            raise CorpusError(
                "folder: give the corpus folder, sertl.corpora.load('folder', root='path/to/it')"
            )
        entry = REGISTRY["folder"]
    else:
        entry = info(name)
    _options_for(entry, options)
    if root is None:
        root = config.corpus_root(name)
        if root is None:
            diagnose = getattr(config, "diagnose", lambda name: None)
            why = diagnose(name)
            raise CorpusError(
                f"{name}: no corpus folder; set SERTL_DATA to a folder holding "
                f"'{config.CORPUS_FOLDERS.get(name, name)}/' (download from {entry.url})"
                + (f"\n{why}" if why else "")
            )
    table = entry.prepare(root, **options)
    table.attrs["origin"] = "real"
    return table


def origin(name: str) -> str:
    """Return ``"real"`` when corpus ``name`` is configured (a user's corpus always is).

    Raises:
        UnknownCorpusError: ``name`` is not a known corpus.
    """
    info(name)
    return "real" if config.corpus_root(name) is not None else "synthetic"


def _diagnose(name: str) -> None:
    """Warn when ``SERTL_DATA`` looks misconfigured for ``name`` (config.diagnose)."""
    diagnose = getattr(config, "diagnose", None)
    if diagnose is None:
        return
    message = diagnose(name)
    if message:
        warnings.warn(str(message), stacklevel=3)


def get(
    name: str, data: str = "auto", with_duration: bool = True, **options: object
) -> pd.DataFrame:
    """Load a corpus, real or synthetic.

    Args:
        name: A registered corpus name, or a user corpus in ``SERTL_DATA``.
        data: ``"auto"`` (real when configured, else synthetic), ``"real"`` or
            ``"synthetic"``.
        with_duration: Read each file's duration.
        **options: Loader options of a real or user corpus (see :func:`load`).

    Returns:
        The standard table; ``table.attrs["origin"]`` says which data it holds.

    Raises:
        UnknownCorpusError: ``name`` is not a known corpus (a ``ValueError``).
        CorpusError: ``data="synthetic"`` for a user's corpus, which has no stand-in.
    """
    if data not in ("auto", "real", "synthetic"):
        raise ValueError(f"data must be 'auto', 'real' or 'synthetic', not {data!r}")
    entry = info(name)
    if entry.user and data == "synthetic":
        raise CorpusError(
            f"{name} is your own corpus ({config.corpus_root(name)}): it has no synthetic "
            "stand-in; run with data='auto' or 'real' (-p data=auto), or leave it out"
        )
    if data == "real" or (data == "auto" and origin(name) == "real"):
        return load(name, with_duration=with_duration, **options)
    if data == "auto":
        _diagnose(name)
    table = entry.prepare(synthetic.ensure(name), with_duration=with_duration)
    table.attrs["origin"] = "synthetic"
    return table


def resolve(requested: list[str], data: str = "auto") -> tuple[list[str], str, list[str]]:
    """Decide which corpora a chapter uses, and whether real or synthetic.

    With ``data="auto"``: when any requested corpus is configured, only the real
    ones are used (mixing a synthetic stand-in with real corpora would measure
    the generator); when none is, all are synthetic. A user's corpus is real.

    Returns:
        (corpora used, ``"real"`` or ``"synthetic"``, corpora left out).

    Raises:
        UnknownCorpusError: A requested name is not a known corpus (at once, before
            anything loads; the message lists the known names).
        CorpusError: ``data="synthetic"`` with a user's corpus requested.
    """
    if data not in ("auto", "real", "synthetic"):
        raise ValueError(f"data must be 'auto', 'real' or 'synthetic', not {data!r}")
    entries = {name: info(name) for name in requested}
    if data == "synthetic":
        mine = [n for n, e in entries.items() if e.user]
        if mine:
            raise CorpusError(
                f"{', '.join(mine)}: your own corpus has no synthetic stand-in, and data="
                "'synthetic' never mixes real with synthetic corpora; run with data='auto' "
                "(-p data=auto) to use it with the configured corpora"
            )
    if data == "auto":
        real = [c for c in requested if origin(c) == "real"]
        if real:
            chosen, source = real, "real"
        else:
            for name in requested:
                _diagnose(name)
            chosen, source = list(requested), "synthetic"
    else:
        chosen, source = list(requested), data
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
