"""What the runner adds to a chapter's notebook, and what it reads back from an executed one.

The install cell (a hidden first code cell that installs sertl, pinned to the
commit of the page, on a notebook server that lacks it) goes in before the run;
after it, papermill's injected parameters are hidden, a failed chapter gets its
"This chapter failed" box, and error outputs are found.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from .profiles import PROJECT

#: Markers of a repository address that is not (yet) this project's own.
PLACEHOLDERS = ("YOUR-ORG", "your-org", "example.com", "github.com/sertl/sertl")
INSTALL_TAG = "sertl-install"


# -- the install cell --------------------------------------------------------------------
def repository_url() -> str:
    """The book's repository address: the one ``repository: url`` of ``_config.yml``."""
    spec = yaml.safe_load((PROJECT / "_config.yml").read_text()) or {}
    return str((spec.get("repository") or {}).get("url") or "")


def is_placeholder(url: str) -> bool:
    """Whether ``url`` is not a real address of this project (empty or a placeholder)."""
    return not url.startswith("https://") or any(p in url for p in PLACEHOLDERS)


def install_cell_source(url: str, commit: str, dirty: bool = False) -> str:
    """The code of the install fallback cell the runner puts in every executed chapter.

    On a notebook server without sertl (Colab, Binder) it installs sertl from
    ``url`` pinned to ``commit``; while ``url`` is a placeholder, or no commit is
    known, it refuses with a message instead of installing anything.
    """
    note = "# The page was made from uncommitted changes on top of this commit.\n" if dirty else ""
    return f"""\
# Installs sertl on a notebook server that lacks it (Colab, Binder), from this book's
# repository at the commit that produced this page. Written by sertl.book, not the chapter.
{note}SERTL_REPOSITORY = {url!r}
SERTL_COMMIT = {commit!r}
try:
    import sertl  # noqa: F401
except ImportError:
    import subprocess
    import sys

    if not SERTL_REPOSITORY.startswith("https://") or any(
        marker in SERTL_REPOSITORY for marker in {list(PLACEHOLDERS)!r}
    ) or not SERTL_COMMIT:
        raise RuntimeError(
            "sertl is not installed, and this book's repository address "
            f"({{SERTL_REPOSITORY!r}}) is a placeholder, so nothing is installed from it: "
            "install sertl from a checkout you trust (pip install -e <checkout>)"
        ) from None
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q",
         f"git+{{SERTL_REPOSITORY}}@{{SERTL_COMMIT}}"],
        check=True,
    )
"""


def install_cell() -> object:
    """The install fallback cell (hidden input) for a notebook executed now."""
    import nbformat

    from ..provenance import git_commit, head_commit

    cell = nbformat.v4.new_code_cell(
        install_cell_source(repository_url(), head_commit(), git_commit().endswith("+dirty"))
    )
    cell.metadata["tags"] = ["hide-input", INSTALL_TAG]
    return cell


def with_install_cell(nb: object) -> object:
    """``nb`` with the install cell right after its parameters cell (first, without one)."""
    cells = nb.cells
    cells[:] = [c for c in cells if INSTALL_TAG not in c.metadata.get("tags", [])]
    at = next((i + 1 for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])), 0)
    cells.insert(at, install_cell())
    return nb


# -- executed notebooks ------------------------------------------------------------------
def error_outputs(notebook: Path) -> list[str]:
    """Error outputs (tracebacks) in an executed notebook."""
    nb = json.loads(notebook.read_text())
    found = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"{out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and "Traceback" in "".join(out.get("text", "")):
                found.append("".join(out["text"])[-500:])
    return found


def mark_failed(notebook: Path, reason: str, command: str) -> None:
    """Put a "This chapter failed" box at the top of a partially executed notebook."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    text = (
        ":::{error} This chapter failed\n"
        f"`{reason}`\n\n"
        "The page shows the chapter as far as it ran; the error is shown under the cell that "
        "raised it. Its results were not kept. Re-run it with\n"
        f"`{command}`\n:::"
    )
    banner = nbformat.v4.new_markdown_cell(text)
    banner.metadata["tags"] = ["sertl-failed"]
    nb.metadata["sertl"] = {**nb.metadata.get("sertl", {}), "failed": reason}
    nb.cells.insert(0, banner)
    nbformat.write(nb, notebook)


def hide_injected_parameters(notebook: Path) -> None:
    """Tag papermill's injected-parameters cell ``remove-cell``.

    The page states the run's parameters once, in the chapter's "This run" box;
    a second cell overriding the parameters cell would contradict it without a
    word. The cell stays in the notebook (Colab, Binder re-run it).
    """
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    nbformat.write(nb, notebook)


def failed_chapter(notebook: Path) -> str | None:
    """The reason a chapter failed, if ``notebook`` is a failed page."""
    nb = json.loads(notebook.read_text())
    return nb.get("metadata", {}).get("sertl", {}).get("failed")
