"""A user's folder corpus: one call, synonyms, speakers, labels.csv, and every bad input named."""

import os
from pathlib import Path

import pytest

from sertl import corpora
from sertl.corpora import COLUMNS, CorpusError, folder


def _layout(root, tone, labels=("Wut", "Freude", "Trauer", "Neutral"), speakers=("SF01", "SM02")):
    for label in labels:
        for spk in speakers:
            tone(root / label / f"{spk}_{label.lower()}_01.wav")
    return root


def test_capitalised_german_folders_and_speaker_codes_load_with_one_call(tmp_path, tone):
    root = _layout(tmp_path / "mine", tone)
    t = corpora.load("folder", root=root)
    assert tuple(t.columns) == COLUMNS and t.attrs["origin"] == "real"
    assert dict(zip(t["label"], t["emotion"], strict=True)) == {
        "Wut": "angry",
        "Freude": "happy",
        "Trauer": "sad",
        "Neutral": "neutral",
    }
    assert set(t["speaker"]) == {"SF01", "SM02"} and t["language"].eq("und").all()
    assert t.attrs["speaker_rule"] == "file-name prefix before '_'"


@pytest.mark.parametrize(
    ("label", "emotion"),
    [
        ("ANGRY", "angry"),
        ("Anger", "angry"),
        ("ang", "angry"),
        ("Rabbia", "angry"),
        ("Happiness", "happy"),
        ("joy", "happy"),
        ("hap", "happy"),
        ("Gioia", "happy"),
        ("Sadness", "sad"),
        ("sa", "sad"),
        ("Tristezza", "sad"),
        ("neu", "neutral"),
        ("N", "neutral"),
        ("Fearful", "fear"),
        ("afraid", "fear"),
        ("Angst", "fear"),
        ("paura", "fear"),
        ("Disgusted", "disgust"),
        ("Ekel", "disgust"),
        ("Surprised", "surprise"),
        ("Calm", "calm"),
        ("Bored", "boredom"),
        ("Langeweile", "boredom"),
        ("Excited", "excited"),
        ("exc", "excited"),
    ],
)
def test_label_synonyms(tmp_path, tone, label, emotion):
    tone(tmp_path / label / "S1_a.wav")
    assert corpora.load("folder", root=tmp_path, with_duration=False)["emotion"].tolist() == [
        emotion
    ]


def test_loader_options_pass_through(tmp_path, tone):
    root = _layout(tmp_path / "c", tone, labels=("Schreck", "Andere", "Wut"))
    t = corpora.load(
        "folder",
        root=root,
        labels={"schreck": "fear", "Andere": None},  # keys matched regardless of case
        speaker=r"^(?P<speaker>S(?P<gender>[MF])\d+)_",
        language="de",
    )
    assert sorted(set(t["emotion"])) == ["angry", "fear"]
    assert t.attrs["dropped"] == {"Andere": 2}  # dropped and counted
    assert dict(zip(t["speaker"], t["gender"], strict=True)) == {"SF01": "female", "SM02": "male"}
    assert t["language"].eq("de").all()


def test_unmapped_labels_one_error_listing_them_and_the_fixes(tmp_path, tone):
    root = _layout(tmp_path / "c", tone, labels=("Schreck", "Sonstiges", "Wut"))
    with pytest.raises(CorpusError) as error:
        corpora.load("folder", root=root)
    text = str(error.value)
    assert "'Schreck'" in text and "'Sonstiges'" in text and "'Wut'" not in text
    assert str(root / "Schreck" / "SF01_schreck_01.wav") in text  # names a file
    assert "labels={" in text and str(root / "corpus.yaml") in text


def test_a_bad_label_map_value_is_named(tmp_path, tone):
    root = _layout(tmp_path / "c", tone, labels=("Wut",))
    with pytest.raises(CorpusError, match="'Wut': 'furious'"):
        corpora.load("folder", root=root, labels={"Wut": "furious"})


