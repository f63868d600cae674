"""Grid cells for the tests: module level, so that worker processes import them."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.ensemble import RandomForestClassifier

from sertl.device import stable_seed


def model_cell(seed: int, source: str, shots: int, X: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    """NumPy, torch and scikit-learn randomness, seeded from the cell's parameters."""
    rng = np.random.default_rng(stable_seed(seed, source, shots))
    rows = rng.choice(len(X), size=40 + 10 * shots, replace=False)
    forest = RandomForestClassifier(n_estimators=15, max_depth=4, random_state=rng.integers(2**31))
    forest.fit(X[rows], y[rows])
    generator = torch.Generator().manual_seed(stable_seed(seed, source, shots, "torch"))
    weights = torch.randn(X.shape[1], 3, generator=generator, dtype=torch.float64)
    logits = torch.from_numpy(X) @ weights
    return pd.DataFrame(
        {
            "fold": [0, 1],
            "accuracy": [forest.score(X, y), forest.score(X[::2], y[::2])],
            "proba": forest.predict_proba(X[:2])[:, 0],
            "logit": logits[:2, 0].numpy(),
            # a careless draw from the global generators: the runner seeds them per cell
            "global_np": np.random.rand(2),
            "global_torch": torch.rand(2, dtype=torch.float64).numpy(),
        }
    )


def counting_cell(seed: int, subject: str, calls: str, fail_at: int = 0) -> list[dict]:
    """Counts its calls as files in ``calls``; raises on call number ``fail_at``."""
    folder = Path(calls)
    number = len(list(folder.iterdir())) + 1
    (folder / f"{seed}-{subject}-{uuid.uuid4().hex}").touch()
    if number == fail_at:
        raise ValueError(f"call {number} fails")
    return [{"score": stable_seed(seed, subject) % 1000 / 1000}]


def flag_cell(seed: int, calls: str, fail: str) -> list[dict]:
    """Counts its calls; while the file ``fail`` exists, its process dies at ``seed == 5``."""
    (Path(calls) / f"{seed}-{uuid.uuid4().hex}").touch()
    if seed == 5 and Path(fail).exists():
        os._exit(3)  # as if killed for memory
    return [{"seed_squared": seed * seed}]


def failing_cell(seed: int, subject: str) -> list[dict]:
    if seed == 4:
        raise ValueError("bad seed")
    return [{"value": seed}]


def thread_cell(seed: int) -> list[dict]:
    from threadpoolctl import threadpool_info

    blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    return [{"torch_threads": torch.get_num_threads(), "blas_threads": max(blas, default=1)}]


def shape_cell(seed: int, method: str) -> list[dict] | pd.DataFrame:
    if method == "none":
        return []
    return [{"subject": s, "value": seed + i} for i, s in enumerate(["s2", "s1"])]


def n_calls(folder: Path) -> int:
    """How many times a counting cell was called with the folder ``folder``."""
    return len(list(folder.iterdir()))
