"""The book runner and the book as readers meet it.

Most runner tests execute a tiny chapter of their own (a few seconds) rather than
the real ones; the real chapters run under ``smoke`` and ``ci``.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from sertl import book

PROJECT = Path(__file__).resolve().parent.parent

TINY = """\
# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown]
# # A tiny chapter

# %% tags=["parameters"]
profile = "default"
data = "auto"
seed = 0
fail = False
pause = 0.0
results_dir = "results/01_tiny"

# %%
import time
from pathlib import Path

import matplotlib.pyplot as plt
from tqdm import tqdm

Path(results_dir).mkdir(parents=True, exist_ok=True)
(Path(results_dir) / "first.csv").write_text(f"seed\\n{seed}\\n")

# %%
for _ in tqdm(range(3), desc="tiny steps"):
    time.sleep(pause)
plt.plot([0, 1], [seed, 1])
plt.show()

# %%
if fail:
    raise ValueError("asked to fail")
(Path(results_dir) / "second.csv").write_text("x\\n1\\n")
"""


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A project of one tiny chapter (01_tiny) and a profile ``smoke``; returns its outdir."""
    notebooks, profiles, pages = tmp_path / "notebooks", tmp_path / "profiles", tmp_path / "book"
    for folder in (notebooks, profiles, pages):
        folder.mkdir()
    (notebooks / "01_tiny.py").write_text(TINY)
    (profiles / "smoke.yaml").write_text("_all:\n  data: synthetic\n  seed: 0\n01_tiny: {}\n")
    (pages / "intro.md").write_text("# Intro\n")
    monkeypatch.setattr(book, "NOTEBOOKS", notebooks)
    monkeypatch.setattr(book, "PROFILES", profiles)
    monkeypatch.setattr(book, "BOOK", pages)
    monkeypatch.setattr(book, "RUNS", tmp_path / "runs")
    monkeypatch.delenv("SERTL_DATA", raising=False)
    return tmp_path / "out"


def _outputs(notebook: Path) -> list[dict]:
    nb = json.loads(notebook.read_text())
    return [out for cell in nb["cells"] for out in cell.get("outputs", [])]


def _images(notebook: Path) -> int:
    return sum("image/png" in out.get("data", {}) for out in _outputs(notebook))


def _old_results(outdir: Path, chapter: str) -> Path:
    old = outdir / "results" / chapter
    old.mkdir(parents=True)
    (old / "first.csv").write_text("seed\nold\n")
    (old / "mmd.csv").write_text("old\n")
    return old


# -- the runner, on the tiny chapter ------------------------------------------------------
@pytest.mark.slow
def test_chapter_runs_in_a_stage_and_publishes_results_with_its_page(tiny, monkeypatch, capfd):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # as run.sh exports it: the kernel must not inherit
    old = _old_results(tiny, "01_tiny")
    page = book.execute("01_tiny", "smoke", {"seed": 3}, outdir=tiny)
    assert page == tiny / "01_tiny.ipynb"
    assert _images(page) == 1, "plt.show() must draw the figure inline"
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
def test_failed_chapter_fails_the_run_in_one_line_and_shows_its_page(tiny, capfd):
    old = _old_results(tiny, "01_tiny")
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
    assert any(out["output_type"] == "error" for out in _outputs(page))
    assert _images(page) == 1  # what ran before the failure is shown
    # the results of the earlier run are untouched: nothing half-updated
    assert sorted(p.name for p in old.iterdir()) == ["first.csv", "mmd.csv"]
    assert (old / "first.csv").read_text() == "seed\nold\n"
    assert not (tiny / book.STAGING).exists() and not list(tiny.glob(".*.partial.ipynb"))


@pytest.mark.slow
def test_a_failed_chapter_never_replaces_the_committed_page(tiny):
    committed = book.BOOK / "01_tiny.ipynb"
    committed.write_text("{}")
    with pytest.raises(book.ChapterFailed) as failure:
        book.execute("01_tiny", "smoke", {"fail": True}, outdir=book.BOOK)
    assert committed.read_text() == "{}"
    assert failure.value.page == book.BOOK / ".01_tiny.failed.ipynb"
    assert book.failed_chapter(failure.value.page)


