"""Output folders: a run's book folder, the staging folder a chapter runs in, stale leftovers.

A chapter's kernel runs in ``<outdir>/.staging/<chapter>/`` (its ``pid`` file
says which run owns it); its results and executed notebook replace the old ones
together (:func:`publish`) only when the chapter succeeded, and the next run puts
back what a killed one moved aside (:func:`clean_stale`).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .profiles import PROJECT

BOOK = PROJECT / "book"
#: Where ``run`` puts a book when no ``--outdir`` is given: ``<RUNS>/<profile>-<data>/``.
RUNS = PROJECT / "_build" / "run"
#: Where a chapter's kernel runs and writes, inside the output folder.
STAGING = ".staging"
#: Marks a folder made by ``run`` (its pages and toc are refreshed before rendering).
RUN_MARK = ".sertl-run"


def is_book(outdir: Path) -> bool:
    """Whether ``outdir`` is the committed book (``book/``)."""
    return outdir.resolve() == BOOK.resolve()


def book_root(outdir: Path) -> Path:
    """The folder holding ``_config.yml`` and ``_toc.yml`` of the book in ``outdir``."""
    return PROJECT if is_book(outdir) else outdir


def copy_pages(outdir: Path) -> None:
    """Copy the project's ``_config.yml``, ``references.bib`` and pages (``book/*.md``)."""
    for name in ("_config.yml", "references.bib"):
        shutil.copy2(PROJECT / name, outdir / name)
    for page in BOOK.glob("*.md"):
        shutil.copy2(page, outdir / page.name)


def prepare_outdir(outdir: Path, fresh: bool, data: str) -> None:
    """Make ``outdir`` a renderable book folder (the committed ``book/`` is left as it is).

    It gets copies of the project's pages (``book/*.md``), ``_config.yml`` and
    ``references.bib`` (:func:`build` writes its ``_toc.yml``), and the committed
    runs of the ``paper`` profile when ``data`` is real.

    Args:
        outdir: The output folder.
        fresh: Remove an earlier run's pages, results and rendering first (a book
            is made from one run).
        data: ``"real"`` or ``"synthetic"``.
    """
    if is_book(outdir):
        return
    outdir.mkdir(parents=True, exist_ok=True)
    if fresh:
        for old in outdir.glob("*.ipynb"):
            old.unlink()
        for name in ("results", "paper-runs", "_build", STAGING):
            shutil.rmtree(outdir / name, ignore_errors=True)
    copy_pages(outdir)
    (outdir / RUN_MARK).write_text("a book executed by sertl.book run\n")
    runs = BOOK / "paper-runs"
    # runs of the paper profile used the real corpora: never beside a synthetic book
    if data == "real" and runs.is_dir() and not (outdir / "paper-runs").exists():
        shutil.copytree(runs, outdir / "paper-runs")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True


def clean_stale(outdir: Path) -> list[Path]:
    """Remove what killed runs left in ``outdir``; return what was removed.

    Partial notebooks (``.<chapter>.partial.ipynb``) and staging folders whose
    run is no longer alive go; results a killed run had moved aside are put back.
    """
    removed = []
    for partial in outdir.glob(".*.partial.ipynb"):
        partial.unlink(missing_ok=True)
        removed.append(partial)
    staging = outdir / STAGING
    for stage in staging.glob("*") if staging.is_dir() else []:
        try:
            pid = int((stage / "pid").read_text())
        except (OSError, ValueError):
            pid = 0
        if pid and pid != os.getpid() and _pid_alive(pid):
            continue
        old, final = stage / "previous-results", outdir / "results" / stage.name
        if old.is_dir() and not final.exists():
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(old, final)
        shutil.rmtree(stage, ignore_errors=True)
        removed.append(stage)
    if staging.is_dir() and not any(staging.iterdir()):
        staging.rmdir()
    return removed


def make_stage(outdir: Path, chapter: str) -> Path:
    """A fresh staging folder in which the chapter's kernel runs.

    The kernel sees the other chapters' results and the paper runs (through
    links) and writes its own results into the stage, never into ``outdir``.
    """
    stage = outdir / STAGING / chapter
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "results").mkdir(parents=True)
    (stage / "pid").write_text(str(os.getpid()))
    for other in sorted((outdir / "results").glob("*")):
        if other.name != chapter:
            (stage / "results" / other.name).symlink_to(other.resolve())
    if (outdir / "paper-runs").is_dir():
        (stage / "paper-runs").symlink_to((outdir / "paper-runs").resolve())
    return stage


def publish(stage: Path, outdir: Path, chapter: str, notebook: Path, target: Path) -> None:
    """Move a succeeded chapter's results and notebook into place together."""
    new = stage / "results" / chapter
    final = outdir / "results" / chapter
    final.parent.mkdir(parents=True, exist_ok=True)
    old = stage / "previous-results"
    if final.exists():
        os.replace(final, old)  # clean_stale puts it back if a kill comes in between
    if new.is_dir():
        os.replace(new, final)
    os.replace(notebook, target)


def run_origins(outdir: Path) -> dict[str, set[str]]:
    """The data origins each chapter's results in ``outdir`` name in their provenance."""
    found: dict[str, set[str]] = {}
    for record in sorted((outdir / "results").glob("*/*.json")):
        try:
            data = json.loads(record.read_text()).get("data") or []
        except (OSError, ValueError, AttributeError):
            continue
        origins = {d.get("origin") for d in data if isinstance(d, dict) and d.get("origin")}
        found.setdefault(record.parent.name, set()).update(origins)
    return found
