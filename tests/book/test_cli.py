"""The command line: one line and exit 2 for a mistake, one line at the end of a run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sertl import book
from sertl.book import outdir as book_outdir

from .conftest import images, old_results, outputs

PROJECT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.slow
def test_failed_chapter_fails_the_run_in_one_line_and_shows_its_page(tiny, capfd):
    old = old_results(tiny, "01_tiny")
    code = book.main(["run", "--profile", "smoke", "-p", "fail=true", "--outdir", str(tiny)])
    assert code == 1
    last = capfd.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("sertl: 1 of 1 chapter failed: 01_tiny (ValueError: asked to fail)")
    assert "the book, with the failures on their pages" in last  # rendered all the same
    html = (tiny / "_build" / "html" / "01_tiny.html").read_text()
    assert "This chapter failed" in html and "asked to fail" in html
    page = tiny / "01_tiny.ipynb"
    assert book.failed_chapter(page) == "ValueError: asked to fail"
    assert "This chapter failed" in page.read_text()
    assert any(out["output_type"] == "error" for out in outputs(page))
    assert images(page) == 1  # what ran before the failure is shown
    # the results of the earlier run are untouched: nothing half-updated
    assert sorted(p.name for p in old.iterdir()) == ["first.csv", "mmd.csv"]
    assert (old / "first.csv").read_text() == "seed\nold\n"
    assert not (tiny / book.STAGING).exists() and not list(tiny.glob(".*.partial.ipynb"))


@pytest.mark.slow
def test_the_main_command_writes_a_run_folder_not_the_committed_book(tiny):
    committed = sorted(p.name for p in book.BOOK.iterdir())
    assert book.main(["run", "--profile", "smoke", "--no-build"]) == 0
    outdir = book.RUNS / "smoke-synthetic"
    assert (outdir / "01_tiny.ipynb").is_file()
    assert (outdir / "results" / "01_tiny" / "second.csv").is_file()
    for name in ("_config.yml", "references.bib", "intro.md"):
        assert (outdir / name).is_file(), name
    assert sorted(p.name for p in book.BOOK.iterdir()) == committed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--chapter", "99_nope"], "unknown chapter '99_nope'; known: 01_data_overview"),
        (["--profile", "nope"], "unknown profile 'nope'; known: "),
        (["-p", "seed"], "-p seed: give a value"),
        (["-p", "seed="], "-p seed=: give a value"),
        (["-p", "seed=notanumber"], "seed='notanumber' is not an integer"),
        (["-p", "seed=null"], "seed=None is not an integer"),
        (["-p", "mmd_sampels=10"], "has no parameter mmd_sampels; it declares: "),
        (["-p", "data=both"], "data='both'; choose one of auto, real, synthetic"),
    ],
)
def test_bad_command_lines_are_refused_in_one_line(args, message, tmp_path, monkeypatch, capfd):
    monkeypatch.setattr(book_outdir, "RUNS", tmp_path / "runs")
    code = book.main(
        ["run", "--chapter", "01_data_overview", *args, "--outdir", str(tmp_path / "o")]
    )
    err = capfd.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists() and not (tmp_path / "runs").exists()


@pytest.mark.slow
@pytest.mark.timeout(1500)  # CI's whole budget is 30 minutes
def test_the_main_command_runs_every_chapter_on_the_synthetic_corpora(tmp_path, monkeypatch, capfd):
    """What ``./run.sh book`` does without corpora, at CI size.

    The ``ci`` profile is ``default`` with only epochs, trees and repeats made
    small: every speaker count, fold, pair and protocol is the default's, so a
    default that the synthetic stand-ins cannot serve fails here.
    """
    monkeypatch.delenv("SERTL_DATA", raising=False)  # and run.sh's ../shared is not used
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setattr(book_outdir, "RUNS", tmp_path)
    before = _git_status("book", "_toc.yml", "_config.yml")
    code = book.main(["run", "--profile", "ci", "--no-build", "--quiet"])
    outdir = tmp_path / "ci-synthetic"
    failed = {p.stem: book.failed_chapter(p) for p in outdir.glob("*.ipynb")}
    assert code == 0, capfd.readouterr().err[-3000:]
    assert set(failed) == set(book.chapters())
    origins = book.run_origins(outdir)  # the scoreboard loads no corpus: an empty set
    assert origins and all(o <= {"synthetic"} for o in origins.values())
    assert set().union(*origins.values()) == {"synthetic"}
    assert _git_status("book", "_toc.yml", "_config.yml") == before


def _git_status(*paths: str) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--", *paths],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    ).stdout
