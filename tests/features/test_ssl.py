"""The transformers extractor, offline, on a tiny randomly initialised model."""

import numpy as np
import pytest

from sertl.features import TransformersExtractor, extract


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    transformers = pytest.importorskip("transformers")
    folder = tmp_path_factory.mktemp("tiny-wav2vec2")
    config = transformers.Wav2Vec2Config(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=37,
        conv_dim=(16, 16),
        conv_kernel=(10, 3),
        conv_stride=(5, 2),
        num_feat_extract_layers=2,
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=2,
        vocab_size=10,
    )
    transformers.Wav2Vec2Model(config).save_pretrained(folder)
    transformers.Wav2Vec2FeatureExtractor(sampling_rate=16000, do_normalize=True).save_pretrained(
        folder
    )
    return folder


def test_loads_from_a_local_folder_without_downloading(tiny_model, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    ext = TransformersExtractor(str(tiny_model))
    assert ext.local_only
    x = np.random.default_rng(0).standard_normal(16000).astype(np.float32)
    out = ext(x, 16000)
    assert out.shape == (32,) and np.isfinite(out).all() and ext.dim == 32
    assert not np.allclose(ext(x[:8000], 16000), out)
    first = TransformersExtractor(str(tiny_model), layer=0)(x, 16000)
    assert first.shape == (32,) and not np.allclose(first, out)


def test_works_through_the_feature_cache(tiny_model, tmp_path, tone, monkeypatch):
    monkeypatch.setenv("SERTL_CACHE", str(tmp_path / "cache"))
    files = [tone(tmp_path / f"{i}.wav", seconds=0.5 + 0.1 * i) for i in range(3)]
    result = extract(files, TransformersExtractor(str(tiny_model)), jobs=1, progress=False)
    assert result.values.shape == (3, 32) and not result.report


def test_missing_local_model_is_a_clear_error(tmp_path):
    ext = TransformersExtractor(str(tmp_path / "none"), local_only=True)
    with pytest.raises(OSError):
        ext(np.zeros(16000, np.float32), 16000)


def test_mean_and_std_pooling(tiny_model):
    x = np.random.default_rng(1).standard_normal(16000).astype(np.float32)
    mean = TransformersExtractor(str(tiny_model))(x, 16000)
    both = TransformersExtractor(str(tiny_model), pooling="mean+std")
    out = both(x, 16000)
    assert out.shape == (64,) and (out[32:] > 0).all()
    np.testing.assert_allclose(out[:32], mean, rtol=1e-5, atol=1e-6)
    assert both.name != TransformersExtractor(str(tiny_model)).name
