"""What the chapter shows: Figure 2, Table 1 beside the paper, the sources, embedding maps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats as sps

from .._base import Prepared
from .data import EMOTIONS, FT, FT_LOSS, IDT, OODT
from .grid_cells import finetune_cell
from .summary import _finetuned, _per_draw, best_settings


def figure2(
    scores: pd.DataFrame, sources: Sequence[str], references: str = "target", title: str = ""
) -> plt.Figure:
    """UAR against the number of target speakers, one panel per source, two per row.

    Lines: fine-tuning with and without the loss (frozen settings averaged), with
    a 95 % band over support draws; OODT on the same draws and IDT as references.

    Args:
        scores: From :func:`~sertl.experiments.feng_chaspari.run`.
        sources: The sources to show, one panel each.
        references: The reference set of the fine-tuned rows.
        title: The figure's title (none when empty).
    """
    ft = _finetuned(scores, references)
    idt = scores.loc[scores["grid"] == "idt", "uar"].mean()
    target = scores["target"].dropna().iloc[0] if len(scores) else ""
    ncols = min(2, len(sources))
    nrows = -(-len(sources) // ncols)
    with plt.rc_context({"font.size": 10, "axes.titlesize": 10, "legend.fontsize": 9}):
        fig, axes = plt.subplots(
            nrows,
            ncols,
            figsize=(7.2, 2.9 * nrows + 0.6),
            sharey=True,
            squeeze=False,
            layout="constrained",
        )
        styles = {OODT: ("0.45", ":"), FT: ("C0", "--"), FT_LOSS: ("C3", "-")}
        for ax, source in zip(axes.flat, sources, strict=False):
            draws = pd.concat([_per_draw(ft, m, references).assign(method=m) for m in styles])
            for method, (colour, style) in styles.items():
                by_n = draws[(draws["source"] == source) & (draws["method"] == method)]
                stats = by_n.groupby("speakers")["uar"].agg(["mean", "sem", "size"])
                half = stats["sem"].fillna(0) * sps.t.ppf(0.975, np.maximum(stats["size"] - 1, 1))
                ax.plot(
                    stats.index, stats["mean"], style, color=colour, label=method, marker="o", ms=3
                )
                ax.fill_between(
                    stats.index,
                    stats["mean"] - half,
                    stats["mean"] + half,
                    color=colour,
                    alpha=0.15,
                )
            if np.isfinite(idt):
                ax.axhline(idt, color="k", lw=1, ls="-.", label="IDT (LOSO)")
            ax.axhline(100 / len(EMOTIONS), color="0.7", lw=0.8, label="chance")
            counts = sorted(ft.loc[ft["source"] == source, "speakers"].dropna().unique())
            ax.set_xticks([int(c) for c in counts])
            ax.set(title=f"{source} → {target}", xlabel="target speakers in the support set")
        for ax in axes[:, 0]:
            ax.set_ylabel("UAR (%)")
        for ax in list(axes.flat)[len(sources) :]:
            ax.set_visible(False)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=3, frameon=False)
        if title:
            fig.suptitle(title)
    return fig


def table1(verdict_table: pd.DataFrame, published: pd.DataFrame) -> str:
    """Table 1 beside the paper, as Markdown, the paper's text/table notes as footnotes.

    Args:
        verdict_table: ``sertl.verdict.table(verdicts(...))``.
        published: The published values (their ``note`` column gives the footnotes).
    """
    notes_of = published.set_index(["method", "source"])["note"]
    verdict_table = verdict_table.assign(
        note=[
            notes_of.get((m, s), "")
            for m, s in zip(verdict_table["method"], verdict_table["source"], strict=True)
        ]
    )
    lines = [
        "| method | paper's source | run with | paper | ours | 95 % CI | n (unit) | verdict |",
        "|:--|:--|:--|--:|--:|:--|:--|:--|",
    ]
    notes = []
    for _, r in verdict_table.iterrows():
        paper = f"{r['published']:.1f}"
        if r.get("note"):
            notes.append(r["note"])
            paper += f"[^{len(notes)}]"
        ran = np.isfinite(r["reproduced"])
        ours = f"{r['reproduced']:.1f}" if ran else "–"
        ci = f"{r['low']:.1f}–{r['high']:.1f}" if np.isfinite(r["low"]) else "–"
        n = f"{r['n_units']} ({r['unit']})" if ran else "–"
        run_with = (r["stand_in"] or r["source"]) if ran else "–"
        status = r["status"] if ran else f"not run: {r['reason']}"
        lines.append(
            f"| {r['method']} | {r['source']} | {run_with} | {paper} | {ours} | {ci} | {n} "
            f"| {status} |"
        )
    lines += [""] + [f"[^{k}]: {note}" for k, note in enumerate(notes, 1)]
    return "\n".join(lines)


def all_sources(scores: pd.DataFrame, references: str = "target") -> pd.DataFrame:
    """Every source that ran: OODT, IDT and the best fine-tuning cells (mean UAR %).

    Args:
        scores: From :func:`~sertl.experiments.feng_chaspari.run`.
        references: The reference set of the fine-tuned rows.

    Returns:
        One row per source; for each fine-tuning method its best cell and that cell's UAR.
    """
    best = best_settings(scores, references)
    oodt = scores[scores["grid"] == "oodt"].groupby("source")["uar"].mean()
    idt = scores.loc[scores["grid"] == "idt", "uar"].mean()
    out = pd.DataFrame({OODT: oodt, IDT: idt})
    for method in (FT, FT_LOSS):
        mine = best[best["method"] == method].set_index("source")
        out[method] = mine["uar"]
        out[f"{method}: best cell"] = [
            f"{int(f)} frozen, {int(n)} speakers"
            for f, n in zip(mine["frozen"], mine["speakers"], strict=True)
        ]
    return out.rename_axis("source")


def embedding_map(
    emb: np.ndarray, method: str = "umap", *, seed: int = 0, n_neighbors: int = 15
) -> np.ndarray:
    """A 2-d map of embeddings: UMAP (``"umap"``) or the first two principal axes (``"pca"``).

    Args:
        emb: Embeddings, one row per utterance.
        method: ``"umap"`` or ``"pca"`` (of the standardised embeddings).
        seed: Seed of the map.
        n_neighbors: UMAP's neighbourhood size.

    Raises:
        ValueError: An unknown ``method``.
    """
    if method == "umap":
        from ...plots import umap_embedding

        return umap_embedding(emb, seed=seed, n_neighbors=n_neighbors)
    if method == "pca":
        from sklearn.decomposition import PCA

        z = (emb - emb.mean(0)) / (emb.std(0) + 1e-8)
        return PCA(n_components=2, random_state=seed).fit_transform(z)
    raise ValueError(f"unknown embedding map {method!r}; use 'umap' or 'pca'")


def embeddings(
    corpora: Mapping[str, Prepared], *, with_loss: bool, **cell: object
) -> tuple[np.ndarray, ...]:
    """Test embeddings, labels and predictions after one fine-tuning (for a figure).

    Args:
        corpora: From :func:`prepare`.
        with_loss: The arm with the distance loss, or without.
        **cell: The parameters of one :func:`finetune_cell` with one frozen setting.
    """
    rows = finetune_cell(corpora=corpora, return_embeddings=True, **cell)
    method = FT_LOSS if with_loss else FT
    row = next(r for r in rows if r["method"] == method)
    return row["embedding"], row["y"], row["pred"]
