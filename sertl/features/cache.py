"""Feature extraction over many files: parallel, cached on disk, atomic, reported.

Entries are keyed by the file's content (BLAKE2b) and the extractor's name, so a
renamed or moved corpus reuses its features and a changed file or configuration
does not. Each entry is written to a temporary file and renamed into place: an
interrupted run never leaves a half-written entry.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
from tqdm import tqdm

from ..atomic import atomic_write_bytes, clean_temporaries
from ..audio import SAMPLE_RATE, AudioError, FailureReport, load_audio
from ..config import cache_dir, n_jobs

#: Part of every cache key: bump when an extractor's output or the entry format changes.
#: 2: entries carry a digest of their values (``.entry`` files, see :class:`FeatureCache`).
CACHE_VERSION = "2"

#: First bytes of an entry.
_MAGIC = b"SERTLFC2"
_DIGEST_SIZE = 16


class CacheWarning(UserWarning):
    """A damaged cache entry was found (it is recomputed and overwritten)."""


class Extractor(Protocol):
    """What :func:`extract` needs of an extractor.

    An extractor may also declare ``shape``, a tuple of its output's shape with
    ``None`` for a free axis (frames); outputs and cache entries of another
    shape are then rejected. It may also have ``batch(signals)``, returning the
    outputs of a list of signals at once (see :func:`_work`).
    """

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


def shape_problem(value: np.ndarray, shape: Sequence[int | None] | None) -> str | None:
    """Why ``value`` does not have ``shape`` (``None`` axes are free), or ``None``."""
    if shape is None:
        return None
    shape = tuple(shape)
    if value.ndim != len(shape) or any(
        want is not None and got != want for got, want in zip(value.shape, shape, strict=True)
    ):
        free = tuple("any" if n is None else n for n in shape)
        return f"shape {value.shape}, expected {free}"
    return None


class DamagedEntry(Exception):
    """A cache entry that cannot be used; ``str()`` says why."""


class FeatureCache:
    """An on-disk store of one extractor's outputs, one entry per file content.

    An entry is ``SERTLFC2``, the BLAKE2b digest of the payload, and the payload
    (the array in ``.npy`` format, no pickles). A read checks all three and the
    values (finite, the expected shape): a truncated, empty, foreign or garbled
    entry is reported as damaged, never returned.

    Args:
        extractor_name: The extractor's ``name``.
        root: The cache folder (default: the sertl cache).
        dtype: Storage dtype (``float16`` halves spectrogram caches).
        started: When the run started (``time.time()``): hidden temporaries of
            killed runs older than this are removed (see
            :func:`sertl.atomic.clean_temporaries`). ``None`` cleans nothing.
    """

    def __init__(
        self,
        extractor_name: str,
        root: str | Path | None = None,
        dtype: str = "float32",
        started: float | None = None,
    ) -> None:
        key = f"{extractor_name}-v{CACHE_VERSION}-{dtype}"
        self.root = Path(root) / key if root is not None else cache_dir("features", key)
        self.root.mkdir(parents=True, exist_ok=True)
        self.dtype = dtype
        if started is not None:
            clean_temporaries(self.root, started)

    def path(self, digest: str) -> Path:
        """Where the entry of a file with this digest lives."""
        return self.root / digest[:2] / f"{digest}.entry"

    def read(self, digest: str, shape: Sequence[int | None] | None = None) -> np.ndarray | None:
        """Return the cached array, or ``None`` when absent.

        Args:
            digest: The audio file's :func:`file_digest`.
            shape: The expected shape (``None`` axes free), when known.

        Raises:
            DamagedEntry: The entry exists but cannot be used.
        """
        path = self.path(digest)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise DamagedEntry(f"cannot be read ({error.strerror})") from None
        head = len(_MAGIC) + _DIGEST_SIZE
        if len(blob) < head or not blob.startswith(_MAGIC):
            raise DamagedEntry(f"not a sertl cache entry ({len(blob)} bytes)")
        payload = blob[head:]
        if hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest() != blob[len(_MAGIC) : head]:
            raise DamagedEntry("its values do not match their stored digest (truncated or altered)")
        try:
            value = np.load(io.BytesIO(payload), allow_pickle=False)
        except Exception as error:  # a malformed payload raises several types
            raise DamagedEntry(f"malformed array ({error})") from None
        if value.dtype != np.dtype(self.dtype):
            raise DamagedEntry(f"dtype {value.dtype}, expected {self.dtype}")
        problem = shape_problem(value, shape)
        if problem:
            raise DamagedEntry(problem)
        if not np.all(np.isfinite(value)):
            raise DamagedEntry("holds NaN or infinite values")
        return value.astype(np.float32, copy=False)

    def get(self, digest: str, shape: Sequence[int | None] | None = None) -> np.ndarray | None:
        """Return the cached array, or ``None`` when absent or damaged (see :meth:`read`)."""
        try:
            return self.read(digest, shape)
        except DamagedEntry:
            return None

    def put(self, digest: str, value: np.ndarray) -> None:
        """Store an array atomically (temporary file, then rename).

        Raises:
            ValueError: The values are not all finite in the storage dtype.
        """
        value = np.asarray(value, dtype=self.dtype)
        if not np.all(np.isfinite(value)):
            raise ValueError(f"non-finite values are not cached (in {self.dtype})")
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        payload = buffer.getvalue()
        check = hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest()
        atomic_write_bytes(self.path(digest), _MAGIC + check + payload)


def _checked(
    extractor: Extractor, path: str, value: np.ndarray, shape: Sequence[int | None] | None
) -> np.ndarray:
    """The extractor's output for a file, or an :class:`AudioError` saying what is wrong."""
    value = np.asarray(value)
    if not np.all(np.isfinite(value)):
        raise AudioError(path, "the extractor returned NaN or infinite values")
    problem = shape_problem(value, shape)
    if problem:
        raise AudioError(path, f"the extractor returned {problem}")
    return value


