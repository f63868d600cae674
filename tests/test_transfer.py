import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sertl.transfer import DistributionBinner, MultiTaskForest, NeutralNormalizer, QuantileWarper


def _two_domains(seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.tile(["neutral", "angry", "sad"], 20)
    domain = np.repeat(["source", "target"], 30)
    x = rng.normal(size=(60, 3)) + np.where(domain == "target", 5.0, 0.0)[:, None]
    return x, y, domain


@pytest.mark.parametrize(
    "estimator",
    [
        NeutralNormalizer(neutral="calm"),
        DistributionBinner(n_bins=3, target="savee"),
        QuantileWarper(n_bins=4, target="savee"),
        MultiTaskForest(target="savee", n_estimators=7, random_state=3),
    ],
)
def test_estimators_clone_keep_keyword_only_options_and_refuse_unfitted_use(estimator):
    copy = clone(estimator)
    assert copy.get_params() == estimator.get_params()
    with pytest.raises(TypeError):
        type(estimator)(3)  # options are keyword-only
    x, y, domain = _two_domains()
    with pytest.raises(NotFittedError):
        if hasattr(estimator, "transform"):
            estimator.transform(x, domain=domain)
        else:
            estimator.predict(x)


def test_neutral_normalizer_matches_the_equation():
    x, y, domain = _two_domains()
    out = NeutralNormalizer().fit(x, y, domain=domain).transform(x, domain=domain)
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
    np.testing.assert_array_equal(NeutralNormalizer().fit_transform(x, y, domain=domain), out)


def test_neutral_normalizer_errors_name_the_domain():
    x, y, domain = _two_domains()
    y = y.copy()
    y[(domain == "target") & (y == "neutral")] = "sad"
    with pytest.raises(ValueError, match="'target' has no 'neutral'"):
        NeutralNormalizer().fit(x, y, domain=domain)
    norm = NeutralNormalizer().fit(x[:30], y[:30], domain=domain[:30])
    with pytest.raises(KeyError, match="'target'"):
        norm.transform(x, domain=domain)
    with pytest.raises(TypeError, match="domain"):
        norm.transform(x, domain=None)


def _paper_binning_loop(x_src, y_src, x_tgt, y_tgt, n_bins, edges):
    """Normalisation 2 as the paper's text describes it, one value at a time."""
    out_src, out_tgt = np.zeros_like(x_src), np.zeros_like(x_tgt)
    for f in range(x_src.shape[1]):
        for e in sorted(set(y_tgt)):
            t_rows = [i for i in range(len(y_tgt)) if y_tgt[i] == e]
            s_rows = [i for i in range(len(y_src)) if y_src[i] == e]
            # equal-width bins over the target's training values: all of them, or this emotion's
            spanned = t_rows if edges == "emotion" else range(len(y_tgt))
            low = min(x_tgt[i, f] for i in spanned)
            high = max(x_tgt[i, f] for i in spanned)
            width = (high - low) / n_bins
            counts = [0] * n_bins
            for i in t_rows:  # the target's values: the index of their bin
                k = min(int((x_tgt[i, f] - low) / width), n_bins - 1)
                out_tgt[i, f] = k
                counts[k] += 1
            shares = [c / len(t_rows) for c in counts]
            ranked = sorted(s_rows, key=lambda i: x_src[i, f])
            start = 0
            for k in range(n_bins):  # the lowest x_0 of the source -> 0, the next x_1 -> 1 ...
                end = round(sum(shares[: k + 1]) * len(ranked))
                for i in ranked[start:end]:
                    out_src[i, f] = k
                start = end
    return out_src, out_tgt


@pytest.mark.parametrize("edges", ["pooled", "emotion"])
def test_distribution_binner_follows_the_papers_description(edges):
    rng = np.random.default_rng(1)
    # 10 target rows and 50 source rows per emotion: every share x 50 is a whole number
    y_tgt = np.repeat(["angry", "sad", "neutral"], 10)
    y_src = np.repeat(["angry", "sad", "neutral"], 50)
    x_tgt = np.column_stack([rng.exponential(2.0, 30), rng.normal(3, 1, 30), rng.uniform(size=30)])
    x_tgt[:10] += 2.0  # angry speech is louder in the target
    x_src = np.column_stack([rng.normal(9, 4, 150), rng.exponential(1, 150), rng.normal(size=150)])
    x = np.vstack([x_src, x_tgt])
    y = np.concatenate([y_src, y_tgt])
    domain = np.array(["emodb"] * 150 + ["savee"] * 30)
    binner = DistributionBinner(n_bins=5, edges=edges, target="savee")
    out = binner.fit_transform(x, y, domain=domain)
    want_src, want_tgt = _paper_binning_loop(x_src, y_src, x_tgt, y_tgt, 5, edges)
    np.testing.assert_array_equal(out[:150], want_src)
    np.testing.assert_array_equal(out[150:], want_tgt)
    assert set(np.unique(out)) <= {0, 1, 2, 3, 4}
    # per emotion and feature, the source's shares of each bin equal the target's
    for e in ["angry", "sad", "neutral"]:
        for f in range(3):
            src = np.bincount(out[:150][y_src == e, f].astype(int), minlength=5) / 50
            tgt = np.bincount(out[150:][y_tgt == e, f].astype(int), minlength=5) / 10
            np.testing.assert_allclose(src, tgt)
    # pooled bins keep the emotions apart: the louder target emotion gets the higher bins
    if edges == "pooled":
        assert out[150:160, 0].mean() > out[160:, 0].mean()


def test_distribution_binner_bins_unlabelled_target_speech_on_the_pooled_range():
    x = np.array([[0.0], [10.0], [4.0], [6.0], [100.0], [200.0]])
    y = np.array(["sad", "sad", "angry", "angry", "sad", "angry"])
    domain = np.array(["target"] * 4 + ["source"] * 2)
    test = np.array([[-3.0], [0.0], [1.9], [2.0], [5.0], [10.0], [11.0]])
    for edges in ["pooled", "emotion"]:
        binner = DistributionBinner(n_bins=5, edges=edges).fit(x, y, domain=domain)
        # pooled range 0-10 over all target training speech: bins of width 2, clipped outside
        got = binner.transform(test, domain=np.full(7, "target"))
        np.testing.assert_array_equal(got[:, 0], [0, 0, 0, 1, 2, 4, 4])
    # with per-emotion edges, labelled target rows use their emotion's range (angry: 4-6)
    labelled = np.array([[4.0], [5.0], [6.0]])
    got = binner.transform(labelled, ["angry"] * 3, domain=["target"] * 3)
    np.testing.assert_array_equal(got[:, 0], [0, 2, 4])
    pooled = DistributionBinner(n_bins=5).fit(x, y, domain=domain)
    got = pooled.transform(labelled, ["angry"] * 3, domain=["target"] * 3)
    np.testing.assert_array_equal(got[:, 0], [2, 2, 3])
    with pytest.raises(ValueError, match="source rows need their emotions"):
        binner.transform(x, domain=domain)
    with pytest.raises(ValueError, match="'happy' was not seen"):
        binner.transform(x[:1], ["happy"], domain=["source"])
    with pytest.raises(ValueError, match="edges"):
        DistributionBinner(edges="median").fit(x, y, domain=domain)


def test_distribution_binner_gives_a_source_emotion_without_target_speech_the_pooled_shares():
    x = np.array([[0.0], [1.0], [2.0], [9.0], [10.0]] + [[float(v)] for v in range(10)])
    y = np.array(["sad"] * 5 + ["happy"] * 10)
    domain = np.array(["target"] * 5 + ["source"] * 10)
    out = DistributionBinner(n_bins=5).fit_transform(x, y, domain=domain)
    # pooled target bins of width 2: shares 0.4, 0.2, 0, 0, 0.4 -> source ranks 0-3, 4-5, 6-9
    np.testing.assert_array_equal(out[5:, 0], [0, 0, 0, 0, 1, 1, 4, 4, 4, 4])


def test_quantile_warper_puts_equal_proportions_in_each_target_bin():
    rng = np.random.default_rng(1)
    y_src = np.repeat(["angry", "sad"], 500)
    y_tgt = np.repeat(["angry", "sad"], 50)
    x_src = np.column_stack([rng.exponential(2.0, 1000), rng.normal(3, 1, 1000)])
    x_tgt = np.column_stack([rng.normal(10, 1, 100), rng.uniform(-1, 1, 100)])
    x, y = np.vstack([x_src, x_tgt]), np.concatenate([y_src, y_tgt])
    domain = np.array(["source"] * 1000 + ["target"] * 100)
    out = QuantileWarper(n_bins=5).fit_transform(x, y, domain=domain)
    np.testing.assert_array_equal(out[1000:], x_tgt)  # the target passes through
    mapped = out[:1000]
    for e in ["angry", "sad"]:
        for f in range(2):
            edges = np.quantile(x_tgt[y_tgt == e, f], np.linspace(0, 1, 6))
            counts = np.histogram(mapped[y_src == e, f], bins=edges)[0]
            assert np.all(np.abs(counts - 100) <= 1), counts
            order = np.argsort(x_src[y_src == e, f])
            assert np.all(np.diff(mapped[y_src == e, f][order]) >= -1e-9)


def test_quantile_warper_matches_the_piecewise_equation():
    rng = np.random.default_rng(2)
    x_src, x_tgt = rng.normal(size=(40, 1)), rng.normal(4, 2, size=(25, 1))
    x, y = np.vstack([x_src, x_tgt]), np.array(["sad"] * 65)
    domain = np.array(["source"] * 40 + ["target"] * 25)
    mapped = QuantileWarper(n_bins=5).fit_transform(x, y, domain=domain)[:40]
    s = np.quantile(x_src[:, 0], np.linspace(0, 1, 6))
    t = np.quantile(x_tgt[:, 0], np.linspace(0, 1, 6))
    for value, got in zip(x_src[:, 0], mapped[:, 0], strict=True):
        k = min(int(np.searchsorted(s, value, side="right")) - 1, 4)
        expected = t[k] + (value - s[k]) * (t[k + 1] - t[k]) / (s[k + 1] - s[k])
        assert got == pytest.approx(expected, abs=1e-9)


def test_quantile_warper_leaves_emotions_without_target_speech_and_handles_constants():
    x_src = np.column_stack([np.arange(10.0), np.ones(10)])
    y_src = np.array(["angry"] * 5 + ["happy"] * 5)
    x_tgt = np.column_stack([np.arange(5.0) * 10, np.arange(5.0)])
    x, y = np.vstack([x_src, x_tgt]), np.concatenate([y_src, ["angry"] * 5])
    domain = np.array(["source"] * 10 + ["target"] * 5)
    mapped = QuantileWarper(n_bins=5).fit_transform(x, y, domain=domain)[:10]
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
    model = MultiTaskForest(n_estimators=50, max_depth=4, random_state=0).fit(x, y, domain=domain)
    assert set(model.classes_) == {"angry", "sad"}
    test = np.column_stack([np.array([-1.5, -0.8, 0.8, 1.5]), np.ones(4)])
    assert model.predict(test).tolist() == ["angry", "angry", "sad", "sad"]
    np.testing.assert_allclose(model.predict_proba(test).sum(1), 1.0)
    # every (domain, emotion) is a class, and the target rows were oversampled to the
    # source's 200: each tree's bootstrap draws 400 rows
    assert set(model.forest_.classes_) == {
        "source|angry",
        "source|sad",
        "target|angry",
        "target|sad",
    }
    assert model.forest_.estimators_[0].tree_.weighted_n_node_samples[0] == 2 * n_src
    # the seed decides the forest: same seed, same probabilities
    again = clone(model).fit(x, y, domain=domain)
    np.testing.assert_array_equal(again.predict_proba(test), model.predict_proba(test))


def test_multitask_forest_needs_target_rows():
    x, y, domain = _two_domains()
    with pytest.raises(ValueError, match="target domain 'other'"):
        MultiTaskForest(target="other", n_estimators=5).fit(x, y, domain=domain)
