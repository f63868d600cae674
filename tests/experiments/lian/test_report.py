"""Lian et al.'s summaries on hand-made scores: intervals, degenerate models, chance."""

import pandas as pd
import pytest

from sertl import papers
from sertl.experiments import lian

from .toy import SETTINGS


def test_single_unit_gets_an_utterance_interval_for_its_speakers_only():
    pred = pd.DataFrame(
        {
            "method": lian.PAIRWISE,
            "seed": 0,
            "unit": "Session5",
            "true": list(lian.EMOTIONS) * 10,
            "predicted": list(lian.EMOTIONS) * 5 + ["angry"] * 20,
        }
    )
    scores = pd.DataFrame(
        [{"method": lian.PAIRWISE, "duration": 4, "seed": 0, "unit": "Session5", "uar": 62.5}]
    )
    published = papers.published("lian", "Table 3")
    t3 = lian.table3(scores, published, [], pred)
    row = t3.loc[lian.PAIRWISE]
    assert row["n"] == 1 and "Session5 only" in row["interval"]
    assert row["low"] < 62.5 < row["high"] and row["pooled"] == pytest.approx(62.5)


def test_degenerate_models_are_named():
    pred = pd.DataFrame(
        {
            "method": ["a"] * 10 + ["b"] * 10,
            "seed": 0,
            "unit": "u",
            "predicted": ["sad"] * 9 + ["angry"] + ["sad", "angry"] * 5,
        }
    )
    check = lian.degenerate(pred)
    assert check["degenerate"].tolist() == [True, False]
    text = lian.degenerate_sentence(check)
    assert text.startswith("Degenerate: 1 model") and "a (seed 0, u: sad 90 %)" in text
    assert lian.degenerate_sentence(check[~check["degenerate"]]).startswith("No model")


def test_above_chance_tests_over_units():
    scores = pd.DataFrame(
        {"method": lian.PAIRWISE, "seed": 0, "unit": list("abcde"), "uar": [40.0, 45, 50, 42, 48]}
    )
    row = lian.above_chance(scores).loc[lian.PAIRWISE]
    assert row["above"] == pytest.approx(20.0) and row["p"] < 0.001
    flat = scores.assign(uar=[20.0, 30, 25, 22, 28])
    assert lian.above_chance(flat).loc[lian.PAIRWISE, "p"] > 0.05


def test_scale_is_computed_from_the_settings():
    s = lian.scale(SETTINGS, n_train=100, seeds=[0, 1, 2], folds=5)
    assert s["most training pairs per model"] == 128 and s["seeds"] == 3
    assert s["encoder parameters"] > 0 and s["input (bins x frames, pairwise crop)"] == "257 x 200"
    text = lian.scale_table({"run": s, "paper": lian.PAPER_SCALE})
    assert text.loc["learning rate", "paper"] == "1e-05"
    assert text.loc["pairwise epochs (most)", "paper"] == "not stated"