def test_corpus_yaml_gives_the_options(tmp_path, tone):
    root = _layout(tmp_path / "c", tone, labels=("Schreck", "Wut"))
    (root / "corpus.yaml").write_text(
        "title: Mein Korpus\nlanguage: de\nlabels:\n  Schreck: fear\n"
        "speaker: '^(?P<speaker>S(?P<gender>[MF])\\d+)_'\n"
    )
    t = corpora.load("folder", root=root)
    assert set(t["emotion"]) == {"angry", "fear"} and t["language"].eq("de").all()
    assert set(t["gender"]) == {"female", "male"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("labels: [a, b\n", r"corpus\.yaml, line \d"), ("colour: red\n", r"corpus\.yaml: unknown")],
)
def test_a_bad_corpus_yaml_is_named(tmp_path, tone, text, expected):
    root = _layout(tmp_path / "c", tone, labels=("Wut",))
    (root / "corpus.yaml").write_text(text)
    with pytest.raises(CorpusError, match=expected):
        corpora.load("folder", root=root)


def test_speaker_pattern_that_misses_files_names_them(tmp_path, tone):
    root = _layout(tmp_path / "c", tone, labels=("Wut",))
    tone(root / "Wut" / "take3.wav")
    with pytest.raises(CorpusError, match=r"take3\.wav"):
        corpora.load("folder", root=root, speaker=r"^(S[MF]\d+)_")
    with pytest.raises(CorpusError, match=r"1 of 3 files.*take3\.wav"):
        corpora.load("folder", root=root)  # default prefix rule: two have one, one not
    with pytest.raises(CorpusError, match=r"speaker pattern '\(S\[' is not a regex"):
        corpora.load("folder", root=root, speaker="(S[")


def test_a_bad_gender_is_named(tmp_path, tone):
    root = _layout(tmp_path / "c", tone, labels=("Wut",), speakers=("SX01",))
    with pytest.raises(CorpusError, match=r"SX01_wut_01\.wav: gender 'X'"):
        corpora.load("folder", root=root, speaker=r"^(?P<speaker>S(?P<gender>\w)\d+)_")


def test_no_speaker_information_is_allowed_and_the_protocols_that_need_it_say_so(tmp_path, tone):
    tone(tmp_path / "Wut" / "take1.wav")
    tone(tmp_path / "Trauer" / "take2.wav")
    t = corpora.load("folder", root=tmp_path)
    assert t["speaker"].isna().all() and t.attrs["speaker_rule"] == "none"
    with pytest.raises(CorpusError) as error:
        corpora.require_speakers(t, "leave-one-speaker-out")
    text = str(error.value)
    assert "leave-one-speaker-out cannot run" in text and "take1.wav" in text
    assert "chapters 02, 03, 04 and 05" in text and "Runs without" in text
    corpora.require_speakers(corpora.load("folder", root=_layout(tmp_path / "s", tone)), "x")


def test_a_file_outside_any_label_folder_is_named(tmp_path, tone):
    _layout(tmp_path, tone, labels=("Wut",))
    tone(tmp_path / "SF01_loose.wav")
    with pytest.raises(CorpusError, match=r"SF01_loose\.wav: directly in the corpus folder"):
        corpora.load("folder", root=tmp_path)


def test_broken_links_unreadable_files_and_other_formats_are_reported(
    tmp_path, tone, monkeypatch, capsys
):
    root = _layout(tmp_path / "c", tone, labels=("Wut",))
    os.symlink(tmp_path / "gone.wav", root / "Wut" / "SF03_link.wav")
    (root / "Wut" / "SF04_clip.mp3").write_bytes(b"ID3")
    locked = root / "Wut" / "SM02_wut_01.wav"
    real_access = os.access
    monkeypatch.setattr(
        folder.os, "access", lambda p, mode: Path(p) != locked and real_access(p, mode)
    )
    t = corpora.load("folder", root=root)
    assert len(t) == 1  # the usable file loads
    failures = {os.path.basename(e.path): e.reason for e in t.attrs["failures"].failures}
    assert "broken link" in failures["SF03_link.wav"]
    assert "not readable" in failures["SM02_wut_01.wav"]
    assert "convert to .wav" in failures["SF04_clip.mp3"]
    shown = capsys.readouterr().out
    assert "SF03_link.wav" in shown and "SM02_wut_01.wav" in shown and "SF04_clip.mp3" in shown


# -- labels.csv ------------------------------------------------------------------------------


def _clips(root, tone, n=3):
    for i in range(1, n + 1):
        tone(root / "clips" / f"{i}.wav")


def test_labels_csv_with_a_byte_order_mark_and_semicolons(tmp_path, tone):
    _clips(tmp_path, tone)
    (tmp_path / "labels.csv").write_bytes(
        "\ufeffFile;Label;Speaker;Gender\nclips/1.wav;Wut;s1;w\nclips/2.wav;Freude;s2;m\n".encode()
    )
    t = corpora.load("folder", root=tmp_path)
    assert list(t["emotion"]) == ["angry", "happy"] and list(t["gender"]) == ["female", "male"]
    assert t.attrs["speaker_rule"] == "speaker column of labels.csv"


