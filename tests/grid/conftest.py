"""Every grid test gets a store of its own and no scheduler settings from outside."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    for name in ("SERTL_SCHEDULER", "SERTL_DASK_ADDRESS", "SERTL_JOBS", "SERTL_CELL_THREADS"):
        monkeypatch.delenv(name, raising=False)
