"""Lian et al.'s method as one call: fit_predict on a toy task."""

import numpy as np
import pytest

from sertl.experiments import lian


def test_fit_predict_learns_a_toy_task_and_checks_its_input():
    rng = np.random.default_rng(1)
    n = 96
    y = np.array(lian.EMOTIONS)[np.arange(n) % 4]
    x = rng.normal(size=(n, 257, 120)).astype(np.float32)
    band = {e: 20 + 50 * i for i, e in enumerate(lian.EMOTIONS)}
    for i, e in enumerate(y):
        x[i, band[e] : band[e] + 30] += 4.0  # a class-specific band of linear bins
    speakers = np.repeat(["a", "b", "c", "d", "e", "f"], n // 6)
    settings = lian.Settings(
        conv=((8, 3, 1), (8, 3, 2), (8, 3, 2), (8, 3, 2), (8, 3, 2)),
        n_mels=16,
        frame_pool=4,
        duration=1.2,
        pairwise_epochs=4,
        pairs_per_epoch=256,
        lr=3e-3,
        schedule="onecycle",
    )
    train, test = speakers != "f", speakers == "f"
    kw = dict(settings=settings, random_state=0)
    pred = lian.fit_predict(x[train], y[train], speakers[train], x[test], **kw)
    assert pred.dtype.kind == "U" and set(pred) <= set(lian.EMOTIONS)
    assert (pred == y[test]).mean() > 0.7
    again = lian.fit_predict(x[train], y[train], speakers[train], x[test], **kw)
    np.testing.assert_array_equal(pred, again)
    with pytest.raises(ValueError, match="one entry per training item"):
        lian.fit_predict(x[train], y[train][:-1], speakers[train], x[test], **kw)
    with pytest.raises(ValueError, match="two training speakers"):
        lian.fit_predict(x[:10], y[:10], speakers[:10], x[test], **kw)
