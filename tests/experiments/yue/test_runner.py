"""Yue et al.'s cells, their stages and their run."""

import numpy as np
import pandas as pd
import pytest
import torch

from sertl.experiments import yue

from ._toy import PARAMS


def test_grid_lists_every_cell_and_the_curve_on_one_pair_only():
    cells = yue.grid(
        [("a", "b"), ("b", "a")],
        ["x", "y"],
        [0, 1],
        {"a": 3, "b": 4},
        5,
        k_curve=[5, 10],
        curve_pair=("a", "b"),
    )
    frame = pd.DataFrame(cells)
    per_method = 2 * 2 * 2  # extractors x seeds x source_pretrain
    assert len(frame) == 3 * per_method * (4 * 2 + 3)
    assert set(frame.loc[frame["target"] == "a", "k"]) == {5}
    assert list(frame.columns) == yue.KEYS


def test_rows_are_confusion_rows_of_every_test_utterance(rows, prepared):
    assert set(rows["classifier"]) == set(yue.CLASSIFIERS)
    keys = [k for k in yue.KEYS if k != "fold"]
    n_test = rows.groupby([*keys, "classifier"])[yue.PRED].sum().sum(axis=1)
    assert set(n_test) == {len(prepared.tables["a"])}  # every utterance tested once over folds
    cells = rows.groupby([*yue.KEYS, "classifier"])
    assert (cells.size() == len(yue.EMOTIONS)).all()


def test_support_comes_from_other_folds_and_is_shared_by_the_methods(prepared):
    shared = {**prepared.shared(), "hp": yue.hyperparameters(PARAMS)}
    common = dict(source="a", target="b", extractor="toy", seed=0, fold=1, k=2)
    btl = yue.fit_fold(method="BTL", source_pretrain=False, **common, **shared)
    emo = yue.fit_fold(method="EMOFSL", source_pretrain=True, **common, **shared)
    _, test = shared["splits"]["b"][1]
    np.testing.assert_array_equal(btl["support"], emo["support"])
    assert not set(btl["support"]) & set(test) and len(btl["support"]) == 2 * 4
    # the first stage's head gives the numbers of a head trained inside the cell, and
    # fine-tuning works on a copy, so the stage's head serves every cell unchanged
    head = yue.pretrain(source="a", extractor="toy", method="EMOFSL", seed=0, **shared)[0]["head"]
    before = [p.detach().clone() for p in head.parameters()]
    staged = {yue.head_key("a", "toy", "EMOFSL", 0): head}
    for _ in range(2):
        out = yue.fit_fold(
            method="EMOFSL", source_pretrain=True, pretrained=staged, **common, **shared
        )
        np.testing.assert_array_equal(out["embeddings"], emo["embeddings"])
    for a, b in zip(before, head.parameters(), strict=True):
        assert torch.equal(a, b)


def test_pretrain_cells_lists_each_source_head_once():
    cells = yue.grid(
        [("a", "b"), ("a", "c"), ("b", "a")], ["toy"], [0, 1], {"a": 2, "b": 2, "c": 2}, 2
    )
    heads = yue.pretrain_cells(cells)
    assert len(heads) == 2 * len(yue.METHODS) * 2  # sources x methods x seeds
    assert len({tuple(h.values()) for h in heads}) == len(heads)
    assert yue.pretrain_cells([c for c in cells if not c["source_pretrain"]]) == []


def test_centroid_rho_is_one_when_the_centroids_sit_on_the_prior():
    hp = yue.hyperparameters(PARAMS)
    from sertl import emotions

    xy = emotions.coordinates(list(yue.EMOTIONS)) * np.array([PARAMS["valence_weight"], 1.0])
    truth = np.repeat(np.arange(4), 3)
    assert yue.centroid_rho(xy[truth], truth, hp["prior"]) == pytest.approx(1.0)
    assert np.isnan(yue.centroid_rho(xy[truth[:6]], truth[:6], hp["prior"]))


def test_fold_embeddings_cover_the_target(prepared):
    emb, truth = yue.fold_embeddings(
        prepared,
        yue.hyperparameters(PARAMS),
        source="a",
        target="b",
        extractor="toy",
        method="BTL",
        seed=0,
        k=2,
        source_pretrain=False,
    )
    assert emb.shape == (len(prepared.tables["b"]), 64) and len(truth) == len(emb)
