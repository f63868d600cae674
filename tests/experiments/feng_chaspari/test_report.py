import numpy as np
import pytest

from sertl.experiments import feng_chaspari as fc


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


def test_all_sources_gives_the_best_cell_of_each_method(scores):
    table = fc.all_sources(scores)
    assert list(table.index) == ["emodb", "savee"]
    best = fc.best_settings(scores).set_index(["source", "method"])
    for source in table.index:
        assert table.loc[source, fc.FT] == best.loc[(source, fc.FT), "uar"]
    assert table[fc.IDT].nunique() == 1


def test_embeddings_are_those_of_the_chosen_arm(corpora):
    cell = dict(source="emodb", target="ravdess", speakers=2, repeat=0, frozen_layers=[0])
    cell.update(references=["target"], epochs=2, finetune_epochs=2, lr=1e-3, seed=0)
    cell.update(distance_weight=1.0, device="cpu")
    emb, y, pred = fc.embeddings(corpora, with_loss=True, **cell)
    assert emb.shape == (len(y), 16) and len(pred) == len(y)
    assert set(np.unique(y)) <= set(range(len(fc.EMOTIONS)))
