import numpy as np
import pytest

from sertl import emotions


def test_every_corpus_mapping_targets_the_scheme():
    from sertl import corpora

    for name in corpora.names():
        for label, emotion in corpora.info(name).labels.items():
            assert emotion is None or emotion in emotions.EMOTIONS, (name, label)


def test_distance_is_a_metric_with_compressed_valence():
    four = ["angry", "happy", "sad", "neutral"]
    d = emotions.emotion_distance(four).to_numpy()
    assert np.allclose(d, d.T) and np.allclose(np.diag(d), 0)
    full = emotions.emotion_distance(four, valence_weight=1.0).to_numpy()
    assert (d <= full + 1e-12).all()
    # compressing valence changes which pairs are farthest: arousal dominates
    pairs = {(a, b): d[i, j] for i, a in enumerate(four) for j, b in enumerate(four) if i < j}
    farthest = sorted(pairs, key=pairs.get)[-2:]
    assert {frozenset(p) for p in farthest} == {
        frozenset({"happy", "sad"}),
        frozenset({"angry", "sad"}),
    }


def test_unknown_emotion_is_rejected():
    with pytest.raises(KeyError, match="joy"):
        emotions.coordinates(["joy"])
