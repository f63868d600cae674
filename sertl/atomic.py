"""Atomic file writes: a reader, or a run killed half-way, never sees a half-written file."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: A temporary file whose writer is alive is still removed when older than this (seconds):
#: its process ID has been reused by an unrelated process.
STALE_AFTER = 24 * 3600.0


def _create_temporary(path: Path) -> tuple[int, Path]:
    """Open a new hidden temporary beside ``path``: ``.<name>.<pid>.<random>.tmp``.

    Created with mode ``0o666``, so the kernel applies the umask as to any plainly
    created file (no chmod afterwards); the folder is created when missing.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary file beside ``path``, renamed onto it when the block succeeds.

    Write to the yielded path inside the ``with`` block; if the block raises, the
    temporary file is removed and ``path`` keeps its previous content. The file
    gets the mode of a plainly created file (``0o666`` less the umask), so that a
    group can share a cache or results folder.

    Args:
        path: The file to (re)write; its folder is created.

    Yields:
        The temporary path to write to: hidden, ``.<name>.<pid>.<random>.tmp``
        (the process ID lets :func:`clean_temporaries` tell a dead writer's).
    """
    path = Path(path)
    fd, tmp = _create_temporary(path)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (as :func:`atomic_path`, in one open).

    Args:
        path: The file to (re)write; its folder is created.
        data: Its new content.
    """
    path = Path(path)
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except (OverflowError, ValueError):
        return False
    return True


def _writer_pid(name: str) -> int | None:
    """The process ID in a temporary's name ``.<name>.<pid>.<random>.tmp``, if any."""
    parts = name[1:-4].rsplit(".", 2)
    if len(parts) == 3 and parts[1].isdigit():
        return int(parts[1])
    return None


def is_stale(path: Path, started: float, now: float | None = None) -> bool:
    """Whether a hidden ``*.tmp`` left by :func:`atomic_path` can be removed.

    Args:
        path: The temporary file.
        started: When the current run started (``time.time()``).
        now: The current time (default: now).

    Returns:
        True when its writer's process is dead, when it names no process and is
        older than ``started``, or when it is older than :data:`STALE_AFTER`.
    """
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return False
    now = time.time() if now is None else now
    if now - mtime > STALE_AFTER:
        return True
    pid = _writer_pid(path.name)
    if pid is None:
        return mtime < started
    return pid != os.getpid() and not _pid_alive(pid)


def clean_temporaries(folder: str | Path, started: float | None = None) -> list[Path]:
    """Remove stale temporaries of :func:`atomic_path` left by killed runs below ``folder``.

    A temporary of a live concurrent writer is kept.

    Args:
        folder: Searched recursively for hidden ``.*.tmp`` files.
        started: When the current run started (default: now).

    Returns:
        The removed files.
    """
    started = time.time() if started is None else started
    removed = []
    for parent, _, names in os.walk(folder):  # faster than rglob on large caches
        for name in names:
            if not (name.startswith(".") and name.endswith(".tmp")):
                continue
            path = Path(parent, name)
            if not is_stale(path, started):
                continue
            try:
                path.unlink()
            except OSError:  # a concurrent cleaner got it first
                continue
            removed.append(path)
    return removed
