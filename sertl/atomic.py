"""Atomic file writes: a reader, or a run killed half-way, never sees a half-written file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary file beside ``path``, renamed onto it when the block succeeds.

    Write to the yielded path inside the ``with`` block; if the block raises, the
    temporary file is removed and ``path`` keeps its previous content.

    Args:
        path: The file to (re)write; its folder is created.

    Yields:
        The temporary path to write to (hidden, ending in ``.tmp``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
