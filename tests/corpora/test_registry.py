import pytest

from sertl import corpora
from sertl.corpora import COLUMNS, CorpusError


def test_registry_lists_every_corpus_of_the_four_papers():
    assert set(corpora.names()) == {
        "ravdess",
        "crema_d",
        "enterface05",
        "iemocap",
        "msp_improv",
        "emodb",
        "emovo",
        "savee",
    }
    assert "folder" in corpora.REGISTRY


def test_unconfigured_corpus_gives_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    with pytest.raises(CorpusError, match="SERTL_DATA"):
        corpora.load("iemocap")


def test_missing_root_is_named(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        corpora.load("ravdess", root=tmp_path / "nowhere")


def test_resolve_never_mixes_real_and_synthetic(monkeypatch, tmp_path):
    (tmp_path / "emodb").mkdir()
    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    assert corpora.resolve(["emodb", "savee"]) == (["emodb"], "real", ["savee"])
    monkeypatch.delenv("SERTL_DATA")
    assert corpora.resolve(["emodb", "savee"]) == (["emodb", "savee"], "synthetic", [])
    assert corpora.resolve(["emodb"], "synthetic")[1] == "synthetic"


def test_columns_are_the_standard_ones():
    assert COLUMNS == (
        "file",
        "corpus",
        "speaker",
        "gender",
        "emotion",
        "label",
        "session",
        "language",
        "duration",
    )
