"""Yue et al.'s methods as the benchmark calls them."""

import numpy as np
import torch

from sertl.experiments import yue

from ._toy import PARAMS


def test_source_model_and_fit_predict_start_the_three_methods_alike():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 12)
    x = rng.normal(size=(48, 6)) + 2 * np.eye(4, 6)[y]
    hp = yue.Settings(pretrain_epochs=2).hp()
    heads = {
        m: yue.source_model(m, x, y, hp=hp, epochs=2, init_seed=1, random_state=2)
        for m in yue.METHODS
    }
    assert yue.Settings.from_params({**PARAMS, "device": "cuda"}).device == "cuda"
    support = np.flatnonzero(np.arange(48) % 12 < 2)
    for head, scaler in heads.values():
        pred = yue.fit_predict(
            "FSTL",
            x,
            y,
            x[support],
            y[support],
            x,
            model=(head, scaler),
            hp=hp,
            epochs=1,
            random_state=3,
        )
        assert pred.shape == (48,) and set(pred) <= set(range(4))

    def same(a, b) -> bool:
        return all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))

    assert not same(heads["BTL"][0], heads["FSTL"][0])  # the losses differ ...
    fresh = [
        yue.source_model(m, x, y, hp=hp, epochs=0, init_seed=1, random_state=2)[0]
        for m in yue.METHODS
    ]
    assert same(fresh[0], fresh[1]) and same(fresh[0], fresh[2])  # ... not the start
