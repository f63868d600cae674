import math

import numpy as np
import pytest

from sertl import verdict

ROW = dict(
    paper="andova_lustrek",
    table="Table 2",
    method="scenario 2",
    source="emodb",
    target="savee",
    metric="wa",
    value=49.0,
)


def test_interval_averages_seeds_inside_units():
    # two seeds per subject: n is the number of subjects, the mean that of subject means
    values = [40, 60, 50, 50, 30, 30, 70, 70]
    units = ["a", "a", "b", "b", "c", "c", "d", "d"]
    iv = verdict.interval(values, units, unit="subject")
    assert iv.n_units == 4 and iv.n_runs == 8
    assert iv.mean == pytest.approx(50.0)
    assert iv.low < 50 < iv.high
    assert "4 subjects" in iv.text()


def test_interval_with_unequal_runs_per_unit_is_not_the_run_mean():
    iv = verdict.interval([10, 10, 10, 90], ["a", "a", "a", "b"], unit="subject")
    assert iv.mean == pytest.approx(50.0)  # not 30: units weigh equally


def test_interval_needs_three_units():
    iv = verdict.interval([40, 60], ["a", "b"], unit="seed")
    assert iv.low is None and not iv.has_interval
    assert iv.spread == (40.0, 60.0)
    assert "too few" in iv.text()
    assert iv.contains(50) is None


def test_interval_is_repeatable_and_seeded():
    x = np.random.default_rng(0).normal(50, 5, 20)
    a = verdict.interval(x, n_boot=500, seed=1)
    b = verdict.interval(x, n_boot=500, seed=1)
    assert (a.low, a.high) == (b.low, b.high)


def test_compare_reproduced_and_not():
    inside = verdict.compare(ROW, [48, 50, 47, 52, 49], list("abcde"), unit="subject")
    assert inside.status == "reproduced" and "reproduced" in inside.sentence
    outside = verdict.compare(ROW, [60, 61, 62, 63], list("abcd"), unit="subject")
    assert outside.status == "not reproduced"
    assert outside.difference == pytest.approx(12.5)
    assert "above" in outside.sentence


def test_compare_never_says_reproduced_on_synthetic_data():
    v = verdict.compare(ROW, [48, 50, 47, 52, 49], list("abcde"), data="synthetic")
    assert v.status == "synthetic data"
    assert "not a reproduction" in v.sentence


def test_compare_stand_in_and_too_few_units():
    v = verdict.compare(ROW, [48, 50, 47, 52], list("abcd"), stand_in="emovo")
    assert v.status == "consistent (stand-in)" and "emovo in place of emodb" in v.sentence
    v2 = verdict.compare(ROW, [48, 50], ["s0", "s1"], unit="seed")
    assert v2.status == "undetermined (n < 3)" and math.isnan(v2.low)


def test_not_run_and_table_and_tally():
    rows = [
        verdict.not_run(ROW, "IEMOCAP not configured"),
        verdict.compare(ROW, [48, 50, 47, 52, 49], list("abcde")),
    ]
    t = verdict.table(rows)
    assert list(t.columns)[:7] == [
        "paper",
        "table",
        "method",
        "source",
        "target",
        "metric",
        "published",
    ]
    assert t.loc[0, "status"] == "not run" and "IEMOCAP" in t.loc[0, "reason"]
    assert verdict.tally(t) == "Of 2 published cells, 1 ran here: 1 reproduced."


def test_paired_direction_significance_and_units():
    rng = np.random.default_rng(0)
    b = rng.normal(50, 3, 12)
    a = b + 5 + rng.normal(0, 0.5, 12)
    t = verdict.paired(a, b, units=range(12), names=("norm 1", "scenario 2"), unit="subject")
    assert t.outcome == "better" and t.p < 0.01
    assert "norm 1 is better than scenario 2" in t.sentence and "12 subjects" in t.sentence
    t2 = verdict.paired(b, a, units=range(12), unit="subject")
    assert t2.outcome == "worse"
    same = verdict.paired(a, a, units=range(12))
    assert same.outcome == "no difference" and same.p == 1.0


