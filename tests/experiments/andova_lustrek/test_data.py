import numpy as np
import pandas as pd

from sertl import corpora as corpus_registry
from sertl.experiments import Prepared
from sertl.experiments import andova_lustrek as al


def test_relabel_keeps_the_four_emotions_and_merges_excited_only_on_request():
    table = pd.DataFrame(
        {
            "emotion": ["happy", "excited", "angry", "fear", "sad", "neutral"],
            "speaker": list("abcdef"),
        }
    )
    kept = al.relabel(table)
    assert kept["emotion"].tolist() == ["happy", "angry", "sad", "neutral"]
    merged = al.relabel(table, merge_excited=True)
    assert merged["emotion"].tolist() == ["happy", "happy", "angry", "sad", "neutral"]


def test_target_subjects_are_all_or_a_seeded_draw(corpora):
    subjects = al.target_subjects(corpora, ["savee", "emovo"])
    assert subjects == {"savee": ["s0", "s1", "s2", "s3"], "emovo": ["s0", "s1"]}
    few = al.target_subjects(corpora, ["savee"], max_subjects=2, seed=3)["savee"]
    assert len(few) == 2 and set(few) <= set(subjects["savee"])
    assert few == al.target_subjects(corpora, ["savee"], max_subjects=2, seed=3)["savee"]


def test_prepare_gives_the_contract_arrays_and_counts_them():
    tables = {n: corpus_registry.get(n, data="synthetic") for n in ["emodb", "savee"]}
    data = al.prepare(tables)
    savee = data["savee"]
    assert isinstance(savee, Prepared)
    assert savee.X.shape == (len(savee.table), 1582)  # emobase2010
    assert savee.X.dtype == np.float32 and savee.y.dtype.kind == "i"
    np.testing.assert_array_equal(savee.names(al.EMOTIONS), savee.table["emotion"])
    np.testing.assert_array_equal(savee.speaker, savee.table["speaker"].astype(str))
    counts = al.counts(data)
    assert list(counts.columns) == [*al.EMOTIONS, "subjects"]
    assert counts.loc["savee", "subjects"] == 4 and counts.loc["emodb", "subjects"] == 10
    expected = savee.table["emotion"].value_counts().reindex(al.EMOTIONS, fill_value=0)
    assert counts.loc["savee", list(al.EMOTIONS)].tolist() == expected.tolist()
