import numpy as np

from sertl.experiments import andova_lustrek as al

from .helpers import corpus, with_labels


def test_the_feature_views_figure_picks_a_subject_with_neutral_speech():
    neutral, sad = al.EMOTIONS.index("neutral"), al.EMOTIONS.index("sad")
    src, tgt = corpus(3, 2, 0.0, 0), corpus(3, 2, 1.0, 1)
    y = np.where((tgt.speaker == "s0") & (tgt.y == neutral), sad, tgt.y)
    tgt = with_labels(tgt.X, y, tgt.speaker)
    data = {"a": src, "b": tgt}
    subjects = {"b": ["s0", "s1", "s2"]}
    assert al.figure_subject(data, [("a", "b")], subjects) == ("a", "b", "s1")
    fig = al.plot_feature_views(data, source="a", target="b", subject="s1", column=0, feature="f0")
    assert len(fig.axes) == 4
    no_neutral = with_labels(src.X, np.where(src.y == neutral, sad, src.y), src.speaker)
    assert al.figure_subject({"a": no_neutral, "b": tgt}, [("a", "b")], subjects) is None
