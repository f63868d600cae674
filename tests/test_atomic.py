import pytest

from sertl.atomic import atomic_path


def test_the_file_appears_only_when_the_block_succeeds(tmp_path):
    target = tmp_path / "sub" / "table.csv"
    with atomic_path(target) as tmp:
        tmp.write_text("a\n1\n")
        assert not target.exists() and tmp.parent == target.parent
    assert target.read_text() == "a\n1\n"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "a\n1\n"  # the previous content stays
    assert [p.name for p in target.parent.iterdir()] == ["table.csv"]


def test_created_files_honour_the_umask(tmp_path):
    import os
    import stat

    old = os.umask(0o002)
    try:
        with atomic_path(tmp_path / "shared.csv") as tmp:
            tmp.write_text("a\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared.csv").stat().st_mode) == 0o664
    old = os.umask(0o077)
    try:
        with atomic_path(tmp_path / "private.csv") as tmp:
            tmp.write_text("a\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "private.csv").stat().st_mode) == 0o600


def test_temporaries_name_their_writer_and_only_stale_ones_are_cleaned(tmp_path):
    import os
    import subprocess
    import sys
    import time

    from sertl.atomic import clean_temporaries

    with atomic_path(tmp_path / "t.csv") as tmp:
        assert tmp.name.startswith(f".t.csv.{os.getpid()}.") and tmp.name.endswith(".tmp")
        assert clean_temporaries(tmp_path) == []  # this run's own temporary stays
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    names = {
        "dead": f".a.csv.{int(dead.stdout)}.x1.tmp",
        "live": f".a.csv.{os.getppid()}.x2.tmp",
        "old": ".a.csv.x3.tmp",
        "new": ".a.csv.x4.tmp",
        "ancient": f".a.csv.{os.getppid()}.x5.tmp",
    }
    for name in names.values():
        (tmp_path / "sub").mkdir(exist_ok=True)
        (tmp_path / "sub" / name).write_text("half")
    now = time.time()
    os.utime(tmp_path / "sub" / names["old"], (now - 60, now - 60))
    os.utime(tmp_path / "sub" / names["ancient"], (now - 2 * 86400, now - 2 * 86400))
    removed = {p.name for p in clean_temporaries(tmp_path, started=now - 1)}
    assert removed == {names["dead"], names["old"], names["ancient"]}


def test_atomic_write_bytes_writes_whole_files_with_the_umask(tmp_path, monkeypatch):
    import os
    import stat

    from sertl import atomic

    target = tmp_path / "a" / "b" / "entry.npy"
    old = os.umask(0o027)
    try:
        atomic.atomic_write_bytes(target, b"first")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"first"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    atomic.atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"

    def killed(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", killed)
    with pytest.raises(OSError, match="disk full"):
        atomic.atomic_write_bytes(target, b"third")
    assert target.read_bytes() == b"second"  # the previous content stays
    assert sorted(p.name for p in target.parent.iterdir()) == ["entry.npy"]  # no temporary
