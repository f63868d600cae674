"""Store keys and the store: each finished cell's rows on disk, keyed by what made them."""

from __future__ import annotations

import hashlib
import inspect
import json
import pickle
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..atomic import atomic_path
from ..config import cache_dir

#: Part of every store key: bump when the stored entry's layout changes.
STORE_VERSION = "1"


def _plain(value: Any) -> Any:
    """NumPy scalars as Python ones, so that parameters hash and print the same."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def _canonical(params: Mapping[str, Any]) -> str:
    try:
        return json.dumps(params, sort_keys=True, default=_plain, allow_nan=True)
    except (TypeError, ValueError) as error:
        raise TypeError(f"grid cell {dict(params)!r}: parameters must be JSON values") from error


_CODE_DIGESTS: dict[tuple[str, str], str] = {}


def _package_digest() -> str:
    """Digest of every module of the sertl package and the versions of its numeric libraries.

    Cells call models, losses and transfer methods in other modules, so an edit
    anywhere in the package, or another numpy/scipy/scikit-learn/torch/openSMILE
    release, must give new store keys: rows from older code are never reused.
    """
    from importlib import metadata

    package = Path(__file__).resolve().parent.parent  # sertl/, not sertl/grid/
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode())
        h.update(path.read_bytes())
    for dist in ("numpy", "scipy", "scikit-learn", "torch", "opensmile", "pandas"):
        try:
            h.update(f"{dist}=={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist} absent".encode())
    return h.hexdigest()[:16]


def code_version(cell: Callable) -> str:
    """The sertl version, the cell's name and a digest of the whole package's code.

    Any edit of sertl's code (the cell's module or the models, losses and transfer
    methods it calls) or of the numeric libraries' versions gives new store keys,
    so stored rows from older code are not reused. A cell defined outside sertl (a
    notebook, a script) adds the digest of its own source.
    """
    from .. import __version__

    key = (getattr(cell, "__module__", "") or "", getattr(cell, "__qualname__", repr(cell)))
    digest = _CODE_DIGESTS.get(key)
    if digest is None:
        h = hashlib.sha256(_package_digest().encode())
        if not key[0].startswith("sertl"):
            module = sys.modules.get(key[0])
            try:
                source = (
                    inspect.getsource(module) if module is not None else inspect.getsource(cell)
                )
            except (OSError, TypeError):
                try:  # a cell defined in a notebook or a REPL: its own source
                    source = inspect.getsource(cell)
                except (OSError, TypeError):
                    code = getattr(cell, "__code__", None)
                    source = repr(code.co_code + repr(code.co_consts).encode()) if code else key[1]
            h.update(source.encode())
        digest = h.hexdigest()[:16]
        _CODE_DIGESTS[key] = digest
    return f"sertl-{__version__}+{key[0]}.{key[1]}@{digest}"


def cell_key(name: str, params: Mapping[str, Any], fingerprint: str, code: str) -> str:
    """The store key of one cell: sha256 of the grid name, parameters, fingerprint, code."""
    text = json.dumps(
        {
            "store": STORE_VERSION,
            "grid": name,
            "params": json.loads(_canonical(params)),
            "fingerprint": fingerprint,
            "code": code,
        },
        sort_keys=True,
        allow_nan=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def store_dir(name: str) -> Path:
    """The folder holding grid ``name``'s stored cells (inside ``SERTL_CACHE``)."""
    return cache_dir("grid", name)


def _load(path: Path, key: str) -> pd.DataFrame:
    with open(path, "rb") as handle:
        entry = pickle.load(handle)
    if not isinstance(entry, dict) or entry.get("key") != key:
        raise ValueError("not an entry of this cell")
    rows = entry["rows"]
    if not isinstance(rows, pd.DataFrame):
        raise ValueError("its rows are not a table")
    return rows


def _save(path: Path, key: str, params: dict, rows: pd.DataFrame, seconds: float) -> None:
    entry = {"key": key, "params": params, "rows": rows, "seconds": seconds}
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
