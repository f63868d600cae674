"""Toy corpora, inputs and settings shared by the tests of Lian et al.'s package."""

import numpy as np
import pandas as pd

from sertl.experiments import lian

SMALL = [[4, 3, 2], [4, 3, 2], [4, 3, 2], [4, 3, 1], [4, 3, 1]]


def _table(speakers, durations=None, sessions=None, emotions=lian.EMOTIONS, per=2):
    rows = []
    for i, s in enumerate(speakers):
        for e in emotions:
            for k in range(per):
                rows.append(
                    {
                        "file": f"{s}_{e}_{k}.wav",
                        "speaker": s,
                        "emotion": e,
                        "session": sessions[i] if sessions else None,
                        "duration": durations[i] if durations else 3.0,
                    }
                )
    table = pd.DataFrame(rows)
    table.attrs["origin"] = "synthetic"
    return table


def _inputs(n_speakers=5, per=6, frames=300):
    rng = np.random.default_rng(0)
    speakers = [f"S{i}" for i in range(n_speakers)]
    table = _table(speakers, per=per)
    y = table["emotion"].map({e: i for i, e in enumerate(lian.EMOTIONS)}).to_numpy()
    x = rng.normal(size=(len(table), 33, frames)).astype(np.float32)
    x[np.arange(len(y)), y * 8 + 2, :] += 3.0  # a class-specific frequency band
    folds = lian.rotation(lian.split_groups(table)[0])
    return table, lian.inputs(table, x, folds)


SETTINGS = lian.Settings(
    conv=tuple(tuple(layer) for layer in SMALL),
    pairwise_epochs=2,
    pairs_per_epoch=64,
    softmax_epochs=2,
    batch_size=16,
    lr=1e-3,
    duration=2,
)
