"""Describing corpora before any model does: counts, durations, labels, priors, shift."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

from . import corpora, emotions, stats


def counts(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Files per canonical emotion (rows) and corpus (columns), with a total row."""
    rows = pd.concat(tables.values(), ignore_index=True)
    table = rows.pivot_table(index="emotion", columns="corpus", values="file", aggfunc="count")
    table = table.fillna(0).astype(int)
    table.loc["total"] = table.sum()
    return table


def describe(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Per corpus: files, speakers, language, hours and median duration."""
    rows = pd.concat(tables.values(), ignore_index=True)
    return rows.groupby("corpus").agg(
        files=("file", "size"),
        speakers=("speaker", "nunique"),
        language=("language", "first"),
        hours=("duration", lambda d: round(float(d.sum()) / 3600, 2)),
        median_s=("duration", lambda d: round(float(d.median()), 2)),
    )


def harmonisation(names: list[str] | None = None) -> pd.DataFrame:
    """Every corpus label, its canonical emotion, and which paper's four classes keep it."""
    rows = []
    for name in names or corpora.names():
        for label, emotion in corpora.info(name).labels.items():
            row = {"corpus": name, "label": label, "emotion": emotion or "(dropped)"}
            for paper, classes in emotions.FOUR_CLASS.items():
                row[paper] = "kept" if emotion in classes else "–"
            rows.append(row)
    return pd.DataFrame(rows)


def class_priors(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The class shares of each paper's four-class setting in each corpus."""
    rows = []
    for paper, classes in emotions.FOUR_CLASS.items():
        for name, table in tables.items():
            kept = table[table["emotion"].isin(classes)]
            shares = kept["emotion"].value_counts(normalize=True)
            rows.append(
                {
                    "paper": paper,
                    "corpus": name,
                    "files": len(kept),
                    **{c: round(float(shares.get(c, 0.0)), 3) for c in classes},
                }
            )
    return pd.DataFrame(rows)


def _draw(x: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    return x if len(x) <= n else x[rng.choice(len(x), size=n, replace=False)]


def mmd_matrix(
    features: Mapping[str, tuple[pd.DataFrame, np.ndarray]], n_samples: int = 400, seed: int = 0
) -> pd.DataFrame:
    """Squared MMD between every two corpora; on the diagonal, between speaker halves.

    The diagonal (half of a corpus's speakers against the other half) is the
    shift between speakers of one corpus, the scale against which the corpus
    shift is read. Features are standardised with the pooled statistics of the
    two samples compared.

    Args:
        features: Corpus name -> (its table, its feature matrix ``X``).
        n_samples: At most this many files of each side per estimate.
        seed: Seed of the draws.
    """
    rng = np.random.default_rng(seed)
    names = sorted(features)
    out = pd.DataFrame(np.nan, index=names, columns=names)
    for i, a in enumerate(names):
        table_a, x_a = features[a]
        speakers = np.array(sorted(table_a["speaker"].unique()))
        half = np.isin(table_a["speaker"].to_numpy(), speakers[: len(speakers) // 2])
        z = StandardScaler().fit_transform(x_a)
        out.loc[a, a] = stats.mmd2(_draw(z[half], n_samples, rng), _draw(z[~half], n_samples, rng))
        for b in names[i + 1 :]:
            x_b = features[b][1]
            scaler = StandardScaler().fit(np.vstack([x_a, x_b]))
            value = stats.mmd2(
                _draw(scaler.transform(x_a), n_samples, rng),
                _draw(scaler.transform(x_b), n_samples, rng),
            )
            out.loc[a, b] = out.loc[b, a] = value
    return out


def shift_sentence(mmd: pd.DataFrame) -> str:
    """Compare the mean corpus shift with the mean speaker shift (computed words)."""
    values = mmd.to_numpy()
    off = float(np.nanmean(values[~np.eye(len(mmd), dtype=bool)]))
    diag = float(np.nanmean(np.diag(values)))
    ratio = off / max(diag, 1e-9)
    word = "larger" if ratio > 1 else "not larger"
    return (
        f"Mean squared MMD between corpora: **{off:.3f}**; between speaker halves of one "
        f"corpus: **{diag:.3f}**. The corpus shift is {word} than the speaker shift "
        f"(ratio {ratio:.1f})."
    )


def cluster_sentence(x: np.ndarray, corpus: list[str], emotion: list[str]) -> str:
    """Whether the features cluster by corpus more than by emotion (silhouette scores)."""
    by_corpus = float(silhouette_score(x, corpus))
    by_emotion = float(silhouette_score(x, emotion))
    more = "corpus" if by_corpus > by_emotion else "emotion"
    return (
        f"Silhouette of the embedding by corpus **{by_corpus:.2f}**, by emotion "
        f"**{by_emotion:.2f}**: the points group more by {more}."
    )