def test_paired_pseudo_replication_collapses_to_units():
    # 3 units x 10 repeats: the test must see 3 units, not 30 runs
    a = np.repeat([51.0, 52.0, 53.0], 10)
    b = np.repeat([50.0, 50.0, 50.0], 10)
    t = verdict.paired(a, b, units=np.repeat([0, 1, 2], 10), unit="support draw")
    assert t.n_units == 3
    assert t.p > 0.05  # differences 1, 2, 3 over three units: t = 3.46 on 2 df


def test_paired_too_few_units_and_length_mismatch():
    t = verdict.paired([1, 2], [0, 0], units=[0, 1])
    assert "too few" in t.sentence and t.outcome == "no difference"
    with pytest.raises(ValueError, match="3 scores of A but 2 of B"):
        verdict.paired([1, 2, 3], [1, 2])


def test_adjust_bonferroni_widens_the_interval_with_the_p_value():
    rng = np.random.default_rng(3)
    b = rng.normal(50, 3, 8)
    tests = [
        verdict.paired(b + 2 + rng.normal(0, 2, 8), b, units=range(8)),
        verdict.paired(b + rng.normal(0, 2, 8), b, units=range(8)),
        verdict.paired(b + 1 + rng.normal(0, 2, 8), b, units=range(8)),
    ]
    adj = verdict.adjust(tests)
    for raw, t in zip(tests, adj, strict=True):
        assert t.p_adjusted == pytest.approx(min(1, 3 * raw.p))
        assert t.level == pytest.approx(1 - 0.05 / 3)
        assert t.low <= raw.low and t.high >= raw.high
        # one procedure: the interval excludes 0 exactly when the adjusted p is below alpha
        assert (t.low > 0 or t.high < 0) == (t.p_adjusted < 0.05)
        assert "Bonferroni over 3 tests" in t.sentence


def test_paired_interval_and_p_are_one_t_test():
    from scipy import stats

    rng = np.random.default_rng(1)
    a, b = rng.normal(52, 4, 6), rng.normal(50, 4, 6)
    t = verdict.paired(a, b, units=range(6))
    d = a - b
    ref = stats.ttest_1samp(d, 0.0)
    assert t.p == pytest.approx(ref.pvalue)
    lo, hi = ref.confidence_interval(0.95)
    assert (t.low, t.high) == pytest.approx((lo, hi))
    assert (t.low > 0 or t.high < 0) == (t.p < 0.05)


def test_interval_is_student_t_over_units():
    x = [23.2, 22.7, 45.9, 24.8]
    iv = verdict.interval(x, list("abcd"), unit="test subject")
    half = stats_t(3) * np.std(x, ddof=1) / 2
    assert iv.low == pytest.approx(np.mean(x) - half) and iv.method == "t"
    assert "t-interval over 4 test subjects" in iv.text()
    boot = verdict.interval(x, list("abcd"), method="bootstrap")
    assert boot.high - boot.low < iv.high - iv.low  # the bootstrap is too narrow at n = 4


def stats_t(df):
    from scipy import stats

    return stats.t.ppf(0.975, df)


def test_compare_three_way_with_margin():
    narrow = verdict.compare(ROW, [48, 50, 47, 52, 49], list("abcde"), unit="subject")
    assert narrow.status == "reproduced" and narrow.margin == 5.0
    wide = verdict.compare(ROW, [35, 60, 40, 62], list("abcd"), unit="subject")
    assert wide.low < 49 < wide.high and wide.status == "inconclusive"
    assert "too wide to tell" in wide.sentence
    tight = verdict.compare(ROW, [48, 50, 47, 52, 49], list("abcde"), margin=1.0)
    assert tight.status == "inconclusive"


