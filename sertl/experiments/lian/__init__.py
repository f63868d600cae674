"""Lian et al.'s grid: the pairwise discriminative task against softmax baselines.

One grid, run through :func:`sertl.grid.run`: every cell trains one model, for one
fold, seed and variant (the pairwise task on ``proposed_duration``-second crops, or
the softmax baseline on crops of one of ``durations`` seconds). The folds
(:func:`rotation`) keep Lian et al.'s sessions 1-3 / 4 / 5 on IEMOCAP and rotate the
same proportions over the sorted speakers of any other corpus. The cell's tidy rows
hold its test predictions, its training curve and, for the pairwise task, the
training vectors the figures draw. The independent unit of every score is the test
speaker group.

The summaries (:func:`per_unit`, :func:`table3`, :func:`verdicts`,
:func:`above_chance`) turn them into tables and computed sentences;
:func:`duration_table`, :func:`crop_coverage` and :func:`choose_stand_in` measure
what the crop lengths of the duration baselines mean on a corpus.

Modules:

- :mod:`.settings`: the paper's names and :class:`Settings`;
- :mod:`.data`: the four emotions, the spectrograms, the durations against the crops;
- :mod:`.protocol`: the split groups and the rotating folds;
- :mod:`.method`: the pairwise task, the baselines, :func:`fit_predict`;
- :mod:`.runner`: the grid's cells and :func:`run`;
- :mod:`.report`: predictions, per-unit scores, Table 3, verdicts, the scale.
"""

from .data import (
    choose_stand_in,
    compact,
    crop_coverage,
    crop_sentence,
    duration_sentences,
    duration_table,
    prepare,
    spectrograms,
)
from .method import fit_predict, pairwise, softmax, source_model
from .protocol import fold_members, rotation, split_groups
from .report import (
    PAPER_SCALE,
    above_chance,
    curves,
    degenerate,
    degenerate_sentence,
    embeddings,
    per_unit,
    predictions,
    scale,
    scale_table,
    table3,
    utterance_interval,
    verdicts,
)

# the chapter orders its figures' methods with it (a private name, re-exported as is)
from .report import _method_order as _method_order
from .runner import cell, cells, inputs, run
from .settings import (
    EMOTIONS,
    FPS,
    PAIRWISE,
    PAPER,
    PAPER_CORPUS,
    UNIT,
    Settings,
    baseline,
)

__all__ = [
    "EMOTIONS",
    "FPS",
    "PAIRWISE",
    "PAPER",
    "PAPER_CORPUS",
    "PAPER_SCALE",
    "UNIT",
    "Settings",
    "above_chance",
    "baseline",
    "cell",
    "cells",
    "choose_stand_in",
    "compact",
    "crop_coverage",
    "crop_sentence",
    "curves",
    "degenerate",
    "degenerate_sentence",
    "duration_sentences",
    "duration_table",
    "embeddings",
    "fit_predict",
    "fold_members",
    "inputs",
    "pairwise",
    "per_unit",
    "predictions",
    "prepare",
    "rotation",
    "run",
    "scale",
    "scale_table",
    "softmax",
    "source_model",
    "spectrograms",
    "split_groups",
    "table3",
    "utterance_interval",
    "verdicts",
]
