"""Does trimming Whisper's window change what the features know? One corpus, both windows.

Whisper was trained on 30 s windows; :class:`sertl.features.WhisperExtractor` trims the
window to the utterance by default (about 10x cheaper). This script extracts one real
corpus both ways (and eGeMAPS as a reference) and scores each within the corpus:
standardised features, logistic regression, leave-one-speaker-out, UAR over its emotions.

    SERTL_DATA=../shared/corpora .venv/bin/python benchmarks/pretrained_window.py [--corpus emodb]

Writes benchmarks/results/pretrained-window-<corpus>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import LeaveOneGroupOut, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = Path(__file__).resolve().parent


def uar(x: np.ndarray, y: np.ndarray, speakers: np.ndarray) -> float:
    """Leave-one-speaker-out UAR (%) of a standardised logistic regression."""
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000))
    pred = cross_val_predict(model, x, y, groups=speakers, cv=LeaveOneGroupOut())
    return 100 * balanced_accuracy_score(y, pred)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default="emodb")
    args = parser.parse_args()
    from sertl import corpora, features

    table = corpora.load(args.corpus, with_duration=False)
    contenders = {
        "whisper_trimmed": features.WhisperExtractor(),
        "whisper_30s_window": features.WhisperExtractor(window=30),
        "egemaps": features.OpenSmileExtractor("eGeMAPSv02"),
    }
    result: dict = {
        "corpus": args.corpus,
        "files": len(table),
        "classes": table["emotion"].nunique(),
    }
    for name, extractor in contenders.items():
        load = os.getloadavg()[0]
        start = time.perf_counter()
        ok, x = features.extract_table(table, extractor, progress=False)
        seconds = time.perf_counter() - start
        score = uar(x, ok["emotion"].to_numpy(), ok["speaker"].to_numpy())
        result[name] = {
            "uar": round(score, 1),
            "extract_s": round(seconds, 1),
            "load_1min": round(load, 1),
        }
        print(name, result[name], flush=True)
    result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    out = HERE / "results" / f"pretrained-window-{args.corpus}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