def test_labels_csv_row_without_speaker_names_its_line(tmp_path, tone):
    _clips(tmp_path, tone)
    (tmp_path / "labels.csv").write_text(
        "file,label,speaker\nclips/1.wav,wut,s1\nclips/2.wav,wut,\nclips/3.wav,wut,s3\n"
    )
    with pytest.raises(CorpusError, match=r"labels\.csv, line 3: no speaker"):
        corpora.load("folder", root=tmp_path)


def test_labels_csv_without_speaker_column_takes_file_names(tmp_path, tone):
    tone(tmp_path / "clips" / "SM01_a.wav")
    (tmp_path / "labels.csv").write_text("file,label\nclips/SM01_a.wav,sad\n")
    assert corpora.load("folder", root=tmp_path)["speaker"].tolist() == ["SM01"]


def test_labels_csv_duplicated_rows_are_reported(tmp_path, tone, capsys):
    _clips(tmp_path, tone)
    (tmp_path / "labels.csv").write_text(
        "file,label,speaker\nclips/1.wav,wut,s1\nclips/2.wav,wut,s2\nclips/1.wav,wut,s1\n"
    )
    t = corpora.load("folder", root=tmp_path)
    assert len(t) == 2
    assert t.attrs["duplicates"] == [
        f"{tmp_path / 'labels.csv'}, line 4 repeats line 2 (clips/1.wav); read once"
    ]
    assert "line 4 repeats line 2" in capsys.readouterr().out
    (tmp_path / "labels.csv").write_text(
        "file,label,speaker\nclips/1.wav,wut,s1\nclips/1.wav,trauer,s1\n"
    )
    with pytest.raises(CorpusError, match=r"line 3: clips/1\.wav again.*line 2 gives it"):
        corpora.load("folder", root=tmp_path)


def test_labels_csv_bad_rows_name_the_line(tmp_path, tone):
    _clips(tmp_path, tone)
    csv = tmp_path / "labels.csv"
    csv.write_text("path,emotion\nclips/1.wav,wut\n")
    with pytest.raises(CorpusError, match=r"labels\.csv, line 1: needs the columns file and label"):
        corpora.load("folder", root=tmp_path)
    csv.write_text("file,label,speaker\nclips/1.wav,wut,s1\nclips/9.wav,wut,s1\n")
    with pytest.raises(CorpusError, match=r"labels\.csv, line 3: .*9\.wav does not exist"):
        corpora.load("folder", root=tmp_path)
    csv.write_text("file,label,speaker\nclips/1.wav,,s1\n")
    with pytest.raises(CorpusError, match=r"labels\.csv, line 2: no label"):
        corpora.load("folder", root=tmp_path)
    os.symlink(tmp_path / "gone.wav", tmp_path / "clips" / "4.wav")
    csv.write_text("file,label,speaker\nclips/1.wav,wut,s1\nclips/4.wav,wut,s1\n")
    failures = corpora.load("folder", root=tmp_path).attrs["failures"].failures
    assert len(failures) == 1 and "broken link" in failures[0].reason
    assert "labels.csv, line 3" in failures[0].reason


def test_folder_needs_a_root():
    with pytest.raises(CorpusError, match="root="):
        corpora.load("folder")


def test_folder_per_label_and_csv_with_a_label_map(tmp_path, tone):
    tone(tmp_path / "a" / "angry" / "spk1_x.wav")
    tone(tmp_path / "a" / "sad" / "spk2_y.flac")
    t = corpora.prepare_folder(tmp_path / "a")
    assert sorted(t["emotion"]) == ["angry", "sad"] and set(t["speaker"]) == {"spk1", "spk2"}
    tone(tmp_path / "b" / "clips" / "1.wav")
    tone(tmp_path / "b" / "clips" / "2.wav")
    (tmp_path / "b" / "labels.csv").write_text(
        "file,label,speaker\nclips/1.wav,wut,s1\nclips/2.wav,ruhe,s2\n"
    )
    t = corpora.prepare_folder(tmp_path / "b", labels={"ruhe": "neutral"})
    assert list(t["emotion"]) == ["angry", "neutral"]
