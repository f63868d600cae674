import numpy as np
import pytest

from sertl.transfer import DistributionMapper, MultiTaskForest, NeutralNormalizer


def _two_domains(seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.tile(["neutral", "angry", "sad"], 20)
    domain = np.repeat(["source", "target"], 30)
    x = rng.normal(size=(60, 3)) + np.where(domain == "target", 5.0, 0.0)[:, None]
    return x, y, domain


def test_neutral_normalizer_matches_the_equation():
    x, y, domain = _two_domains()
    out = NeutralNormalizer().fit(x, y, domain).transform(x, domain)
    for d in ["source", "target"]:
        rows = domain == d
        mean = np.mean([x[i] for i in np.flatnonzero(rows & (y == "neutral"))], axis=0)
        std = np.array([np.std(x[rows, f]) for f in range(x.shape[1])])
        for i in np.flatnonzero(rows):
            np.testing.assert_allclose(out[i], (x[i] - mean) / (std + 1e-8))
    # each domain's neutral speech now sits at the origin
    np.testing.assert_allclose(
        out[y == "neutral"][domain[y == "neutral"] == "target"].mean(0), 0, atol=1e-12
    )


def test_neutral_normalizer_errors_name_the_domain():
    x, y, domain = _two_domains()
    y = y.copy()
    y[(domain == "target") & (y == "neutral")] = "sad"
    with pytest.raises(ValueError, match="'target' has no 'neutral'"):
        NeutralNormalizer().fit(x, y, domain)
    norm = NeutralNormalizer().fit(x[:30], y[:30], domain[:30])
    with pytest.raises(KeyError, match="'target'"):
        norm.transform(x, domain)


def test_distribution_mapper_puts_equal_proportions_in_each_target_bin():
    rng = np.random.default_rng(1)
    y_src = np.repeat(["angry", "sad"], 500)
    y_tgt = np.repeat(["angry", "sad"], 50)
    x_src = np.column_stack([rng.exponential(2.0, 1000), rng.normal(3, 1, 1000)])
    x_tgt = np.column_stack([rng.normal(10, 1, 100), rng.uniform(-1, 1, 100)])
    mapped = DistributionMapper(5).fit(x_src, y_src, x_tgt, y_tgt).transform(x_src, y_src)
    for e in ["angry", "sad"]:
        for f in range(2):
            edges = np.quantile(x_tgt[y_tgt == e, f], np.linspace(0, 1, 6))
            counts = np.histogram(mapped[y_src == e, f], bins=edges)[0]
            # 500 source values of the emotion: 100 per bin (the end points may tie a bin)
            assert np.all(np.abs(counts - 100) <= 1), counts
            # the mapping is monotone: the order of the source values is kept
            order = np.argsort(x_src[y_src == e, f])
            assert np.all(np.diff(mapped[y_src == e, f][order]) >= -1e-9)


def test_distribution_mapper_matches_the_piecewise_equation():
    rng = np.random.default_rng(2)
    x_src, x_tgt = rng.normal(size=(40, 1)), rng.normal(4, 2, size=(25, 1))
    y_src, y_tgt = np.array(["sad"] * 40), np.array(["sad"] * 25)
    mapped = DistributionMapper(5).fit(x_src, y_src, x_tgt, y_tgt).transform(x_src, y_src)
    s = np.quantile(x_src[:, 0], np.linspace(0, 1, 6))
    t = np.quantile(x_tgt[:, 0], np.linspace(0, 1, 6))
    for value, got in zip(x_src[:, 0], mapped[:, 0], strict=True):
        k = min(int(np.searchsorted(s, value, side="right")) - 1, 4)
        expected = t[k] + (value - s[k]) * (t[k + 1] - t[k]) / (s[k + 1] - s[k])
        assert got == pytest.approx(expected, abs=1e-9)


def test_distribution_mapper_leaves_emotions_without_target_speech_and_handles_constants():
    x_src = np.column_stack([np.arange(10.0), np.ones(10)])
    y_src = np.array(["angry"] * 5 + ["happy"] * 5)
    x_tgt = np.column_stack([np.arange(5.0) * 10, np.arange(5.0)])
    y_tgt = np.array(["angry"] * 5)
    mapped = DistributionMapper(5).fit(x_src, y_src, x_tgt, y_tgt).transform(x_src, y_src)
    np.testing.assert_array_equal(mapped[5:], x_src[5:])  # no target "happy": unchanged
    np.testing.assert_allclose(mapped[:5, 0], x_tgt[:, 0])  # quantile to quantile
    np.testing.assert_allclose(mapped[:5, 1], 2.0)  # constant source feature -> target median


def test_multitask_forest_predicts_target_classes_with_the_target_mapping():
    # source and target disagree on what a high feature 0 means; feature 1 tells them apart
    rng = np.random.default_rng(3)
    n_src, n_tgt = 200, 20
    x0 = rng.normal(size=n_src + n_tgt)
    domain = np.array(["source"] * n_src + ["target"] * n_tgt)
    high = np.where(x0 > 0, "angry", "sad")
    y = np.where(domain == "source", high, np.where(x0 > 0, "sad", "angry"))
    x = np.column_stack([x0, np.where(domain == "target", 1.0, 0.0)])
    model = MultiTaskForest("target", n_estimators=50, max_depth=4, random_state=0).fit(
        x, y, domain
    )
    assert set(model.classes_) == {"angry", "sad"}
    test = np.column_stack([np.array([-1.5, -0.8, 0.8, 1.5]), np.ones(4)])
    assert model.predict(test).tolist() == ["angry", "angry", "sad", "sad"]
    # every (domain, emotion) is a class, and the target rows were oversampled to the
    # source's 200: each tree's bootstrap draws 400 rows
    assert set(model.forest_.classes_) == {
        "source|angry",
        "source|sad",
        "target|angry",
        "target|sad",
    }
    assert model.forest_.estimators_[0].tree_.weighted_n_node_samples[0] == 2 * n_src


def test_multitask_forest_needs_target_rows():
    x, y, domain = _two_domains()
    with pytest.raises(ValueError, match="target domain 'other'"):
        MultiTaskForest("other", n_estimators=5).fit(x, y, domain)
