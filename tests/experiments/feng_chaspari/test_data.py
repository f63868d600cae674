import numpy as np
import pandas as pd
import pytest

from sertl.experiments import Prepared
from sertl.experiments import feng_chaspari as fc


def test_support_draw_is_one_per_emotion_per_speaker_and_test_is_the_others(corpora):
    d = corpora["ravdess"]
    support, test = fc.support_draw(d.y, d.speaker, 3, repeat=0, seed=0)
    assert len(support) == 12
    chosen = np.unique(d.speaker[support])
    assert len(chosen) == 3
    for s in chosen:
        assert sorted(d.y[support][d.speaker[support] == s]) == [0, 1, 2, 3]
    assert not np.isin(d.speaker[test], chosen).any()
    assert len(support) + len(test) < len(d.y)  # the rest of the chosen speakers is unused
    again, _ = fc.support_draw(d.y, d.speaker, 3, repeat=0, seed=0)
    other, _ = fc.support_draw(d.y, d.speaker, 3, repeat=1, seed=0)
    assert np.array_equal(support, again) and not np.array_equal(support, other)


def test_usable_speaker_counts_and_the_skipped_sentence():
    assert fc.usable_speaker_counts([0, 2, 4, 6], 5) == [2, 4]
    assert fc.skipped_sentence([2, 4], 5, "mine") == ""
    text = fc.skipped_sentence([2, 4, 6], 5, "mine")
    assert "mine has 5 speakers" in text and "[6]" in text


def test_prepare_keeps_the_four_emotions_as_prepared_corpora(monkeypatch):
    table = pd.DataFrame(
        {
            "file": [f"f{i}.wav" for i in range(6)],
            "speaker": [1, 1, 2, 2, 3, 3],
            "emotion": ["angry", "neutral", "sad", "fear", "happy", "disgust"],
        }
    )

    class _Extractor:
        def __init__(self, feature_set):
            self.feature_set = feature_set

    def extract_table(table, extractor):
        return table, np.arange(2 * len(table), dtype=np.float64).reshape(-1, 2)

    monkeypatch.setattr(fc.data.features, "OpenSmileExtractor", _Extractor)
    monkeypatch.setattr(fc.data.features, "extract_table", extract_table)
    out = fc.prepare({"c": table})
    c = out["c"]
    assert isinstance(c, Prepared)
    assert list(c.names(fc.EMOTIONS)) == ["angry", "sad", "fear", "happy"]
    assert c.X.dtype == np.float32 and c.X.shape == (4, 2)
    assert list(c.speaker) == ["1", "2", "2", "3"]
    with pytest.raises(ValueError):
        Prepared(c.X[:1], c.y, c.speaker, c.table)
