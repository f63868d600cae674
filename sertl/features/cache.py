"""Feature extraction over many files: parallel, cached on disk, atomic, reported.

Entries are keyed by the file's content (BLAKE2b) and the extractor's name, so a
renamed or moved corpus reuses its features and a changed file or configuration
does not. Each entry is written to a temporary file and renamed into place: an
interrupted run never leaves a half-written entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
from tqdm import tqdm

from ..atomic import atomic_path
from ..audio import SAMPLE_RATE, AudioError, FailureReport, load_audio
from ..config import cache_dir, n_jobs

#: Part of every cache key: bump when an extractor's output changes.
CACHE_VERSION = "1"


class Extractor(Protocol):
    """What :func:`extract` needs of an extractor."""

    name: str

    def __call__(self, signal: np.ndarray, sample_rate: int) -> np.ndarray:
        """Return the features of one 16 kHz mono signal."""
        ...


def file_digest(path: str | Path) -> str:
    """BLAKE2b digest of a file's bytes (the content part of the cache key).

    Raises:
        AudioError: The file cannot be read.
    """
    digest = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise AudioError(path, f"cannot be opened ({error.strerror})") from None
    return digest.hexdigest()


class FeatureCache:
    """An on-disk store of one extractor's outputs, one ``.npy`` per file content.

    Args:
        extractor_name: The extractor's ``name``.
        root: The cache folder (default: the sertl cache).
        dtype: Storage dtype (``float16`` halves spectrogram caches).
    """

    def __init__(
        self, extractor_name: str, root: str | Path | None = None, dtype: str = "float32"
    ) -> None:
        key = f"{extractor_name}-v{CACHE_VERSION}-{dtype}"
        self.root = Path(root) / key if root is not None else cache_dir("features", key)
        self.root.mkdir(parents=True, exist_ok=True)
        self.dtype = dtype

    def path(self, digest: str) -> Path:
        """Where the entry of a file with this digest lives."""
        return self.root / digest[:2] / f"{digest}.npy"

    def get(self, digest: str) -> np.ndarray | None:
        """Return the cached array, or ``None`` when absent."""
        path = self.path(digest)
        if not path.is_file():
            return None
        return np.load(path).astype(np.float32, copy=False)

    def put(self, digest: str, value: np.ndarray) -> None:
        """Store an array atomically (temporary file, then rename)."""
        with atomic_path(self.path(digest)) as tmp, tmp.open("wb") as handle:
            np.save(handle, np.asarray(value, dtype=self.dtype))


def _work(extractor: Extractor, files: list[str]) -> list[tuple[str, np.ndarray | AudioError]]:
    out: list[tuple[str, np.ndarray | AudioError]] = []
    for path in files:
        try:
            value = extractor(load_audio(path), SAMPLE_RATE)
            if not np.all(np.isfinite(value)):
                raise AudioError(path, "the extractor returned NaN or infinite values")
            out.append((path, value))
        except AudioError as error:
            out.append((path, error))
        except Exception as error:  # an extractor failing on odd audio is a file failure
            out.append((path, AudioError(path, f"extraction failed ({error})")))
    return out


@dataclass
class Features:
    """Features of many files; failed files are absent and listed in ``report``."""

    values: np.ndarray
    files: list[str]
    report: FailureReport

    def frame(self, names: Sequence[str] | None = None) -> pd.DataFrame:
        """Return a DataFrame indexed by file (2-d features only)."""
        return pd.DataFrame(self.values, index=pd.Index(self.files, name="file"), columns=names)


def extract(
    files: Sequence[str | Path],
    extractor: Extractor,
    jobs: int | None = None,
    cache: bool = True,
    progress: bool = True,
    dtype: str = "float32",
    chunk: int = 8,
) -> Features:
    """Extract features of ``files``, from the cache where possible.

    Missing entries are computed in ``jobs`` worker processes with a progress
    bar. Every failing file is reported and skipped; the others go on.

    Args:
        files: Audio paths.
        extractor: A picklable callable ``(signal, rate) -> array`` with a ``name``.
        jobs: Worker processes (default all cores; 1 computes in this process).
        cache: Read and write the on-disk cache.
        progress: Show a progress bar.
        dtype: Storage dtype of cache entries.
        chunk: Files per task sent to a worker.

    Returns:
        The features in the order of ``files``, failures left out.
    """
    files = [str(f) for f in files]
    report = FailureReport(f"features {extractor.name}", total=len(files))
    store = FeatureCache(extractor.name, dtype=dtype) if cache else None
    results: dict[str, np.ndarray] = {}
    digests: dict[str, str] = {}
    todo: list[str] = []
    for path in files:
        if store is None:
            todo.append(path)
            continue
        try:
            digests[path] = file_digest(path)
        except AudioError as error:
            report.add(error)
            continue
        value = store.get(digests[path])
        if value is None:
            todo.append(path)
        else:
            results[path] = value

    def accept(batch: list[tuple[str, np.ndarray | AudioError]]) -> None:
        for path, value in batch:
            if isinstance(value, AudioError):
                report.add(value)
                continue
            if store is not None:
                store.put(digests[path], value)
                # use exactly what a warm run will read back (float16 storage rounds)
                value = np.asarray(value, dtype=store.dtype)
            results[path] = value.astype(np.float32, copy=False)

    workers = min(n_jobs(jobs), max(1, len(todo) // chunk))
    bar = tqdm(
        total=len(todo),
        desc=extractor.name,
        disable=not progress or not todo,
        unit="file",
        mininterval=2.0,
    )
    if workers <= 1:
        for path in todo:
            accept(_work(extractor, [path]))
            bar.update(1)
    else:
        chunks = [todo[i : i + chunk] for i in range(0, len(todo), chunk)]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_work, extractor, part) for part in chunks]
            for future in as_completed(futures):
                batch = future.result()
                accept(batch)
                bar.update(len(batch))
    bar.close()
    report.show()
    kept = [f for f in files if f in results]
    values = np.stack([results[f] for f in kept]) if kept else np.empty((0,), dtype=np.float32)
    return Features(values=values, files=kept, report=report)


def extract_table(
    table: pd.DataFrame, extractor: Extractor, **kwargs
) -> tuple[pd.DataFrame, np.ndarray]:
    """Extract features for a corpus table; return the rows that succeeded and X.

    Args:
        table: A standard corpus table.
        extractor: See :func:`extract`.
        **kwargs: Passed to :func:`extract`.

    Returns:
        The table restricted to files with features (in the same order) and the
        feature array aligned with it; ``table.attrs["failures"]`` holds the report.
    """
    features = extract(table["file"].tolist(), extractor, **kwargs)
    ok = table[table["file"].isin(set(features.files))].reset_index(drop=True)
    index = {f: i for i, f in enumerate(features.files)}
    values = features.values[[index[f] for f in ok["file"]]] if len(ok) else features.values
    ok.attrs = dict(table.attrs)
    ok.attrs["feature_failures"] = features.report
    return ok, values