def _work(
    extractor: Extractor, files: list[str], marker: str | None = None
) -> list[tuple[str, np.ndarray | AudioError]]:
    """Extract a chunk of files in a worker; ``marker`` exists while the chunk runs.

    An extractor with a ``batch(signals) -> list of arrays`` method gets the
    chunk's readable signals in one call; when that call fails, each file is
    extracted alone, so that the failure names its file.
    """
    if marker is not None:
        try:
            Path(marker).touch()
        except OSError:  # a remote worker without the caller's folder
            marker = None
    shape = getattr(extractor, "shape", None)
    out: dict[str, np.ndarray | AudioError] = {}
    signals: dict[str, np.ndarray] = {}
    for path in files:
        try:
            signals[path] = load_audio(path)
        except AudioError as error:
            out[path] = error
    batched = None
    if hasattr(extractor, "batch") and len(signals) > 1:
        try:
            batched = dict(zip(signals, extractor.batch(list(signals.values())), strict=True))
        except Exception:  # retried file by file below, where the failure is reported
            batched = None
    for path, signal in signals.items():
        try:
            value = batched[path] if batched is not None else extractor(signal, SAMPLE_RATE)
            out[path] = _checked(extractor, path, value, shape)
        except AudioError as error:
            out[path] = error
        except Exception as error:  # an extractor failing on odd audio is a file failure
            out[path] = AudioError(path, f"extraction failed ({error})")
    if marker is not None:
        Path(marker).unlink(missing_ok=True)
    return [(path, out[path]) for path in files]


@dataclass
class Features:
    """Features of many files; failed files are absent and listed in ``report``."""

    values: np.ndarray
    files: list[str]
    report: FailureReport

    def frame(self, names: Sequence[str] | None = None) -> pd.DataFrame:
        """Return a DataFrame indexed by file (2-d features only)."""
        return pd.DataFrame(self.values, index=pd.Index(self.files, name="file"), columns=names)


Batch = list[tuple[str, "np.ndarray | AudioError"]]


def _chunk(extractor: Extractor, key: int, files: list[str], marker: str) -> tuple[int, Batch]:
    return key, _work(extractor, files, marker)


