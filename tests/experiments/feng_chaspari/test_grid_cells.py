import pandas as pd

from sertl.experiments import feng_chaspari as fc
from sertl.experiments._base import clear_source_cache


def test_cells_are_deterministic(corpora):
    args = dict(
        source="emodb",
        target="ravdess",
        speakers=2,
        repeat=0,
        frozen_layers=[1],
        references=["target"],
        epochs=2,
        finetune_epochs=2,
        lr=1e-3,
        distance_weight=1.0,
        seed=3,
        device="cpu",
        corpora=corpora,
    )
    clear_source_cache()
    first = pd.DataFrame(fc.finetune_cell(**args))
    clear_source_cache()
    assert first.equals(pd.DataFrame(fc.finetune_cell(**args)))


def test_finetune_rows_come_per_frozen_setting_arm_and_reference_set(corpora):
    rows = fc.finetune_cell(
        source="savee",
        target="ravdess",
        speakers=1,
        repeat=1,
        frozen_layers=[0, 2],
        references=["source+target", "target"],
        epochs=2,
        finetune_epochs=2,
        lr=1e-3,
        distance_weight=1.0,
        seed=0,
        device="cpu",
        corpora=corpora,
        return_embeddings=True,
    )
    got = [(r["method"], r["frozen"], r["references"]) for r in rows[1:]]
    assert rows[0]["method"] == fc.OODT and rows[0]["references"] == "source"
    assert got == [
        (m, f, ref)
        for f in (0, 2)
        for m in (fc.FT, fc.FT_LOSS)
        for ref in ("source+target", "target")
    ]
    assert {r["unit"] for r in rows} == {"1 speakers, draw 1"}
    for r in rows[1:]:
        assert r["embedding"].shape == (len(r["y"]), 16) and len(r["pred"]) == len(r["y"])
        assert ("clamp_share" in r) == (r["method"] == fc.FT_LOSS)


def test_loss_record():
    history = [
        {"distance_loss": 2.5, "distance_batches": 4, "clamped_batches": 1},
        {"distance_loss": 1.5, "distance_batches": 4, "clamped_batches": 3},
    ]
    record = fc._loss_record(history)
    assert record == {"distance_loss_history": "2.5;1.5", "clamp_share": 0.5}
