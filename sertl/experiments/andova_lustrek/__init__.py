"""Andova & Luštrek's grid: three scenarios and five transfer methods on feature vectors.

Two grids run through :func:`sertl.grid.run`:

- :func:`train_source` (cells from :func:`source_cells`): the FCNN trained on the
  whole source corpus, once per (source, seed); its fitted networks are shared
  with the second grid, which fine-tunes them per target subject.
- :func:`cell` (cells from :func:`cells`): one (source, target, seed, subject)
  cell. The subject is the target's one labelled training speaker; every
  method of the cell is tested on the same speech, that of the target's other
  subjects, so the methods are paired over target subjects: the independent
  unit of every interval and test here (seeds are nested inside subjects).

Every method of the paper is a row of a cell (:data:`METHODS`): the majority
classifier and the random forest in scenarios 1-3 (Table 2), and under
scenario 3 the DBN, the FCNN, the multi-task forest and the two
normalisations (Table 3), plus two named variants of normalisation 2 (bins per
emotion, the other reading of the paper's text, and a quantile warping). Scenario 1
trains on the whole source only; tested on the other subjects of each cell, its
mean over cells equals its accuracy on the whole target when subjects have as
many utterances each (SAVEE).

The modules: :mod:`.settings` (the methods' names and options), :mod:`.data`
(the corpora as arrays), :mod:`.methods` (:func:`fit_predict`), :mod:`.grid`
(the cells and :func:`run`), :mod:`.summary` (:func:`summary`, :func:`verdicts`,
:func:`findings`: the tidy scores as tables and computed sentences) and
:mod:`.figures`.
"""

from .data import counts, feature_names, prepare, relabel, target_subjects
from .figures import figure_subject, plot_feature_views, plot_methods
from .grid import cell, cells, run, source_cells, train_source
from .methods import fit_predict, source_model
from .settings import (
    BASELINE,
    COLUMNS,
    EMOTIONS,
    METHODS,
    OWN_SPEECH,
    PAPER,
    QUANTILE,
    TABLE2,
    TABLE3,
    UNIT,
    VARIANTS,
    Settings,
)
from .summary import findings, overall, power_note, summary, table_view, verdicts

__all__ = [
    "BASELINE",
    "COLUMNS",
    "EMOTIONS",
    "METHODS",
    "OWN_SPEECH",
    "PAPER",
    "QUANTILE",
    "TABLE2",
    "TABLE3",
    "UNIT",
    "VARIANTS",
    "Settings",
    "cell",
    "cells",
    "counts",
    "feature_names",
    "figure_subject",
    "findings",
    "fit_predict",
    "overall",
    "plot_feature_views",
    "plot_methods",
    "power_note",
    "prepare",
    "relabel",
    "run",
    "source_cells",
    "source_model",
    "summary",
    "table_view",
    "target_subjects",
    "train_source",
    "verdicts",
]
