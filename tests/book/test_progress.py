"""What a user sees while a chapter runs."""

from __future__ import annotations

import io
import time

from sertl import book


def test_progress_gives_whole_lines_in_a_log():
    stream = io.StringIO()
    progress = book.Progress("01_x", 2, stream=stream, interval=3600)
    progress.cell("x = 1\ny = 2")
    progress.write("\rbar:   0%|    | 0/9")
    progress.write("\rbar:  50%|##  | 4/9")  # thinned: within the interval
    progress.write("\rbar: 100%|####| 9/9\n")
    progress.write("done\n")
    progress.cell("plot()")
    progress.close()
    assert stream.getvalue().splitlines() == [
        "01_x: cell 1/2 [0:00] x = 1",
        "bar:   0%|    | 0/9",
        "bar: 100%|####| 9/9",
        "done",
        "01_x: cell 2/2 [0:00] plot()",
    ]


def test_progress_says_a_silent_cell_still_runs():
    stream = io.StringIO()
    progress = book.Progress("01_x", 3, stream=stream)
    progress.heartbeat(every=0.1)
    progress.cell("slow()")
    time.sleep(0.6)
    progress.close()
    assert "01_x: cell 1/3 still running [0:00]" in stream.getvalue().splitlines()
