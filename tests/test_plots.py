import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sertl import plots


def test_band_draws_the_mean_and_one_standard_deviation():
    values = np.array([[1.0, 3.0], [2.0, 2.0], [0.0, 4.0]])
    fig, ax = plt.subplots()
    plots.band(ax, [5, 10, 15], values, "EMOFSL")
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [2.0, 2.0, 2.0])
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == 0.0 and band.max() == 4.0  # mean +- std of the last row
    assert line.get_label() == "EMOFSL"
    plt.close(fig)


def test_scatter_uses_the_emotion_colours_and_labels_every_class():
    xy = np.arange(12.0).reshape(6, 2)
    fig, ax = plt.subplots()
    plots.scatter(
        ax, xy, ["sad", "angry", "sad", "happy", "angry", "sad"], "t", plots.EMOTION_COLOURS
    )
    labels = [c.get_label() for c in ax.collections]
    assert labels == ["angry", "happy", "sad"]
    sizes = [len(c.get_offsets()) for c in ax.collections]
    assert sizes == [2, 1, 3]
    colour = matplotlib.colors.to_hex(ax.collections[2].get_facecolor()[0], keep_alpha=False)
    assert colour == plots.EMOTION_COLOURS["sad"]
    plt.close(fig)


def test_heatmap_annotates_every_cell():
    table = pd.DataFrame([[0.5, 0.25], [0.125, 1.0]], index=["a", "b"], columns=["a", "b"])
    fig, ax = plt.subplots()
    plots.heatmap(ax, table, "confusion", fmt=".2f")
    assert sorted(t.get_text() for t in ax.texts) == ["0.12", "0.25", "0.50", "1.00"]
    plt.close(fig)


def test_umap_embedding_is_deterministic():
    x = np.random.default_rng(0).normal(size=(40, 5))
    a, b = (
        plots.umap_embedding(x, seed=3, n_neighbors=5),
        plots.umap_embedding(x, seed=3, n_neighbors=5),
    )
    assert a.shape == (40, 2)
    np.testing.assert_array_equal(a, b)
