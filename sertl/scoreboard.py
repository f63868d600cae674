"""Every finding, effect and published cell of every paper, from the chapters' tables.

Each paper chapter saves ``results/<chapter>/findings.csv`` (the paper's stated
conclusions, judged), ``effects.csv`` (the comparisons the paper draws, ours
beside the paper's) and ``verdicts.csv`` (one row per published cell, see
:mod:`sertl.verdict`), and, for claims without a number, ``claims.csv``. The
scoreboard computes no new number: it reads those tables (of the ``default``
run and, when present, of ``paper``-profile runs), marks published cells that
repeat another or hold by construction, counts the verdicts and shows them.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import papers, verdict

#: Chapter of each paper.
CHAPTERS = {
    "feng_chaspari": "02_feng_chaspari",
    "lian": "03_lian",
    "yue": "04_yue",
    "andova_lustrek": "05_andova_lustrek",
}
TITLES = {
    "feng_chaspari": "Feng & Chaspari",
    "lian": "Lian et al.",
    "yue": "Yue et al.",
    "andova_lustrek": "Andova & Luštrek",
}
#: Colour of each verdict status.
STATUS_COLOURS = {
    "reproduced": "#2ca02c",
    "not reproduced": "#d62728",
    "consistent (stand-in)": "#98df8a",
    "differs (stand-in)": "#ff9896",
    "inconclusive": "#ffbb78",
    "undetermined (n < 3)": "#ff7f0e",
    "synthetic data": "#7f7f7f",
    "not run": "#c7c7c7",
}
#: The columns of a findings table.
FINDING_COLUMNS = ["paper", "finding", "verdict", "evidence"]


def _provenance(folder: Path, name: str) -> dict:
    path = folder / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def collect(results_root: str | Path, run: str = "default") -> pd.DataFrame:
    """Every verdict row under ``results_root`` (one folder per chapter).

    Published cells whose chapter did not run (no ``verdicts.csv``) are listed as
    ``not run`` with the reason "chapter not executed".

    Args:
        results_root: A folder holding ``<chapter>/verdicts.csv``.
        run: Label of the run (``"default"``, ``"paper"``), a column of the output.

    Returns:
        One row per published cell, with ``run``, ``chapter``, ``profile``, ``commit``.
    """
    root = Path(results_root)
    frames = []
    for paper, chapter in CHAPTERS.items():
        folder = root / chapter
        path = folder / "verdicts.csv"
        if path.is_file():
            table = pd.read_csv(path, keep_default_na=False, na_values=[""])
            prov = _provenance(folder, "verdicts")
        else:
            table = papers.published(paper).rename(columns={"value": "published"})
            table = table.drop(columns="note").assign(status="not run")
            table["reason"] = "chapter not executed"
            prov = {}
        table = table.assign(
            run=run,
            chapter=chapter,
            profile=prov.get("profile", ""),
            commit=prov.get("commit", ""),
        )
        frames.append(table)
    out = pd.concat(frames, ignore_index=True)
    for column, empty in (("data", ""), ("stand_in", ""), ("reason", ""), ("unit", "")):
        if column not in out:
            out[column] = empty
    for column in ("reproduced", "low", "high", "difference"):
        if column not in out:
            out[column] = np.nan
    out["n_units"] = out["n_units"].fillna(0).astype(int) if "n_units" in out else 0
    for column in ("stand_in", "reason", "data", "sentence", "unit"):
        if column in out:
            out[column] = out[column].astype(object).fillna("").astype(str)
    return mark(out)


def mark(board: pd.DataFrame) -> pd.DataFrame:
    """Mark published cells that repeat another, or that hold by construction.

    A method that never sees the source (its paper's ``source_free`` list) has
    one value per target, printed under every source: the first row counts,
    the others get ``duplicate_of``. A method listed under ``by_construction``
    gets that reason.
    """
    board = board.copy()
    board["duplicate_of"] = ""
    board["by_construction"] = ""
    for paper in board["paper"].unique():
        spec = papers.spec(paper)
        free = set(spec.get("source_free", []) or [])
        built = spec.get("by_construction", {}) or {}
        rows = board["paper"] == paper
        first: dict[tuple, str] = {}
        for i in board.index[rows]:
            r = board.loc[i]
            if r["method"] in built:
                board.loc[i, "by_construction"] = " ".join(str(built[r["method"]]).split())
            if r["method"] not in free:
                continue
            key = (r["table"], r["method"], r["target"], r["run"])
            if key in first:
                board.loc[i, "duplicate_of"] = first[key]
            else:
                first[key] = f"{r['method']} ({r['source']} → {r['target']})"
    return board


def _read_all(results_root: str | Path, name: str) -> pd.DataFrame:
    frames = [
        pd.read_csv(p, keep_default_na=False, na_values=[""])
        for chapter in CHAPTERS.values()
        if (p := Path(results_root) / chapter / f"{name}.csv").is_file()
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def effects(results_root: str | Path) -> pd.DataFrame:
    """Every chapter's ``effects.csv`` (the papers' comparisons, ours beside theirs)."""
    out = _read_all(results_root, "effects")
    columns = list(verdict.Effect.__dataclass_fields__)
    return out if len(out) else pd.DataFrame(columns=columns)


def findings(results_root: str | Path) -> pd.DataFrame:
    """Every chapter's ``findings.csv`` (the papers' stated conclusions, judged)."""
    out = _read_all(results_root, "findings")
    return out if len(out) else pd.DataFrame(columns=FINDING_COLUMNS)


def claims(results_root: str | Path) -> pd.DataFrame:
    """The claims tested by chapters without published numbers (``claims.csv``)."""
    out = _read_all(results_root, "claims")
    columns = ["paper", "claim", "holds", "evidence", "data", "sentence"]
    return out if len(out) else pd.DataFrame(columns=columns)


def _pair(row: pd.Series) -> str:
    src, tgt = row["source"], row["target"]
    pair = tgt if src == tgt else f"{src} → {tgt}"
    if row.get("stand_in"):
        pair += f" (ours: {row['stand_in']})"
    return pair


def _ours(row: pd.Series) -> str:
    if pd.isna(row["reproduced"]):
        return "–"
    if pd.notna(row.get("low")) and pd.notna(row.get("high")):
        return f"{row['reproduced']:.1f} [{row['low']:.1f}, {row['high']:.1f}]"
    return f"{row['reproduced']:.1f} (n = {int(row['n_units'])})"


def _verdict_text(r: pd.Series) -> str:
    text = r["status"] + (f": {r['reason']}" if r.get("reason") else "")
    if r.get("duplicate_of"):
        text += f" (the same cell as {r['duplicate_of']}; counted once)"
    if r.get("by_construction"):
        text += " (holds by construction)"
    return text


def compact(board: pd.DataFrame, paper: str) -> pd.DataFrame:
    """One paper's rows, rounded, for reading: published, ours [interval], data, verdict."""
    rows = board[board["paper"] == paper]
    columns = ["table", "method", "pair", "paper", "ours [95 % CI]", "unit", "data", "verdict"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(
        {
            "table": rows["table"],
            "method": rows["method"],
            "pair": rows.apply(_pair, axis=1),
            "paper": rows["published"].map(lambda v: f"{v:g}"),
            "ours [95 % CI]": rows.apply(_ours, axis=1),
            "unit": rows.apply(
                lambda r: f"{int(r['n_units'])} {r['unit']}s" if r.get("n_units") else "",
                axis=1,
            ),
            "data": rows["data"].replace("", "–"),
            "verdict": rows.apply(_verdict_text, axis=1),
        }
    )
    return out.reset_index(drop=True)


def compact_effects(rows: pd.DataFrame) -> pd.DataFrame:
    """Effect rows, rounded, for reading: comparison, setting, paper, ours [CI], units, verdict."""

    def ours(r: pd.Series) -> str:
        if pd.isna(r["difference"]):
            return "–"
        if pd.notna(r["low"]) and pd.notna(r["high"]):
            return f"{r['difference']:+.1f} [{r['low']:+.1f}, {r['high']:+.1f}]"
        return f"{r['difference']:+.1f}"

    def verdict_text(r: pd.Series) -> str:
        text = str(r["verdict"])
        stand_in = r.get("stand_in")
        if isinstance(stand_in, str) and stand_in:
            text += f" ({stand_in} standing in)"
        return text

    if rows.empty:
        columns = ["comparison", "setting", "paper", "ours [95 % CI]", "units", "verdict"]
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(
        {
            "comparison": rows["comparison"],
            "setting": rows["setting"],
            "paper": rows["paper_difference"].map(lambda v: f"{v:+g}" if pd.notna(v) else ""),
            "ours [95 % CI]": rows.apply(ours, axis=1),
            "units": rows.apply(lambda r: f"{int(r['n_units'])} {r['unit']}s", axis=1),
            "verdict": rows.apply(verdict_text, axis=1),
        }
    ).reset_index(drop=True)


def figure(board: pd.DataFrame) -> plt.Figure:
    """Published against reproduced value, per cell, grouped by paper, coloured by verdict.

    Each cell is a dot at (published, reproduced) with its interval as a vertical
    bar; on the diagonal the two agree. Cells that did not run are listed under
    each panel's title by count.
    """
    shown = [p for p in CHAPTERS if (board["paper"] == p).any()]
    n = max(1, len(shown))
    cols = 2
    fig, axes = plt.subplots(
        (n + cols - 1) // cols, cols, figsize=(7.5, 3.6 * ((n + cols - 1) // cols)), squeeze=False
    )
    for ax, paper in zip(axes.flat, shown, strict=False):
        rows = board[board["paper"] == paper]
        ran = rows[rows["reproduced"].notna()]
        lo = float(np.nanmin([rows["published"].min(), ran["low"].min(), ran["reproduced"].min()]))
        hi = float(np.nanmax([rows["published"].max(), ran["high"].max(), ran["reproduced"].max()]))
        pad = 0.08 * (hi - lo or 10)
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="0.6", lw=1, ls="--", zorder=0)
        for status, group in ran.groupby("status"):
            colour = STATUS_COLOURS.get(status, "k")
            err = np.vstack(
                [
                    (group["reproduced"] - group["low"]).fillna(0).clip(lower=0),
                    (group["high"] - group["reproduced"]).fillna(0).clip(lower=0),
                ]
            )
            ax.errorbar(
                group["published"],
                group["reproduced"],
                yerr=err,
                fmt="o",
                ms=5,
                color=colour,
                ecolor=colour,
                elinewidth=1.2,
                capsize=2,
                label=status,
            )
        missing = int(rows["reproduced"].isna().sum())
        title = TITLES[paper] + (
            f"\n({missing} of {len(rows)} cells not run here)" if missing else ""
        )
        ax.set_title(title)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(lo - pad, hi + pad)
        ax.set_xlabel("published (%)")
        ax.set_ylabel("reproduced (%)")
        ax.set_aspect("equal", adjustable="box")
    for ax in list(axes.flat)[len(shown) :]:
        ax.axis("off")
    handles = {}
    for ax in axes.flat:
        for h, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, h)
    if handles:
        order = [s for s in STATUS_COLOURS if s in handles]
        fig.legend(
            [handles[s] for s in order],
            order,
            loc="lower center",
            ncol=min(3, len(order)),
            bbox_to_anchor=(0.5, -0.02),
            frameon=False,
        )
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def _counts(values: pd.Series) -> str:
    counts = values.value_counts()
    return ", ".join(f"{n} {status}" for status, n in counts.items()) if len(counts) else "none"


