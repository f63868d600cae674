"""Feng & Chaspari's grid: a Siamese network, out-of-domain, in-domain and fine-tuned.

Three grids of cells, each a pure function of its parameters run through
:func:`sertl.grid.run` (:func:`run`): in-domain training, one held-out target
speaker per cell (:func:`idt_cell`); a source's out-of-domain model on every
target speaker (:func:`oodt_cell`); and fine-tuning on one random support draw
per cell (:func:`finetune_cell`), with each number of frozen layers, with and
without the distance loss.

The modules:

- :mod:`.data`: the emotions, methods and columns; :func:`prepare` (one
  :class:`~sertl.experiments.Prepared` per corpus) and the support draws;
- :mod:`.training`: one network, the source model (:func:`base_model`) and
  :func:`fit_predict`, which the benchmark also calls;
- :mod:`.grid_cells`: the three cell functions;
- :mod:`.experiment`: :class:`Settings`, :func:`cells`, :func:`cell` and :func:`run`;
- :mod:`.summary`: verdicts, paired effects, the speaker trend, the variance
  explained and their computed sentences;
- :mod:`.report`: Figure 2, Table 1 beside the paper, the sources' overview and
  the embedding maps.
"""

from .data import (
    COLUMNS,
    EMOTIONS,
    FT,
    FT_LOSS,
    IDT,
    LOSS_COLUMNS,
    OODT,
    REFERENCES,
    UNITS,
    prepare,
    skipped_sentence,
    support_draw,
    usable_speaker_counts,
)
from .experiment import CELLS, GRID_KEYS, Settings, cell, cells, run
from .grid_cells import _loss_record, finetune_cell, idt_cell, oodt_cell
from .report import all_sources, embedding_map, embeddings, figure2, table1
from .summary import (
    _per_draw,
    best_settings,
    clamp_sentence,
    finetune_effect,
    loss_effect,
    reference_effect,
    source_claim,
    speaker_trend,
    variance_explained,
    verdicts,
)
from .training import base_model, fit_predict

__all__ = [
    "CELLS",
    "COLUMNS",
    "EMOTIONS",
    "FT",
    "FT_LOSS",
    "GRID_KEYS",
    "IDT",
    "LOSS_COLUMNS",
    "OODT",
    "REFERENCES",
    "UNITS",
    "Settings",
    "_loss_record",
    "_per_draw",
    "all_sources",
    "base_model",
    "best_settings",
    "cell",
    "cells",
    "clamp_sentence",
    "embedding_map",
    "embeddings",
    "figure2",
    "finetune_cell",
    "finetune_effect",
    "fit_predict",
    "idt_cell",
    "loss_effect",
    "oodt_cell",
    "prepare",
    "reference_effect",
    "run",
    "skipped_sentence",
    "source_claim",
    "speaker_trend",
    "support_draw",
    "table1",
    "usable_speaker_counts",
    "variance_explained",
    "verdicts",
]
