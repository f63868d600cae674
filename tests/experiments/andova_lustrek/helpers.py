"""Small Gaussian corpora and tiny settings shared by the tests of the package."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sertl.experiments import Prepared
from sertl.experiments import andova_lustrek as al

EMOTIONS = np.array(al.EMOTIONS)
TINY = al.Settings(
    n_trees=8,
    max_depth=4,
    fcnn_hidden=(8, 4),
    fcnn_epochs=2,
    fcnn_finetune_epochs=2,
    fcnn_batch=16,
    dbn_hidden=(8,),
    dbn_rbm_epochs=1,
    dbn_epochs=2,
    dbn_batch=16,
)


def with_labels(X: np.ndarray, y: np.ndarray, speakers: np.ndarray) -> Prepared:
    """A prepared corpus of the given rows (``y`` indexes :data:`al.EMOTIONS`)."""
    table = pd.DataFrame({"speaker": speakers, "emotion": EMOTIONS[y]})
    return Prepared(X=X, y=y, speaker=speakers, table=table)


def corpus(n_speakers: int, n_per: int, shift: float, seed: int) -> Prepared:
    """Gaussian features with an emotion signal, ``n_per`` items per speaker and emotion."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(99).normal(scale=2.0, size=(4, 12))
    speakers = np.repeat([f"s{k}" for k in range(n_speakers)], 4 * n_per)
    y = np.tile(np.repeat(np.arange(4), n_per), n_speakers)
    X = centres[y] + shift + rng.normal(size=(len(y), 12))
    return with_labels(X.astype(np.float32), y, speakers)
