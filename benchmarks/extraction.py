"""Feature-extraction throughput: sertl's cached, parallel extraction against bare
``opensmile.Smile.process_files`` on the same files, in one process and on every core
(openSMILE's own ``num_workers`` with ``multiprocessing=True``).

    SERTL_DATA=../shared/corpora .venv/bin/python benchmarks/extraction.py [--feature-set IS09]

Writes benchmarks/results/extraction-<set>.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def bare(files: list[str], feature_set: str) -> float:
    """Seconds of one bare process_files call, in a fresh process."""
    code = (
        "import sys, time, opensmile\n"
        f"files = open({str(files_list)!r}).read().split('\\n')\n"
        f"s = opensmile.Smile(feature_set=opensmile.FeatureSet.{feature_set.replace('_64', '')},"
        " feature_level=opensmile.FeatureLevel.Functionals)\n"
        "t = time.perf_counter(); s.process_files(files); print(time.perf_counter() - t)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def bare_parallel(files: list[str], feature_set: str, cores: int) -> float:
    """Seconds of bare process_files on every core: openSMILE's own ``num_workers``
    with ``multiprocessing=True`` (its worker pool is started inside the timing)."""
    fs = feature_set.replace("_64", "")
    code = (
        "import time, opensmile\n"
        f"files = open({str(files_list)!r}).read().split('\\n')\n"
        "if __name__ == '__main__':\n"
        f"    s = opensmile.Smile(feature_set=opensmile.FeatureSet.{fs},"
        " feature_level=opensmile.FeatureLevel.Functionals,"
        f" num_workers={cores}, multiprocessing=True)\n"
        "    t = time.perf_counter(); s.process_files(files); print(time.perf_counter() - t)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def sertl_run(feature_set: str, cache: str) -> tuple[float, int, float]:
    """(seconds, files, peak RSS MiB of the process and its workers) of sertl.extract."""
    code = (
        "import os, resource, sys, time\n"
        "from sertl import corpora, features\n"
        f"files = open({str(files_list)!r}).read().split('\\n')\n"
        "t = time.perf_counter()\n"
        f"ex = features.OpenSmileExtractor({feature_set!r})\n"
        "r = features.extract(files, ex, progress=False)\n"
        "dt = time.perf_counter() - t\n"
        "peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024\n"
        "print(dt, len(r.files), peak)\n"
    )
    env = dict(os.environ, SERTL_CACHE=cache)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    dt, n, peak = out.stdout.strip().splitlines()[-1].split()
    return float(dt), int(n), float(peak)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--feature-set", default="IS09")
    args = parser.parse_args()
    from sertl import config, corpora

    names = [n for n in corpora.names() if config.corpus_root(n) is not None]
    if not names:
        sys.exit("no real corpus configured: set SERTL_DATA")
    files = [f for n in names for f in corpora.load(n, with_duration=False)["file"]]
    files_list = Path(tempfile.mkstemp(suffix=".txt")[1])
    files_list.write_text("\n".join(files))
    # every contender reads the audio from the OS page cache: read each file once first
    # (else the first one timed pays the disk reads for all the others)
    for f in files:
        Path(f).read_bytes()
    load_before = os.getloadavg()[0]  # other work on the machine skews every timing
    with tempfile.TemporaryDirectory() as cache:
        cold, n, peak_cold = sertl_run(args.feature_set, cache)
        warm, _, peak_warm = sertl_run(args.feature_set, cache)
    base = bare(files, args.feature_set)
    cores = len(os.sched_getaffinity(0))
    base_parallel = bare_parallel(files, args.feature_set, cores)
    result = {
        "feature_set": args.feature_set,
        "corpora": names,
        "files": len(files),
        "extracted": n,
        "cores": cores,
        "bare_process_files_s": round(base, 1),
        "bare_parallel_s": round(base_parallel, 1),
        "sertl_cold_s": round(cold, 1),
        "sertl_warm_s": round(warm, 2),
        "cold_over_bare": round(cold / base, 3),
        "cold_over_bare_parallel": round(cold / base_parallel, 3),
        "files_per_s_cold": round(n / cold, 1),
        "peak_rss_cold_mib": round(peak_cold),
        "peak_rss_warm_mib": round(peak_warm),
        "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "date": time.strftime("%Y-%m-%d"),
    }
    out = HERE / "results" / f"extraction-{args.feature_set}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print("| " + " | ".join(result) + " |")
    print("| " + " | ".join(str(v) for v in result.values()) + " |")
