"""The canonical emotion scheme: labels as data.

Every corpus maps its own labels onto these names (one mapping per corpus, in
that corpus's module). A user's corpus is mapped through a synonym table kept
as data (``sertl/data/emotion_synonyms.csv``: English, German, Italian, French,
Spanish, Portuguese and Dutch names and the corpora's codes), matched without
regard to case, accents or separators. Valence and arousal are circumplex coordinates in
[-1, 1] after Russell (1980) and the placements of Warriner et al. (2013)
rescaled; Yue et al. (2023) derive their emotion distance from them.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

#: Canonical emotions with (valence, arousal) coordinates.
SCHEME = pd.DataFrame(
    [
        ("neutral", 0.0, 0.0),
        ("calm", 0.4, -0.6),
        ("happy", 0.8, 0.5),
        ("sad", -0.7, -0.5),
        ("angry", -0.6, 0.8),
        ("fear", -0.7, 0.6),
        ("disgust", -0.7, 0.2),
        ("surprise", 0.3, 0.8),
        ("boredom", -0.3, -0.8),
        ("frustration", -0.5, 0.4),
        ("excited", 0.6, 0.7),
    ],
    columns=["emotion", "valence", "arousal"],
).set_index("emotion")

EMOTIONS: tuple[str, ...] = tuple(SCHEME.index)

#: The four-class settings of the four papers.
FOUR_CLASS: dict[str, tuple[str, ...]] = {
    "feng_chaspari": ("angry", "happy", "sad", "fear"),
    "lian": ("angry", "happy", "sad", "neutral"),
    "yue": ("angry", "happy", "sad", "neutral"),
    "andova_lustrek": ("neutral", "angry", "happy", "sad"),
}


def coordinates(emotions: list[str] | tuple[str, ...]) -> np.ndarray:
    """Return the (valence, arousal) coordinates of ``emotions``.

    Raises:
        KeyError: An emotion is not in the canonical scheme.
    """
    unknown = [e for e in emotions if e not in SCHEME.index]
    if unknown:
        raise KeyError(f"not canonical emotions: {unknown}; known: {list(EMOTIONS)}")
    return SCHEME.loc[list(emotions), ["valence", "arousal"]].to_numpy(dtype=float)


def emotion_distance(
    emotions: list[str] | tuple[str, ...], valence_weight: float = 0.5
) -> pd.DataFrame:
    """Pairwise distance between emotions in valence-arousal space.

    The valence axis is compressed by ``valence_weight`` (Yue et al. compress
    valence because acoustic cues carry arousal better than valence).

    Args:
        emotions: Canonical emotion names.
        valence_weight: Factor applied to valence differences (1 = plain Euclid).

    Returns:
        A symmetric DataFrame indexed and columned by ``emotions``.
    """
    xy = coordinates(emotions) * np.array([valence_weight, 1.0])
    diff = xy[:, None, :] - xy[None, :, :]
    return pd.DataFrame(np.sqrt((diff**2).sum(-1)), index=list(emotions), columns=list(emotions))


def check_mapping(corpus: str, mapping: dict[str, str | None]) -> None:
    """Validate a corpus label mapping against the scheme.

    Raises:
        ValueError: A mapping targets a name outside the scheme.
    """
    bad = {k: v for k, v in mapping.items() if v is not None and v not in SCHEME.index}
    if bad:
        raise ValueError(f"{corpus}: labels map to non-canonical emotions {bad}")


def pure_negative_pairs(
    emotions: list[str] | tuple[str, ...], valence_weight: float = 0.5, threshold: float = 1.0
) -> set[frozenset[str]]:
    """Pairs of emotions far apart in compressed valence-arousal space.

    Yue et al. call them *pure negative* (PN) pairs; every other pair of
    different emotions is a *medium negative* (MN) pair. With the scheme's
    coordinates, a valence weight of 0.5 and a threshold of 1.0, the PN pairs of
    angry, happy, sad and neutral are {happy, sad} and {angry, sad}, as in the
    paper.

    Args:
        emotions: Canonical emotions.
        valence_weight: See :func:`emotion_distance`.
        threshold: Pairs at a larger distance are PN.
    """
    dist = emotion_distance(emotions, valence_weight)
    return {
        frozenset({a, b})
        for i, a in enumerate(emotions)
        for b in emotions[i + 1 :]
        if dist.loc[a, b] > threshold
    }


#: The synonym table: ``label, emotion, language, note`` (one row per name).
SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "emotion_synonyms.csv"


def normalise_label(label: str) -> str:
    """A label's matching key: case, accents and separators ignored.

    ``"Wut"``, ``" WUT "`` and ``"wut"`` match; so do ``"Ärger"`` and ``"arger"``,
    and ``"pleasant_surprise"`` and ``"Pleasant Surprise"``.
    """
    text = unicodedata.normalize("NFKD", str(label))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s_\-]+", " ", text).strip().casefold()


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """The synonym table as matching key -> canonical emotion.

    Raises:
        ValueError: A row names a non-canonical emotion, or one name maps to two
            emotions (the message names the line).
    """
    table: dict[str, str] = {}
    where: dict[str, int] = {}
    with open(SYNONYMS_FILE, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            line = reader.line_num
            key, emotion = normalise_label(row["label"]), (row["emotion"] or "").strip()
            if emotion not in SCHEME.index:
                raise ValueError(
                    f"{SYNONYMS_FILE}, line {line}: {emotion!r} is not a canonical emotion"
                )
            if key in table and table[key] != emotion:
                raise ValueError(
                    f"{SYNONYMS_FILE}, line {line}: {row['label']!r} maps to {emotion!r} "
                    f"but line {where[key]} maps it to {table[key]!r}"
                )
            table[key], where[key] = emotion, line
    return table


def canonical(label: str) -> str | None:
    """The canonical emotion a label names (through the synonym table), else ``None``."""
    key = normalise_label(label)
    if key in SCHEME.index:
        return key
    return synonyms().get(key)


def resolve_labels(
    labels: Iterable[str], mapping: Mapping[str, str | None] | None = None
) -> tuple[dict[str, str | None], list[str]]:
    """Map a corpus's labels onto the canonical emotions.

    Each label is looked up in ``mapping`` (exactly, then without regard to
    case and accents), else taken as a canonical name or a synonym. A mapping
    value may itself be a canonical name or a synonym (``"anger"``), or
    ``None`` to drop the label.

    Args:
        labels: The corpus's label names.
        mapping: The user's label -> emotion map, if any.

    Returns:
        (label -> canonical emotion or ``None``, the labels that map to nothing).

    Raises:
        ValueError: A mapping value is neither a canonical emotion nor a synonym.
    """
    mapping = dict(mapping or {})
    for key, value in mapping.items():
        if value is not None and canonical(value) is None:
            raise ValueError(
                f"labels={{{key!r}: {value!r}}}: {value!r} is not an emotion; "
                f"use one of {list(EMOTIONS)} (or None to drop the label)"
            )
    loose = {normalise_label(k): v for k, v in mapping.items()}
    resolved: dict[str, str | None] = {}
    unmapped: list[str] = []
    for label in sorted(set(labels)):
        if label in mapping:
            value = mapping[label]
        elif normalise_label(label) in loose:
            value = loose[normalise_label(label)]
        else:
            value = canonical(label)
            if value is None:
                unmapped.append(label)
                continue
            resolved[label] = value
            continue
        resolved[label] = None if value is None else canonical(value)
    return resolved, unmapped
