"""Yue et al.'s grid: BTL, FSTL and EMOFSL heads fine-tuned on k shots of a target corpus.

One cell (:func:`cell`) is one (source, target, extractor, method, seed, target fold,
shots k, source pre-training) combination: a head on fixed speech features is
(optionally) pre-trained on the labelled source corpus, fine-tuned on a k-shot
support set drawn from the target's training folds, and the held-out fold is
classified two ways: against ``cen``, the shot-average embedding of each emotion in
the support set (the paper's classifier), and by the head's linear layer (a variant).
A cell returns one row per (classifier, true emotion) with the counts of each
predicted emotion (a confusion-matrix row) and the Spearman correlation between the
test utterances' class-centroid distances and the valence-arousal prior.

The target fold is the independent unit of the claims: the test speakers of a fold
are the same for every source, extractor, method and seed, which are averaged
within it. :func:`prepare` computes the features, :func:`cells` lists the cells,
:func:`run` runs them through :func:`sertl.grid.run`, and the summaries
(:func:`scores`, :func:`uar_table`, :func:`confusions`, :func:`recalls`,
:func:`claims`) turn the rows into tables and computed sentences.

Modules: :mod:`.settings` (constants, losses, :class:`Settings`), :mod:`.data`
(folds, features, :class:`Prepared`), :mod:`.runner` (the cells and their run),
:mod:`.transfer` (the benchmark's :func:`source_model` and :func:`fit_predict`),
:mod:`.report` (tables) and :mod:`.verdicts` (claims and their sentences).
"""

from .data import Prepared, folds, prepare
from .report import (
    SENSITIVITY,
    configuration,
    confusions,
    curve,
    pair_recalls,
    recalls,
    rho_table,
    scores,
    select,
    sensitivity,
    uar_table,
    variant_name,
    variant_tests,
)
from .runner import (
    cell,
    cells,
    centroid_rho,
    fit_fold,
    fold_embeddings,
    grid,
    head_key,
    pretrain,
    pretrain_cells,
    run,
)
from .settings import (
    CLASSIFIERS,
    EMOTIONS,
    KEYS,
    METHODS,
    PAPER,
    PRED,
    SESSION_CORPORA,
    Settings,
    hyperparameters,
    metric_loss,
    pure_negative_index,
)
from .transfer import fit_predict, source_model
from .verdicts import claims, rho_sentence, tally

__all__ = [
    "CLASSIFIERS",
    "EMOTIONS",
    "KEYS",
    "METHODS",
    "PAPER",
    "PRED",
    "SENSITIVITY",
    "SESSION_CORPORA",
    "Prepared",
    "Settings",
    "cell",
    "cells",
    "centroid_rho",
    "claims",
    "configuration",
    "confusions",
    "curve",
    "fit_fold",
    "fit_predict",
    "fold_embeddings",
    "folds",
    "grid",
    "head_key",
    "hyperparameters",
    "metric_loss",
    "prepare",
    "pretrain",
    "pretrain_cells",
    "pure_negative_index",
    "pair_recalls",
    "recalls",
    "rho_sentence",
    "rho_table",
    "run",
    "scores",
    "select",
    "sensitivity",
    "source_model",
    "tally",
    "uar_table",
    "variant_name",
    "variant_tests",
]
