"""The chapter's vocabulary (emotions, methods, columns) and its data: corpora and support draws."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ... import features
from ...device import stable_seed
from ...protocols import FewShotSplit
from .._base import Prepared

EMOTIONS = ("angry", "happy", "sad", "fear")
IDT, OODT = "IDT", "OODT"
FT, FT_LOSS = "fine-tuning", "fine-tuning + distance loss"
#: Reference sets after fine-tuning: the paper's (labelled target data only) and a variant.
REFERENCES = ("target", "source+target")
#: The independent unit of each method's runs.
UNITS = {
    IDT: "held-out speaker",
    OODT: "target speaker",
    FT: "support draw",
    FT_LOSS: "support draw",
}
COLUMNS = ["grid", "method", "source", "target", "frozen", "speakers", "repeat", "references"]
COLUMNS += ["unit", "uar"]
#: Columns of the fine-tuning rows with the distance loss (see :func:`clamp_sentence`).
LOSS_COLUMNS = ["distance_loss_history", "clamp_share"]


def prepare(
    tables: Mapping[str, pd.DataFrame], feature_set: str = "IS09_64"
) -> dict[str, Prepared]:
    """The four emotions of each corpus as arrays, ready to share with the cells.

    Args:
        tables: Corpus tables by name (standard columns ``file, speaker, emotion``).
        feature_set: openSMILE feature set (the paper's 64-d IS09 subset by default).

    Returns:
        One :class:`~sertl.experiments.Prepared` per corpus; ``y`` indexes :data:`EMOTIONS`.
    """
    extractor = features.OpenSmileExtractor(feature_set)
    index = {e: i for i, e in enumerate(EMOTIONS)}
    out = {}
    for name, table in tables.items():
        table = table[table["emotion"].isin(EMOTIONS)].reset_index(drop=True)
        table, X = features.extract_table(table, extractor)
        out[name] = Prepared(
            X=np.asarray(X, dtype=np.float32),
            y=table["emotion"].map(index).to_numpy(),
            speaker=table["speaker"].astype(str).to_numpy(),
            table=table,
        )
    return out


def support_draw(
    y: np.ndarray, speakers: np.ndarray, n_speakers: int, repeat: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """One utterance per emotion from each of ``n_speakers`` random speakers.

    Args:
        y: Emotion of each utterance (indices into :data:`EMOTIONS`).
        speakers: Speaker of each utterance.
        n_speakers: Speakers in the support set.
        repeat: Number of the draw (each gives other speakers and utterances).
        seed: Base seed; the draw's seed derives from it, ``n_speakers`` and ``repeat``.

    Returns:
        (support indices, test indices): the test set is every utterance of the
        other speakers.
    """
    split = FewShotSplit(
        k=1,
        n_speakers=n_speakers,
        n_splits=1,
        random_state=stable_seed(seed, "support", n_speakers, repeat),
        classes=range(len(EMOTIONS)),
    )
    return next(split.split(y, y, speakers))


def usable_speaker_counts(speaker_counts: Sequence[int], n_speakers: int) -> list[int]:
    """The speaker counts that leave at least one target speaker to test on.

    A support draw from ``n`` of the target's ``n_speakers`` speakers tests on the
    others, so ``n`` must be smaller (a small user corpus may have fewer speakers
    than a profile asks for).

    Args:
        speaker_counts: The speaker counts asked for.
        n_speakers: Speakers of the target corpus.

    Returns:
        The counts that run, in the order asked.
    """
    return [int(n) for n in speaker_counts if 0 < n < n_speakers]


def skipped_sentence(speaker_counts: Sequence[int], n_speakers: int, target: str) -> str:
    """Says which speaker counts the target's size rules out (empty when none).

    Args:
        speaker_counts: The speaker counts asked for.
        n_speakers: Speakers of the target corpus.
        target: The target's name (for the sentence).
    """
    skipped = sorted(
        set(map(int, speaker_counts)) - set(usable_speaker_counts(speaker_counts, n_speakers))
    )
    if not skipped:
        return ""
    return (
        f"{target} has {n_speakers} speakers, so support draws of {skipped} speakers would leave "
        "no speaker to test on: they are skipped."
    )
