"""Provenance of every result: data, manifest hash, profile, seed, version, device, time."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import time
from pathlib import Path

import pandas as pd

from .features.cache import file_digest


def manifest_hash(table: pd.DataFrame) -> str:
    """SHA-256 over the sorted (path relative to the corpus root, content digest) pairs.

    Two copies of the same corpus in different folders give the same hash; any
    changed, added or removed file changes it.
    """
    root = Path(table.attrs.get("root", "/"))
    entries = []
    for path in table["file"]:
        try:
            rel = str(Path(path).relative_to(root))
        except ValueError:
            rel = str(path)
        entries.append(f"{rel}\t{file_digest(path)}")
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()


#: What decides the numbers: a change here marks a run's commit as dirty.
CODE_PATHS = ("sertl", "notebooks", "profiles", "pyproject.toml", "environment.yml")


def _git(root: Path | None, *args: str) -> str:
    """The stripped output of ``git <args>`` in the checkout (raises when git fails)."""
    return subprocess.run(
        ["git", *args],
        cwd=root or Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout.strip()


def head_commit(root: Path | None = None) -> str:
    """The full commit hash of the checkout (``""`` outside a git checkout)."""
    try:
        return _git(root, "rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return ""


def git_commit(root: Path | None = None) -> str:
    """The commit of the sertl checkout (``+dirty`` with uncommitted changes), if any.

    Only changes to what makes the numbers (the package, the chapter sources,
    the profiles, the pinned dependencies) count as dirty, not the executed
    book itself.

    Args:
        root: The checkout (default: the one this package lives in).
    """
    try:
        commit = _git(root, "rev-parse", "--short", "HEAD")
        dirty = _git(root, "status", "--porcelain", "--untracked-files=no", "--", *CODE_PATHS)
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def device_description(device: str = "cpu") -> str:
    """A human-readable description of where the computation ran."""
    import torch

    if device.startswith("cuda") and torch.cuda.is_available():
        return f"GPU {torch.cuda.get_device_name(0)}"
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"CPU {cpu}, {len(os.sched_getaffinity(0))} cores"


class Provenance:
    """Collects what a chapter ran on; shown as the chapter's last cell.

    Args:
        chapter: Chapter identifier.
        profile: Parameter profile name (smoke, default, paper, or custom).
        parameters: The chapter's parameters.
        seed: The master seed.
        device: The torch device used.
    """

    def __init__(
        self, chapter: str, profile: str, parameters: dict, seed: int, device: str = "cpu"
    ) -> None:
        self.chapter = chapter
        self.profile = profile
        self.parameters = dict(parameters)
        self.seed = seed
        self.device = device
        self.start = time.time()
        self.data: dict[str, dict] = {}

    def add_data(self, table: pd.DataFrame) -> None:
        """Record one corpus table (origin, counts, manifest hash)."""
        name = str(table["corpus"].iloc[0])
        self.data[name] = {
            "corpus": name,
            "origin": table.attrs.get("origin", "unknown"),
            "files": len(table),
            "speakers": int(table["speaker"].nunique()),
            "manifest": manifest_hash(table)[:16],
        }

    @property
    def origins(self) -> set[str]:
        """The origins of the data used (``{"real"}``, ``{"synthetic"}`` or both)."""
        return {d["origin"] for d in self.data.values()}

    def record(self) -> dict:
        """Return the provenance as a flat dictionary."""
        from . import __version__

        return {
            "chapter": self.chapter,
            "profile": self.profile,
            "seed": self.seed,
            "parameters": self.parameters,
            "data": list(self.data.values()),
            "sertl": __version__,
            "commit": git_commit(),
            "device": device_description(self.device),
            "python": platform.python_version(),
            "wall_time_s": round(time.time() - self.start, 1),
        }

    def markdown(self) -> str:
        """Return the provenance as Markdown (rendered tables) for the chapter's last cell."""
        rec = self.record()
        origins = sorted(self.origins) or ["none"]
        lines = [
            "**Provenance**",
            "",
            f"- data: {' and '.join(origins)}; profile `{rec['profile']}`; seed `{rec['seed']}`",
            f"- sertl {rec['sertl']} (commit `{rec['commit']}`), Python {rec['python']}",
            f"- device: {rec['device']}; wall time: {rec['wall_time_s']} s",
            "",
        ]
        if rec["data"]:
            lines += [pd.DataFrame(rec["data"]).to_markdown(index=False), ""]
        params = pd.DataFrame(
            {
                "parameter": list(rec["parameters"]),
                "value": [f"`{v!r}`" for v in rec["parameters"].values()],
            }
        )
        if len(params):
            lines.append(params.to_markdown(index=False))
        return "\n".join(lines)


def data_banner(origins: dict[str, str]) -> str:
    """Markdown stating which corpora are real and which synthetic."""
    synthetic = sorted(k for k, v in origins.items() if v == "synthetic")
    real = sorted(k for k, v in origins.items() if v == "real")
    parts = []
    if real:
        parts.append(f"**Real corpora:** {', '.join(real)}.")
    if synthetic:
        parts.append(
            f"**Synthetic stand-ins:** {', '.join(synthetic)}. These are generated by "
            "`sertl.corpora.synthetic`, not recordings: numbers computed on them show "
            "that the pipeline runs, not what the papers measured. Set `SERTL_DATA` to "
            "your copy of the corpora to reproduce the papers."
        )
    return " ".join(parts)
