"""The corpora as feature arrays: the four emotions, their counts and the target subjects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ... import features
from ...device import stable_seed
from .._base import Prepared, indices
from .settings import EMOTIONS


def relabel(table: pd.DataFrame, *, merge_excited: bool = False) -> pd.DataFrame:
    """The utterances of the four emotions; IEMOCAP's ``excited`` merged into happy on request.

    Andova & Luštrek's Table 1 counts 94 joyful IEMOCAP utterances, so they did
    not merge excited into happy (Lian et al. do); ``merge_excited=True`` does.
    """
    table = table.copy()
    if merge_excited:
        table["emotion"] = table["emotion"].replace({"excited": "happy"})
    out = table[table["emotion"].isin(EMOTIONS)].reset_index(drop=True)
    out.attrs = dict(table.attrs)
    return out


def prepare(
    tables: Mapping[str, pd.DataFrame], *, feature_set: str = "IS10", merge_excited: bool = False
) -> dict[str, Prepared]:
    """The four emotions of each corpus as feature arrays, ready to share with the cells.

    Args:
        tables: Corpus tables by name (standard columns ``file, speaker, emotion``).
        feature_set: openSMILE feature set (the paper's emobase2010 is ``"IS10"``).
        merge_excited: See :func:`relabel`.

    Returns:
        A :class:`~sertl.experiments.Prepared` per corpus name (``y`` indexes :data:`EMOTIONS`).
    """
    extractor = features.OpenSmileExtractor(feature_set)
    out = {}
    for name, table in tables.items():
        table, X = features.extract_table(relabel(table, merge_excited=merge_excited), extractor)
        out[name] = Prepared(
            X=np.asarray(X, dtype=np.float32),
            y=indices(table["emotion"].to_numpy(dtype=str), EMOTIONS, where=name),
            speaker=table["speaker"].astype(str).to_numpy(),
            table=table,
        )
    return out


def feature_names(feature_set: str) -> list[str]:
    """The names of an openSMILE feature set's columns."""
    return features.OpenSmileExtractor(feature_set).feature_names


def counts(corpora: Mapping[str, Prepared]) -> pd.DataFrame:
    """Utterances per emotion and subjects per corpus (the paper's Table 1, ours)."""
    rows = {}
    for name, c in corpora.items():
        row = dict(zip(EMOTIONS, np.bincount(c.y, minlength=len(EMOTIONS)).tolist(), strict=True))
        rows[name] = {**row, "subjects": len(set(c.speaker))}
    return pd.DataFrame.from_dict(rows, orient="index")


def target_subjects(
    corpora: Mapping[str, Prepared],
    targets: Sequence[str],
    *,
    max_subjects: int | None = None,
    seed: int = 0,
) -> dict[str, list[str]]:
    """The labelled training subjects of each target: all (the paper) or a random few.

    Args:
        corpora: From :func:`prepare`.
        targets: Target corpus names.
        max_subjects: At most this many per target, drawn at random; ``None``: all.
        seed: Seed of the draw.
    """
    out = {}
    for t in dict.fromkeys(targets):
        subjects = sorted(set(corpora[t].speaker))
        if max_subjects is not None and len(subjects) > max_subjects:
            rng = np.random.default_rng(stable_seed(seed, t, "subjects"))
            subjects = sorted(rng.choice(subjects, max_subjects, replace=False).tolist())
        out[t] = subjects
    return out
