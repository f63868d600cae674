"""Tests of :mod:`sertl.verdict.levels`: one published cell against our interval.

They call it through the package's names (``verdict.X``), as callers do.
"""

import math

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
