import pytest

from sertl.experiments import feng_chaspari as fc


def test_grid_rows_and_units(scores):
    assert list(scores.columns) == [*fc.COLUMNS, *fc.LOSS_COLUMNS]
    with_loss = scores["method"] == fc.FT_LOSS
    share = scores.loc[with_loss, "clamp_share"]  # NaN: no batch informed the loss
    assert share.notna().any() and share.dropna().between(0, 1).all()
    assert scores.loc[~with_loss, "clamp_share"].isna().all()
    assert scores.loc[with_loss, "distance_loss_history"].str.count(";").gt(0).all()
    idt = scores[scores["grid"] == "idt"]
    assert len(idt) == 3 and idt["unit"].nunique() == 3
    oodt = scores[scores["grid"] == "oodt"]
    assert len(oodt) == 2 * 6  # one row per source and target speaker
    ft = scores[(scores["grid"] == "finetune") & (scores["method"] != fc.OODT)]
    # sources x speaker counts x repeats x frozen x 2 methods x 2 reference sets
    assert len(ft) == 2 * 3 * 2 * 2 * 2 * 2
    assert ft["unit"].nunique() == 3 * 2  # the support draw, not the frozen setting
    assert scores["uar"].between(0, 100).all()


def test_references_change_only_what_the_test_utterances_are_compared_with(scores):
    ft = scores[(scores["grid"] == "finetune") & (scores["method"] == fc.FT)]
    wide = ft.pivot_table(index=["source", "unit", "frozen"], columns="references", values="uar")
    assert set(wide.columns) == {"target", "source+target"}
    assert len(wide) == 2 * 6 * 2


def test_unknown_references_are_refused():
    with pytest.raises(ValueError, match="unknown references"):
        fc.Settings(target="ravdess", sources=["emodb"], references=["source"])


def test_settings_from_params():
    params = {"target": "ravdess", "sources": ["emodb"], "repeats": 2, "stand_ins": {}, "seed": 3}
    settings = fc.Settings.from_params(params, device="cpu")
    assert settings.sources == ("emodb",) and settings.seed == 3 and settings.repeats == 2


def test_cells_skip_speaker_counts_that_leave_no_test_speaker(corpora):
    settings = fc.Settings(target="savee", sources=["emodb"], speaker_counts=[1, 2], repeats=1)
    plan = fc.cells(corpora, settings)
    assert [c["speakers"] for c in plan["finetune"]] == [1]
    assert [c["speaker"] for c in plan["idt"]] == ["s00", "s01"]
    assert [c["source"] for c in plan["oodt"]] == ["emodb"]
