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

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import yaml

from . import config

PROJECT = Path(__file__).resolve().parent.parent
NOTEBOOKS = PROJECT / "notebooks"
BOOK = PROJECT / "book"
PROFILES = PROJECT / "profiles"
#: Where ``run`` puts a book when no ``--outdir`` is given: ``<RUNS>/<profile>-<data>/``.
RUNS = PROJECT / "_build" / "run"
#: Where a chapter's kernel runs and writes, inside the output folder.
STAGING = ".staging"
#: Marks a folder made by ``run`` (its pages and toc are refreshed before rendering).
RUN_MARK = ".sertl-run"
#: The kernel draws figures inline whatever the caller's MPLBACKEND (run.sh exports Agg
#: for the tests, and a kernel inheriting it would show no figure at all).
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
#: Parameter names whose value must be an integer: a run without one cannot be repeated.
SEED_NAMES = ("seed",)
DATA_KINDS = ("auto", "real", "synthetic")
#: Markers of a repository address that is not (yet) this project's own.
PLACEHOLDERS = ("YOUR-ORG", "your-org", "example.com", "github.com/sertl/sertl")
INSTALL_TAG = "sertl-install"


class UsageError(Exception):
    """A mistake on the command line: reported in one line, exit status 2."""


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


# -- chapters, profiles and parameters ---------------------------------------------------
def chapters() -> list[str]:
    """The chapter sources, by name (``notebooks/<name>.py``), in book order."""
    return sorted(p.stem for p in NOTEBOOKS.glob("[0-9]*.py"))


def run_order(names: list[str]) -> list[str]:
    """``names`` in execution order: the scoreboard, which reads the others' results, last."""
    return sorted(names, key=lambda n: ("scoreboard" in n, n))


def profiles() -> list[str]:
    """The parameter profiles (``profiles/<name>.yaml``)."""
    return sorted(p.stem for p in PROFILES.glob("*.yaml"))


def profile_spec(profile: str, _seen: tuple[str, ...] = ()) -> dict:
    """The profile file as a dictionary, with ``_inherit: <profile>`` resolved.

    A profile that inherits another starts from it and overrides, per chapter,
    only the keys it names.

    Raises:
        UsageError: No such profile, or an inheritance cycle.
    """
    path = PROFILES / f"{profile}.yaml"
    if not path.is_file():
        raise UsageError(f"unknown profile {profile!r}; known: {', '.join(profiles())}")
    if profile in _seen:
        raise UsageError(f"profile {profile!r} inherits itself ({' -> '.join(_seen)})")
    spec = yaml.safe_load(path.read_text()) or {}
    parent = spec.pop("_inherit", None)
    if parent is None:
        return spec
    merged = profile_spec(str(parent), (*_seen, profile))
    for key, values in spec.items():
        merged[key] = {**(merged.get(key) or {}), **(values or {})}
    return merged


def profile_parameters(profile: str, chapter: str) -> dict:
    """The parameters of ``chapter`` under ``profile`` (``_all`` merged under it).

    Raises:
        UsageError: No such profile.
    """
    spec = profile_spec(profile)
    params = dict(spec.get("_all", {}) or {})
    params.update(spec.get(chapter, {}) or {})
    params["profile"] = profile
    return params


def _check_chapter(chapter: str) -> Path:
    source = NOTEBOOKS / f"{chapter}.py"
    if not source.is_file():
        raise UsageError(f"unknown chapter {chapter!r}; known: {', '.join(chapters())}")
    return source