def test_compare_seed_range_on_the_same_units():
    values = [40, 44, 50, 52, 60, 62]
    v = verdict.compare(ROW, values, list("aabbcc"), unit="subject", seeds=[0, 1, 0, 1, 0, 1])
    assert (v.seed_low, v.seed_high, v.n_seeds) == (50.0, 52.666666666666664, 2)
    assert "2 runs on the same subjects range 50.0–52.7" in v.sentence


def test_effect_verdicts():
    rng = np.random.default_rng(0)
    b = rng.normal(50, 3, 10)
    t = verdict.paired(b + 9 + rng.normal(0, 0.5, 10), b, units=range(10), names=("n2", "s2"))
    kw = dict(paper="p", table="Table 3", setting="emodb → savee")
    assert verdict.effect(t, paper_difference=9.0, **kw).verdict == "reproduced"
    assert verdict.effect(t, paper_difference=1.0, **kw).verdict == "not reproduced"
    assert verdict.effect(t, **kw).verdict == "same direction"
    assert verdict.effect(t, paper_difference=9.0, data="synthetic", **kw).verdict == (
        "synthetic data"
    )
    e = verdict.effect(t, paper_difference=9.0, degenerate=["n2"], **kw)
    assert e.verdict == "degenerate (at chance)" and "no comparison" in e.sentence
    noisy = verdict.paired(b + rng.normal(0, 8, 10), b, units=range(10))
    assert verdict.effect(noisy, paper_difference=2.0, **kw).verdict == "inconclusive"
    table = verdict.effects_table([verdict.effect(t, paper_difference=9.0, **kw)])
    assert list(table.columns)[:11] == [
        "paper",
        "table",
        "comparison",
        "setting",
        "paper_difference",
        "difference",
        "low",
        "high",
        "unit",
        "n_units",
        "verdict",
    ]


def test_finding_from_effects():
    rng = np.random.default_rng(0)
    b = rng.normal(50, 3, 10)
    kw = dict(paper="p", table="T", setting="s")
    up = verdict.effect(verdict.paired(b + 5, b + rng.normal(0, 1, 10), units=range(10)), **kw)
    flat = verdict.effect(verdict.paired(b + rng.normal(0, 5, 10), b, units=range(10)), **kw)
    both = verdict.effects_table([up, up])
    assert verdict.finding("p", "A > B", both)["verdict"] == "replicated"
    mixed = verdict.effects_table([up, flat])
    assert verdict.finding("p", "A > B", mixed)["verdict"] == "partly replicated"
    assert verdict.finding("p", "A > B", verdict.effects_table([flat]))["verdict"] == (
        "inconclusive"
    )
    down = verdict.effect(verdict.paired(b - 5, b + rng.normal(0, 1, 10), units=range(10)), **kw)
    assert verdict.finding("p", "A > B", verdict.effects_table([down]))["verdict"] == (
        "not replicated"
    )
    none = verdict.finding("p", "A > B", verdict.effects_table([]), untestable="no IEMOCAP")
    assert none["verdict"] == "cannot be tested here" and none["evidence"] == "no IEMOCAP"
    same = verdict.effect(verdict.paired(b + rng.normal(0, 0.5, 10), b, units=range(10)), **kw)
    assert (
        verdict.finding("p", "A not above B", verdict.effects_table([same]), kind="not greater")[
            "verdict"
        ]
        == "replicated"
    )


def test_claim():
    row = verdict.claim("yue", "EMOFSL > FSTL > BTL", False, "ordering holds in 2 of 12 pairs")
    assert row["sentence"].startswith("EMOFSL > FSTL > BTL: does not hold")
    syn = verdict.claim("yue", "x", True, "e", data="synthetic")
    assert syn["holds"] is None and "not tested on real data" in syn["sentence"]


def test_chance_and_degenerate():
    assert verdict.chance(4) == 25.0
    with pytest.raises(ValueError):
        verdict.chance(0)
    assert verdict.dominant(["a", "b", "a", "a"]) == ("a", 0.75)
    assert verdict.is_degenerate(["a"] * 9 + ["b"])
    assert not verdict.is_degenerate(["a"] * 8 + ["b", "c"])
