"""Output folders: staging, and what killed runs leave."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from sertl import book

from .conftest import old_results


@pytest.mark.slow
def test_killed_run_leaves_the_results_as_they_were(tiny):
    old = old_results(tiny, "01_tiny")
    (tiny / "01_tiny.ipynb").write_text("{}")
    script = (
        "import sys; from pathlib import Path; from sertl import book; "
        "from sertl.book import outdir, profiles; "
        f"profiles.NOTEBOOKS, profiles.PROFILES, outdir.BOOK = Path({str(book.NOTEBOOKS)!r}), "
        f"Path({str(book.PROFILES)!r}), Path({str(book.BOOK)!r}); "
        f"sys.exit(book.main(['run', '--profile', 'smoke', '-p', 'pause=20', "
        f"'--outdir', {str(tiny)!r}]))"
    )
    run = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    staged = tiny / book.STAGING / "01_tiny" / "results" / "01_tiny" / "first.csv"
    try:
        deadline = time.time() + 120
        while not staged.exists() and time.time() < deadline and run.poll() is None:
            time.sleep(0.2)
        assert staged.exists(), "the chapter never wrote its first result"
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # the runner and its kernel, as a crash would
        run.wait()
    assert sorted(p.name for p in old.iterdir()) == ["first.csv", "mmd.csv"]
    assert (old / "first.csv").read_text() == "seed\nold\n"
    assert (tiny / "01_tiny.ipynb").read_text() == "{}"
    removed = book.clean_stale(tiny)  # what the next run does first
    assert removed and not (tiny / book.STAGING).exists()
    assert not list(tiny.glob(".*.ipynb"))
    assert (old / "first.csv").read_text() == "seed\nold\n"


def test_clean_stale_puts_back_results_moved_aside_by_a_killed_run(tmp_path):
    stage = tmp_path / book.STAGING / "01_x"
    (stage / "previous-results").mkdir(parents=True)
    (stage / "previous-results" / "a.csv").write_text("old\n")
    (stage / "pid").write_text("999999999")  # no such process
    (tmp_path / ".01_x.partial.ipynb").write_text("{}")
    book.clean_stale(tmp_path)
    assert (tmp_path / "results" / "01_x" / "a.csv").read_text() == "old\n"
    assert not (tmp_path / book.STAGING).exists()
    assert not (tmp_path / ".01_x.partial.ipynb").exists()
