"""Yue et al.'s data: the targets' folds and the features of every corpus (encoders included)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler

from ...models import encode, pretrained_encoder
from ...protocols import LeaveOneSessionOut, SpeakerFolds
from .._base import indices
from .settings import EMOTIONS, SESSION_CORPORA


def folds(table: pd.DataFrame, name: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The paper's cross-validation of a target.

    One session out for IEMOCAP and MSP-IMPROV, else (RAVDESS and the stand-ins)
    up to six speaker folds.
    """
    x = np.zeros(len(table))
    if name in SESSION_CORPORA and table["session"].notna().all():
        return list(LeaveOneSessionOut().split(x, None, table["session"].to_numpy()))
    n_speakers = table["speaker"].nunique()
    return list(SpeakerFolds(min(6, n_speakers)).split(x, None, table["speaker"].to_numpy()))


@dataclass
class Prepared:
    """Everything the cells share: labels, speakers, folds and feature matrices.

    Attributes:
        tables: The four-emotion table of each corpus (rows aligned with the features).
        X: Standardised features, keyed ``"extractor|source|corpus"`` (standardised
            with the source's statistics; the contrastive encoder is the source's).
        ssl_losses: Training loss of each source's contrastive encoder.

    Not the contract's :class:`sertl.experiments._base.Prepared` (one corpus, one
    feature matrix): a cell of this grid needs every corpus under every
    (extractor, source) pair, the target standardised with the source's statistics
    and, for ``"contrastive"``, encoded by the source's own encoder; the labels and
    speakers of a corpus are the same under all of them, so they are kept once.
    """

    tables: dict[str, pd.DataFrame]
    X: dict[str, np.ndarray]
    ssl_losses: dict[str, list[float]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The corpora."""
        return list(self.tables)

    def shared(self) -> dict:
        """The ``shared`` objects of :func:`sertl.grid.run` (labels, speakers, folds, X)."""
        return {
            "X": self.X,
            "labels": {n: indices(t["emotion"], EMOTIONS, n) for n, t in self.tables.items()},
            "speakers": {n: t["speaker"].to_numpy() for n, t in self.tables.items()},
            "splits": {n: folds(t, n) for n, t in self.tables.items()},
        }


def prepare(
    corpora: Mapping[str, pd.DataFrame],
    extractors: Sequence[str],
    *,
    ssl: Mapping | None = None,
    ssl_model: str | None = None,
    ssl_layer: int = -1,
    device: str = "cpu",
) -> Prepared:
    """Features of every corpus under every extractor, standardised per source.

    Args:
        corpora: Full corpus tables (all emotions: the contrastive encoder learns from
            all of the source's audio, without labels).
        extractors: ``"contrastive"`` (our self-supervised encoder, trained per source),
            ``"egemaps"`` (openSMILE), ``"whisper"`` (Whisper tiny.en's encoder, see
            :class:`sertl.features.WhisperExtractor`), ``"hf"`` (a transformers model,
            ``ssl_model``).
        ssl: The contrastive encoder's configuration (``epochs``, ``channels``,
            ``crop``, ``seed``; see :func:`sertl.models.pretrained_encoder`).
        ssl_model: A local folder or hub name for ``"hf"``.
        ssl_layer: Hidden layer for ``"hf"``.
        device: Torch device.
    """
    from ... import features
    from ...provenance import manifest_hash

    tables, raw, mels, losses = {}, {}, {}, {}
    for name, full in corpora.items():
        full, m = features.extract_table(
            full, features.LogMel(n_mels=64, duration=3.0), dtype="float16", progress=False
        )
        keep = full["emotion"].isin(EMOTIONS).to_numpy()
        mels[name] = (full, m, keep)
        tables[name] = full[keep].reset_index(drop=True)
    for extractor in extractors:
        for name, table in tables.items():
            if extractor == "egemaps":
                ok, x = features.extract_table(
                    table, features.OpenSmileExtractor("eGeMAPSv02"), progress=False
                )
            elif extractor == "whisper":
                ok, x = features.extract_table(table, features.WhisperExtractor(), progress=False)
            elif extractor == "hf":
                extract = features.TransformersExtractor(ssl_model, ssl_layer, device)
                ok, x = features.extract_table(table, extract, jobs=1, progress=False)
            elif extractor == "contrastive":
                continue
            else:
                raise ValueError(f"unknown extractor {extractor!r}")
            if list(ok["file"]) != list(table["file"]):
                raise RuntimeError(f"{extractor}: features missing for some files of {name}")
            raw[(extractor, name)] = x
    X = {}
    for source in tables:
        for extractor in extractors:
            if extractor == "contrastive":
                full, m, keep = mels[source]
                encoder, norm, losses[source] = pretrained_encoder(
                    m, manifest_hash(full), dict(ssl or {}), device
                )
                per = {n: encode(encoder, mels[n][1][mels[n][2]], norm, device) for n in tables}
            else:
                per = {n: raw[(extractor, n)] for n in tables}
            scaler = StandardScaler().fit(per[source])
            for name, x in per.items():
                X[f"{extractor}|{source}|{name}"] = scaler.transform(x).astype(np.float32)
    return Prepared(tables, X, losses)
