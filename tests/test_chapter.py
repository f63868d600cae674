import json

import pytest

from sertl import chapter


def _namespace(**extra):
    import numpy as np  # modules are not parameters

    ns = {"np": np, "In": [], "_private": 1, "profile": "smoke", "data": "synthetic", "seed": 3}
    ns.update(extra)
    return ns


def test_parameters_are_the_plain_public_values():
    ns = _namespace(pairs=[["emodb", "savee"]], lr=1e-3, fn=print, obj=object(), SERTL_URL="x")
    assert chapter.parameters(ns) == {
        "profile": "smoke",
        "data": "synthetic",
        "seed": 3,
        "pairs": [["emodb", "savee"]],
        "lr": 1e-3,
    }


def test_setup_records_every_parameter_and_seeds(tmp_path):
    import numpy as np

    ns = _namespace(pn_threshold=0.5, finetune_lr=1e-4, results_dir=str(tmp_path / "r"))
    ctx = chapter.setup(ns, chapter="04_yue")
    assert ctx.prov.parameters["pn_threshold"] == 0.5
    assert ctx.prov.parameters["finetune_lr"] == 1e-4
    assert ctx.device == "cpu" and ctx.seed == 3 and ctx.data == "synthetic"
    a = np.random.rand()
    chapter.setup(ns, chapter="04_yue")
    assert np.random.rand() == a


@pytest.mark.parametrize("seed", [None, "1", 1.5, True])
def test_setup_refuses_a_seed_that_is_not_an_integer(seed):
    with pytest.raises(ValueError, match="seed must be an integer"):
        chapter.setup(_namespace(seed=seed), chapter="02_feng_chaspari")


def test_setup_refuses_unknown_data_kind():
    with pytest.raises(ValueError, match="data must be"):
        chapter.setup(_namespace(data="reel"), chapter="02_feng_chaspari")


def test_this_run_box_names_profile_data_scale_and_command():
    ns = _namespace(mmd_samples=40, corpora=["emodb"])
    ns["profile"] = "smoke"
    ctx = chapter.setup(ns, chapter="01_data_overview")
    box = ctx.this_run_markdown()
    assert "Profile** `smoke`" in box and "synthetic" in box
    assert "mmd_samples=40" in box  # smaller than the paper profile's value
    assert "Differs from the `paper` profile" in box and "paper scale" not in box
    assert "--profile smoke --chapter 01_data_overview" in box


def test_command_lists_only_overrides_of_the_profile():
    smoke = chapter.profile_values("smoke", "01_data_overview")
    ns = _namespace(**{k: v for k, v in smoke.items() if k not in ("profile", "data", "seed")})
    ns.update(profile="smoke", data="synthetic", seed=0)
    ctx = chapter.setup(ns, chapter="01_data_overview")
    assert " -p " not in ctx.command()
    ns["mmd_samples"] = 7
    assert "-p mmd_samples=7" in chapter.setup(ns, chapter="01_data_overview").command()


def test_save_writes_table_with_provenance(tmp_path):
    import pandas as pd

    ctx = chapter.setup(_namespace(results_dir=str(tmp_path)), chapter="01_data_overview")
    path = ctx.save(pd.DataFrame({"a": [1]}), "t")
    rec = json.loads(path.with_suffix(".json").read_text())
    assert rec["chapter"] == "01_data_overview" and rec["parameters"]["seed"] == 3


def test_fingerprint_changes_with_data(monkeypatch):
    ctx = chapter.setup(_namespace(), chapter="01_data_overview")
    empty = ctx.fingerprint()
    ctx.corpus("savee")
    assert ctx.fingerprint() != empty
    assert ctx.fingerprint("x") != ctx.fingerprint("y")
    assert ctx.origin == "synthetic"