def _caller_config() -> bool:
    """Whether the caller set a joblib backend or worker count (``parallel_config``)."""
    import joblib.parallel as jp

    config = getattr(jp._backend, "config", None)  # the active parallel_config, if any
    if not config:
        return False
    return any(
        config.get(key) is not jp.default_parallel_config[key] for key in ("backend", "n_jobs")
    )


@contextmanager
def _backend(jobs: int | None, workers: int, n_tasks: int) -> Iterator[dict]:
    """The keyword arguments of ``joblib.Parallel`` inside the block.

    A ``joblib.parallel_config`` set by the caller wins (an explicit ``jobs``
    still sets the worker count); otherwise the grids' backend
    (:func:`sertl.grid.parallel_backend`: ``SERTL_SCHEDULER``, loky by default).
    """
    if _caller_config():
        yield {} if jobs is None else {"n_jobs": workers}
        return
    try:
        from ..grid import parallel_backend
    except ImportError:  # pragma: no cover - grid absent
        import joblib

        with joblib.parallel_config(backend="loky", n_jobs=workers):
            yield {}
        return
    with parallel_backend(None if jobs is None else "loky", n_jobs=workers, n_cells=n_tasks):
        yield {}


def _death(error: BaseException) -> str:
    """A short account of a worker's death from loky's message."""
    codes = re.search(r"exit codes? of the workers? (?:are|is) \{([^}]*)\}", str(error))
    return f"exit {codes.group(1)}" if codes else type(error).__name__


def _parallel(
    extractor: Extractor,
    chunks: list[list[str]],
    accept: Callable[[Batch], None],
    options: dict,
) -> list[AudioError]:
    """Run the chunks on joblib's backend; retry the chunks of a dead worker once.

    Each chunk leaves a marker file while a worker runs it, so that after a
    worker's death the chunks then running are known. Those are retried one at
    a time, each in a fresh single-worker pool (so that a second death names its
    chunk); the other chunks go on in a fresh pool.

    Returns:
        One failure per file of each chunk whose worker died twice.
    """
    import joblib
    from joblib.externals.loky import ProcessPoolExecutor

    pending = dict(enumerate(chunks))
    suspects: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="sertl-extract-") as markers:
        marker = {k: str(Path(markers) / str(k)) for k in pending}
        while pending:
            tasks = list(pending.items())
            try:
                run = joblib.Parallel(return_as="generator_unordered", **options)
                for key, batch in run(
                    joblib.delayed(_chunk)(extractor, k, p, marker[k]) for k, p in tasks
                ):
                    accept(batch)
                    pending.pop(key)
            except BrokenProcessPool:
                running = [k for k in pending if Path(marker[k]).exists()] or list(pending)
                for k in running:
                    suspects.append(pending.pop(k))
                    Path(marker[k]).unlink(missing_ok=True)
    failures = []
    for part in suspects:
        try:
            with ProcessPoolExecutor(max_workers=1) as pool:
                batch = pool.submit(_work, extractor, part).result()
        except BrokenProcessPool as error:
            reason = (
                f"a worker process died extracting its chunk of {len(part)} files, "
                f"also when retried alone in a fresh pool ({_death(error)})"
            )
            failures += [AudioError(path, reason) for path in part]
            continue
        accept(batch)
    return failures


def _cached(
    files: list[str],
    store: FeatureCache | None,
    shape: Sequence[int | None] | None,
    report: FailureReport,
) -> tuple[dict[str, np.ndarray], dict[str, str], list[str], list[str]]:
    """Read what the cache holds of ``files``.

    Returns:
        (values found, content digest of each readable file, files still to
        extract, one line per damaged entry). A file that cannot be read for its
        digest is reported and left out.
    """
    results: dict[str, np.ndarray] = {}
    digests: dict[str, str] = {}
    todo: list[str] = []
    damaged: list[str] = []
    for path in files:
        if store is None:
            todo.append(path)
            continue
        try:
            digests[path] = file_digest(path)
        except AudioError as error:
            report.add(error)
            continue
        try:
            value = store.read(digests[path], shape)
        except DamagedEntry as error:
            damaged.append(f"  {store.path(digests[path])} (audio {path}): {error}")
            value = None
        if value is None:
            todo.append(path)
        else:
            results[path] = value
    return results, digests, todo, damaged


