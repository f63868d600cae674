"""Execute the chapters with papermill under a parameter profile, then render the book.

python -m sertl.book run                        # every chapter (profile default) into its own
                                                # folder _build/run/default-<data>/, rendered
python -m sertl.book run --profile smoke --chapter 01_data_overview -p seed=3
python -m sertl.book run --outdir book          # update the committed book/ (only when asked)
python -m sertl.book build [--outdir DIR]       # render an executed book, no execution
python -m sertl.book list                       # the chapters and the profiles

A book is made from one run: one profile, one kind of data (real or synthetic).
A chapter's results and its executed notebook are written to a staging folder
and moved into place together only when the chapter succeeded; a failed
chapter keeps its partial notebook as its page, marked failed, and fails the
run with a one-line summary after the book is rendered.
"""

# The runner's modules, each one concern:
#   profiles   chapters, parameter profiles, the checking of a run's parameters
#   notebook   the install cell; reading and marking executed notebooks
#   progress   the line per cell, the relay of the cells' output, the papermill engine
#   outdir     output folders, staging folders, what killed runs left
#   execution  one chapter: stage, run, publish (or keep the failed page)
#   render     jupyter-book, a run's table of contents
#   cli        argument parsing and ``main``
# The names below load their module on first use: a chapter's kernel that reads a
# profile (``sertl.chapter.profile_values``) imports ``profiles`` and nothing else.

import importlib

_NAMES = {
    "DATA_KINDS": "profiles",
    "NOTEBOOKS": "profiles",
    "PROFILES": "profiles",
    "PROJECT": "profiles",
    "SEED_NAMES": "profiles",
    "UsageError": "profiles",
    "chapters": "profiles",
    "check_chapter": "profiles",
    "check_parameters": "profiles",
    "data_kind": "profiles",
    "declared_parameters": "profiles",
    "parse_overrides": "profiles",
    "profile_names": "profiles",
    "profile_parameters": "profiles",
    "profile_spec": "profiles",
    "run_order": "profiles",
    "INSTALL_TAG": "notebook",
    "PLACEHOLDERS": "notebook",
    "error_outputs": "notebook",
    "failed_chapter": "notebook",
    "hide_injected_parameters": "notebook",
    "install_cell": "notebook",
    "install_cell_source": "notebook",
    "is_placeholder": "notebook",
    "mark_failed": "notebook",
    "repository_url": "notebook",
    "with_install_cell": "notebook",
    "KERNEL_ENV": "progress",
    "Progress": "progress",
    "kernel_environment": "progress",
    "run_notebook": "progress",
    "BOOK": "outdir",
    "RUNS": "outdir",
    "RUN_MARK": "outdir",
    "STAGING": "outdir",
    "book_root": "outdir",
    "clean_stale": "outdir",
    "copy_pages": "outdir",
    "is_book": "outdir",
    "prepare_outdir": "outdir",
    "run_origins": "outdir",
    "ChapterFailed": "execution",
    "execute": "execution",
    "BuildFailed": "render",
    "build": "render",
    "write_toc": "render",
    "main": "cli",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> object:
    # the value is read from its module every time: a test that patches
    # ``sertl.book.outdir.RUNS`` is seen here too
    if name in _NAMES:
        return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'sertl.book' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(
        {*__all__, "cli", "execution", "notebook", "outdir", "profiles", "progress", "render"}
    )
