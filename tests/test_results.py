import json

import numpy as np
import pandas as pd
import pytest

from sertl import papers, results


def test_save_and_load_round_trip_with_provenance(tmp_path):
    table = pd.DataFrame({"method": ["BTL", "EMOFSL"], "uar": [41.123456789, 47.5]})
    path = results.save(table, tmp_path / "04", "table", {"profile": "smoke", "seed": 0})
    assert path == tmp_path / "04" / "table.csv"
    back = results.load(tmp_path / "04", "table")
    assert back["method"].tolist() == ["BTL", "EMOFSL"]
    np.testing.assert_allclose(back["uar"], [41.1235, 47.5])  # six significant digits
    assert json.loads((tmp_path / "04" / "table.json").read_text()) == {
        "profile": "smoke",
        "seed": 0,
    }
    assert [p.name for p in (tmp_path / "04").iterdir() if p.name.startswith(".")] == []


def test_a_failed_write_keeps_the_previous_table(tmp_path, monkeypatch):
    results.save(pd.DataFrame({"a": [1]}), tmp_path, "t")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        results.save(pd.DataFrame({"a": [2]}), tmp_path, "t")
    assert results.load(tmp_path, "t")["a"].tolist() == [1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_published_values_are_quoted_per_paper():
    andova = papers.published("andova_lustrek", "Table 2")
    row = andova[
        (andova["method"] == "scenario 3")
        & (andova["source"] == "emodb")
        & (andova["target"] == "savee")
    ]
    assert row["value"].tolist() == [57.0] and row["metric"].tolist() == ["accuracy"]
    lian = papers.published("lian")
    assert lian["value"].tolist() == [51.09, 54.71, 53.26, 55.36, 56.33]
    with pytest.raises(KeyError, match="unknown paper"):
        papers.published("nobody")
    assert set(papers.published()["metric"]) <= {"accuracy", "uar"}
