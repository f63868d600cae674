"""Execute one chapter with papermill, in a staging folder, and publish it only when it ran.

:func:`execute` checks the parameters, runs the chapter's kernel in a stage of
the output folder and, when every cell ran, moves the executed notebook and its
``results/<chapter>/`` into place together; a chapter that raised keeps its
partial notebook, marked failed, as its page (:class:`ChapterFailed`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .. import config
from . import outdir as _outdir
from .notebook import error_outputs, hide_injected_parameters, mark_failed, with_install_cell
from .profiles import check_chapter, check_parameters, data_kind, profile_parameters
from .progress import Progress, run_notebook


class ChapterFailed(RuntimeError):
    """A chapter raised (or left error output); its partial notebook is kept as its page.

    Attributes:
        chapter: The chapter's name.
        reason: One line: the exception and its message.
        page: The failed notebook (the page, marked failed), if any was written.
    """

    def __init__(self, chapter: str, profile: str, reason: str, page: Path | None) -> None:
        super().__init__(f"{chapter} ({profile}) failed: {reason}")
        self.chapter = chapter
        self.reason = reason
        self.page = page


def execute(
    chapter: str,
    profile: str,
    overrides: dict | None = None,
    outdir: Path | None = None,
    log_output: bool = True,
    progress: bool = True,
) -> Path:
    """Execute one chapter with papermill into ``outdir/<chapter>.ipynb``.

    The parameters are checked against the chapter's declared ones before
    anything runs. The kernel runs in a staging folder; the executed notebook
    and ``results/<chapter>/`` replace the old ones together, only when the
    chapter succeeded.

    Args:
        chapter: Chapter name (a file stem in ``notebooks/``).
        profile: Parameter profile (``profiles/<profile>.yaml``).
        overrides: Parameters replacing the profile's.
        outdir: Folder of the executed notebook and its ``results/`` (default: the
            run's folder ``_build/run/<profile>-<data>/``; ``book/`` only when named).
        log_output: Relay the cells' output (the chapter's progress bars) while
            they run.
        progress: Say which cell runs (one line per code cell).

    Returns:
        The executed notebook.

    Raises:
        UsageError: Unknown chapter or profile, or parameters the chapter does
            not declare or of the wrong type.
        ChapterFailed: The notebook raised, or holds error output; its partial
            notebook, marked failed, is the page (beside the committed page, as
            ``.<chapter>.failed.ipynb``, when ``outdir`` is ``book/``).
    """
    source = check_chapter(chapter)
    overrides = dict(overrides or {})
    params = profile_parameters(profile, chapter)
    params.update(overrides)
    check_parameters(chapter, params)
    config.pin_data_root()  # the kernel runs in the stage, not in the caller's folder
    outdir = _output_folder(profile, params, outdir)
    target = outdir / f"{chapter}.ipynb"
    nb = _prepared_notebook(source)
    n_code = sum(c.cell_type == "code" for c in nb.cells) + 1  # + papermill's parameters
    stage = _outdir.make_stage(outdir, chapter)
    partial = stage / f"{chapter}.ipynb"
    relay = Progress(chapter, n_code, cells=progress, output=log_output)
    relay.heartbeat()
    start = time.time()
    try:
        reason = _run_staged(nb, partial, params, stage, relay)
        if reason is not None:
            raise ChapterFailed(
                chapter,
                profile,
                reason,
                _failed_page(partial, reason, chapter, profile, overrides, outdir),
            )
        _outdir.publish(stage, outdir, chapter, partial, target)
    finally:
        relay.close()
        shutil.rmtree(stage, ignore_errors=True)
        with contextlib.suppress(OSError):
            (outdir / _outdir.STAGING).rmdir()
    print(
        f"{chapter}: executed with profile {profile} in {time.time() - start:.0f} s -> {target}",
        file=sys.stderr,
    )
    return target


def _output_folder(profile: str, params: dict, outdir: Path | None) -> Path:
    """The output folder, made and cleaned of what killed runs left there."""
    if outdir is None:
        kind = data_kind(str(params.get("data", "auto")))
        outdir = _outdir.RUNS / f"{profile}-{kind}"
        _outdir.prepare_outdir(outdir, fresh=False, data=kind)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    _outdir.clean_stale(outdir)
    return outdir


def _prepared_notebook(source: Path) -> object:
    """The chapter's source as a notebook for a python3 kernel, with the install cell."""
    import jupytext

    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return with_install_cell(nb)


def _run_staged(
    nb: object, partial: Path, params: dict, stage: Path, relay: Progress
) -> str | None:
    """Run ``nb`` into ``partial`` in ``stage``; the reason it failed, ``None`` if it ran."""
    import jupytext

    reason = None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / partial.name
        jupytext.write(nb, src)
        try:
            run_notebook(src, partial, params, stage, relay)
        except Exception as error:  # the kernel raised, died or timed out
            reason = _one_line(error)
    relay.close()
    if reason is None:
        errors = error_outputs(partial)
        reason = errors[0].splitlines()[-1] if errors else None
    if partial.is_file():
        hide_injected_parameters(partial)
    return reason


def _failed_page(
    partial: Path, reason: str, chapter: str, profile: str, overrides: dict, outdir: Path
) -> Path | None:
    """Mark the partial notebook failed and move it to where the failed page goes."""
    if not partial.is_file():
        return None
    mark_failed(partial, reason, _command(chapter, profile, overrides, outdir))
    # the committed book keeps its page; a run's folder shows the failure
    name = f".{chapter}.failed.ipynb" if _outdir.is_book(outdir) else f"{chapter}.ipynb"
    page = outdir / name
    os.replace(partial, page)
    return page


def _command(chapter: str, profile: str, overrides: dict, outdir: Path) -> str:
    args = ["python -m sertl.book run", f"--profile {profile}", f"--chapter {chapter}"]
    args += [f"-p {k}={json.dumps(v)}" for k, v in overrides.items()]
    if _outdir.is_book(outdir):
        args.append("--outdir book")
    return " ".join(args)


def _one_line(error: BaseException) -> str:
    ename = getattr(error, "ename", None)
    evalue = getattr(error, "evalue", None)
    if ename:
        text = f"{ename}: {evalue}"
    else:
        text = f"{type(error).__name__}: {error}"
    lines = [ln for ln in str(text).splitlines() if ln.strip()]
    return lines[0] if lines else type(error).__name__
