"""Small synthetic feature tables for Yue et al.'s grid (no audio)."""

import numpy as np
import pandas as pd

from sertl.experiments import yue

PARAMS = dict(
    pretrain_epochs=2,
    finetune_epochs=4,
    lr=1e-3,
    finetune_lr=1e-3,
    margin=1.0,
    kappa=0.5,
    alpha=2.0,
    beta=1.0,
    kappa1=0.5,
    kappa2=0.5,
    valence_weight=0.5,
    pn_threshold=1.0,
)


def toy_prepared(seed: int = 0) -> yue.Prepared:
    """Two corpora of 4 speakers; features separate the emotions (and the corpora differ)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(4, 12))
    tables, raw = {}, {}
    for c, name in enumerate(("a", "b")):
        rows = [
            (f"{name}{s}-{e}-{i}.wav", emotion, f"{name}{s}", None)
            for s in range(4)
            for e, emotion in enumerate(yue.EMOTIONS)
            for i in range(4)
        ]
        tables[name] = pd.DataFrame(rows, columns=["file", "emotion", "speaker", "session"])
        y = tables[name]["emotion"].map({e: i for i, e in enumerate(yue.EMOTIONS)}).to_numpy()
        raw[name] = centres[y] + rng.normal(size=(len(y), 12)) + c
    X = {f"toy|{s}|{t}": (raw[t] - raw[s].mean(0)) / raw[s].std(0) for s in raw for t in raw}
    return yue.Prepared(tables, {k: v.astype(np.float32) for k, v in X.items()})
