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
    assert t.p > 0.05  # three units cannot reach p < 0.05 with a signed-rank test


def test_paired_too_few_units_and_length_mismatch():
    t = verdict.paired([1, 2], [0, 0], units=[0, 1])
    assert "too few" in t.sentence and t.outcome == "no difference"
    with pytest.raises(ValueError, match="3 scores of A but 2 of B"):
        verdict.paired([1, 2, 3], [1, 2])


def test_adjust_holm():
    tests = [
        verdict.paired(np.arange(10) + 3.0, np.arange(10.0), units=range(10)),
        verdict.paired(np.arange(10.0), np.arange(10.0), units=range(10)),
    ]
    adj = verdict.adjust(tests)
    assert adj[0].p_adjusted == pytest.approx(min(1, 2 * tests[0].p))
    assert "Holm-adjusted" in adj[0].sentence


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
