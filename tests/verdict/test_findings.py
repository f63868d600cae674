"""Tests of :mod:`sertl.verdict.findings`: effects, findings and claims.

They call it through the package's names (``verdict.X``), as callers do.
"""

import numpy as np

from sertl import verdict


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