@pytest.mark.slow
def test_killed_run_leaves_the_results_as_they_were(tiny):
    old = _old_results(tiny, "01_tiny")
    (tiny / "01_tiny.ipynb").write_text("{}")
    script = (
        "import sys; from pathlib import Path; from sertl import book; "
        f"book.NOTEBOOKS, book.PROFILES, book.BOOK = Path({str(book.NOTEBOOKS)!r}), "
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


def test_progress_gives_whole_lines_in_a_log():
    stream = io.StringIO()
    progress = book.Progress("01_x", 2, stream=stream, interval=3600)
    progress.cell("x = 1\ny = 2")
    progress.write("\rbar:   0%|    | 0/9")
    progress.write("\rbar:  50%|##  | 4/9")  # thinned: within the interval
    progress.write("\rbar: 100%|####| 9/9\n")
    progress.write("done\n")
    progress.cell("plot()")
    progress.close()
    assert stream.getvalue().splitlines() == [
        "01_x: cell 1/2 [0:00] x = 1",
        "bar:   0%|    | 0/9",
        "bar: 100%|####| 9/9",
        "done",
        "01_x: cell 2/2 [0:00] plot()",
    ]


def test_progress_says_a_silent_cell_still_runs():
    stream = io.StringIO()
    progress = book.Progress("01_x", 3, stream=stream)
    progress.heartbeat(every=0.1)
    progress.cell("slow()")
    time.sleep(0.6)
    progress.close()
    assert "01_x: cell 1/3 still running [0:00]" in stream.getvalue().splitlines()


# -- parameters, chapters, profiles: one line and exit 2, before anything runs -------------
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
    monkeypatch.setattr(book, "RUNS", tmp_path / "runs")
    code = book.main(
        ["run", "--chapter", "01_data_overview", *args, "--outdir", str(tmp_path / "o")]
    )
    err = capfd.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists() and not (tmp_path / "runs").exists()


def test_wrong_types_are_refused_against_the_declared_defaults(tiny):
    book.check_parameters("01_tiny", {"seed": 1, "pause": 2, "fail": True})  # int for a float
    for params, part in [
        ({"pause": "slow"}, "pause='slow' is a string, but the chapter declares pause = 0.0"),
        ({"fail": 1}, "fail=1 is an integer, but the chapter declares fail = False"),
        ({"results_dir": ["a"]}, "is a list"),
    ]:
        with pytest.raises(book.UsageError, match=re.escape(part)):
            book.check_parameters("01_tiny", params)


def test_declared_parameters_are_the_parameters_cell():
    for chapter in book.chapters():
        declared = book.declared_parameters(chapter)
        assert set(declared) == _declared_parameters(chapter), chapter
        assert {"profile", "seed", "data"} <= set(declared), chapter


def test_every_profile_fits_every_chapter():
    for profile in book.profiles():
        for chapter in book.chapters():
            book.check_parameters(chapter, book.profile_parameters(profile, chapter))


def test_every_profile_names_only_existing_chapters():
    for profile in book.profiles():
        spec = book.profile_spec(profile)
        assert set(spec) - {"_all"} <= set(book.chapters()), profile
        for chapter in book.chapters():
            assert chapter in spec, f"{chapter} has no parameters in profile {profile}"


#: What the ``ci`` profile may change: how much is computed, never what (protocols, speakers);
#: and the method of a 2-d picture (``embedding_map``), which no result depends on.
COMPUTE_SIZE = re.compile(
    r"^(\w+_epochs|n_trees|repeats|seeds|pairs_per_epoch|mmd_samples|n_boot|embedding_map)$"
)


def test_ci_profile_is_default_with_only_compute_size_keys_smaller():
    raw = yaml.safe_load((PROJECT / "profiles" / "ci.yaml").read_text())
    assert raw["_inherit"] == "default"
    for chapter in book.chapters():
        ci = book.profile_parameters("ci", chapter)
        declared = book.declared_parameters(chapter)  # what a profile leaves to the chapter
        default = {**declared, **book.profile_parameters("default", chapter)}
        changed = {k for k in ci if k != "profile" and ci[k] != default.get(k)}
        assert all(COMPUTE_SIZE.match(k) for k in changed), (chapter, changed)
        sizes = [k for k in changed if isinstance(ci[k], int)]
        assert all(ci[k] <= default[k] for k in sizes), chapter
        lists = [k for k in changed if isinstance(ci[k], list)]  # fewer seeds: a subset
        assert all(set(ci[k]) < set(default[k]) for k in lists), chapter


def test_profiles_inherit_and_override_per_key(tmp_path, monkeypatch):
    monkeypatch.setattr(book, "PROFILES", tmp_path)
    (tmp_path / "base.yaml").write_text("_all: {seed: 0}\nch: {a: 1, b: 2}\n")
    (tmp_path / "small.yaml").write_text("_inherit: base\nch: {b: 3}\n")
    (tmp_path / "loop.yaml").write_text("_inherit: loop\n")
    assert book.profile_parameters("small", "ch") == {"seed": 0, "a": 1, "b": 3, "profile": "small"}
    with pytest.raises(book.UsageError, match="inherits itself"):
        book.profile_spec("loop")


# -- the install cell and the repository address -----------------------------------------
def test_no_chapter_names_an_install_source_of_its_own():
    for chapter in book.chapters():
        text = (PROJECT / "notebooks" / f"{chapter}.py").read_text()
        for source in ("pip install", "git+", '"install"'):
            assert source not in text, f"{chapter} names an install source ({source!r})"


def _run_install_cell(monkeypatch, url: str, commit: str) -> list:
    calls = []
    monkeypatch.setitem(sys.modules, "sertl", None)  # as on a fresh Colab: import fails
    monkeypatch.setattr(subprocess, "run", lambda args, **kw: calls.append(args))
    exec(book.install_cell_source(url, commit), {})
    return calls


def test_install_cell_refuses_a_placeholder_address(monkeypatch):
    for url in ("https://github.com/YOUR-ORG/sertl", "https://github.com/sertl/sertl", ""):
        with pytest.raises(RuntimeError, match="placeholder, so nothing is installed"):
            _run_install_cell(monkeypatch, url, "0" * 40)
    with pytest.raises(RuntimeError, match="placeholder"):  # no commit known: no pin
        _run_install_cell(monkeypatch, "https://github.com/real-org/sertl", "")


def test_install_cell_installs_the_pinned_commit_of_a_real_address(monkeypatch):
    calls = _run_install_cell(monkeypatch, "https://github.com/real-org/sertl", "ab" * 20)
    assert calls and calls[0][-1] == f"git+https://github.com/real-org/sertl@{'ab' * 20}"


def test_the_repository_address_is_a_placeholder_and_the_buttons_are_off():
    spec = yaml.safe_load((PROJECT / "_config.yml").read_text())
    url = book.repository_url()
    assert url == spec["repository"]["url"]
    if book.is_placeholder(url):
        assert not spec["launch_buttons"].get("binderhub_url")
        assert not spec["launch_buttons"].get("colab_url")
        assert not spec["html"]["use_repository_button"] and not spec["html"]["use_issues_button"]


# -- the book's configuration ------------------------------------------------------------
def test_markdown_outputs_render_as_myst_and_tags_are_honoured():
    spec = yaml.safe_load((PROJECT / "_config.yml").read_text())
    assert spec["sphinx"]["config"]["nb_render_markdown_format"] == "myst"
    assert spec["execute"]["execute_notebooks"] == "off"


def test_toc_lists_every_chapter_and_the_using_sertl_pages():
    toc = (PROJECT / "_toc.yml").read_text()
    for chapter in book.chapters():
        assert f"book/{chapter}" in toc
    order = [m for m in re.findall(r"file: book/(\S+)", toc)]
    assert order.index("07_own_corpus") > order.index("05_andova_lustrek")
    assert order.index("cluster") < order.index("06_scoreboard")


def test_committed_book_has_every_chapter_executed():
    for chapter in book.chapters():
        assert (PROJECT / "book" / f"{chapter}.ipynb").is_file(), f"{chapter} is not in book/"


def test_a_runs_toc_is_relative_and_names_only_its_pages(tmp_path):
    (tmp_path / "intro.md").write_text("# x\n")
    (tmp_path / "01_data_overview.ipynb").write_text("{}")
    missing = book.write_toc(tmp_path)
    toc = yaml.safe_load((tmp_path / "_toc.yml").read_text())
    assert toc["root"] == "intro"
    files = re.findall(r"file: (\S+)", (tmp_path / "_toc.yml").read_text())
    assert files == ["01_data_overview"]
    assert "06_scoreboard" in missing


def test_bibliography_entries_are_complete():
    text = (PROJECT / "references.bib").read_text()
    entries = dict(re.findall(r"@\w+\{(\w+),(.*?)\n\}", text, flags=re.S))
    assert "and others" not in text and "\\v{" not in text
    assert "Luštrek" in entries["andova2021transfer"]
    assert text.count("@article{gretton2012mmd") == 1 and "journal" in entries["gretton2012mmd"]
    authors = re.search(r"author\s*=\s*\{(.*?)\},", entries["yue2023emofsl"]).group(1)
    assert authors.count(" and ") == 5  # six authors, as the paper names them


def test_every_citation_has_a_bibliography_entry():
    keys = set(re.findall(r"@\w+\{(\w+),", (PROJECT / "references.bib").read_text()))
    pages = [*(PROJECT / "notebooks").glob("*.py"), *(PROJECT / "book").glob("*.md")]
    for page in pages:
        for cited in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", page.read_text()):
            for key in cited.split(","):
                assert key.strip() in keys, (
                    f"{page.name} cites {key.strip()}, not in references.bib"
                )


def test_pyproject_license_extras_and_lint_rules():
    spec = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    assert isinstance(spec["project"]["license"], str)  # SPDX, not the deprecated table
    assert any(d.startswith("threadpoolctl") for d in spec["project"]["dependencies"])
    assert any(
        d.startswith("dask[distributed]")
        for d in spec["project"]["optional-dependencies"]["cluster"]
    )
    lint = spec["tool"]["ruff"]["lint"]
    assert "RUF100" in lint["select"] or "RUF" in lint["select"]
    assert "E501" not in lint["per-file-ignores"]["notebooks/**"]
    run_sh = (PROJECT / "run.sh").read_text()
    assert "cluster" in run_sh and re.search(r"ruff format --check [^\n]*notebooks", run_sh)


# -- the real chapters ------------------------------------------------------------------
def _declared_parameters(chapter: str) -> set[str]:
    text = (PROJECT / "notebooks" / f"{chapter}.py").read_text()
    cell = text.split('# %% tags=["parameters"]', 1)[1].split("# %%", 1)[0]
    return set(re.findall(r"^([a-z_][a-z0-9_]*) = ", cell, flags=re.M))


def test_chapter_sources_are_stripped_percent_files_with_parameters():
    for chapter in book.chapters():
        text = (PROJECT / "notebooks" / f"{chapter}.py").read_text()
        assert "format_name: percent" in text
        assert '# %% tags=["parameters"]' in text
        assert "## Summary" in text and "## Exercises" in text and ":class: dropdown" in text


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
        assert _images(out) >= 1, f"{chapter} shows no figure"


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
    monkeypatch.setattr(book, "RUNS", tmp_path)
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


# -- rendering ---------------------------------------------------------------------------
def _tiny_book(folder: Path, cite: str = "gretton2012mmd") -> None:
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(PROJECT / "_config.yml", folder / "_config.yml")
    shutil.copy2(PROJECT / "references.bib", folder / "references.bib")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: page\n")
    (folder / "intro.md").write_text(
        f"# Intro\n\nSee {{cite}}`{cite}` and $x^2$.\n\n```{{bibliography}}\n```\n"
    )
    table = "| a | b |\n|---|---|\n| 1 | 2 |"
    cells = [
        nbformat.v4.new_markdown_cell("# Page\n\nMath: $a + b$."),
        nbformat.v4.new_code_cell("hidden_source_marker = 1", metadata={"tags": ["remove-input"]}),
        nbformat.v4.new_code_cell("collapsed_source_marker = 1", metadata={"tags": ["hide-input"]}),
    ]
    cells[1].outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/markdown": table, "text/plain": "<Markdown>"}
        )
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / "page.ipynb")


