"""Yue et al.'s tables."""

import numpy as np

from sertl.experiments import yue


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
    per_pair = yue.pair_recalls(keep)
    mats = yue.confusions(keep, ("source", "target", "method"))
    assert len(per_pair) == len(mats) and list(per_pair.columns) == list(yue.EMOTIONS)
    for (s, t, m), mat in mats.items():
        np.testing.assert_allclose(per_pair.loc[f"{s} → {t}: {m}"], 100 * np.diag(mat))


def test_variant_tests_pair_each_method_with_its_variants(rows):
    tests = yue.variant_tests(yue.scores(rows), extractor="toy", k=2)
    assert len(tests) == 2 * len(yue.METHODS)
    assert all(t.n_units == 8 for t in tests)
    assert "source-trained head" in tests[0].a and "no source labels" in tests[0].b
    assert tests[1].a.endswith("(cen, no source labels)") and "linear" in tests[1].b
