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

    def broken_save(handle, value):
        handle.write(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "save", broken_save)
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
