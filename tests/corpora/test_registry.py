import pytest

from sertl import corpora
from sertl.corpora import COLUMNS, CorpusError


def test_registry_lists_every_corpus_of_the_four_papers():
    assert set(corpora.names(user=False)) == {
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


def _user_corpus(data, tone, name="mycorpus", files=("Wut/SF01_a.wav", "Trauer/SM01_b.wav")):
    for rel in files:
        tone(data / name / rel)
    return data / name


def test_a_user_corpus_in_sertl_data_is_a_corpus_name(monkeypatch, tmp_path, tone):
    _user_corpus(tmp_path, tone)
    (tmp_path / "emodb").mkdir()  # a registered corpus: not a user corpus
    (tmp_path / "notes").mkdir()  # no audio: not a corpus
    (tmp_path / "notes" / "readme.txt").write_text("x")
    tone(tmp_path / "csvcorpus" / "clips" / "1.wav")
    (tmp_path / "csvcorpus" / "labels.csv").write_text("file,label,speaker\nclips/1.wav,sad,s1\n")
    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    assert set(corpora.user_corpora()) == {"mycorpus", "csvcorpus"}
    assert corpora.names()[-2:] == ["csvcorpus", "mycorpus"]
    assert "mycorpus" not in corpora.names(user=False)
    entry = corpora.info("mycorpus")
    assert entry.user and entry.title == "mycorpus" and entry.available_here
    assert corpora.origin("mycorpus") == "real"
    t = corpora.get("mycorpus")
    assert t.attrs["origin"] == "real" and set(t["corpus"]) == {"mycorpus"}
    assert set(t["emotion"]) == {"angry", "sad"}
    assert corpora.resolve(["mycorpus", "savee"]) == (["mycorpus"], "real", ["savee"])
    assert corpora.resolve(["mycorpus", "emodb"], "real")[0] == ["mycorpus", "emodb"]


def test_a_user_corpus_yaml_gives_title_language_and_labels(monkeypatch, tmp_path, tone):
    root = _user_corpus(tmp_path, tone, files=("Schreck/SF01_a.wav", "Wut/SF01_b.wav"))
    (root / "corpus.yaml").write_text(
        "title: Mein Korpus\nlanguage: de\nlabels: {Schreck: Angst}\n"
    )
    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    entry = corpora.info("mycorpus")
    assert (entry.title, entry.language, entry.labels) == ("Mein Korpus", "de", {"Schreck": "fear"})
    t = corpora.get("mycorpus", with_duration=False)
    assert set(t["emotion"]) == {"angry", "fear"} and t["language"].eq("de").all()


def test_a_user_corpus_has_no_synthetic_stand_in(monkeypatch, tmp_path, tone):
    _user_corpus(tmp_path, tone)
    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    with pytest.raises(CorpusError, match="mycorpus is your own corpus.*data='auto'"):
        corpora.get("mycorpus", data="synthetic")
    with pytest.raises(CorpusError, match="mycorpus: your own corpus has no synthetic stand-in"):
        corpora.resolve(["mycorpus", "emodb"], "synthetic")


def test_unknown_names_fail_at_once_listing_the_known_ones(monkeypatch, tmp_path, tone):
    _user_corpus(tmp_path, tone)
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    for call in (
        lambda: corpora.get("mycorpsu"),
        lambda: corpora.resolve(["emodb", "mycorpsu"]),
        lambda: corpora.info("mycorpsu"),
        lambda: corpora.load("mycorpsu"),
        lambda: corpora.check(["savee", "mycorpsu"]),
    ):
        with pytest.raises(ValueError, match="unknown corpus 'mycorpsu'") as error:
            call()
        text = str(error.value)
        assert "known: crema_d, emodb" in text and "mycorpus" in text
        assert "did you mean 'mycorpus'" in text
    with pytest.raises(KeyError):  # older callers caught KeyError
        corpora.info("nope")
    with pytest.raises(ValueError, match=r"empty exists but holds no label folders"):
        corpora.get("empty")


def test_registered_loaders_reject_folder_options_by_name(tmp_path):
    with pytest.raises(CorpusError, match=r"ravdess: unknown option\(s\) \['labels'\]"):
        corpora.load("ravdess", root=tmp_path, labels={"x": "angry"})


def test_diagnose_is_called_when_auto_falls_back_to_synthetic(monkeypatch, tmp_path):
    from sertl import config

    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    monkeypatch.setattr(config, "diagnose", lambda name: f"{name}: check SERTL_DATA", raising=False)
    with pytest.warns(UserWarning, match="savee: check SERTL_DATA"):
        corpora.resolve(["savee"])


def test_a_registered_corpus_under_another_name_is_not_a_user_corpus(monkeypatch, tmp_path, tone):
    tone(tmp_path / "EmoDB" / "wav" / "03a01Wa.wav")  # emodb in another case
    for spk in ("DC", "JE", "JK", "KL"):  # savee's layout
        tone(tmp_path / "savee_copy" / spk / "a01.wav")
    tone(tmp_path / "declared" / "DC" / "a01.wav")
    (tmp_path / "declared" / "corpus.yaml").write_text("labels: {DC: angry}\n")
    monkeypatch.setenv("SERTL_DATA", str(tmp_path))
    assert set(corpora.user_corpora()) == {"declared"}
    with pytest.warns(UserWarning, match="differs only in case"):
        corpora.get("emodb", data="auto", with_duration=False)
    with pytest.raises(CorpusError, match="differs only in case"):
        corpora.get("emodb", data="real")
