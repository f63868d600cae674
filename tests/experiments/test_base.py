from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from sertl.experiments import GridOptions, Prepared, Settings, unit_scores
from sertl.experiments._base import clear_source_cache, indices, source_cache


@dataclass(frozen=True)
class _Knobs(Settings):
    epochs: int = 3
    hidden: tuple = (4,)
    device: str = "cpu"


def test_from_params_takes_the_fields_only_and_overrides_win():
    params = {"epochs": 7, "hidden": (8, 2), "device": "auto", "corpora": ["emodb"], "seed": 1}
    knobs = _Knobs.from_params(params, device="cuda")
    assert knobs == _Knobs(epochs=7, hidden=(8, 2), device="cuda")
    assert _Knobs.from_params({}) == _Knobs()
    assert knobs.as_dict() == {"epochs": 7, "hidden": (8, 2), "device": "cuda"}
    with pytest.raises(TypeError):
        _Knobs.from_params({}, nope=1)


def test_grid_options_give_the_runner_keywords_with_an_extra_fingerprint():
    opts = GridOptions(fingerprint="data", scheduler="sequential", store=False)
    assert opts.kwargs() == {
        "fingerprint": "data",
        "scheduler": "sequential",
        "store": False,
        "progress": True,
    }
    assert opts.kwargs("settings")["fingerprint"] == "data|settings"
    assert GridOptions().kwargs("s")["fingerprint"] == "|s"


def test_unit_scores_are_percent_per_sorted_unit():
    truth = np.array(["a", "b", "a", "b", "a", "b"])
    pred = np.array(["a", "b", "b", "b", "a", "a"])
    units = np.array(["s2", "s2", "s1", "s1", "s3", "s3"])
    rows = unit_scores(truth, pred, units, accuracy=True, unit_kind="speaker", method="m")
    assert [r["unit"] for r in rows] == ["s1", "s2", "s3"]
    assert list(rows[0]) == ["method", "unit", "unit_kind", "n_test", "uar", "accuracy"]
    assert [r["uar"] for r in rows] == [50.0, 100.0, 50.0]
    assert rows[1]["accuracy"] == 100.0 and rows[0]["n_test"] == 2
    plain = unit_scores(truth, pred, units, unit_column="speaker")
    assert list(plain[0]) == ["speaker", "n_test", "uar"]


def test_prepared_checks_its_rows_and_names_its_labels():
    table = pd.DataFrame({"file": ["a", "b"], "speaker": ["s", "t"], "emotion": ["sad", "angry"]})
    y = indices(table["emotion"], ("angry", "sad"))
    p = Prepared(np.zeros((2, 3)), y, table["speaker"].to_numpy(), table)
    assert list(p.names(("angry", "sad"))) == ["sad", "angry"]
    with pytest.raises(ValueError, match="y has 1 rows, the table 2"):
        Prepared(np.zeros((2, 3)), y[:1], table["speaker"].to_numpy(), table)
    with pytest.raises(ValueError, match=r"emodb: emotions \['fear'\] are not among"):
        indices(["fear"], ("angry", "sad"), where="emodb")


def test_source_cache_trains_once_per_key():
    clear_source_cache()
    calls = []

    def train():
        calls.append(1)
        return object()

    first = source_cache(("k", 1), train)
    assert source_cache(("k", 1), train) is first and len(calls) == 1
    source_cache(("k", 2), train)
    assert len(calls) == 2
    clear_source_cache()
    assert source_cache(("k", 1), train) is not first
