"""One chapter executed in a stage, published only when it ran; the real chapters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sertl import book

from .conftest import images, old_results

PROJECT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.slow
def test_chapter_runs_in_a_stage_and_publishes_results_with_its_page(tiny, monkeypatch, capfd):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # as run.sh exports it: the kernel must not inherit
    old = old_results(tiny, "01_tiny")
    page = book.execute("01_tiny", "smoke", {"seed": 3}, outdir=tiny)
    assert page == tiny / "01_tiny.ipynb"
    assert images(page) == 1, "plt.show() must draw the figure inline"
    # results and page replaced together; the previous run's stray files are gone with it
    assert sorted(p.name for p in old.iterdir()) == ["first.csv", "second.csv"]
    assert (old / "first.csv").read_text() == "seed\n3\n"
    assert not (tiny / book.STAGING).exists() and not list(tiny.glob(".*.ipynb"))
    cells = json.loads(page.read_text())["cells"]
    install = [c for c in cells if book.INSTALL_TAG in c["metadata"].get("tags", [])]
    assert len(install) == 1 and "hide-input" in install[0]["metadata"]["tags"]
    assert "YOUR-ORG" in "".join(install[0]["source"])  # the address of _config.yml
    injected = [c for c in cells if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and "remove-cell" in injected[0]["metadata"]["tags"]
    err = capfd.readouterr().err
    assert re.search(r"01_tiny: cell 1/\d+ \[0:0\d\]", err), err  # a line per cell
    assert "tiny steps" in err  # the chapter's own progress bar


@pytest.mark.slow
def test_a_failed_chapter_never_replaces_the_committed_page(tiny):
    committed = book.BOOK / "01_tiny.ipynb"
    committed.write_text("{}")
    with pytest.raises(book.ChapterFailed) as failure:
        book.execute("01_tiny", "smoke", {"fail": True}, outdir=book.BOOK)
    assert committed.read_text() == "{}"
    assert failure.value.page == book.BOOK / ".01_tiny.failed.ipynb"
    assert book.failed_chapter(failure.value.page)


def test_committed_book_has_every_chapter_executed():
    for chapter in book.chapters():
        assert (PROJECT / "book" / f"{chapter}.ipynb").is_file(), f"{chapter} is not in book/"


@pytest.mark.slow
@pytest.mark.parametrize("chapter", book.run_order(book.chapters()))
def test_chapter_executes_with_smoke_profile(chapter, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # what run.sh exports
    out = book.execute(chapter, "smoke", outdir=tmp_path)
    assert not book.error_outputs(out)
    nb = json.loads(out.read_text())
    text = json.dumps(nb["cells"])
    if "scoreboard" not in chapter:  # the scoreboard reads other chapters' results
        assert "ynthetic" in text  # smoke runs on synthetic data and says so
    assert "Provenance" in text
    assert list((tmp_path / "results").rglob("*.csv")), "results must also go to CSV"
    source = (PROJECT / "notebooks" / f"{chapter}.py").read_text()
    if "plt.show()" in source and "scoreboard" not in chapter:
        assert images(out) >= 1, f"{chapter} shows no figure"
