import numpy as np
import pandas as pd
import pytest

from sertl import papers
from sertl.device import stable_seed
from sertl.experiments import GridOptions
from sertl.experiments import feng_chaspari as fc
from sertl.experiments._base import clear_source_cache
from sertl.metrics import uar


def _corpus(n_speakers: int, n_per: int, shift: float, seed: int) -> dict:
    """Gaussian features with a class signal, ``n_per`` items per speaker and emotion."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(99).normal(scale=2.0, size=(4, 16))
    speakers = np.repeat([f"s{k:02d}" for k in range(n_speakers)], 4 * n_per)
    y = np.tile(np.repeat(np.arange(4), n_per), n_speakers)
    X = centres[y] + shift + rng.normal(size=(len(y), 16))
    return {"X": X.astype(np.float32), "y": y, "speaker": speakers}


@pytest.fixture(scope="module")
def corpora() -> dict:
    return {
        "ravdess": _corpus(6, 2, 0.0, 0),
        "emodb": _corpus(3, 4, 0.5, 1),
        "savee": _corpus(2, 4, -0.5, 2),
    }


@pytest.fixture(scope="module")
def scores(corpora: dict) -> pd.DataFrame:
    settings = fc.Settings(
        target="ravdess",
        sources=["emodb", "savee"],
        source_epochs=2,
        idt_epochs=2,
        finetune_epochs=2,
        speaker_counts=[1, 2, 3],
        frozen_layers=[0, 2],
        repeats=2,
        references=["target", "source+target"],
        idt_folds=3,
    )
    return fc.run(
        corpora,
        settings,
        grid=GridOptions(scheduler="sequential", store=False, progress=False),
    )


def test_support_draw_is_one_per_emotion_per_speaker_and_test_is_the_others(corpora):
    d = corpora["ravdess"]
    support, test = fc.support_draw(d["y"], d["speaker"], 3, repeat=0, seed=0)
    assert len(support) == 12
    chosen = np.unique(d["speaker"][support])
    assert len(chosen) == 3
    for s in chosen:
        assert sorted(d["y"][support][d["speaker"][support] == s]) == [0, 1, 2, 3]
    assert not np.isin(d["speaker"][test], chosen).any()
    assert len(support) + len(test) < len(d["y"])  # the rest of the chosen speakers is unused
    again, _ = fc.support_draw(d["y"], d["speaker"], 3, repeat=0, seed=0)
    other, _ = fc.support_draw(d["y"], d["speaker"], 3, repeat=1, seed=0)
    assert np.array_equal(support, again) and not np.array_equal(support, other)


def test_grid_rows_and_units(scores):
    assert list(scores.columns) == [*fc.COLUMNS, *fc.LOSS_COLUMNS]
    with_loss = scores["method"] == fc.FT_LOSS
    share = scores.loc[with_loss, "clamp_share"]  # NaN: no batch informed the loss
    assert share.notna().any() and share.dropna().between(0, 1).all()
    assert scores.loc[~with_loss, "clamp_share"].isna().all()
    assert scores.loc[with_loss, "distance_loss_history"].str.count(";").gt(0).all()
    idt = scores[scores["grid"] == "idt"]
    assert len(idt) == 3 and idt["unit"].nunique() == 3
    oodt = scores[scores["grid"] == "oodt"]
    assert len(oodt) == 2 * 6  # one row per source and target speaker
    ft = scores[(scores["grid"] == "finetune") & (scores["method"] != fc.OODT)]
    # sources x speaker counts x repeats x frozen x 2 methods x 2 reference sets
    assert len(ft) == 2 * 3 * 2 * 2 * 2 * 2
    assert ft["unit"].nunique() == 3 * 2  # the support draw, not the frozen setting
    assert scores["uar"].between(0, 100).all()


def test_cells_are_deterministic(corpora):
    args = dict(
        source="emodb",
        target="ravdess",
        speakers=2,
        repeat=0,
        frozen_layers=[1],
        references=["target"],
        epochs=2,
        finetune_epochs=2,
        lr=1e-3,
        distance_weight=1.0,
        seed=3,
        device="cpu",
        corpora=corpora,
    )
    clear_source_cache()
    first = pd.DataFrame(fc.finetune_cell(**args))
    clear_source_cache()
    assert first.equals(pd.DataFrame(fc.finetune_cell(**args)))


def test_references_change_only_what_the_test_utterances_are_compared_with(scores):
    ft = scores[(scores["grid"] == "finetune") & (scores["method"] == fc.FT)]
    wide = ft.pivot_table(index=["source", "unit", "frozen"], columns="references", values="uar")
    assert set(wide.columns) == {"target", "source+target"}
    assert len(wide) == 2 * 6 * 2


def test_unknown_references_are_refused(corpora):
    with pytest.raises(ValueError, match="unknown references"):
        fc.Settings(target="ravdess", sources=["emodb"], references=["source"])


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


def _fake(gains: dict[int, float], spread: float = 0.5) -> pd.DataFrame:
    rows = []
    rng = np.random.default_rng(0)
    for n, g in gains.items():
        for r in range(4):
            unit = f"{n}/{r}"
            base = dict(grid="finetune", source="x", target="t", speakers=n, repeat=r, unit=unit)
            rows.append({**base, "method": fc.OODT, "references": "source", "uar": 40.0})
            for frozen in (0, 1):
                value = 40 + g + rng.normal(scale=spread)
                rows.append(
                    {
                        **base,
                        "method": fc.FT,
                        "frozen": frozen,
                        "references": "target",
                        "uar": value,
                    }
                )
    return pd.DataFrame(rows)


def test_speaker_trend_is_computed_from_the_draws():
    rising = fc.speaker_trend(_fake({2: 0, 4: 2, 8: 4, 16: 6}))
    assert rising["rho"].iloc[0] > 0.8 and "grows" in rising["sentence"].iloc[0]
    flat = fc.speaker_trend(_fake(dict.fromkeys((2, 4, 8, 16), 0.0), spread=3))
    assert "no trend" in flat["sentence"].iloc[0]


def test_variance_explained_and_the_source_claim():
    a = _fake({2: 0, 4: 0}).assign(source="a")
    b = _fake({2: 10, 4: 10}).assign(source="b")
    effects = fc.variance_explained(pd.concat([a, b]))
    eta = effects.set_index("factor")["eta2"]
    assert eta["source"] > 0.9 > eta["frozen"]
    assert "holds" in fc.source_claim(effects, 2)
    assert "cannot" in fc.source_claim(effects, 1)


def test_figure2_has_one_panel_per_source_and_integer_ticks(scores):
    fig = fc.figure2(scores, ["emodb", "savee"])
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2
    assert list(axes[0].get_xticks()) == [1, 2, 3]
    assert fig.legends and not axes[0].get_legend()


def test_embedding_map_pca_and_unknown():
    emb = np.random.default_rng(0).normal(size=(20, 16))
    assert fc.embedding_map(emb, "pca").shape == (20, 2)
    with pytest.raises(ValueError, match="unknown embedding map"):
        fc.embedding_map(emb, "tsne")


def test_settings_from_params_and_fit_predict_give_the_cells_predictions(corpora):
    params = {"target": "ravdess", "sources": ["emodb"], "repeats": 2, "stand_ins": {}, "seed": 3}
    settings = fc.Settings.from_params(params, device="cpu")
    assert settings.sources == ("emodb",) and settings.seed == 3 and settings.repeats == 2
    src, tgt = corpora["emodb"], corpora["ravdess"]
    common = dict(epochs=2, lr=1e-3, seed=3, device="cpu")
    rows = fc.finetune_cell(
        source="emodb",
        target="ravdess",
        speakers=2,
        repeat=0,
        frozen_layers=[1],
        references=["target"],
        finetune_epochs=2,
        distance_weight=1.0,
        corpora=corpora,
        **common,
    )
    uars = {r["method"]: r["uar"] for r in rows}
    model = fc.base_model(src["X"], src["y"], source="emodb", **common)
    support, test = fc.support_draw(tgt["y"], tgt["speaker"], 2, repeat=0, seed=3)
    for method in (fc.OODT, fc.FT, fc.FT_LOSS):
        pred = fc.fit_predict(
            method,
            src["X"],
            src["y"],
            tgt["X"][support],
            tgt["y"][support],
            tgt["X"][test],
            model=model,
            finetune_epochs=2,
            frozen=1,
            random_state=stable_seed(3, "ft", "emodb", 2, 0),
        )
        assert 100 * uar(tgt["y"][test], pred) == uars[method], method
    with pytest.raises(ValueError, match="needs labelled target speech"):
        fc.fit_predict(fc.FT, src["X"], src["y"], src["X"][:0], src["y"][:0], src["X"], model=model)


def test_loss_record_and_clamp_sentence():
    history = [
        {"distance_loss": 2.5, "distance_batches": 4, "clamped_batches": 1},
        {"distance_loss": 1.5, "distance_batches": 4, "clamped_batches": 3},
    ]
    record = fc._loss_record(history)
    assert record == {"distance_loss_history": "2.5;1.5", "clamp_share": 0.5}
    scores = pd.DataFrame(
        {"method": [fc.FT_LOSS, fc.FT_LOSS, fc.FT], "clamp_share": [0.5, 1.0, np.nan]}
    )
    text = fc.clamp_sentence(scores)
    assert "75.0 % of its batches on average over 2 fine-tunings" in text
    assert "in 1 of them in more than half" in text
