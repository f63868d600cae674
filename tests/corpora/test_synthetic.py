"""The embedded synthetic corpora: real layouts, deterministic, realistic corpus shift."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sertl import corpora, features
from sertl.corpora import COLUMNS, synthetic
from sertl.metrics import uar
from sertl.protocols import LeaveOneSpeakerOut
from sertl.provenance import manifest_hash

SHARED = ["angry", "happy", "sad", "neutral"]


@pytest.mark.parametrize("name", synthetic.names())
def test_every_stand_in_parses_with_the_real_loader(name):
    t = corpora.get(name, data="synthetic")
    assert tuple(t.columns) == COLUMNS and t.attrs["origin"] == "synthetic"
    assert len(t) >= 80 and t["speaker"].nunique() >= 4
    assert 60 < t["duration"].sum() < 900  # a few minutes each
    assert not t.attrs["failures"]


def test_generation_is_deterministic(tmp_path, monkeypatch):
    first = manifest_hash(corpora.get("savee", data="synthetic"))
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path))
    second = manifest_hash(corpora.get("savee", data="synthetic"))
    assert first == second
    assert not list((tmp_path / "synthetic").glob("v*/.savee-*"))  # no temp folder left


def _data(name):
    t = corpora.get(name, data="synthetic")
    t = t[t["emotion"].isin(SHARED)].reset_index(drop=True)
    return features.extract_table(t, features.OpenSmileExtractor("IS09"), progress=False)


def test_within_corpus_clearly_above_chance_and_cross_corpus_lower():
    names = ["ravdess", "emodb", "emovo", "savee", "crema_d", "iemocap"]
    data = {n: _data(n) for n in names}

    def model():
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=0.1))

    within, cross = [], []
    for n, (t, x) in data.items():
        pred = cross_val_predict(
            model(), x, t["emotion"], groups=t["speaker"], cv=LeaveOneSpeakerOut()
        )
        within.append(uar(t["emotion"], pred))
        fitted = model().fit(x, t["emotion"])
        cross += [uar(t2["emotion"], fitted.predict(x2)) for m, (t2, x2) in data.items() if m != n]
    assert min(within) > 0.45 and np.mean(within) > 0.6  # chance is 0.25
    assert np.mean(cross) < np.mean(within) - 0.15