@pytest.mark.slow
def test_the_build_renders_markdown_tables_honours_tags_and_fails_on_warnings(tmp_path):
    _tiny_book(tmp_path / "good")
    html = book.build(tmp_path / "good", quiet=True)
    page = (html / "page.html").read_text()
    assert "<table" in page and "|---|" not in page
    assert "hidden_source_marker" not in page
    assert "collapsed_source_marker" in page and "tag_hide-input" in page
    assert "missing" not in (html / "intro.html").read_text().lower()
    _tiny_book(tmp_path / "bad", cite="nosuchkey2099")
    with pytest.raises(book.BuildFailed, match="nosuchkey2099"):
        book.build(tmp_path / "bad", quiet=True)


#: Figures each chapter page shows (its plt.show() calls, counted in the executed chapters of
#: 2026-11-23): a page that loses its figures (a kernel without the inline backend draws
#: none) fails here. A chapter that adds or drops a figure updates its count.
FIGURES = {
    "01_data_overview": 4,
    "02_feng_chaspari": 3,
    "03_lian": 5,
    "04_yue": 5,
    "05_andova_lustrek": 2,
    "06_scoreboard": 1,
    "07_own_corpus": 3,
    "08_benchmark": 1,
}


class _Page(HTMLParser):
    """Counts output figures and collects the text a reader sees (not code, not scripts)."""

    SKIP = {"script", "style", "pre", "code", "mjx-container", "textarea"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool, bool]] = []  # tag, in output, skipped
        self.figures = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        classes = dict(attrs).get("class") or ""
        output = (self.stack[-1][1] if self.stack else False) or "cell_output" in classes
        skip = (self.stack[-1][2] if self.stack else False) or tag in self.SKIP
        skip = skip or "cell_input" in classes
        if tag == "img":
            self.figures += output
            return
        if tag not in {"br", "hr", "meta", "link", "input", "source", "wbr"}:
            self.stack.append((tag, output, skip))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1][2]):
            self.text.append(data)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def check_page(dom: str, html_source: str, page: str, figures: int | None) -> None:
    """What every rendered page must satisfy, read from Chromium's DOM."""
    parsed = _Page()
    parsed.feed(dom)
    text = " ".join(parsed.text)
    assert "<main" in dom or "bd-main" in dom, f"{page}: page did not load"
    assert "Traceback" not in dom and 'class="output error' not in dom, f"{page}: error output"
    assert not re.search(r"\|\s*:?-{3,}", text), f"{page}: literal Markdown table syntax"
    if "math notranslate" in html_source or "$$" in html_source:
        assert "mjx-container" in dom, f"{page}: math did not render"
    # MathJax replaces what it renders: a dollar sign before a TeX command is raw TeX
    assert not re.search(r"\$\$|\$[^$]{0,400}?\\[A-Za-z]{2,}", text), f"{page}: raw TeX"
    assert not re.search(r"missing \w+ in \w+", text), f"{page}: bibliography warning"
    if figures is not None:
        assert parsed.figures >= figures, f"{page}: {parsed.figures} figures, expected {figures}"


