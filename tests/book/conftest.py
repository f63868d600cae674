"""The book runner's tests: a tiny chapter of their own, run in a project of its own.

Most runner tests execute this chapter (a few seconds) rather than the real ones; the
real chapters run under ``smoke`` and ``ci``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sertl.book import outdir as book_outdir
from sertl.book import profiles as book_profiles

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
    monkeypatch.setattr(book_profiles, "NOTEBOOKS", notebooks)
    monkeypatch.setattr(book_profiles, "PROFILES", profiles)
    monkeypatch.setattr(book_outdir, "BOOK", pages)
    monkeypatch.setattr(book_outdir, "RUNS", tmp_path / "runs")
    monkeypatch.delenv("SERTL_DATA", raising=False)
    return tmp_path / "out"


def outputs(notebook: Path) -> list[dict]:
    nb = json.loads(notebook.read_text())
    return [out for cell in nb["cells"] for out in cell.get("outputs", [])]


def images(notebook: Path) -> int:
    return sum("image/png" in out.get("data", {}) for out in outputs(notebook))


def old_results(outdir: Path, chapter: str) -> Path:
    old = outdir / "results" / chapter
    old.mkdir(parents=True)
    (old / "first.csv").write_text("seed\nold\n")
    (old / "mmd.csv").write_text("old\n")
    return old
