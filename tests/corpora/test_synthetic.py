"""The embedded synthetic corpora: real layouts, deterministic, realistic corpus shift."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sertl import corpora, features
from sertl.corpora import COLUMNS, synthetic
from sertl.metrics import uar
from sertl.provenance import manifest_hash

SHARED = ["angry", "happy", "sad", "neutral"]

#: The real corpora's speaker structure: speakers, sessions (None: no sessions).
STRUCTURE = {
    "ravdess": (24, None),
    "emodb": (10, None),
    "emovo": (6, None),
    "savee": (4, None),
    "crema_d": (91, None),
    "enterface05": (42, None),
    "iemocap": (10, 5),
    "msp_improv": (12, 6),
}
#: The classes each real corpus has for every speaker.
CLASSES = {
    "ravdess": {"neutral", "calm", "happy", "sad", "angry", "fear", "disgust", "surprise"},
    "emodb": {"angry", "boredom", "disgust", "fear", "happy", "sad", "neutral"},
    "emovo": {"disgust", "happy", "neutral", "fear", "angry", "surprise", "sad"},
    "savee": {"angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"},
    "crema_d": {"angry", "disgust", "fear", "happy", "neutral", "sad"},
    "enterface05": {"angry", "disgust", "fear", "happy", "sad", "surprise"},
    "iemocap": {"neutral", "angry", "sad", "happy", "excited", "frustration"},
    "msp_improv": {"angry", "happy", "sad", "neutral"},
}


def test_every_registered_corpus_has_a_stand_in():
    assert set(synthetic.names()) == set(corpora.names()) == set(STRUCTURE)


@pytest.mark.parametrize("name", sorted(STRUCTURE))
def test_stand_in_mirrors_the_speaker_structure(name):
    t = corpora.get(name, data="synthetic")
    assert tuple(t.columns) == COLUMNS and t.attrs["origin"] == "synthetic"
    speakers, sessions = STRUCTURE[name]
    assert t["speaker"].nunique() == speakers
    if sessions is not None:
        assert t["session"].nunique() == sessions
        assert (t.groupby("session")["speaker"].nunique() == 2).all()
    # every class of the real corpus for every speaker
    labelled = t.dropna(subset=["emotion"])
    per_speaker = {
        spk: set(group["emotion"].astype(str)) for spk, group in labelled.groupby("speaker")
    }
    assert all(classes == CLASSES[name] for classes in per_speaker.values()), per_speaker
    # few, short files per speaker
    assert t.groupby("speaker").size().max() <= 30
    assert 1.0 < t["duration"].mean() < 3.5 and t["duration"].max() < 6.0
    assert not t.attrs["failures"]


def test_generation_is_deterministic(tmp_path, monkeypatch):
    first = manifest_hash(corpora.get("savee", data="synthetic"))
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path))
    second = manifest_hash(corpora.get("savee", data="synthetic"))
    assert first == second
    assert not list((tmp_path / "synthetic").glob("v*/.savee-*"))  # no temp folder left


def test_folder_corpus_loads_with_one_call_and_no_mapping(tmp_path):
    root = synthetic.folder_corpus(tmp_path / "mine")
    labels = sorted(p.name for p in root.iterdir() if p.is_dir())
    assert labels == ["Angst", "Freude", "Neutral", "Trauer", "Wut"]
    t = corpora.load("folder", root=root)
    assert set(t["emotion"]) == {*SHARED, "fear"}
    assert t["speaker"].nunique() == synthetic.FOLDER_SPEAKERS
    assert (t.groupby("speaker")["emotion"].nunique() == 5).all()
    again = synthetic.folder_corpus(tmp_path / "again")
    t2 = corpora.load("folder", root=again)
    assert manifest_hash(t) == manifest_hash(t2)  # same files, same content


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
        # speaker-independent: no speaker on both sides of a fold
        cv = GroupKFold(n_splits=min(5, t["speaker"].nunique()))
        pred = cross_val_predict(model(), x, t["emotion"], groups=t["speaker"], cv=cv)
        within.append(uar(t["emotion"], pred))
        fitted = model().fit(x, t["emotion"])
        cross += [uar(t2["emotion"], fitted.predict(x2)) for m, (t2, x2) in data.items() if m != n]
    assert min(within) > 0.45 and np.mean(within) > 0.6  # chance is 0.25
    assert np.mean(cross) < np.mean(within) - 0.15


@pytest.mark.parametrize("name", sorted(STRUCTURE))
def test_each_stand_in_is_built_by_its_corpus_module_from_its_labels(name):
    info = corpora.info(name)
    items, _ = info.synthetic.plan()
    portrayed = {item.emotion for item in items}
    mapped = {e for e in info.labels.values() if e is not None}
    # what the generator portrays comes from the module's label table (IEMOCAP's excited
    # and unlabelled turns have no voice of their own and sound happy and neutral)
    assert portrayed <= mapped | {"happy", "neutral"}
    assert portrayed <= set(synthetic.EMOTION_CUES)


def test_sparse_folder_corpus_is_as_a_user_s_corpus_comes(tmp_path):
    t = corpora.load("folder", root=synthetic.folder_corpus(tmp_path / "s", kind="sparse"))
    per_speaker = t.groupby("speaker").size()
    assert t["speaker"].nunique() >= 30
    assert per_speaker.between(5, 20).all()
    counts = t.groupby(["speaker", "emotion"]).size().unstack(fill_value=0)
    shared = counts[SHARED]
    assert (shared == 0).any(axis=1).sum() >= 10  # many speakers lack an emotion entirely
    assert counts.loc["SF01", "neutral"] == 0  # the first speaker has no neutral speech
    share = counts.div(counts.sum(axis=1), axis=0).max(axis=1)
    assert (share >= 0.5).mean() > 0.4  # strongly unbalanced within speakers
    assert set(t["emotion"]) - set(SHARED) == {"disgust"}  # one label outside the set


def test_short_folder_corpus_holds_single_words(tmp_path):
    root = synthetic.folder_corpus(tmp_path / "w", kind="short")
    t = corpora.load("folder", root=root)
    assert t["duration"].between(0.3, 1.0).all()
    assert set(t["emotion"]) - set(SHARED) == {"calm"}
    with pytest.raises(KeyError, match="kind 'tiny'"):
        synthetic.folder_corpus(tmp_path / "x", kind="tiny")
