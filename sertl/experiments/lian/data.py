"""A corpus's four emotions, its log-spectrograms and what the crop lengths mean on it.

:func:`prepare` keeps the four emotions, :func:`spectrograms` extracts the longest
crop once and :func:`compact` shrinks it to the encoder's input;
:func:`duration_table`, :func:`crop_coverage` and :func:`choose_stand_in` measure
what the crop lengths of the duration baselines mean on a corpus.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ... import features
from ...features.spectrogram import mel_filterbank
from .protocol import split_groups
from .settings import EMOTIONS


def prepare(
    table: pd.DataFrame, *, merge_excited: bool = True, emotions: Sequence[str] = EMOTIONS
) -> pd.DataFrame:
    """The four emotions of a corpus table, with excited merged into happy.

    Args:
        table: A standard corpus table.
        merge_excited: Relabel ``excited`` as ``happy`` first (Lian et al. on IEMOCAP).
        emotions: The classes kept.

    Returns:
        The rows of ``emotions``, index reset, ``attrs`` kept.
    """
    out = table.copy()
    if merge_excited:
        out["emotion"] = out["emotion"].replace({"excited": "happy"})
    out = out[out["emotion"].isin(list(emotions))].reset_index(drop=True)
    out.attrs = dict(table.attrs)
    return out


def compact(x: np.ndarray, n_mels: int | None, frame_pool: int) -> np.ndarray:
    """A smaller input: mel bands instead of linear bins, and averaged frames.

    The log power of the 257 linear bins is turned back into power, summed by
    triangular mel filters and logged again; then each run of ``frame_pool`` frames
    is averaged (trailing frames that fill no run are dropped).

    Args:
        x: Log power spectrograms (items, 257, frames).
        n_mels: Mel bands (None: keep the linear bins).
        frame_pool: Frames averaged into one.

    Returns:
        float32 (items, n_mels or 257, frames // frame_pool).
    """
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"spectrograms must be (items, bins, frames), got shape {x.shape}")
    if n_mels:
        if x.shape[1] != 257:
            raise ValueError(f"mel pooling needs the 257 bins of a 512-point FFT, got {x.shape[1]}")
        fb = mel_filterbank(n_mels, 512, 16000)
        out = np.empty((len(x), n_mels, x.shape[2]), np.float32)
        for start in range(0, len(x), 64):  # in chunks: exp of the whole set is large
            power = np.exp(x[start : start + 64])
            out[start : start + 64] = np.log(np.einsum("mb,nbt->nmt", fb, power) + 1e-10)
        x = out
    if frame_pool > 1:
        usable = x.shape[2] // frame_pool * frame_pool
        x = x[:, :, :usable].reshape(len(x), x.shape[1], -1, frame_pool).mean(-1)
    return np.ascontiguousarray(x, dtype=np.float32)


def spectrograms(
    table: pd.DataFrame, longest: float, **options: object
) -> tuple[pd.DataFrame, np.ndarray]:
    """Log-spectrograms of the longest crop, once; shorter crops are its first frames.

    Returns:
        The rows that have features and an array (items, 257, 100 * longest).
    """
    spec = features.LogSpectrogram(duration=float(longest))
    return features.extract_table(table, spec, dtype="float16", **options)


# ---------------------------------------------------------------------------------------
# durations against the crop lengths


def duration_table(
    tables: Mapping[str, pd.DataFrame], crops: Sequence[float], *, merge_excited: bool = True
) -> pd.DataFrame:
    """Each corpus's clip durations against the crop lengths (four emotions only).

    A ``d``-second crop holds more audio than a shorter one only for clips longer than
    the shorter crop, so the share of clips longer than each crop says how far the
    duration baselines can differ on a corpus.

    Returns:
        One row per corpus: ``corpus, data, clips, median_s`` and ``longer_than_<d>s``
        (percent of clips longer than ``d`` seconds) for each crop.
    """
    rows = []
    for name, table in tables.items():
        d = prepare(table, merge_excited=merge_excited)["duration"].to_numpy(float)
        row = {
            "corpus": name,
            "data": table.attrs.get("origin", ""),
            "clips": len(d),
            "median_s": float(np.median(d)) if len(d) else np.nan,
        }
        for c in crops:
            row[f"longer_than_{c:g}s"] = 100 * float(np.mean(d > c)) if len(d) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def duration_sentences(table: pd.DataFrame, min_share: float = 5.0) -> list[str]:
    """Per corpus of :func:`duration_table`: from which crop on the longer crops add nothing.

    A crop adds audio to the next shorter crop ``c`` only for the clips longer than
    ``c``; once fewer than ``min_share`` percent are, every longer crop holds the same
    audio as ``c`` for the other clips.
    """
    crops = sorted(float(c.removeprefix("longer_than_")[:-1]) for c in table if "longer" in c)
    out = []
    for row in table.itertuples(index=False):
        share = {c: getattr(row, f"longer_than_{c:g}s") for c in crops}
        text = f"{row.corpus} ({row.data})"
        empty = next((c for c in crops[:-1] if share[c] < min_share), None)
        if empty is None:
            text += f": every crop adds audio for at least {min_share:g} % of the clips."
        else:
            longer = [f"{c:g} s" for c in crops if c > empty]
            names = longer[0] if len(longer) == 1 else ", ".join(longer[:-1]) + " and " + longer[-1]
            subject = f"the {names} crop holds" if len(longer) == 1 else f"crops of {names} hold"
            text += (
                f": {subject} the same audio as the {empty:g} s crop for "
                f"{100 - share[empty]:.1f} % of its clips."
            )
        out.append(text)
    return out


def choose_stand_in(
    tables: Mapping[str, pd.DataFrame],
    proposed_duration: float,
    *,
    merge_excited: bool = True,
) -> str:
    """The stand-in corpus: the most speakers, then the most clips longer than the crop.

    The rule: among corpora with at least three speakers, the one with the most
    speakers (the rotating folds test each speaker once, so more speakers give more
    training speakers per fold); ties go to the larger share of clips longer than
    the proposed crop (where the duration baselines can differ), then to the first named.

    Raises:
        ValueError: No corpus has three speakers.
    """
    best, best_key = None, (-1, -1.0)
    for name, table in tables.items():
        part = prepare(table, merge_excited=merge_excited)
        n = len(np.unique(split_groups(part)[0])) if len(part) else 0
        if n < 3:
            continue
        key = (n, float(np.mean(part["duration"].to_numpy(float) > proposed_duration)))
        if key > best_key:
            best, best_key = name, key
    if best is None:
        raise ValueError(f"none of {list(tables)} has three speakers for rotating folds")
    return best


def crop_coverage(
    durations: Sequence[float], crops: Sequence[float], proposed_duration: float
) -> pd.DataFrame:
    """What each crop adds, on a set of clips (for example the test speakers').

    Returns:
        One row per crop: ``crop_s``, ``cut`` (percent of clips longer than the crop),
        ``more_than_proposed`` (percent of clips for which the crop holds more audio
        than the proposed crop) and ``more_than_previous`` (the same against the next
        shorter crop; NaN for the shortest).
    """
    d = np.asarray(durations, dtype=float)
    ordered = sorted(crops)
    rows = []
    for i, c in enumerate(ordered):
        rows.append(
            {
                "crop_s": c,
                "cut": 100 * float(np.mean(d > c)),
                "more_than_proposed": 100 * float(np.mean(d > proposed_duration))
                if c > proposed_duration
                else 0.0,
                "more_than_previous": 100 * float(np.mean(d > ordered[i - 1])) if i else np.nan,
            }
        )
    return pd.DataFrame(rows)


def crop_sentence(coverage: pd.DataFrame, corpus: str, min_share: float = 5.0) -> str:
    """Say, from :func:`crop_coverage`, which duration baselines can differ at all."""
    longer = coverage.dropna(subset=["more_than_previous"])
    if longer.empty:
        return ""
    same = longer[longer["more_than_previous"] < min_share]
    parts = [
        f"a {r.crop_s:g} s crop holds more audio than the next shorter one for "
        f"{r.more_than_previous:.1f} % of the test clips"
        for r in longer.itertuples()
    ]
    text = f"On {corpus}, " + "; ".join(parts) + "."
    if len(same):
        crops = [f"{c:g} s" for c in same["crop_s"]]
        names = crops[0] if len(crops) == 1 else ", ".join(crops[:-1]) + " and " + crops[-1]
        text += (
            f" The baselines at {names} therefore see the same audio as the next shorter "
            f"crop for at least {100 - min_share:g} % of the test clips (they differ by "
            "padding and training noise): their differences say nothing about duration here."
        )
    else:
        text += f" Every longer crop adds audio for at least {min_share:g} % of the test clips."
    return text
