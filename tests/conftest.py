"""Shared fixtures: real corpora through SERTL_DATA when configured, synthetic otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from sertl import config

REAL = config.data_root() is not None


def real_corpus(name: str) -> Path:
    """The configured real corpus folder, or skip the test."""
    root = config.corpus_root(name)
    if root is None:
        pytest.skip(f"{name} is not configured (set SERTL_DATA)")
    return root


@pytest.fixture
def tone():
    """Write a short tone file and return its path."""

    def make(
        path: Path,
        seconds: float = 0.5,
        rate: int = 16000,
        channels: int = 1,
        subtype: str = "PCM_16",
    ) -> Path:
        t = np.arange(int(seconds * rate)) / rate
        x = 0.3 * np.sin(2 * np.pi * 220 * t) * (1 + 0.1 * np.sin(2 * np.pi * 3 * t))
        x = np.stack([x] * channels, axis=1) if channels > 1 else x
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(str(path), x, rate, subtype=subtype)
        return path

    return make


def pytest_report_header(config):
    return f"sertl data: {os.environ.get('SERTL_DATA') or 'none (synthetic corpora)'}"
