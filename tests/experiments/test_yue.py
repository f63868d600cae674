"""Yue et al.'s grid on small synthetic feature tables (no audio)."""

import numpy as np
import pandas as pd
import pytest
import torch

from sertl.experiments import GridOptions, yue

PARAMS = dict(
    pretrain_epochs=2,
    finetune_epochs=4,
    lr=1e-3,
    finetune_lr=1e-3,
    margin=1.0,
    kappa=0.5,
    alpha=2.0,
    beta=1.0,
    kappa1=0.5,
    kappa2=0.5,
    valence_weight=0.5,
    pn_threshold=1.0,
)


def _prepared(seed: int = 0) -> yue.Prepared:
    """Two corpora of 4 speakers; features separate the emotions (and the corpora differ)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(4, 12))
    tables, raw = {}, {}
    for c, name in enumerate(("a", "b")):
        rows = [
            (f"{name}{s}-{e}-{i}.wav", emotion, f"{name}{s}", None)
            for s in range(4)
            for e, emotion in enumerate(yue.EMOTIONS)
            for i in range(4)
        ]
        tables[name] = pd.DataFrame(rows, columns=["file", "emotion", "speaker", "session"])
        y = tables[name]["emotion"].map({e: i for i, e in enumerate(yue.EMOTIONS)}).to_numpy()
        raw[name] = centres[y] + rng.normal(size=(len(y), 12)) + c
    X = {f"toy|{s}|{t}": (raw[t] - raw[s].mean(0)) / raw[s].std(0) for s in raw for t in raw}
    return yue.Prepared(tables, {k: v.astype(np.float32) for k, v in X.items()})


@pytest.fixture(scope="module")
def prepared():
    return _prepared()


@pytest.fixture(scope="module")
def rows(prepared):
    n_folds = {n: len(s) for n, s in prepared.shared()["splits"].items()}
    cells = yue.grid(
        [("a", "b"), ("b", "a")], ["toy"], [0], n_folds, 2, k_curve=[2, 4], curve_pair=("a", "b")
    )
    hp = yue.hyperparameters(PARAMS)
    options = GridOptions(scheduler="sequential", store=False, progress=False)
    return yue.run(prepared, cells, hp, grid=options)


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


def test_fstl_kappa_lives_inside_the_metric_loss():
    hp = yue.hyperparameters({**PARAMS, "kappa": 0.3})
    assert yue.metric_loss("FSTL", hp).kappa == 0.3
    assert yue.metric_loss("BTL", hp) is None
    assert hp["pn_index"] == [(0, 2), (1, 2)]  # {angry, sad}, {happy, sad}
    with pytest.raises(ValueError):
        yue.metric_loss("nope", hp)


def test_rows_are_confusion_rows_of_every_test_utterance(rows, prepared):
    assert set(rows["classifier"]) == set(yue.CLASSIFIERS)
    keys = [k for k in yue.KEYS if k != "fold"]
    n_test = rows.groupby([*keys, "classifier"])[yue.PRED].sum().sum(axis=1)
    assert set(n_test) == {len(prepared.tables["a"])}  # every utterance tested once over folds
    cells = rows.groupby([*yue.KEYS, "classifier"])
    assert (cells.size() == len(yue.EMOTIONS)).all()


def test_prototypes_beat_chance_and_the_summaries_agree(rows):
    sc = yue.scores(rows)
    proto = yue.select(sc, classifier="prototype", source_pretrain=False, k=2)
    assert proto["uar"].mean() > 40  # separable toy features, chance is 25
    table = yue.uar_table(sc, 2)
    assert set(table["n_folds"]) == {4}
    keep = yue.configuration(rows, "prototype", False, "toy", 2)
    for method, mat in yue.confusions(keep).items():
        np.testing.assert_allclose(mat.sum(axis=1), 1.0)
        assert list(mat.index) == list(yue.EMOTIONS) and method in yue.METHODS


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


@pytest.mark.parametrize("data", ["synthetic", "real"])
def test_claims_table_has_the_api_columns(rows, data):
    claims, tests = yue.claims(
        rows, extractor="toy", shots=2, curve_pair=("a", "b"), k_curve=[2, 4], data=data
    )
    assert list(claims.columns) == [
        "paper",
        "claim",
        "holds",
        "evidence",
        "data",
        "sentence",
        "basis",
        "origin",
    ]
    assert len(claims) == 11 and (claims["paper"] == "yue").all()
    tested = claims["basis"] == "test"
    if data == "synthetic":
        assert claims["holds"].isna().all()
    else:  # 8 target folds: every claim resting on a test is decided, no other
        assert claims.loc[tested, "holds"].map(lambda v: isinstance(v, bool)).all()
        assert claims.loc[~tested, "holds"].isna().all()
        assert claims.loc[~tested, "sentence"].str.contains("inconclusive").all()
    # the learned-geometry claim is this book's, not the paper's
    assert list(claims.loc[claims["origin"] == "ours", "claim"].str[:29]) == [
        "The emotion-distance prior sh"
    ]
    assert all(t.unit == "target fold" for t in tests)
    no_curve, _ = yue.claims(
        rows, extractor="toy", shots=2, curve_pair=None, k_curve=[2, 4], data="real"
    )
    assert no_curve["holds"].iloc[7:10].isna().all()


def test_fold_embeddings_cover_the_target_and_tally_counts(prepared, rows):
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
    real, _ = yue.claims(
        rows, extractor="toy", shots=2, curve_pair=("a", "b"), k_curve=[2, 4], data="real"
    )
    yes = int((real["holds"] == True).sum())  # noqa: E712
    paper = real[real["origin"] == "paper"]
    yes = int((paper["holds"] == True).sum())  # noqa: E712
    assert yue.tally(real).startswith(f"Of the paper's 10 claims tested here, {yes} hold")
    assert "1 further claim(s) are this book's own" in yue.tally(real)
    assert "synthetic" in yue.tally(real.assign(data="synthetic"))


def test_variant_tests_pair_each_method_with_its_variants(rows):
    tests = yue.variant_tests(yue.scores(rows), extractor="toy", k=2)
    assert len(tests) == 2 * len(yue.METHODS)
    assert all(t.n_units == 8 for t in tests)
    assert "source-trained head" in tests[0].a and "no source labels" in tests[0].b
    assert tests[1].a.endswith("(cen, no source labels)") and "linear" in tests[1].b


def test_source_model_and_fit_predict_start_the_three_methods_alike():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 12)
    x = rng.normal(size=(48, 6)) + 2 * np.eye(4, 6)[y]
    hp = yue.Settings(pretrain_epochs=2).hp()
    heads = {
        m: yue.source_model(m, x, y, hp=hp, epochs=2, init_seed=1, random_state=2)
        for m in yue.METHODS
    }
    assert yue.Settings.from_params({**PARAMS, "device": "cuda"}).device == "cuda"
    support = np.flatnonzero(np.arange(48) % 12 < 2)
    for head, scaler in heads.values():
        pred = yue.fit_predict(
            "FSTL",
            x,
            y,
            x[support],
            y[support],
            x,
            model=(head, scaler),
            hp=hp,
            epochs=1,
            random_state=3,
        )
        assert pred.shape == (48,) and set(pred) <= set(range(4))

    def same(a, b) -> bool:
        return all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))

    assert not same(heads["BTL"][0], heads["FSTL"][0])  # the losses differ ...
    fresh = [
        yue.source_model(m, x, y, hp=hp, epochs=0, init_seed=1, random_state=2)[0]
        for m in yue.METHODS
    ]
    assert same(fresh[0], fresh[1]) and same(fresh[0], fresh[2])  # ... not the start
