"""The chapter's figures: accuracy per method, and one feature before and after normalising."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ...transfer import DistributionBinner, NeutralNormalizer, QuantileWarper
from .._base import Prepared
from .settings import EMOTIONS, METHODS


def plot_methods(table: pd.DataFrame, *, ncols: int = 2) -> plt.Figure:
    """Our accuracy per method (with its interval) beside the paper's, one panel per pair.

    Args:
        table: From :func:`summary`.
        ncols: Panels per row.
    """
    groups = list(table.groupby(["source", "target"], sort=False))
    methods = [m for m in METHODS if m in set(table["method"])]
    pos = {m: len(methods) - 1 - i for i, m in enumerate(methods)}
    nrows = -(-len(groups) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(7.5, 0.9 + 0.22 * len(methods) * nrows), squeeze=False, sharey=True
    )
    for ax, ((source, target), g) in zip(axes.flat, groups, strict=False):
        y = g["method"].map(pos)
        low = (g["ours"] - g["low"]).fillna(0).clip(lower=0)
        high = (g["high"] - g["ours"]).fillna(0).clip(lower=0)
        ax.errorbar(g["ours"], y, xerr=[low, high], fmt="o", color="C0", label="ours (95 % CI)")
        ax.plot(g["paper"], y, "x", color="C3", ms=7, label="paper")
        ax.set_title(f"{source} → {target}")
        ax.set_xlabel("accuracy (%)")
        ax.grid(axis="x", alpha=0.3)
    axes[0, 0].set_yticks(list(pos.values()), list(pos))
    for ax in axes.flat[len(groups) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def figure_subject(
    corpora: Mapping[str, Prepared],
    pairs: Sequence[Sequence[str]],
    subjects: Mapping[str, Sequence[str]],
    emotion: str = "neutral",
) -> tuple[str, str, str] | None:
    """The first pair whose source has ``emotion`` speech, and its first target subject with some.

    The feature-views figure shows one emotion; a subject without it (common in a
    user's corpus) would leave the target's panels empty and normalisation 1 unfit.

    Returns:
        (source, target, subject), or None when no pair has one.
    """
    for source, target in pairs:
        if emotion not in set(corpora[source].names(EMOTIONS)):
            continue
        tgt = corpora[target]
        for subject in subjects.get(target, ()):
            if np.any((tgt.speaker == subject) & (tgt.names(EMOTIONS) == emotion)):
                return source, target, subject
    return None


def plot_feature_views(
    corpora: Mapping[str, Prepared],
    *,
    source: str,
    target: str,
    subject: str,
    column: int,
    feature: str,
    n_bins: int = 5,
    emotion: str = "neutral",
) -> plt.Figure:
    """One feature of one emotion in source and target, raw and after each normalisation.

    The paper's Figure 1 shows a loudness feature of neutral speech in two
    corpora; here the same, before and after the normalisations fitted on the
    whole source and one target subject. Each panel has its own axes.
    """
    src, tgt = corpora[source], corpora[target]
    train = tgt.speaker == subject
    x3 = np.vstack([src.X, tgt.X[train]])
    y3 = np.concatenate([src.names(EMOTIONS), tgt.names(EMOTIONS)[train]])
    dom = np.array(["source"] * len(src.y) + ["target"] * int(train.sum()))
    s, t = dom == "source", dom == "target"
    norm1 = NeutralNormalizer().fit_transform(x3, y3, domain=dom)
    norm2 = DistributionBinner(n_bins=n_bins).fit_transform(x3, y3, domain=dom)
    warped = QuantileWarper(n_bins=n_bins).fit_transform(x3, y3, domain=dom)
    views = {
        "raw": x3,
        "normalisation 1 (neutral speech)": norm1,
        "normalisation 2 (bin index)": norm2,
        "variant: quantile warping": warped,
    }
    fig, axes = plt.subplots(2, 2, figsize=(7.5, 5.2))
    for ax, (title, values) in zip(axes.flat, views.items(), strict=True):
        for rows, name, colour in ((s, source, "C0"), (t, f"{target} {subject}", "C1")):
            v = values[rows & (y3 == emotion), column]
            if title.startswith("normalisation 2"):
                share = np.bincount(v.astype(int), minlength=n_bins) / max(len(v), 1)
                offset = -0.2 if colour == "C0" else 0.2
                ax.bar(np.arange(n_bins) + offset, share, width=0.4, color=colour, label=name)
                ax.set_xticks(range(n_bins))
                ax.set_ylabel("share")
            else:
                ax.hist(v, bins=12, density=True, alpha=0.5, color=colour, label=name)
                ax.set_ylabel("density")
        ax.set_title(f"{title}")
        kind = {"raw": "", "normalisation 2 (bin index)": "bin of "}.get(title, "normalised ")
        ax.set_xlabel(f"{kind}{feature}", fontsize=9)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, frameon=False)
    fig.suptitle(f"{emotion} speech: {source} (source) and one {target} subject (target)")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig
