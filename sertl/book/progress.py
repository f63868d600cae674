"""What a user sees while a chapter runs, and the papermill engine that tells it.

:class:`Progress` writes one line per code cell and relays the chapter's own
output (its progress bars); :func:`run_notebook` executes a notebook with
papermill through an engine that calls :meth:`Progress.cell` as each cell starts.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

#: The kernel draws figures inline whatever the caller's MPLBACKEND (run.sh exports Agg
#: for the tests, and a kernel inheriting it would show no figure at all).
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}


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
