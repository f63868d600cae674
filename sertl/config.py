"""Where the corpora and the caches live.

A user points the project at a folder holding one subfolder per corpus with the
environment variable ``SERTL_DATA`` (the layout of ``../shared/corpora``). Caches
(features, synthetic corpora, checkpoints) go to ``SERTL_CACHE``, by default
``~/.cache/sertl``.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable
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


def _dirs(path: Path, *names: str) -> bool:
    return all((path / n).is_dir() for n in names)


def _emodb(path: Path) -> bool:
    name = re.compile(r"^\d\d[a-z]\d\d[A-Z][a-z]\.(wav|flac)$")
    for folder in (path, path / "wav"):
        try:
            if any(name.match(f.name) for f in folder.iterdir()):
                return True
        except OSError:
            continue
    return False


def _globs(*patterns: str) -> Callable[[Path], bool]:
    return lambda path: any(next(path.glob(p), None) is not None for p in patterns)


#: What a corpus folder holds (its top level), to recognise one under another name.
LAYOUTS: dict[str, Callable[[Path], bool]] = {
    "ravdess": _globs("Actor_[0-9][0-9]"),
    "crema_d": _globs("AudioWAV", "VideoDemographics.csv"),
    "enterface05": _globs("subject 1", "subject1"),
    "iemocap": _globs("Session1"),
    "msp_improv": _globs("Evaluation.txt", "Evalution.txt"),
    "emodb": _emodb,
    "emovo": lambda path: _dirs(path, "f1", "m1"),
    "savee": lambda path: _dirs(path, "DC", "JE", "JK", "KL"),
}


def _never(path: Path) -> bool:
    return False


def _subfolders(path: Path) -> list[Path]:
    try:
        return sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []


def diagnose(name: str) -> str | None:
    """Why corpus ``name`` is not found below ``SERTL_DATA``, with the fix when it is visible.

    Called when a corpus falls back to its synthetic stand-in although a data
    folder is configured: a corpus folder in another case (``EmoDB/``),
    ``SERTL_DATA`` pointing at a corpus folder itself, or at a folder one level
    above the corpora, would otherwise silently turn a real run synthetic.

    Args:
        name: A registered corpus name.

    Returns:
        A message naming the folder looked in and the folder names expected, with
        the suggested setting; ``None`` when no data folder is configured or the
        corpus is there.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # data_root's own warning is given elsewhere
        root = data_root()
    if root is None:
        return None
    expected = CORPUS_FOLDERS.get(name, name)
    if (root / expected).is_dir():
        return None
    known = sorted(set(CORPUS_FOLDERS.values()))
    lines = [
        f"corpus {name!r}: SERTL_DATA={root} holds no folder {expected!r} (looked for "
        f"{root / expected}); SERTL_DATA must hold one folder per corpus, named "
        f"{', '.join(known)}, so {name} falls back to its synthetic stand-in."
    ]
    children = _subfolders(root)
    layout = LAYOUTS.get(name, _never)
    for child in children:
        if child.name.lower() == expected.lower():
            lines.append(
                f"{child} differs only in case: rename it to {root / expected} "
                "(folder names are case-sensitive)."
            )
        elif layout(child):
            lines.append(f"{child} looks like {name}: rename it to {root / expected}.")
    if root.name.lower() == expected.lower() or layout(root):
        lines.append(
            f"SERTL_DATA points at the {name} folder itself: set SERTL_DATA={root.parent}"
            + (f" (and name the folder {expected!r})." if root.name != expected else ".")
        )
    else:
        other = next(
            (
                corpus
                for corpus, folder in CORPUS_FOLDERS.items()
                if root.name.lower() == folder.lower() or LAYOUTS.get(corpus, _never)(root)
            ),
            None,
        )
        if other is not None:
            lines.append(
                f"SERTL_DATA points at the {other} folder itself: set SERTL_DATA={root.parent}."
            )
    for child in children:
        inner = [p for p in _subfolders(child) if p.name.lower() == expected.lower()]
        if inner:
            lines.append(
                f"The corpora seem to be one level deeper ({inner[0]}): set SERTL_DATA={child}."
            )
    return "\n".join(lines)


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
