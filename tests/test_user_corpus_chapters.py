"""A user's folder corpus in SERTL_DATA runs through the chapters under ``smoke`` (issue 15).

The corpus is the synthetic folder corpus (German label folders, speaker codes in
the file names), placed in a data folder beside the registered corpora it is
paired with; these are the synthetic stand-ins linked in as if they were real,
so every corpus of a run is of one kind and the chapters use them with
``data=auto``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from sertl import book, corpora
from sertl.corpora import synthetic

pytestmark = pytest.mark.slow

USER = "mycorpus"


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    synthetic.folder_corpus(root / USER)
    for name in ("emodb", "savee"):
        os.symlink(synthetic.ensure(name), root / name)
    return root


@pytest.fixture
def user_data(data_folder, monkeypatch):
    monkeypatch.setenv("SERTL_DATA", str(data_folder))
    assert USER in corpora.names() and corpora.origin(USER) == "real"
    return data_folder


def _mentions(outdir: Path, chapter: str, name: str) -> list[str]:
    """The result tables of ``chapter`` that name corpus ``name``."""
    found = []
    for path in sorted((outdir / "results" / chapter).glob("*.csv")):
        if name in path.read_text(errors="replace"):
            found.append(path.name)
    return found


def _run(chapter: str, overrides: dict, outdir: Path) -> Path:
    return book.execute(chapter, "smoke", {"data": "auto", **overrides}, outdir=outdir)


def test_user_corpus_as_target_of_chapter_02(user_data, tmp_path):
    _run("02_feng_chaspari", {"target": USER, "sources": ["emodb", "savee"]}, tmp_path)
    assert _mentions(tmp_path, "02_feng_chaspari", USER)


def test_user_corpus_as_target_of_chapter_05(user_data, tmp_path):
    _run("05_andova_lustrek", {"pairs": [["emodb", USER]]}, tmp_path)
    assert _mentions(tmp_path, "05_andova_lustrek", USER)


def test_user_corpus_as_one_side_of_a_chapter_04_pair(user_data, tmp_path):
    overrides = {"corpora": ["emodb", USER], "k_curve_pair": ["emodb", USER]}
    _run("04_yue", overrides, tmp_path)
    assert _mentions(tmp_path, "04_yue", USER)


def test_user_corpus_by_name_in_chapter_07(user_data, tmp_path):
    _run("07_own_corpus", {"corpus": USER, "sources": ["emodb"]}, tmp_path)
    results = pd.read_csv(tmp_path / "results" / "07_own_corpus" / "cross_corpus.csv")
    assert set(results["train"]) == {"emodb", "within"}


def test_an_unknown_corpus_stops_a_chapter_at_once_with_the_known_names(user_data, tmp_path):
    with pytest.raises(book.ChapterFailed, match=r"unknown corpus 'mycorpsu'.*mycorpus"):
        _run("05_andova_lustrek", {"pairs": [["emodb", "mycorpsu"]]}, tmp_path)
