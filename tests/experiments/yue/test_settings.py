"""Yue et al.'s settings and losses."""

import pytest

from sertl.experiments import yue

from ._toy import PARAMS


def test_fstl_kappa_lives_inside_the_metric_loss():
    hp = yue.hyperparameters({**PARAMS, "kappa": 0.3})
    assert yue.metric_loss("FSTL", hp).kappa == 0.3
    assert yue.metric_loss("BTL", hp) is None
    assert hp["pn_index"] == [(0, 2), (1, 2)]  # {angry, sad}, {happy, sad}
    with pytest.raises(ValueError):
        yue.metric_loss("nope", hp)
