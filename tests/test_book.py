"""The book: every chapter executes under the smoke profile; the book renders in Chromium."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from sertl import book

PROJECT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.parametrize("chapter", book.chapters())
def test_chapter_executes_with_smoke_profile(chapter, tmp_path):
    out = book.execute(chapter, "smoke", outdir=tmp_path)
    assert not book.error_outputs(out)
    nb = json.loads(out.read_text())
    text = json.dumps(nb["cells"])
    if chapter != "06_scoreboard":  # the scoreboard reads other chapters' results
        assert "Synthetic stand-ins" in text  # smoke runs on synthetic data and says so
    assert "Provenance" in text
    assert list((tmp_path / "results").rglob("*.csv")), "results must also go to CSV"


def test_every_profile_names_only_existing_chapters():
    for profile in ("smoke", "default", "paper"):
        spec = yaml.safe_load((PROJECT / "profiles" / f"{profile}.yaml").read_text())
        assert set(spec) - {"_all"} <= set(book.chapters()), profile
        for chapter in book.chapters():
            assert chapter in spec, f"{chapter} has no parameters in profile {profile}"


def test_chapter_sources_are_stripped_percent_files_with_parameters():
    for chapter in book.chapters():
        text = (PROJECT / "notebooks" / f"{chapter}.py").read_text()
        assert "format_name: percent" in text
        assert '# %% tags=["parameters"]' in text
        assert "## Summary" in text and "## Exercises" in text and ":class: dropdown" in text


def test_toc_lists_every_committed_chapter():
    toc = (PROJECT / "_toc.yml").read_text()
    for chapter in book.chapters():
        assert f"book/{chapter}" in toc
        assert (PROJECT / "book" / f"{chapter}.ipynb").is_file(), (
            f"{chapter} is not executed in book/"
        )


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
def test_book_renders_in_headless_chromium():
    browser = _chromium()
    if browser is None:
        pytest.skip("Debian's chromium is not installed")
    out = Path(tempfile.mkdtemp(prefix="sertl-book-"))
    html = book.build(path_output=out, quiet=True)
    shots = PROJECT / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    pages = ["book/intro", "book/exercises"] + [f"book/{c}" for c in book.chapters()]
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
    ]
    for page in pages:
        path = html / f"{page}.html"
        assert path.is_file(), f"{page} was not rendered"
        with tempfile.TemporaryDirectory() as profile:
            common = [browser, *flags, f"--user-data-dir={profile}", "--virtual-time-budget=15000"]
            dom = subprocess.run(
                [*common, "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120
            ).stdout
            subprocess.run(
                [
                    *common,
                    "--window-size=1280,2400",
                    f"--screenshot={shots / (Path(page).name + '.png')}",
                    path.as_uri(),
                ],
                capture_output=True,
                timeout=120,
            )
        assert "<main" in dom or "bd-main" in dom, f"{page}: page did not load"
        assert "Traceback" not in dom and 'class="output error' not in dom, f"{page}: error output"
        for src in re.findall(r'<img[^>]+src="([^"]+)"', dom):
            if src.startswith("data:") or src.startswith("http"):
                continue
            target = (path.parent / src.split("#")[0]).resolve()
            assert target.is_file(), f"{page}: broken image {src}"
        if "$$" in path.read_text() or "math notranslate" in path.read_text():
            assert "mjx-container" in dom, f"{page}: math did not render"
        assert (shots / (Path(page).name + ".png")).is_file()
    shutil.rmtree(out, ignore_errors=True)


def _declared_parameters(chapter: str) -> set[str]:
    text = (PROJECT / "notebooks" / f"{chapter}.py").read_text()
    cell = text.split('# %% tags=["parameters"]', 1)[1].split("# %%", 1)[0]
    return set(re.findall(r"^([a-z_][a-z0-9_]*) = ", cell, flags=re.M))


def test_profiles_only_set_declared_parameters():
    for profile in ("smoke", "default", "paper"):
        for chapter in book.chapters():
            declared = _declared_parameters(chapter)
            given = set(book.profile_parameters(profile, chapter))
            assert given <= declared, f"{profile}/{chapter}: unknown {sorted(given - declared)}"
            assert "profile" in declared and "seed" in declared and "results_dir" in declared


def _andova_run(folder: Path, profile: str, accuracy: list[float]) -> None:
    rows = [
        f"emodb,savee,{seed},{subject},scenario 3,random forest,{acc},{acc - 5}"
        for (seed, subject), acc in zip([(0, "DC"), (0, "JE"), (1, "DC")], accuracy, strict=True)
    ]
    chapter = folder / "05_andova_lustrek"
    chapter.mkdir(parents=True)
    header = "source,target,seed,subject,scenario,method,accuracy,uar"
    (chapter / "scores.csv").write_text("\n".join([header, *rows]) + "\n")
    record = {
        "profile": profile,
        "parameters": {"n_trees": 1000, "max_subjects": None, "seeds": [0, 1]},
        "data": [{"corpus": "emodb", "origin": "real"}, {"corpus": "savee", "origin": "real"}],
        "device": "CPU",
        "commit": "abc",
        "wall_time_s": 1.0,
    }
    (chapter / "scores.json").write_text(json.dumps(record))


@pytest.mark.slow
def test_scoreboard_shows_the_default_and_the_paper_profile_runs(tmp_path):
    _andova_run(tmp_path / "results", "default", [50.0, 60.0, 70.0])
    _andova_run(tmp_path / "paper-runs", "paper", [40.0, 44.0, 48.0])
    book.execute("06_scoreboard", "smoke", outdir=tmp_path)
    board = {
        row["method"]: row
        for row in csv.DictReader(
            (tmp_path / "results" / "06_scoreboard" / "scoreboard.csv").open()
        )
        if row["paper"] == "Andova & Luštrek"
    }
    assert float(board["scenario 3"]["reproduced"]) == 60.0
    assert float(board["scenario 3"]["paper profile"]) == 44.0
    assert float(board["scenario 3"]["difference"]) == 3.0  # against the paper's 57
    assert board["scenario 2"]["paper profile"] == ""  # no such rows in either run
    text = (tmp_path / "06_scoreboard.ipynb").read_text()
    assert "05_andova_lustrek" in text and "RF 1000 trees, every subject" in text
