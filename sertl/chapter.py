"""The one set-up call every chapter makes after its parameters cell.

.. code-block:: python

    ctx = sertl.chapter.setup(globals(), chapter="05_andova_lustrek")

It records every papermill parameter (every plain value the parameters cell,
and papermill's injected cell, defined), seeds Python, NumPy and torch,
resolves ``device="auto"``, sets the figure style, and returns a
:class:`Chapter` that loads corpora into the provenance, saves result tables
with it, and shows the "This run" box and the provenance table.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__, config, corpora, results
from .device import resolve_device, seed_everything
from .provenance import Provenance, data_banner

PROJECT = Path(__file__).resolve().parent.parent
PROFILES = PROJECT / "profiles"

# IPython's own names, never parameters.
_IGNORED = {"In", "Out", "exit", "quit", "get_ipython", "open"}
# Parameters that say how or where a run goes, not how big it is.
_NOT_SCALE = {"profile", "data", "seed", "device", "scheduler", "results_dir"}
_PLAIN = (bool, int, float, str, type(None))


def _is_plain(value: object) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, list | tuple):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def parameters(namespace: dict) -> dict:
    """The chapter's parameters: every public plain value in ``namespace``.

    Called right after the parameters cell, the notebook's globals hold only the
    parameters (and papermill's injected overrides), besides modules and
    IPython's own names, which are skipped.
    """
    return {
        k: v
        for k, v in namespace.items()
        # UPPER_CASE names are constants (the install cell's repository address), not knobs
        if not k.startswith("_") and not k.isupper() and k not in _IGNORED and _is_plain(v)
    }


def profile_values(profile: str, chapter: str) -> dict | None:
    """The parameters a profile gives a chapter (``None`` without the profile file).

    Read through the runner's :func:`sertl.book.profiles.profile_parameters`, so that a
    profile that inherits another (``_inherit``) is understood the same way; the kernel
    imports that module of the runner only.
    """
    from .book import profiles

    if not (PROFILES / f"{profile}.yaml").is_file():
        return None
    values = profiles.profile_parameters(profile, chapter)
    values.pop("profile", None)
    return values


def _plot_style() -> None:
    import matplotlib.pyplot as plt

    try:  # a kernel that inherited MPLBACKEND=Agg would show no figure at all
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None and "IPKernelApp" in getattr(shell, "config", {}):
            shell.run_line_magic("matplotlib", "inline")
    except ImportError:  # pragma: no cover - IPython is a book dependency
        pass
    plt.rcParams.update(
        {
            "figure.dpi": 110,
            "savefig.bbox": "tight",
            "font.size": 10,
            "axes.titlesize": 10,
            "axes.labelsize": 10,
            "legend.fontsize": 9,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
        }
    )


@dataclass
class Chapter:
    """What a chapter run knows about itself.

    Attributes:
        chapter: Chapter name (``notebooks/<chapter>.py``).
        params: Every parameter of this run.
        seed: The master seed.
        device: ``"cpu"`` or ``"cuda"``.
        profile: The parameter profile.
        data: ``"auto"``, ``"real"`` or ``"synthetic"``.
        prov: The provenance record.
        results_dir: Where the result tables go.
    """

    chapter: str
    params: dict
    seed: int
    device: str
    profile: str
    data: str
    prov: Provenance
    results_dir: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    # -- data -------------------------------------------------------------------------
    def corpus(self, name: str, **options: object) -> pd.DataFrame:
        """Load one corpus (real or synthetic by ``data``) and record it."""
        table = corpora.get(name, data=self.data, **options)
        self.prov.add_data(table)
        self.tables[name] = table
        return table

    def corpora(self, names: Iterable[str]) -> dict[str, pd.DataFrame]:
        """Load the corpora a chapter asks for, never mixing real and synthetic.

        With ``data="auto"`` only the configured (real) corpora are used when any
        is configured, else all are synthetic (``sertl.corpora.resolve``).
        """
        chosen, kind, _ = corpora.resolve(list(names), self.data)
        out = {}
        for name in chosen:
            table = corpora.get(name, data=kind)
            self.prov.add_data(table)
            self.tables[name] = table
            out[name] = table
        return out

    @property
    def origin(self) -> str:
        """``"real"``, ``"synthetic"`` or ``"mixed"``: the data this run has loaded."""
        origins = self.prov.origins
        if not origins:
            return "none"
        return origins.pop() if len(origins) == 1 else "mixed"

    def banner(self) -> str:
        """Markdown naming the real and synthetic corpora loaded so far."""
        return data_banner({k: v["origin"] for k, v in self.prov.data.items()})

    def fingerprint(self, *extra: object) -> str:
        """Digest of the data loaded so far (manifest hashes) and ``extra`` values.

        The grid runner keys its stored cells by it, with the cell's parameters
        and the code version: other data, other cells.
        """
        payload = {
            "data": sorted((k, v["origin"], v["manifest"]) for k, v in self.prov.data.items()),
            "extra": [str(e) for e in extra],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]

    # -- results ----------------------------------------------------------------------
    def save(self, table: pd.DataFrame, name: str) -> Path:
        """Write a tidy result table with this run's provenance."""
        return results.save(table, self.results_dir, name, self.prov.record())

    # -- what the page shows ------------------------------------------------------------
    def command(self) -> str:
        """The command that re-runs this chapter with these parameters."""
        baseline = {**self._defaults(), **(profile_values(self.profile, self.chapter) or {})}
        args = [f"python -m sertl.book run --profile {self.profile} --chapter {self.chapter}"]
        for k, v in self.params.items():
            if k in ("profile", "results_dir") or (k in baseline and baseline[k] == v):
                continue
            value = v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
            args.append(f"-p {shlex.quote(f'{k}={value}')}")
        return " ".join(args)

    def _defaults(self) -> dict:
        # the parameters cell's own values, when the source is beside the package
        from . import book

        try:
            return book.declared_parameters(self.chapter)
        except (book.UsageError, ValueError, OSError):
            return {}

    def scale_differences(self) -> list[tuple[str, object, object]]:
        """Parameters whose value differs from the ``paper`` profile (the papers' scale)."""
        paper = profile_values("paper", self.chapter)
        if not paper:
            return []
        return [
            (k, self.params[k], v)
            for k, v in paper.items()
            if k in self.params and k not in _NOT_SCALE and self.params[k] != v
        ]

    def this_run_markdown(self) -> str:
        """The "This run" box: profile, data, parameters that differ from the `paper` profile."""
        configured = [n for n in corpora.names() if config.corpus_root(n) is not None]
        if self.data == "synthetic" or not configured:
            data = "synthetic stand-ins (no corpus configured in `SERTL_DATA`)"
            if self.data == "synthetic":
                data = "synthetic stand-ins (`data=synthetic`)"
        else:
            data = f"real corpora where configured ({', '.join(configured)}), `data={self.data}`"
        lines = [
            ":::{admonition} This run",
            ":class: note",
            f"- **Profile** `{self.profile}`, **seed** `{self.seed}`, **device** `{self.device}`",
            f"- **Data**: {data}",
        ]
        diffs = self.scale_differences()
        if self.profile == "paper":
            lines.append(
                "- **Scale**: profile `paper` (the papers' values where they give them; "
                "the chapter's Differences box names the ones chosen here)"
            )
        elif diffs:
            shown = ", ".join(f"`{k}={v!r}` (`paper` profile: `{p!r}`)" for k, v, p in diffs)
            lines.append(f"- **Differs from the `paper` profile**: {shown}")
        lines += [f"- **Re-run**: `{self.command()}`", ":::"]
        return "\n".join(lines)

    def this_run(self) -> None:
        """Display the "This run" box."""
        _display_markdown(self.this_run_markdown())

    def finish(self) -> None:
        """Display the provenance of the run (the chapter's last cell)."""
        _display_markdown(self.prov.markdown())


def _quiet() -> None:
    import warnings

    from tqdm import TqdmExperimentalWarning, TqdmWarning

    # tqdm.auto without ipywidgets falls back to text bars: fine, and no warning on the page
    warnings.filterwarnings("ignore", category=TqdmWarning)
    warnings.filterwarnings("ignore", category=TqdmExperimentalWarning)


def _display_markdown(text: str) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text))


def setup(namespace: dict, chapter: str) -> Chapter:
    """Set up a chapter run from its parameters.

    Args:
        namespace: The notebook's ``globals()``, right after the parameters cell.
        chapter: The chapter's name (``notebooks/<chapter>.py``).

    Returns:
        The :class:`Chapter` context.

    Raises:
        ValueError: ``seed`` is not an integer (a run without a seed cannot be
            repeated bit for bit), or ``data`` is not a known kind.
    """
    params = parameters(namespace)
    seed = params.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"{chapter}: seed must be an integer, got {seed!r}")
    data = params.get("data", "auto")
    if data not in ("auto", "real", "synthetic"):
        raise ValueError(f"{chapter}: data must be 'auto', 'real' or 'synthetic', not {data!r}")
    profile = str(params.get("profile", "custom"))
    device = resolve_device(str(params.get("device", "auto")))
    seed_everything(seed)
    _plot_style()
    _quiet()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    prov = Provenance(chapter, profile, params, seed, device)
    results_dir = Path(params.get("results_dir") or f"results/{chapter}")
    return Chapter(chapter, params, seed, device, profile, data, prov, results_dir)


__all__ = ["Chapter", "parameters", "profile_values", "setup", "__version__"]
