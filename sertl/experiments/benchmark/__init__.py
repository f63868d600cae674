"""Every method of the four papers, and plain baselines, on one cross-corpus protocol.

The protocol (:mod:`.run`): an ordered pair of corpora (source -> target), the
four emotions (:data:`EMOTIONS`), and a target budget: zero-shot (budget 0, the
unit is the target speaker) or few-shot (``k`` labelled utterances per emotion
from ``n_speakers`` target speakers; the unit is the support draw). Every method
of a (pair, budget, draw) sees the same support and test speech, so methods are
paired.

The methods (:mod:`.methods`) are a registry from a name to its paper module's
own source stage and ``fit_predict``: the benchmark trains nothing itself, so
chapter 08 runs the code of chapters 02-05 and 07. One grid cell (:func:`cell`)
is one (source, target, method, budget, draw), run through
:func:`sertl.grid.run`; :func:`emobox_cell` (:mod:`.emobox`) scores a zero-shot
method on EmoBox's published test lists. The summaries (:mod:`.summary`) turn
the rows into tables, a figure and computed sentences.
"""

from .emobox import (
    EARLIER,
    Z_FROM,
    earlier_sentences,
    emobox_cell,
    emobox_cells,
    emobox_name,
    emobox_published,
    emobox_run,
    emobox_sentences,
    emobox_standardisation,
    emobox_table,
    list_indices,
    whisper_size_sentences,
    whisper_sizes,
)
from .methods import (
    ANDOVA,
    ANDOVA_NAMES,
    BASE,
    CORPORA,
    EMOTIONS,
    FEATURE_SETS,
    FENG,
    FEW_SHOT,
    FEW_UNIT,
    LIAN,
    METHODS,
    PAIR_UNIT,
    PAPERS,
    SOURCE_KINDS,
    SOURCE_STAGES,
    YUE,
    YUE_HP,
    ZERO_SHOT,
    ZERO_UNIT,
    Method,
    Settings,
    Task,
    check_methods,
    methods_table,
    predict,
    train_source_model,
)
from .run import (
    KEYS,
    cell,
    cells,
    corpus_z,
    pairs_of,
    prepare,
    run,
    source_cell,
    source_models,
    support_draw,
)
from .summary import (
    PAPER_COLOURS,
    Ranking,
    chance_sentences,
    findings,
    matrix,
    pair_name,
    rank_figure,
    ranking,
    standardisation_tests,
    summary,
)

__all__ = [
    "corpus_z",
    "chance_sentences",
    "ANDOVA",
    "ANDOVA_NAMES",
    "BASE",
    "CORPORA",
    "EARLIER",
    "EMOTIONS",
    "FEATURE_SETS",
    "FENG",
    "FEW_SHOT",
    "FEW_UNIT",
    "KEYS",
    "LIAN",
    "METHODS",
    "PAIR_UNIT",
    "PAPERS",
    "PAPER_COLOURS",
    "SOURCE_KINDS",
    "SOURCE_STAGES",
    "YUE",
    "YUE_HP",
    "ZERO_SHOT",
    "ZERO_UNIT",
    "Z_FROM",
    "Method",
    "Ranking",
    "Settings",
    "Task",
    "cell",
    "cells",
    "check_methods",
    "earlier_sentences",
    "emobox_cell",
    "emobox_cells",
    "emobox_name",
    "emobox_published",
    "emobox_run",
    "emobox_sentences",
    "emobox_standardisation",
    "emobox_table",
    "whisper_size_sentences",
    "whisper_sizes",
    "findings",
    "list_indices",
    "matrix",
    "methods_table",
    "pair_name",
    "pairs_of",
    "predict",
    "prepare",
    "rank_figure",
    "ranking",
    "run",
    "source_cell",
    "source_models",
    "standardisation_tests",
    "summary",
    "support_draw",
    "train_source_model",
]