def declared_parameters(chapter: str) -> dict:
    """The parameters the chapter's ``parameters`` cell declares, with their defaults.

    A default that is not a literal is given as ``None`` (any value accepted).

    Raises:
        UsageError: No such chapter.
        ValueError: The source has no cell tagged ``parameters``.
    """
    source = _check_chapter(chapter)
    text = source.read_text()
    marker = '# %% tags=["parameters"]'
    if marker not in text:
        raise ValueError(f"{source}: no cell tagged parameters")
    cell = text.split(marker, 1)[1].split("\n# %%", 1)[0]
    declared = {}
    for node in ast.parse(cell).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    declared[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    declared[target.id] = None
    return declared


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _fits(value: object, default: object) -> bool:
    """Whether ``value`` has the type of the declared ``default`` (``None``: anything)."""
    if default is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, list | tuple):
        if not isinstance(value, list | tuple):
            return False
        # a homogeneous default (seeds, pairs, layer sizes) types every element
        if default and all(_fits(d, default[0]) and _fits(default[0], d) for d in default):
            return all(_fits(v, default[0]) for v in value)
        return True
    if isinstance(default, dict):
        return isinstance(value, dict)
    return True


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_parameters(chapter: str, params: dict) -> None:
    """Refuse, before anything runs, parameters the chapter would not use as given.

    Every name must be declared by the chapter's ``parameters`` cell; every value
    must have the type of the declared default (an integer where the default is
    one); seeds must be integers (a run without a seed is not repeatable); ``data``
    must be a known kind.

    Raises:
        UsageError: One line naming the parameter and what the chapter declares.
    """
    declared = declared_parameters(chapter)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise UsageError(
            f"{chapter} has no parameter {', '.join(unknown)}; "
            f"it declares: {', '.join(sorted(declared))}"
        )
    for name, value in params.items():
        default = declared[name]
        if name in SEED_NAMES and not _is_int(value):
            raise UsageError(
                f"{chapter}: {name}={value!r} is not an integer; "
                "a run without a fixed seed gives other numbers every time"
            )
        if name == "seeds" and (
            not isinstance(value, list) or not value or not all(_is_int(v) for v in value)
        ):
            raise UsageError(
                f"{chapter}: seeds={value!r} is not a list of integers; "
                "a run without fixed seeds gives other numbers every time"
            )
        if name == "data" and value not in DATA_KINDS:
            raise UsageError(f"{chapter}: data={value!r}; choose one of {', '.join(DATA_KINDS)}")
        if not _fits(value, default):
            raise UsageError(
                f"{chapter}: {name}={value!r} is {_kind(value)}, "
                f"but the chapter declares {name} = {default!r} ({_kind(default)})"
            )


def parse_overrides(items: list[str]) -> dict:
    """``NAME=VALUE`` items (YAML values) as a dictionary.

    Raises:
        UsageError: An item without ``=``, without a value (write ``null`` for
            None), with a bad name, or a value that is not YAML.
    """
    overrides = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not text.strip():
            raise UsageError(
                f"-p {item}: give a value, as in -p {name or 'NAME'}=VALUE (null for None)"
            )
        if not name.isidentifier():
            raise UsageError(f"-p {item}: {name!r} is not a parameter name")
        try:
            overrides[name] = yaml.safe_load(text)
        except yaml.YAMLError as error:
            reason = str(error).splitlines()[0]
            raise UsageError(f"-p {item}: not a YAML value ({reason})") from None
    return overrides


def data_kind(data: str) -> str:
    """``"real"`` or ``"synthetic"``: the data a run with ``data`` uses.

    ``"auto"`` is real when a data folder (``SERTL_DATA``) holding any corpus is
    configured, else synthetic.
    """
    if data in ("real", "synthetic"):
        return data
    configured = [n for n in config.CORPUS_FOLDERS if config.corpus_root(n) is not None]
    return "real" if configured else "synthetic"


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

    from .provenance import git_commit, head_commit

    cell = nbformat.v4.new_code_cell(
        install_cell_source(repository_url(), head_commit(), git_commit().endswith("+dirty"))
    )
    cell.metadata["tags"] = ["hide-input", INSTALL_TAG]
    return cell


def _with_install_cell(nb: object) -> object:
    """``nb`` with the install cell right after its parameters cell (first, without one)."""
    cells = nb.cells
    cells[:] = [c for c in cells if INSTALL_TAG not in c.metadata.get("tags", [])]
    at = next((i + 1 for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])), 0)
    cells.insert(at, install_cell())
    return nb


# -- progress ----------------------------------------------------------------------------
def _last_state(line: str) -> str:
    """What a terminal would show of ``line``: its last non-blank redraw (after a CR)."""
    states = [s for s in line.split("\r") if s.strip()]
    return states[-1] if states else ""


