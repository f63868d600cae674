"""Loaders of the corpora not available here, on fixtures in their official layouts."""

import pytest

from sertl import corpora
from sertl.corpora import COLUMNS, CorpusError


def test_crema_d(tmp_path, tone):
    for name in ["1001_DFA_ANG_XX", "1001_IEO_HAP_HI", "1002_TIE_SAD_LO", "1002_DFA_NEU_XX"]:
        tone(tmp_path / "AudioWAV" / f"{name}.wav")
    (tmp_path / "VideoDemographics.csv").write_text(
        "ActorID,Age,Sex,Race,Ethnicity\n1001,51,Male,Caucasian,Not Hispanic\n"
        "1002,21,Female,Caucasian,Not Hispanic\n"
    )
    t = corpora.prepare_crema_d(tmp_path)
    assert tuple(t.columns) == COLUMNS and len(t) == 4
    assert dict(zip(t["speaker"], t["gender"], strict=True)) == {"1001": "male", "1002": "female"}
    assert sorted(t["emotion"]) == ["angry", "happy", "neutral", "sad"]
    tone(tmp_path / "AudioWAV" / "1003_bad.wav")
    with pytest.raises(CorpusError, match="1003_bad.wav"):
        corpora.prepare_crema_d(tmp_path)


def test_enterface05(tmp_path, tone):
    tone(tmp_path / "subject 1" / "anger" / "sentence 1" / "s1_an_1.wav")
    tone(tmp_path / "subject 1" / "happiness" / "sentence 2" / "s1_ha_2.wav")
    tone(tmp_path / "subject 6" / "sadness" / "s6_sa_1.wav")  # subject 6 has no sentence folders
    t = corpora.prepare_enterface05(tmp_path)
    assert len(t) == 3 and set(t["speaker"]) == {"subject01", "subject06"}
    assert sorted(t["emotion"]) == ["angry", "happy", "sad"]


def _iemocap(tmp_path, tone):
    lines = {
        "Ses01F_impro01": [
            ("Ses01F_impro01_F000", "neu"),
            ("Ses01F_impro01_M000", "exc"),
            ("Ses01F_impro01_M001", "xxx"),
        ],
        "Ses05M_script01_1": [("Ses05M_script01_1_F003", "ang"), ("Ses05M_script01_1_M010", "sad")],
    }
    for dialog, utts in lines.items():
        session = f"Session{int(dialog[3:5])}"
        text = ["% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]", ""]
        for i, (utt, label) in enumerate(utts):
            tone(tmp_path / session / "sentences" / "wav" / dialog / f"{utt}.wav")
            text += [
                f"[{i}.0000 - {i}.9000]\t{utt}\t{label}\t[2.5000, 3.0000, 2.0000]",
                "C-E2:\tNeutral;\t()",
                "",
            ]
        path = tmp_path / session / "dialog" / "EmoEvaluation" / f"{dialog}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(text))


def test_iemocap_sessions_speakers_and_the_excited_merge(tmp_path, tone):
    _iemocap(tmp_path, tone)
    t = corpora.prepare_iemocap(tmp_path).set_index("file")
    t.index = [p.rsplit("/", 1)[1] for p in t.index]
    assert t.loc["Ses01F_impro01_M000.wav", "emotion"] == "excited"  # merged only by a chapter
    assert t.loc["Ses01F_impro01_M000.wav", "speaker"] == "Ses01M"
    assert t.loc["Ses05M_script01_1_F003.wav", "session"] == "Session5"
    assert t.loc["Ses05M_script01_1_F003.wav", "gender"] == "female"
    assert t["emotion"].isna().sum() == 1  # xxx kept with no canonical emotion


def test_iemocap_without_labels_is_an_error(tmp_path, tone):
    tone(tmp_path / "Session1" / "sentences" / "wav" / "Ses01F_impro01" / "Ses01F_impro01_F000.wav")
    with pytest.raises(CorpusError, match="EmoEvaluation"):
        corpora.prepare_iemocap(tmp_path)


def test_msp_improv(tmp_path, tone):
    clips = {"S01A-F01-P-FM01": "A", "S01A-M01-R-MF02": "N", "S02H-F03-S-FM00": "X"}
    for clip in clips:
        session = f"session{int(clip.split('-')[1][1:])}"
        tone(
            tmp_path / "Audio" / session / clip[:4] / clip.split("-")[2] / f"MSP-IMPROV-{clip}.wav"
        )
    tone(tmp_path / "Audio" / "session1" / "S01A" / "P" / "MSP-IMPROV-S01A-F01-P-FM99.wav")
    (tmp_path / "Evalution.txt").write_text(
        "\n".join(
            f"UTD-IMPROV-{c}.avi; {lab}; A:3.0; V:3.0; D:3.0; N:0.0;\nA; x;\n"
            for c, lab in clips.items()
        )
    )
    t = corpora.prepare_msp_improv(tmp_path)
    assert len(t) == 3  # the clip without a label line is not in the labelled set
    assert set(t["speaker"]) == {"F01", "M01", "F03"}
    assert set(t["session"]) == {"session1", "session3"}
    assert t["emotion"].isna().sum() == 1 and "angry" in set(t["emotion"].dropna())
