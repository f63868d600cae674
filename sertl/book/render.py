"""Render an executed book with jupyter-book (no execution).

A run's folder gets the project's pages and a table of contents of its own,
naming only the pages it has (:func:`write_toc`).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from . import outdir as _outdir
from .profiles import PROJECT


def _page_exists(folder: Path, name: str) -> bool:
    return any((folder / f"{name}{ext}").is_file() for ext in (".ipynb", ".md"))


def _toc_for(folder: Path, node: object) -> object:
    """The project's toc with paths relative to ``folder``, entries without a page dropped."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("file", "root") and isinstance(value, str):
                value = value.removeprefix("book/")
                if key == "file" and not _page_exists(folder, value):
                    return None
            else:
                value = _toc_for(folder, value)
                if key == "chapters" and not value:
                    return None
            out[key] = value
        return out
    if isinstance(node, list):
        kept = [_toc_for(folder, v) for v in node]
        return [v for v in kept if v is not None]
    return node


def write_toc(outdir: Path) -> list[str]:
    """Write ``outdir/_toc.yml``: the project's, for the pages ``outdir`` has.

    Returns:
        The project's pages that ``outdir`` lacks (left out of its toc).
    """
    toc = _toc_for(outdir, yaml.safe_load((PROJECT / "_toc.yml").read_text()))
    wanted = re.findall(r"file: book/(\S+)", (PROJECT / "_toc.yml").read_text())
    extra = sorted(p.stem for p in outdir.glob("[0-9]*.ipynb") if p.stem not in wanted)
    if extra:  # executed, but not in the project's toc: shown all the same
        toc.setdefault("parts", []).append(
            {"caption": "Other chapters", "chapters": [{"file": e} for e in extra]}
        )
    if not toc.get("parts"):
        toc.pop("parts", None)
    (outdir / "_toc.yml").write_text(
        "# Written by sertl.book from the project's _toc.yml, for the pages of this folder.\n"
        + yaml.safe_dump(toc, sort_keys=False, allow_unicode=True)
    )
    return [w for w in wanted if not _page_exists(outdir, w)]


class BuildFailed(RuntimeError):
    """jupyter-book failed, or warned (warnings are errors)."""


def build(
    outdir: Path | None = None,
    path_output: Path | None = None,
    quiet: bool = False,
    strict: bool = True,
) -> Path:
    """Render an executed book to HTML with jupyter-book (no execution).

    Args:
        outdir: The run's folder (default: the committed ``book/``).
        path_output: Where ``_build`` goes (default: the book's folder).
        quiet: Capture jupyter-book's output (shown only when it fails).
        strict: Fail on any Sphinx warning (bibliography warnings included); not
            for a run's folder that lacks some chapters.

    Returns:
        The HTML folder.

    Raises:
        BuildFailed: jupyter-book failed or warned.
    """
    root = _outdir.book_root(Path(outdir) if outdir is not None else _outdir.BOOK)
    if (root / _outdir.RUN_MARK).is_file():  # a run's folder: the project's current pages and toc
        _outdir.copy_pages(root)
        missing = write_toc(root)
        if missing:
            # the pages link to the chapters a partial run lacks: those warnings are expected
            print(f"sertl: not in this book (not run): {', '.join(missing)}", file=sys.stderr)
            strict = False
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(root)]
    if strict:
        command += ["--warningiserror", "--keep-going"]
    if path_output is not None:
        command += ["--path-output", str(path_output)]
    done = subprocess.run(command, cwd=root, capture_output=quiet, text=True)
    if done.returncode:
        raise BuildFailed(
            f"jupyter-book build failed:\n{(done.stdout or '')[-3000:]}{done.stderr or ''}"
        )
    return Path(path_output or root) / "_build" / "html"