def _warn_damaged(name: str, damaged: list[str]) -> None:
    """One :class:`CacheWarning` listing the damaged entries, if any."""
    if not damaged:
        return
    warnings.warn(
        f"feature cache of {name}: {len(damaged)} damaged "
        f"entr{'y is' if len(damaged) == 1 else 'ies are'} recomputed and overwritten:\n"
        + "\n".join(damaged),
        CacheWarning,
        stacklevel=3,  # the caller of extract()
    )


def _keep(
    batch: Batch,
    results: dict[str, np.ndarray],
    digests: dict[str, str],
    store: FeatureCache | None,
    report: FailureReport,
) -> None:
    """Store a worker's batch in ``results`` (and the cache); report its failures."""
    for path, value in batch:
        if isinstance(value, AudioError):
            report.add(value)
            continue
        if store is not None:
            # use exactly what a warm run will read back (float16 storage rounds)
            with np.errstate(over="ignore"):  # an overflow is reported below
                stored = np.asarray(value, dtype=store.dtype)
            if not np.all(np.isfinite(stored)):
                peak = float(np.max(np.abs(value)))
                report.add(AudioError(path, f"features overflow {store.dtype} ({peak:.3g})"))
                continue
            store.put(digests[path], stored)
            value = stored
        results[path] = value.astype(np.float32, copy=False)


def _compute(
    extractor: Extractor,
    todo: list[str],
    accept: Callable[[Batch], None],
    report: FailureReport,
    jobs: int | None,
    chunk: int,
) -> None:
    """Extract ``todo`` in chunks, in worker processes when there are enough."""
    workers = min(n_jobs(jobs), max(1, len(todo) // chunk))
    if todo and (workers > 1 or (jobs is None and _caller_config())):
        chunks = [todo[i : i + chunk] for i in range(0, len(todo), chunk)]
        with _backend(jobs, workers, len(chunks)) as options:
            for error in _parallel(extractor, chunks, accept, options):
                report.add(error)
    else:
        for i in range(0, len(todo), chunk):
            accept(_work(extractor, todo[i : i + chunk]))


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

    Missing entries are computed in parallel with a progress bar, on the joblib
    backend of the caller's ``joblib.parallel_config`` or else of
    :func:`sertl.grid.parallel_backend` (loky on all cores by default). Every
    failing file is reported and skipped; the others go on: a file the
    extractor rejects or gives non-finite values for, and the chunk of a worker
    process that died twice (it is retried once in a fresh pool). A damaged
    cache entry is recomputed, overwritten, and reported in one
    :class:`CacheWarning` naming the entry and its audio file.

    Args:
        files: Audio paths.
        extractor: A picklable callable ``(signal, rate) -> array`` with a ``name``
            (and optionally a ``shape`` and a ``batch`` method, see :class:`Extractor`).
        jobs: Worker processes (default all cores; 1 computes in this process).
        cache: Read and write the on-disk cache.
        progress: Show a progress bar.
        dtype: Storage dtype of cache entries.
        chunk: Files per task sent to a worker.

    Returns:
        The features in the order of ``files``, failures left out.
    """
    started = time.time()
    files = [str(f) for f in files]
    report = FailureReport(f"features {extractor.name}", total=len(files))
    store = FeatureCache(extractor.name, dtype=dtype, started=started) if cache else None
    shape = getattr(extractor, "shape", None)
    results, digests, todo, damaged = _cached(files, store, shape, report)
    _warn_damaged(extractor.name, damaged)

    bar = tqdm(
        total=len(todo),
        desc=extractor.name,
        disable=not progress or not todo,
        unit="file",
        mininterval=2.0,
    )

    def accept(batch: Batch) -> None:
        _keep(batch, results, digests, store, report)
        bar.update(len(batch))

    _compute(extractor, todo, accept, report, jobs, chunk)
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