class Progress:
    """What a user sees while a chapter runs: one line per code cell, and the cells' output.

    The chapter's own progress bars (tqdm, on the kernel's stderr) are relayed as
    they come; on a terminal they redraw in place, in a log a bar's state is
    written at most every ``interval`` seconds.

    Args:
        chapter: The chapter's name.
        n_cells: Its code cells.
        stream: Where to write (default: standard error).
        interval: Seconds between two states of a bar in a log.
        cells: Write the line per cell.
        output: Relay the cells' output.
    """

    def __init__(
        self,
        chapter: str,
        n_cells: int,
        stream: object = None,
        interval: float = 10.0,
        cells: bool = True,
        output: bool = True,
    ) -> None:
        self.chapter = chapter
        self.cells = cells
        self.output = output
        self.n_cells = n_cells
        self.stream = stream or sys.stderr
        self.interval = interval
        self.done = 0
        self.start = time.time()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._line_open = False
        self._partial = ""  # the line being written (a log only)
        self._shown = ""  # the state of it already written
        self._bar_time = 0.0
        self._last = time.time()
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def heartbeat(self, every: float = 60.0) -> None:
        """Say that a silent cell still runs, every ``every`` seconds without output."""

        def beat() -> None:
            while not self._stop.wait(min(5.0, every)):
                with self._lock:
                    if self.cells and time.time() - self._last >= every:
                        self._newline()
                        self.stream.write(
                            f"{self.chapter}: cell {self.done}/{self.n_cells} still running "
                            f"[{self._elapsed()}]\n"
                        )
                        self.stream.flush()
                        self._last = time.time()

        self._beat = threading.Thread(target=beat, daemon=True)
        self._beat.start()

    def _elapsed(self) -> str:
        seconds = int(time.time() - self.start)
        return f"{seconds // 60}:{seconds % 60:02d}"

    def cell(self, source: str) -> None:
        """A code cell starts: say which, of how many, and how long the chapter has run."""
        self.done += 1
        if not self.cells:
            return
        first = next((ln.strip() for ln in source.splitlines() if ln.strip()), "")
        with self._lock:
            self._newline()
            self.stream.write(
                f"{self.chapter}: cell {self.done}/{self.n_cells} [{self._elapsed()}] "
                f"{first[:60]}\n"
            )
            self.stream.flush()
            self._last = time.time()

    def _newline(self) -> None:
        current = _last_state(self._partial)
        if current and current != self._shown:
            self.stream.write(current + "\n")
        self._partial = self._shown = ""
        if self._line_open:
            self.stream.write("\n")
            self._line_open = False

    def write(self, text: str) -> int:
        """Relay a cell's stream output (called by papermill)."""
        if not self.output:
            return len(text)
        with self._lock:
            self._last = time.time()
            self._relay(text)
        return len(text)

    def _relay(self, text: str) -> None:
        if self.tty:
            self.stream.write(text)
            self._line_open = not text.endswith("\n")
        else:
            # a log gets whole lines: a bar's redraws (\r) are thinned out
            lines = (self._partial + text.replace("\r\n", "\n")).split("\n")
            for line in lines[:-1]:
                last = _last_state(line)
                if last and last != self._shown:
                    self.stream.write(last + "\n")
                self._shown = ""
            self._partial = lines[-1]
            current = _last_state(self._partial)
            if current and current != self._shown and time.time() - self._bar_time >= self.interval:
                self.stream.write(current + "\n")
                self._shown, self._bar_time = current, time.time()

    def flush(self) -> None:
        """Flush the stream."""
        self.stream.flush()

    def close(self) -> None:
        """End the chapter's output on a line of its own."""
        self._stop.set()
        if self._beat is not None:
            self._beat.join()
            self._beat = None
        with self._lock:
            self._newline()
            self.stream.flush()


_ENGINE = "sertl"


def _register_engine(progress: Progress | None) -> None:
    """Register papermill's nbclient engine, telling ``progress`` when each cell starts."""
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class Manager(NotebookExecutionManager):
        def cell_start(self, cell: object, cell_index: int | None = None, **kwargs: object):
            super().cell_start(cell, cell_index, **kwargs)
            if progress is not None and cell.cell_type == "code":
                progress.cell(cell.source)

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(
            cls,
            nb: object,
            kernel_name: str,
            output_path: str | None = None,
            progress_bar: bool = False,
            log_output: bool = False,
            autosave_cell_every: int = 30,
            **kwargs: object,
        ) -> object:
            nb_man = Manager(
                nb,
                output_path=output_path,
                progress_bar=False,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
            )
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register(_ENGINE, Engine)


