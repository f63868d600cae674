import numpy as np
import pytest

from sertl.audio import SAMPLE_RATE
from sertl.features import FeatureCache, extract


class Counting:
    """A cheap extractor that counts calls through a file (works across processes)."""

    def __init__(self, log, fail_on=None):
        self.log = str(log)
        self.fail_on = fail_on
        self.name = "counting-test"

    def __call__(self, signal, rate):
        with open(self.log, "a") as handle:
            handle.write("x")
        if self.fail_on is not None and len(signal) == self.fail_on:
            raise RuntimeError("boom")
        return np.array([signal.mean(), signal.std(), len(signal) / rate], np.float32)


@pytest.fixture
def files(tmp_path, tone):
    return [tone(tmp_path / "audio" / f"{i}.wav", seconds=0.3 + 0.1 * i) for i in range(12)]


def test_second_run_comes_from_the_cache(files, tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    log = tmp_path / "calls"
    first = extract(files, Counting(log), jobs=2, progress=False, chunk=2)
    assert len(log.read_text()) == 12
    second = extract(files, Counting(log), jobs=2, progress=False)
    assert len(log.read_text()) == 12  # nothing recomputed
    assert np.array_equal(first.values, second.values) and first.files == second.files
    serial = extract(files, Counting(log), jobs=1, cache=False, progress=False)
    assert np.array_equal(serial.values, first.values)


class Batching(Counting):
    """Counting, with a batch method that logs one "b" per call."""

    def batch(self, signals):
        with open(self.log, "a") as handle:
            handle.write("b")
        if self.fail_on is not None and any(len(s) == self.fail_on for s in signals):
            raise RuntimeError("boom in a batch")
        return [np.array([s.mean(), s.std(), len(s) / SAMPLE_RATE], np.float32) for s in signals]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_batching_extractor_gets_a_chunk_per_call(files, tmp_path, monkeypatch, jobs):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    log = tmp_path / "calls"
    result = extract(files, Batching(log), jobs=jobs, progress=False, chunk=4, cache=False)
    assert log.read_text() == "bbb"  # 12 files, 3 chunks of 4, no call per file
    want = extract(files, Counting(tmp_path / "c"), jobs=1, progress=False, cache=False)
    assert np.array_equal(result.values, want.values) and result.files == want.files


def test_a_failing_batch_is_retried_file_by_file(files, tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    failing = int(0.5 * SAMPLE_RATE)  # files[2]
    log = tmp_path / "calls"
    result = extract(files[:4], Batching(log, failing), jobs=1, progress=False, chunk=4)
    assert log.read_text() == "bxxxx"
    assert result.files == [str(f) for f in files[:4] if f != files[2]]
    assert "boom" in result.report.summary() and str(files[2]) in result.report.summary()


def test_cache_key_is_the_content_not_the_path(files, tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    log = tmp_path / "calls"
    extract(files[:1], Counting(log), jobs=1, progress=False)
    copy = tmp_path / "elsewhere.wav"
    copy.write_bytes(files[0].read_bytes())
    extract([copy], Counting(log), jobs=1, progress=False)
    assert len(log.read_text()) == 1


def test_failures_are_reported_and_the_rest_goes_on(files, tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    junk = tmp_path / "audio" / "junk.wav"
    junk.write_bytes(b"junk")
    failing = int(0.5 * SAMPLE_RATE)  # the 0.5 s file makes the extractor raise
    result = extract(
        [*files, junk, tmp_path / "missing.wav"],
        Counting(tmp_path / "c", failing),
        jobs=2,
        progress=False,
        chunk=3,
    )
    assert len(result.files) == 11 and result.values.shape == (11, 3)
    reasons = {e.path.rsplit("/", 1)[1]: e.reason for e in result.report.failures}
    assert set(reasons) == {"2.wav", "junk.wav", "missing.wav"}
    assert "boom" in reasons["2.wav"]


def test_interrupted_write_leaves_no_entry(tmp_path, monkeypatch):
    store = FeatureCache("atomic-test", root=tmp_path)

    import os

    from sertl import atomic

    real_fdopen = os.fdopen  # atomic.os is the os module: keep the real one

    class Killed:
        """A file handle whose process is interrupted after 10 bytes."""

        def __init__(self, fd, mode):
            self.handle = real_fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[:10])
            self.handle.flush()
            raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fdopen", Killed)
    with pytest.raises(KeyboardInterrupt):
        store.put("ab" * 16, np.ones(3))
    monkeypatch.undo()
    assert store.get("ab" * 16) is None
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    store.put("ab" * 16, np.ones(3))
    assert np.array_equal(store.get("ab" * 16), np.ones(3))


def test_cold_and_warm_runs_return_the_same_bits_with_float16_storage(files, tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    cold = extract(files, Counting(tmp_path / "c"), jobs=1, progress=False, dtype="float16")
    warm = extract(files, Counting(tmp_path / "c"), jobs=1, progress=False, dtype="float16")
    assert len((tmp_path / "c").read_text()) == len(files)  # the second run read the cache
    assert np.array_equal(cold.values, warm.values)


# --- damaged entries, digests, stale temporaries, dead workers (issue 16, items 1-4) ---


class Shaped(Counting):
    """Counting with a declared output shape."""

    shape = (3,)


def _entry(files, tmp_path, shaped=False):
    """Extract once into a temporary cache; return the extractor, the result, file 0's entry."""
    from sertl.features import file_digest

    ex = (Shaped if shaped else Counting)(tmp_path / "calls")
    first = extract(files, ex, jobs=1, progress=False)
    store = FeatureCache(ex.name)
    return ex, first, store.path(file_digest(files[0]))


def _pickled(path):
    import pickle

    path.write_bytes(pickle.dumps(np.ones(3, np.float32)))


def _plain_npy(path):
    with open(path, "wb") as handle:
        np.save(handle, np.ones(5, np.float32))


def _valid_but(value):
    """An entry in the cache's own format holding ``value`` (a correct digest)."""

    def write(path):
        import hashlib
        import io

        buffer = io.BytesIO()
        np.save(buffer, value)
        payload = buffer.getvalue()
        path.write_bytes(b"SERTLFC2" + hashlib.blake2b(payload, digest_size=16).digest() + payload)

    return write


DAMAGES = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[:-7]),
    "empty": lambda p: p.write_bytes(b""),
    "random bytes": lambda p: p.write_bytes(np.random.default_rng(0).bytes(200)),
    "a pickle": _pickled,
    "a plain npy of another shape": _plain_npy,
    "garbled values": lambda p: p.write_bytes(p.read_bytes()[:-4] + b"\x00\x00\xc0\x7f"),
    "NaN under a valid digest": _valid_but(np.array([np.nan, 1, 2], np.float32)),
    "a valid entry of the wrong shape": _valid_but(np.ones(4, np.float32)),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_entry_is_recomputed_overwritten_and_reported_once(
    damage, files, tmp_path, monkeypatch
):
    from sertl.features.cache import CacheWarning

    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    ex, first, entry = _entry(files, tmp_path, shaped=True)
    DAMAGES[damage](entry)
    with pytest.warns(CacheWarning) as caught:
        again = extract(files, ex, jobs=1, progress=False)
    assert len(caught) == 1
    assert caught[0].filename == __file__  # the warning points at the caller of extract()
    message = str(caught[0].message)
    assert str(entry) in message and str(files[0]) in message
    assert len((tmp_path / "calls").read_text()) == len(files) + 1  # only that file again
    assert np.array_equal(again.values, first.values) and not again.report
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the overwritten entry is sound now
        extract(files, ex, jobs=1, progress=False)


def test_an_unreadable_entry_names_the_reason(files, tmp_path, monkeypatch):
    from sertl.features.cache import DamagedEntry

    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    _, _, entry = _entry(files, tmp_path)
    entry.write_bytes(b"")
    store = FeatureCache("counting-test")
    with pytest.raises(DamagedEntry, match="not a sertl cache entry"):
        store.read(entry.stem)
    assert store.get(entry.stem) is None


class Poisoned(Counting):
    """Returns NaN for the file of ``fail_on`` samples, huge values for ``huge_on``."""

    def __init__(self, log, fail_on, huge_on=None):
        super().__init__(log)
        self.nan_on, self.huge_on = fail_on, huge_on

    def __call__(self, signal, rate):
        value = super().__call__(signal, rate)
        if len(signal) == self.nan_on:
            value[1] = np.nan
        if len(signal) == self.huge_on:
            value[0] = 1e6  # finite in float32, infinite in float16
        return value


def test_non_finite_features_are_a_failure_of_that_file(files, tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    ex = Poisoned(tmp_path / "c", int(0.5 * SAMPLE_RATE), int(0.6 * SAMPLE_RATE))
    result = extract(files, ex, jobs=1, progress=False, dtype="float16")
    reasons = {e.path.rsplit("/", 1)[1]: e.reason for e in result.report.failures}
    assert set(reasons) == {"2.wav", "3.wav"}
    assert "NaN" in reasons["2.wav"] and "overflow float16" in reasons["3.wav"]
    assert np.isfinite(result.values).all() and len(result.files) == len(files) - 2


def test_put_refuses_non_finite_values(tmp_path):
    with pytest.raises(ValueError, match="non-finite"):
        FeatureCache("x", root=tmp_path).put("ab" * 16, np.array([1.0, np.inf]))


def test_stale_temporaries_of_killed_runs_are_cleaned(files, tmp_path, monkeypatch):
    import os
    import subprocess
    import sys
    import time

    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    ex, _, entry = _entry(files, tmp_path)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    folder = entry.parent
    of_dead = folder / f".{entry.name}.{dead_pid}.abc123.tmp"
    old_no_pid = folder / f".{entry.name}.xyz789.tmp"
    of_live = folder / f".{entry.name}.{os.getppid()}.live00.tmp"  # a concurrent run
    for path in (of_dead, old_no_pid, of_live):
        path.write_bytes(b"half")
    past = time.time() - 60
    os.utime(old_no_pid, (past, past))
    extract(files, ex, jobs=1, progress=False)
    assert not of_dead.exists() and not old_no_pid.exists()
    assert of_live.exists()


class DiesOn(Counting):
    """Kills its worker process on the file of ``die_on`` samples (every time, or once)."""

    def __init__(self, log, die_on, once_flag=None):
        super().__init__(log)
        self.die_on, self.once_flag = die_on, once_flag and str(once_flag)

    def __call__(self, signal, rate):
        import os

        if len(signal) == self.die_on:
            if self.once_flag is None:
                os._exit(3)
            if not os.path.exists(self.once_flag):
                open(self.once_flag, "w").close()
                os._exit(3)
        return super().__call__(signal, rate)


def test_a_dead_worker_costs_only_its_chunk(files, tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    ex = DiesOn(tmp_path / "c", int(0.5 * SAMPLE_RATE))  # files 2.wav
    result = extract(files, ex, jobs=2, progress=False, chunk=2)
    failed = sorted(e.path.rsplit("/", 1)[1] for e in result.report.failures)
    assert failed == ["2.wav", "3.wav"]  # the chunk [2, 3] of the dying worker
    assert "worker process died" in result.report.failures[0].reason
    assert "retried" in result.report.failures[0].reason
    assert len(result.files) == len(files) - 2


def test_a_worker_that_died_once_is_retried(files, tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    ex = DiesOn(tmp_path / "c", int(0.5 * SAMPLE_RATE), once_flag=tmp_path / "died")
    result = extract(files, ex, jobs=2, progress=False, chunk=2)
    assert (tmp_path / "died").exists()  # it did die
    assert not result.report and result.files == [str(f) for f in files]
    cold = extract(files, Counting(tmp_path / "d"), jobs=1, cache=False, progress=False)
    assert np.array_equal(result.values, cold.values)


class Pid(Counting):
    def __call__(self, signal, rate):
        import os

        with open(self.log, "a") as handle:
            handle.write(f"{os.getpid()}\n")
        return np.zeros(3, np.float32)


def test_a_callers_joblib_backend_is_honoured(files, tmp_path, monkeypatch):
    import os

    import joblib

    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    with joblib.parallel_config(backend="threading", n_jobs=2):
        extract(files, Pid(tmp_path / "pids"), progress=False, chunk=2)
    pids = set((tmp_path / "pids").read_text().split())
    assert pids == {str(os.getpid())}  # threads of this process, not loky workers
    extract(files, Pid(tmp_path / "pids2"), jobs=2, cache=False, progress=False, chunk=2)
    assert str(os.getpid()) not in set((tmp_path / "pids2").read_text().split())
