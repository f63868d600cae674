"""The published values: complete against the papers' text when it is beside the project."""

import re
from pathlib import Path

import pytest

from sertl import papers

PAPERS_DIR = Path(__file__).resolve().parents[2] / "shared" / "papers"


def test_published_columns_and_filter():
    table = papers.published("feng_chaspari")
    assert list(table.columns) == papers.COLUMNS
    if len(table):
        t1 = papers.published("feng_chaspari", "Table 1")
        assert set(t1["table"]) == {"Table 1"}


def test_unknown_paper():
    with pytest.raises(KeyError, match="known"):
        papers.spec("nobody")


def _table_numbers(text: str, caption: str) -> set[float]:
    """Numbers in the tab-separated lines of the table under ``caption`` (row labels skipped)."""
    lines = text[text.index(caption) :].splitlines()[1:]
    numbers: set[float] = set()
    started = False
    for line in lines:
        if "\t" not in line:
            if started and line.strip():
                break
            continue
        started = True
        for token in line.split("\t")[1:]:  # the first cell labels the row
            token = token.strip().rstrip("%")
            if re.fullmatch(r"\d+(\.\d+)?", token):
                numbers.add(float(token))
    return numbers


# (file prefix, paper key, the captions of its results tables)
CASES = [
    ("000_", "feng_chaspari", ["**Table 1.**"]),
    ("001_", "lian", ["Table 3: Unweighted"]),
    ("003_", "andova_lustrek", ["Table 2: Results", "Table 3: Results"]),
]


@pytest.mark.skipif(
    not PAPERS_DIR.is_dir(),
    reason=f"the papers' text is not beside the project ({PAPERS_DIR}); only developers have it",
)
@pytest.mark.parametrize(("prefix", "paper", "tables"), CASES)
def test_every_table_number_is_in_papers_py(prefix, paper, tables):
    text = next(PAPERS_DIR.glob(f"{prefix}*.txt")).read_text()
    ours = set(papers.published(paper)["value"].round(2))
    for caption in tables:
        found = _table_numbers(text, caption)
        assert found, f"no table numbers found under {caption!r} in {prefix}"
        missing = sorted(v for v in found if round(v, 2) not in ours)
        assert not missing, f"{paper} {caption}: values in the paper but not in sertl: {missing}"


@pytest.mark.parametrize(
    ("paper", "table", "cells"),
    [
        ("feng_chaspari", "Table 1", 7),
        ("lian", "Table 3", 5),
        ("andova_lustrek", "Table 2", 24),  # 6 pairs x (majority, scenarios 1-3)
        ("andova_lustrek", "Table 3", 30),  # 6 pairs x (DBN, FCNN, multi-task, Norm. 1, Norm. 2)
    ],
)
def test_every_cell_is_there_once(paper, table, cells):
    rows = papers.published(paper, table)
    assert len(rows) == cells
    assert not rows.duplicated(["method", "source", "target"]).any()
