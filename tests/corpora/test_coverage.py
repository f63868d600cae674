"""What a chapter keeps and drops of a corpus: labels, emotions, speakers, skipped units."""

import numpy as np
import pandas as pd
import pytest

from sertl.corpora import coverage

SET = ("angry", "happy", "sad", "neutral")


def _table(rows, folder=True):
    t = pd.DataFrame(rows, columns=["speaker", "label", "emotion"]).assign(corpus="mine")
    if folder:
        t.attrs["label_map"] = {}  # what prepare_folder leaves: a user's corpus
    return t


def test_a_complete_corpus_says_so():
    rows = [(s, e, e) for s in ("A", "B") for e in SET]
    cov = coverage.coverage(_table(rows), SET)
    assert cov.complete and cov.kept == 8 and cov.speakers == 2
    assert "every emotion of the set" in coverage.note({"mine": _table(rows)}, SET)


def test_dropped_labels_missing_emotions_and_lacking_speakers_are_counted():
    rows = [
        ("A", "Wut", "angry"),
        ("A", "Wut", "angry"),
        ("A", "Trauer", "sad"),
        ("B", "Wut", "angry"),
        ("B", "Freude", "happy"),
        ("C", "Ekel", "disgust"),  # C has nothing of the set: dropped entirely
        ("A", "Ekel", "disgust"),
    ]
    cov = coverage.coverage(_table(rows), SET)
    assert cov.dropped == {"Ekel": ("disgust", 2)}
    assert cov.kept == 5 and cov.files == 7
    assert cov.missing == ("neutral",)
    assert cov.lacking == {"happy": ("A",), "sad": ("B",)}
    assert cov.gone == ("C",) and cov.speakers == 2
    text = coverage.describe(cov)
    assert "Ekel (disgust, 2)" in text and "neutral speech at all" in text
    assert "1 speaker of 2 without happy" in text and "1 speaker with no file" in text


def test_calm_instead_of_neutral_gets_the_one_line_fix():
    rows = [(s, lab, e) for s in "AB" for lab, e in (("Wut", "angry"), ("Ruhig", "calm"))]
    text = coverage.note({"mine": _table(rows)}, SET)
    assert 'labels={"Ruhig": "neutral"}' in text and "neutral speech at all" in text
    # a registered corpus cannot be relabelled by the user: no fix offered
    assert "labels=" not in coverage.note({"mine": _table(rows, folder=False)}, SET)
    # nor when the chapter's set has no neutral
    assert "labels=" not in coverage.note({"mine": _table(rows)}, ("angry", "calm"))


def test_merge_relabels_before_counting():
    rows = [("A", "exc", "excited"), ("A", "hap", "happy")]
    plain = coverage.coverage(_table(rows, folder=False), SET)
    assert plain.dropped == {"exc": ("excited", 1)}
    text = coverage.note({"i": _table(rows, folder=False)}, SET, merge={"excited": "happy"})
    assert "exc" not in text


def test_needs_is_said_only_when_some_speaker_lacks_an_emotion():
    full = _table([(s, e, e) for s in "AB" for e in SET])
    sparse = _table([("A", "Wut", "angry"), ("B", "Neutral", "neutral")])
    assert "NEEDS" not in coverage.note({"x": full}, SET, needs="NEEDS")
    assert coverage.note({"x": sparse}, SET, needs="NEEDS").endswith("NEEDS")


def test_a_table_without_the_columns_is_a_clear_error():
    with pytest.raises(ValueError, match="lacks the columns.*speaker"):
        coverage.coverage(pd.DataFrame({"label": ["a"], "emotion": ["angry"]}), SET)


def test_skipped_counts_units_whose_every_row_is_nan():
    scores = pd.DataFrame(
        {
            "method": ["n1"] * 4 + ["rf"] * 4,
            "target": ["t"] * 8,
            "subject": ["A", "A", "B", "C"] * 2,
            "accuracy": [np.nan, np.nan, 50.0, np.nan] + [60.0] * 4,
        }
    )
    text = coverage.skipped(
        scores, value="accuracy", unit=("target", "subject"), why={"n1": "no neutral"}
    )
    assert text == "*n1* skipped 2 of 3 subjects (no neutral); its mean is over the other 1."
    assert coverage.skipped(scores[scores["method"] == "rf"], value="accuracy") == ""
