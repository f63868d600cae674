"""Yue et al.'s claims and their sentences."""

import pytest

from sertl.experiments import yue


@pytest.mark.parametrize("data", ["synthetic", "real"])
def test_claims_table_has_the_api_columns(rows, data):
    claims, tests = yue.claims(
        rows, extractor="toy", shots=2, curve_pair=("a", "b"), k_curve=[2, 4], data=data
    )
    assert list(claims.columns) == [
        "paper",
        "claim",
        "holds",
        "evidence",
        "data",
        "sentence",
        "basis",
        "origin",
    ]
    assert len(claims) == 11 and (claims["paper"] == "yue").all()
    tested = claims["basis"] == "test"
    if data == "synthetic":
        assert claims["holds"].isna().all()
    else:  # 8 target folds: every claim resting on a test is decided, no other
        assert claims.loc[tested, "holds"].map(lambda v: isinstance(v, bool)).all()
        assert claims.loc[~tested, "holds"].isna().all()
        assert claims.loc[~tested, "sentence"].str.contains("inconclusive").all()
    # the learned-geometry claim is this book's, not the paper's
    assert list(claims.loc[claims["origin"] == "ours", "claim"].str[:29]) == [
        "The emotion-distance prior sh"
    ]
    assert all(t.unit == "target fold" for t in tests)
    no_curve, _ = yue.claims(
        rows, extractor="toy", shots=2, curve_pair=None, k_curve=[2, 4], data="real"
    )
    assert no_curve["holds"].iloc[7:10].isna().all()


def test_tally_counts_the_paper_claims_and_ours_apart(rows):
    real, _ = yue.claims(
        rows, extractor="toy", shots=2, curve_pair=("a", "b"), k_curve=[2, 4], data="real"
    )
    paper = real[real["origin"] == "paper"]
    yes = int((paper["holds"] == True).sum())  # noqa: E712
    assert yue.tally(real).startswith(f"Of the paper's 10 claims tested here, {yes} hold")
    assert "1 further claim(s) are this book's own" in yue.tally(real)
    assert "synthetic" in yue.tally(real.assign(data="synthetic"))
