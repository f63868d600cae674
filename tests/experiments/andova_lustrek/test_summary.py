import numpy as np
import pytest

from sertl import papers, verdict
from sertl.experiments import andova_lustrek as al


def test_table_3_compares_each_method_with_the_scenario_2_forest(scores):
    published = papers.published("andova_lustrek")
    summary = al.summary(scores, published)
    pair = summary[(summary["source"] == "emodb") & (summary["target"] == "savee")]
    by_method = pair.set_index("method")
    base = by_method.loc["scenario 2", "ours"]
    for method in [*al.TABLE3, *al.VARIANTS]:
        assert by_method.loc[method, "vs_baseline"] == pytest.approx(
            by_method.loc[method, "ours"] - base
        )
        assert by_method.loc[method, "n"] == 4
    assert np.isnan(by_method.loc["scenario 3", "vs_baseline"])  # Table 2 rows are not tested
    assert by_method.loc["normalisation 2", "paper"] == 58.0
    assert np.isnan(by_method.loc[al.QUANTILE, "paper"])
    # intervals over the four target subjects, seeds averaged within a subject
    runs = scores[(scores["source"] == "emodb") & (scores["method"] == "DBN")]
    per_subject = runs.groupby("subject")["accuracy"].mean()
    assert by_method.loc["DBN", "ours"] == pytest.approx(per_subject.mean())
    view = al.table_view(summary, verdict.table([]), "Table 3")
    assert "baseline (scenario 2)" in view.index.get_level_values("method")


def test_verdicts_cover_every_published_cell_and_say_why_one_did_not_run(scores):
    published = papers.published("andova_lustrek")
    assert len(published) == 54
    table = verdict.table(
        al.verdicts(scores, published, data="synthetic", available=["emodb", "emovo", "savee"])
    )
    assert len(table) == 54
    ran = table[table["status"] != "not run"]
    assert len(ran) == 18
    assert set(zip(ran["source"], ran["target"], strict=True)) == {
        ("emodb", "savee"),
        ("emovo", "savee"),
    }
    assert (ran["status"] == "synthetic data").all()  # never "reproduced" on synthetic data
    assert (ran["n_units"] == 4).all() and (ran["unit"] == al.UNIT).all()
    not_run = table[table["status"] == "not run"]
    assert not_run["reason"].str.contains("iemocap not configured").all()
    real = verdict.table(
        al.verdicts(scores, published, data="real", available=["emodb", "emovo", "savee"])
    )
    assert set(real["status"]) <= {"reproduced", "not reproduced", "not run"}


def test_findings_follow_the_numbers_and_the_paper(scores):
    published = papers.published("andova_lustrek")
    text = al.overall(scores, published)
    # the paper: scenario 3 is on average 0.8 points below scenario 2 over its six pairs
    assert "over the paper's six pairs it lies 0.8 points below" in text
    s = scores[scores["method"].isin(["scenario 2", "scenario 3"])]
    diff = s.groupby("method")["accuracy"].mean().diff().iloc[-1]
    assert f"{abs(diff):.1f} points {'above' if diff > 0 else 'below'} scenario 2" in text
    found = al.findings(scores, published)
    assert any("The paper: +8 points (57 against 49)" in f for f in found)
    assert any("the paper's is normalisation 2, +9 points" in f for f in found)
    # EMOVO -> SAVEE: FCNN and normalisation 2 tie at 58 in the paper's Table 3
    assert any("the paper's is FCNN and normalisation 2, +9 points" in f for f in found)
    assert "(over the same 2 pairs: 5.0 points above)" in text
    note = al.power_note(al.summary(scores, published))
    assert "savee: 4 subjects, median half-width" in note and "Student-t" in note
