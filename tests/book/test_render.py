"""Rendering, and the book as readers meet it: its configuration, toc, bibliography."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from sertl import book

PROJECT = Path(__file__).resolve().parent.parent.parent


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
