"""Device choice and deterministic torch set-up."""

from __future__ import annotations

import random

import numpy as np


def resolve_device(device: str = "auto") -> str:
    """Return ``"cuda"`` when ``device="auto"`` and a GPU is present, else ``"cpu"``.

    Raises:
        RuntimeError: ``"cuda"`` was asked for and no GPU is present.
    """
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError("device='cuda' was requested but no CUDA GPU is available")
    return device


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch, and make torch deterministic (same machine, same bits)."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
        torch.backends.cudnn.benchmark = False


def stable_seed(base: int, *parts: object) -> int:
    """A seed derived from a base seed and names or numbers.

    Unlike ``hash``, it does not change between Python processes, so each model
    of an experiment grid gets the same seed on every run.
    """
    import zlib

    return (base * 1_000_003 + zlib.crc32("/".join(map(str, parts)).encode())) % 2**31
