import json

import pandas as pd
import pytest

from sertl import rescore
from tests.test_effects import _andova_scores


def _folder(tmp_path, origin="real"):
    folder = tmp_path / "05_andova_lustrek"
    folder.mkdir()
    _andova_scores().to_csv(folder / "scores.csv", index=False)
    prov = {
        "chapter": "05_andova_lustrek",
        "profile": "paper",
        "parameters": {"profile": "paper"},
        "data": [{"corpus": c, "origin": origin} for c in ("emodb", "emovo", "savee")],
    }
    (folder / "scores.json").write_text(json.dumps(prov))
    return folder


def test_rescore_writes_verdicts_effects_findings_with_provenance(tmp_path):
    folder = _folder(tmp_path)
    assert rescore.main([str(folder), "--margin", "3"]) == 0
    effects = pd.read_csv(folder / "effects.csv")
    assert set(effects["margin"]) == {3.0}
    verdicts = pd.read_csv(folder / "verdicts.csv")
    assert verdicts.loc[verdicts["status"] != "not run", "source"].isin(["emodb", "emovo"]).all()
    found = pd.read_csv(folder / "findings.csv")
    assert len(found) and set(found["paper"]) == {"andova_lustrek"}
    record = json.loads((folder / "findings.json").read_text())
    assert record["profile"] == "paper" and "rescored_at" in record and record["margin"] == 3.0


def test_rescore_refuses_what_it_cannot_judge(tmp_path):
    with pytest.raises(ValueError, match="cannot rescore chapter '03_lian'"):
        rescore.rescore(tmp_path / "03_lian")
    empty = tmp_path / "02_feng_chaspari"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="no stored scores"):
        rescore.rescore(empty)
