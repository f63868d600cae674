import numpy as np
import pandas as pd

from sertl import papers
from sertl.experiments import feng_chaspari as fc

from .conftest import fake_scores


def test_verdicts_cover_every_published_cell(scores):
    published = papers.published("feng_chaspari", "Table 1")
    assert len(published) == 7
    out = fc.verdicts(scores, published, data="synthetic", stand_ins={"crema_d": "emodb"})
    assert len(out) == 7
    by = {(v.method, v.source): v for v in out}
    assert by[("OODT", "crema_d")].stand_in == "emodb"
    assert by[("OODT", "crema_d")].unit == "target speaker"
    assert by[("fine-tuning", "crema_d")].unit == "support draw"
    assert by[("fine-tuning", "crema_d")].n_units == 2  # the draws of the best cell
    assert by[("OODT", "enterface05")].status == "not run"
    assert "not configured" in by[("OODT", "enterface05")].reason
    assert by[("IDT", "ravdess")].n_units == 3
    assert all(v.status in ("synthetic data", "not run") for v in out)


def test_paired_tests_count_support_draws_not_settings(scores):
    effect = fc.loss_effect(scores)
    assert list(effect["source"]) == ["emodb", "savee"]
    assert (effect["draws"] == 6).all()
    assert effect["sentence"].str.contains("6 support draws").all()
    gain = fc.finetune_effect(scores)
    assert (gain["draws"] == 6).all()
    assert "support draw" in fc.reference_effect(scores)["sentence"].iloc[0]


def test_speaker_trend_is_computed_from_the_draws():
    rising = fc.speaker_trend(fake_scores({2: 0, 4: 2, 8: 4, 16: 6}))
    assert rising["rho"].iloc[0] > 0.8 and "grows" in rising["sentence"].iloc[0]
    flat = fc.speaker_trend(fake_scores(dict.fromkeys((2, 4, 8, 16), 0.0), spread=3))
    assert "no trend" in flat["sentence"].iloc[0]


def test_variance_explained_and_the_source_claim():
    a = fake_scores({2: 0, 4: 0}).assign(source="a")
    b = fake_scores({2: 10, 4: 10}).assign(source="b")
    effects = fc.variance_explained(pd.concat([a, b]))
    eta = effects.set_index("factor")["eta2"]
    assert eta["source"] > 0.9 > eta["frozen"]
    assert "holds" in fc.source_claim(effects, 2)
    assert "cannot" in fc.source_claim(effects, 1)


def test_clamp_sentence():
    scores = pd.DataFrame(
        {"method": [fc.FT_LOSS, fc.FT_LOSS, fc.FT], "clamp_share": [0.5, 1.0, np.nan]}
    )
    text = fc.clamp_sentence(scores)
    assert "75.0 % of its batches on average over 2 fine-tunings" in text
    assert "in 1 of them in more than half" in text
    assert fc.clamp_sentence(scores.drop(columns="clamp_share")) == ""
