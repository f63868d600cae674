"""The real corpora in SERTL_DATA load with their documented counts."""

import pytest

from sertl import config, corpora
from sertl.corpora import COLUMNS


def real_corpus(name):
    """Skip unless corpus ``name`` is configured (a local helper: an installed package
    called ``tests`` can shadow this repository's ``tests.conftest``)."""
    if config.corpus_root(name) is None:
        pytest.skip(f"{name} is not configured (set SERTL_DATA)")


DOCUMENTED = {"ravdess": (1440, 24), "emodb": (535, 10), "emovo": (588, 6), "savee": (480, 4)}


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_counts(name):
    real_corpus(name)
    table = corpora.load(name)
    files, speakers = DOCUMENTED[name]
    assert tuple(table.columns) == COLUMNS
    assert len(table) == files and table["speaker"].nunique() == speakers
    assert table["emotion"].notna().all() and (table["duration"] > 0.5).all()
    assert table.attrs["origin"] == "real" and not table.attrs["failures"]


def test_ravdess_class_counts():
    real_corpus("ravdess")
    counts = corpora.load("ravdess", with_duration=False)["emotion"].value_counts()
    assert counts["neutral"] == 96
    assert (counts.drop("neutral") == 192).all() and len(counts) == 8


def test_emodb_and_savee_label_letters():
    real_corpus("emodb")
    real_corpus("savee")
    emodb = corpora.load("emodb", with_duration=False)
    assert emodb.loc[emodb["label"] == "W", "emotion"].eq("angry").all()
    assert emodb.loc[emodb["label"] == "F", "emotion"].eq("happy").all()
    savee = corpora.load("savee", with_duration=False)
    assert savee["gender"].eq("male").all() and savee["emotion"].value_counts()["neutral"] == 120
