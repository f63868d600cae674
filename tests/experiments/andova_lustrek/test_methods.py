import numpy as np
import pytest

from sertl.experiments import andova_lustrek as al


def test_fit_predict_runs_each_method_and_says_what_it_cannot(corpora: dict):
    src, tgt = corpora["emodb"], corpora["savee"]
    ys, yt = src.names(al.EMOTIONS), tgt.names(al.EMOTIONS)  # fit_predict takes names
    train = tgt.speaker == "s0"
    args = (src.X, ys, tgt.X[train], yt[train], tgt.X[~train])
    opts = dict(random_state=0, n_trees=8, max_depth=4, dbn={"hidden": (8,), "epochs": 1})
    for method in set(al.METHODS) - {"FCNN"}:
        pred = al.fit_predict(method, *args, **opts)
        assert len(pred) == (~train).sum() and set(pred) <= set(al.EMOTIONS), method
    again = al.fit_predict("multi-task", *args, **opts)
    np.testing.assert_array_equal(again, al.fit_predict("multi-task", *args, **opts))
    no_neutral = yt[train] != "neutral"
    assert (
        al.fit_predict(
            "normalisation 1",
            *args[:2],
            tgt.X[train][no_neutral],
            yt[train][no_neutral],
            args[4],
            **opts,
        )
        is None
    )
    with pytest.raises(ValueError, match="train_source"):
        al.fit_predict("FCNN", *args, **opts)
    with pytest.raises(ValueError, match="unknown method 'SVM'"):
        al.fit_predict("SVM", *args, **opts)
