"""Where the corpora and the caches live.

A user points the project at a folder holding one subfolder per corpus with the
environment variable ``SERTL_DATA`` (the layout of ``../shared/corpora``). Caches
(features, synthetic corpora, checkpoints) go to ``SERTL_CACHE``, by default
``~/.cache/sertl``.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

#: Folder names below ``SERTL_DATA``, one per corpus.
CORPUS_FOLDERS: dict[str, str] = {
    "ravdess": "ravdess",
    "crema_d": "crema_d",
    "enterface05": "enterface05",
    "iemocap": "iemocap",
    "msp_improv": "msp_improv",
    "emodb": "emodb",
    "emovo": "emovo",
    "savee": "savee",
}


def data_root() -> Path | None:
    """Return the configured data folder, or ``None`` when none is configured.

    Returns:
        The folder named by ``SERTL_DATA`` when it is set and exists.
    """
    value = os.environ.get("SERTL_DATA", "").strip()
    if not value:
        return None
    path = Path(value).expanduser().resolve()
    if not path.is_dir():
        # a mistyped or relative path must not silently turn a real run synthetic
        warnings.warn(
            f"SERTL_DATA={value!r} is not a folder (resolved to {path}); "
            "the corpora fall back to the synthetic stand-ins",
            stacklevel=2,
        )
        return None
    return path


def pin_data_root() -> None:
    """Make a relative ``SERTL_DATA`` absolute, for processes started in other folders.

    The book runner starts each chapter's kernel in the output folder; a
    relative ``SERTL_DATA`` would then point somewhere else.
    """
    value = os.environ.get("SERTL_DATA", "").strip()
    if value:
        os.environ["SERTL_DATA"] = str(Path(value).expanduser().resolve())


def corpus_root(name: str) -> Path | None:
    """Return the folder of corpus ``name`` below the data folder, if present.

    Args:
        name: A registered corpus name, for example ``"ravdess"``.

    Returns:
        The corpus folder, or ``None`` when no data folder is configured or the
        corpus is not in it.
    """
    root = data_root()
    if root is None:
        return None
    path = root / CORPUS_FOLDERS.get(name, name)
    return path if path.is_dir() else None


def cache_dir(*parts: str) -> Path:
    """Return (and create) a folder inside the sertl cache.

    Args:
        *parts: Sub-folders inside the cache root.

    Returns:
        The created folder.
    """
    base = os.environ.get("SERTL_CACHE", "").strip()
    root = Path(base).expanduser() if base else Path.home() / ".cache" / "sertl"
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def n_jobs(requested: int | None = None) -> int:
    """Return the number of worker processes to use.

    Args:
        requested: An explicit count; ``None`` or ``<= 0`` means all cores.

    Returns:
        At least one.
    """
    if requested is not None and requested > 0:
        return requested
    env = os.environ.get("SERTL_JOBS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)
