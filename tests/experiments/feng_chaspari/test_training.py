import pytest

from sertl.device import stable_seed
from sertl.experiments import feng_chaspari as fc
from sertl.metrics import uar


def test_fit_predict_gives_the_cells_predictions(corpora):
    src, tgt = corpora["emodb"], corpora["ravdess"]
    common = dict(epochs=2, lr=1e-3, seed=3, device="cpu")
    rows = fc.finetune_cell(
        source="emodb",
        target="ravdess",
        speakers=2,
        repeat=0,
        frozen_layers=[1],
        references=["target"],
        finetune_epochs=2,
        distance_weight=1.0,
        corpora=corpora,
        **common,
    )
    uars = {r["method"]: r["uar"] for r in rows}
    model = fc.base_model(src.X, src.y, source="emodb", **common)
    support, test = fc.support_draw(tgt.y, tgt.speaker, 2, repeat=0, seed=3)
    for method in (fc.OODT, fc.FT, fc.FT_LOSS):
        pred = fc.fit_predict(
            method,
            src.X,
            src.y,
            tgt.X[support],
            tgt.y[support],
            tgt.X[test],
            model=model,
            finetune_epochs=2,
            frozen=1,
            random_state=stable_seed(3, "ft", "emodb", 2, 0),
        )
        assert 100 * uar(tgt.y[test], pred) == uars[method], method
    with pytest.raises(ValueError, match="needs labelled target speech"):
        fc.fit_predict(fc.FT, src.X, src.y, src.X[:0], src.y[:0], src.X, model=model)
    with pytest.raises(ValueError, match="unknown method"):
        fc.fit_predict("IDT", src.X, src.y, src.X, src.y, src.X, model=model)