@pytest.mark.slow
def test_book_renders_in_headless_chromium():
    browser = _chromium()
    if browser is None:
        pytest.skip("Debian's chromium is not installed")
    out = Path(tempfile.mkdtemp(prefix="sertl-book-"))
    html = book.build(path_output=out, quiet=True)
    shots = PROJECT / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    toc = (PROJECT / "_toc.yml").read_text()
    pages = re.findall(r"(?:root|file): (book/\S+)", toc)  # every page a reader can open
    assert {f"book/{c}" for c in book.chapters()} <= set(pages)
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
            name = Path(page).name
            if "scoreboard" in name or name == "02_feng_chaspari":
                shot = shots / f"{name}.png"
                subprocess.run(
                    [*common, "--window-size=1280,2400", f"--screenshot={shot}", path.as_uri()],
                    capture_output=True,
                    timeout=120,
                )
                assert shot.is_file()
        for src in re.findall(r'<img[^>]+src="([^"]+)"', dom):
            if src.startswith("data:") or src.startswith("http"):
                continue
            target = (path.parent / src.split("#")[0]).resolve()
            assert target.is_file(), f"{page}: broken image {src}"
        check_page(dom, path.read_text(), page, FIGURES.get(Path(page).name))
    shutil.rmtree(out, ignore_errors=True)


def test_page_checks_catch_what_readers_saw():
    good = '<main><div class="cell_output"><img src="a.png"></div><p>ok</p></main>'
    check_page(good, "", "p", 1)
    with pytest.raises(AssertionError, match="figures"):
        check_page("<main><p>no figure</p></main>", "", "p", 1)
    with pytest.raises(AssertionError, match="table syntax"):
        check_page("<main><p>| a | b |\n|---|---|</p></main>", "", "p", None)
    with pytest.raises(AssertionError, match="raw TeX"):
        check_page("<main><p>$L = L_{CE} + \\kappa_1 \\Big(d\n+ e$</p></main>", "", "p", None)
    with pytest.raises(AssertionError, match="bibliography"):
        check_page("<main><p>missing booktitle in gretton2012mmd</p></main>", "", "p", None)
    # code is not what a reader reads as text
    check_page("<main><div class='cell_input'><pre>'|---|'</pre></div></main>", "", "p", None)
