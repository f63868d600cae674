"""The install cell and the repository address; what is read from an executed notebook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sertl import book

PROJECT = Path(__file__).resolve().parent.parent.parent


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


def test_a_failed_notebook_is_marked_and_its_errors_and_parameters_found(tmp_path):
    import nbformat

    cells = [
        nbformat.v4.new_code_cell("seed = 3", metadata={"tags": ["injected-parameters"]}),
        nbformat.v4.new_code_cell("1 / 0"),
    ]
    cells[1].outputs = [
        nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero")
    ]
    path = tmp_path / "01_x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    assert book.error_outputs(path) == ["ZeroDivisionError: division by zero"]
    assert book.failed_chapter(path) is None
    book.hide_injected_parameters(path)
    book.mark_failed(path, "ZeroDivisionError: division by zero", "python -m sertl.book run")
    nb = nbformat.read(path, as_version=4)
    assert "This chapter failed" in nb.cells[0].source
    assert "remove-cell" in nb.cells[1].metadata["tags"]
    assert book.failed_chapter(path) == "ZeroDivisionError: division by zero"
