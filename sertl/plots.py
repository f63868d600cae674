"""Figures the chapters share: embeddings, heatmaps, curves with bands."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

#: One colour per canonical emotion, the same in every chapter.
EMOTION_COLOURS = {
    "neutral": "#7f7f7f",
    "calm": "#17becf",
    "happy": "#ff7f0e",
    "sad": "#1f77b4",
    "angry": "#d62728",
    "fear": "#9467bd",
    "disgust": "#8c564b",
    "surprise": "#e377c2",
    "boredom": "#bcbd22",
    "frustration": "#2ca02c",
    "excited": "#ffbb78",
}


def umap_embedding(x: np.ndarray, seed: int = 0, n_neighbors: int = 15) -> np.ndarray:
    """A deterministic 2-d UMAP of standardised ``x`` (single-threaded for bit-equality)."""
    import umap

    z = (x - x.mean(0)) / (x.std(0) + 1e-8)
    reducer = umap.UMAP(n_neighbors=min(n_neighbors, len(x) - 1), random_state=seed, n_jobs=1)
    return reducer.fit_transform(z)


def scatter(
    ax: plt.Axes,
    xy: np.ndarray,
    labels: Sequence[str],
    title: str,
    palette: dict[str, str] | None = None,
) -> None:
    """Scatter a 2-d embedding coloured by ``labels``."""
    labels = np.asarray(labels)
    for i, lab in enumerate(sorted(set(labels.tolist()))):
        mask = labels == lab
        colour = (palette or {}).get(lab, f"C{i % 10}")
        ax.scatter(xy[mask, 0], xy[mask, 1], s=6, alpha=0.6, color=colour, label=lab, linewidths=0)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    # below the axes: a legend inside would cover the points
    ax.legend(
        markerscale=2.5,
        fontsize=8,
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=2,
    )


def heatmap(
    ax: plt.Axes,
    table: pd.DataFrame,
    title: str,
    fmt: str = ".2f",
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
) -> None:
    """Annotated heatmap of a square or rectangular table."""
    sns.heatmap(
        table,
        annot=True,
        fmt=fmt,
        cmap=cmap,
        ax=ax,
        vmin=vmin,
        vmax=vmax,
        cbar=False,
        square=table.shape[0] == table.shape[1],
    )
    ax.set_title(title)


def band(
    ax: plt.Axes, x: Sequence[float], values: np.ndarray, label: str, colour: str | None = None
) -> None:
    """Mean line with a band of one standard deviation over repeats (axis 1)."""
    values = np.asarray(values, float)
    mean, std = values.mean(1), values.std(1)
    line = ax.plot(x, mean, label=label, color=colour)[0]
    ax.fill_between(x, mean - std, mean + std, alpha=0.2, color=line.get_color())