@contextlib.contextmanager
def kernel_environment() -> Iterator[None]:
    """The environment a chapter's kernel starts with (:data:`KERNEL_ENV` set)."""
    saved = {k: os.environ.get(k) for k in KERNEL_ENV}
    os.environ.update(KERNEL_ENV)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_notebook(
    source: Path,
    target: Path,
    parameters: dict,
    cwd: Path,
    progress: Progress | None = None,
) -> None:
    """Execute notebook ``source`` into ``target`` with papermill in a fresh kernel.

    Raises:
        papermill.PapermillExecutionError: A cell raised (``target`` holds the
            notebook up to it).
    """
    import papermill

    _register_engine(progress)
    with kernel_environment():
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            cwd=str(cwd),
            kernel_name="python3",
            engine_name=_ENGINE,
            progress_bar=False,
            stdout_file=progress,
            stderr_file=progress,
            # the kernel's own notices (loopback TCP at start, an interrupt at shut-down) are noise
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )


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


# -- output folders ----------------------------------------------------------------------
def _is_book(outdir: Path) -> bool:
    return outdir.resolve() == BOOK.resolve()


def book_root(outdir: Path) -> Path:
    """The folder holding ``_config.yml`` and ``_toc.yml`` of the book in ``outdir``."""
    return PROJECT if _is_book(outdir) else outdir


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
    if _is_book(outdir):
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


def _stage(outdir: Path, chapter: str) -> Path:
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


def _command(chapter: str, profile: str, overrides: dict, outdir: Path) -> str:
    args = ["python -m sertl.book run", f"--profile {profile}", f"--chapter {chapter}"]
    args += [f"-p {k}={json.dumps(v)}" for k, v in overrides.items()]
    if _is_book(outdir):
        args.append("--outdir book")
    return " ".join(args)


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
    import jupytext

    source = _check_chapter(chapter)
    overrides = dict(overrides or {})
    params = profile_parameters(profile, chapter)
    params.update(overrides)
    check_parameters(chapter, params)
    config.pin_data_root()  # the kernel runs in the stage, not in the caller's folder
    if outdir is None:
        kind = data_kind(str(params.get("data", "auto")))
        outdir = RUNS / f"{profile}-{kind}"
        prepare_outdir(outdir, fresh=False, data=kind)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    clean_stale(outdir)
    target = outdir / f"{chapter}.ipynb"
    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb = _with_install_cell(nb)
    n_code = sum(c.cell_type == "code" for c in nb.cells) + 1  # + papermill's parameters
    stage = _stage(outdir, chapter)
    partial = stage / f"{chapter}.ipynb"
    relay = Progress(chapter, n_code, cells=progress, output=log_output)
    relay.heartbeat()
    start = time.time()
    reason = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / f"{chapter}.ipynb"
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
        if reason is not None:
            page = None
            if partial.is_file():
                command = _command(chapter, profile, overrides, outdir)
                mark_failed(partial, reason, command)
                # the committed book keeps its page; a run's folder shows the failure
                page = outdir / (f".{chapter}.failed.ipynb" if _is_book(outdir) else target.name)
                os.replace(partial, page)
            raise ChapterFailed(chapter, profile, reason, page)
        _publish(stage, outdir, chapter, partial, target)
    finally:
        relay.close()
        shutil.rmtree(stage, ignore_errors=True)
        with contextlib.suppress(OSError):
            (outdir / STAGING).rmdir()
    print(
        f"{chapter}: executed with profile {profile} in {time.time() - start:.0f} s -> {target}",
        file=sys.stderr,
    )
    return target


def _one_line(error: BaseException) -> str:
    ename = getattr(error, "ename", None)
    evalue = getattr(error, "evalue", None)
    if ename:
        text = f"{ename}: {evalue}"
    else:
        text = f"{type(error).__name__}: {error}"
    lines = [ln for ln in str(text).splitlines() if ln.strip()]
    return lines[0] if lines else type(error).__name__


def _publish(stage: Path, outdir: Path, chapter: str, notebook: Path, target: Path) -> None:
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


