"""Lian et al.'s settings from a profile section."""

import dataclasses

import pytest

from sertl.experiments import lian


def test_settings_from_a_profile_section():
    s = lian.Settings.from_params(
        {"conv": [[4, 3, 2]] * 5, "lr": 0.01, "proposed_duration": 3, "seeds": [0], "n_mels": 32}
    )
    assert s.conv == ((4, 3, 2),) * 5 and s.lr == 0.01 and s.duration == 3.0
    assert s.n_bins == 32 and s.frames(3) == 300
    assert lian.Settings(frame_pool=4).frames(4) == 100 and lian.Settings().n_bins == 257
    assert lian.Settings.from_params(s.as_dict()) == s
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.lr = 1.0