def summary(
    board: pd.DataFrame,
    effect_rows: pd.DataFrame | None = None,
    finding_rows: pd.DataFrame | None = None,
) -> list[str]:
    """Computed sentences: per paper the counts of findings, effects and published cells.

    Published cells that repeat another are counted once; cells that hold by
    construction are counted apart.
    """
    effect_rows = pd.DataFrame(columns=["paper", "verdict"]) if effect_rows is None else effect_rows
    finding_rows = pd.DataFrame(columns=FINDING_COLUMNS) if finding_rows is None else finding_rows
    sentences = []
    for paper in CHAPTERS:
        rows = board[board["paper"] == paper]
        judged = (finding_rows["paper"] == paper).any() or (effect_rows["paper"] == paper).any()
        if rows.empty and not judged:
            continue
        dup = rows["duplicate_of"].astype(bool) if "duplicate_of" in rows else False
        built = rows["by_construction"].astype(bool) if "by_construction" in rows else False
        counted = rows[~dup & ~built]
        parts = [
            f"**{TITLES[paper]}**: findings: "
            + _counts(finding_rows.loc[finding_rows["paper"] == paper, "verdict"]),
            "effects: " + _counts(effect_rows.loc[effect_rows["paper"] == paper, "verdict"]),
            f"published cells ({len(counted)} distinct"
            + (f", {int(np.sum(built & ~dup))} more by construction" if np.any(built) else "")
            + "): "
            + _counts(counted["status"]),
        ]
        sentences.append("; ".join(parts) + ".")
    margins = sorted(set(board["margin"].dropna())) if "margin" in board else []
    if margins:
        sentences.append(
            "A published value is *reproduced* only when our whole interval lies within "
            f"± {', '.join(f'{m:g}' for m in margins)} points of it, *not reproduced* when our "
            "interval excludes it, and *inconclusive* otherwise."
        )
    if (board["data"] == "synthetic").any():
        sentences.append(
            "Rows on synthetic data show that the pipeline runs; they are never a reproduction."
        )
    return sentences