# -- rendering ---------------------------------------------------------------------------
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
    root = book_root(Path(outdir) if outdir is not None else BOOK)
    if (root / RUN_MARK).is_file():  # a run's folder: the project's current pages and toc
        copy_pages(root)
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


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m sertl.book",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute chapters with papermill (then render the book)")
    run.add_argument("--profile", default="default")
    run.add_argument("--chapter", action="append", help="chapter name (repeatable); default all")
    run.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one parameter (YAML value; null for None)",
    )
    run.add_argument(
        "--outdir",
        default=None,
        help="output folder (default _build/run/<profile>-<data>/; 'book' updates the "
        "committed book)",
    )
    run.add_argument(
        "--build",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="render the book afterwards (default: when every chapter runs)",
    )
    run.add_argument(
        "--quiet", action="store_true", help="no progress lines or cell output while running"
    )
    run.add_argument("--log-output", action="store_true", help=argparse.SUPPRESS)  # the default
    build_cmd = sub.add_parser("build", help="render an executed book with jupyter-book")
    build_cmd.add_argument("--outdir", default=None, help="the run's folder (default: book/)")
    sub.add_parser("list", help="list the chapters and the profiles")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            print("chapters: " + " ".join(chapters()))
            print("profiles: " + " ".join(profiles()))
            return 0
        if args.command == "build":
            try:
                print(build(Path(args.outdir) if args.outdir else None) / "index.html")
            except BuildFailed as error:
                print(error, file=sys.stderr)
                return 1
            return 0
        return _run(args)
    except UsageError as error:
        print(f"sertl: {error}", file=sys.stderr)
        return 2


def _chapters(n: int) -> str:
    return f"{n} chapter" + ("" if n == 1 else "s")


def _run(args: argparse.Namespace) -> int:
    overrides = parse_overrides(args.param)
    names = args.chapter or chapters()
    for name in names:
        _check_chapter(name)
    profile_spec(args.profile)
    kinds = set()
    for name in names:  # every chapter's parameters are checked before anything runs
        params = {**profile_parameters(args.profile, name), **overrides}
        check_parameters(name, params)
        kinds.add(data_kind(str(params.get("data", "auto"))))
    if len(kinds) > 1:
        raise UsageError(f"a book is made from one kind of data; this run asks for {kinds}")
    kind = kinds.pop()
    outdir = Path(args.outdir) if args.outdir else RUNS / f"{args.profile}-{kind}"
    # the runner's own folder starts afresh for a whole book (one run, never mixed); a
    # folder the user names keeps what it has, each chapter replacing only its own results
    prepare_outdir(outdir, fresh=not args.chapter and not args.outdir, data=kind)
    root = config.data_root()
    print(
        f"sertl: profile {args.profile}, data {kind} "
        f"({root or 'no SERTL_DATA: synthetic corpora'}) -> {outdir}",
        file=sys.stderr,
    )
    failed: list[ChapterFailed] = []
    for chapter in run_order(names):
        try:
            execute(
                chapter,
                args.profile,
                overrides,
                outdir,
                log_output=not args.quiet,
                progress=not args.quiet,
            )
        except ChapterFailed as error:
            print(f"sertl: {error}", file=sys.stderr)
            failed.append(error)
    mixed = {c: o for c, o in run_origins(outdir).items() if o - {kind}}
    rendered, render_failed = None, False
    if args.build if args.build is not None else not args.chapter:
        try:
            rendered = build(outdir) / "index.html"
        except BuildFailed as error:
            print(error, file=sys.stderr)
            render_failed = True
    if mixed:
        print(f"sertl: warning: chapters with other than {kind} data: {mixed}", file=sys.stderr)
    # the last line says how it went
    if failed:
        items = "; ".join(f"{e.chapter} ({e.reason})" for e in failed)
        where = (
            f"; the book, with the failures on their pages: {rendered}"
            if rendered
            else "; the book did not render (above)"
            if render_failed
            else f"; their pages, marked failed, are in {outdir}"
        )
        print(
            f"sertl: {len(failed)} of {_chapters(len(names))} failed: {items}{where}",
            file=sys.stderr,
        )
        return 1
    if render_failed:
        print("sertl: every chapter ran, but the book did not render (above)", file=sys.stderr)
        return 1
    done = f"the book is in {rendered}" if rendered else f"the executed chapters are in {outdir}"
    print(f"sertl: {_chapters(len(names))} ran; {done}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
