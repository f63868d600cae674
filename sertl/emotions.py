"""The canonical emotion scheme: labels as data.

Every corpus maps its own labels onto these names (one mapping per corpus, in
that corpus's module). Valence and arousal are circumplex coordinates in
[-1, 1] after Russell (1980) and the placements of Warriner et al. (2013)
rescaled; Yue et al. (2023) derive their emotion distance from them.
"""

from __future__ import annotations

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
