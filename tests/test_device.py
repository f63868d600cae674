import numpy as np
import pytest
import torch

from sertl.device import resolve_device, seed_everything, stable_seed
from sertl.models import SiameseNet, classify, train_siamese

CUDA = torch.cuda.is_available()


def test_auto_picks_the_gpu_only_when_present():
    assert resolve_device("auto") == ("cuda" if CUDA else "cpu")
    assert resolve_device("cpu") == "cpu"


@pytest.mark.skipif(CUDA, reason="a GPU is present")
def test_asking_for_cuda_without_a_gpu_is_a_clear_error():
    with pytest.raises(RuntimeError, match="no CUDA GPU"):
        resolve_device("cuda")


def test_stable_seed_is_stable_and_distinguishes_parts():
    assert stable_seed(0, "ft", 2, 3) == stable_seed(0, "ft", 2, 3)
    assert stable_seed(0, "ft", 2, 3) != stable_seed(0, "ft", 3, 2)
    assert stable_seed(1, "ft") != stable_seed(0, "ft")


def _run(device):
    seed_everything(0)
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 12)
    x = rng.normal(size=(48, 64)) + y[:, None]
    net = SiameseNet()
    train_siamese(net, x, y, epochs=3, distance_weight=0.1, device=device)
    return classify(net, x, x, y, device)


def test_same_seed_same_bits_on_cpu():
    assert np.array_equal(_run("cpu"), _run("cpu"))


@pytest.mark.skipif(not CUDA, reason="no GPU on this machine")
def test_gpu_path_runs_and_agrees_with_cpu():
    assert (_run("cuda") == _run("cpu")).mean() > 0.9


# the GPU paths of every model family the chapters train (skipped without a GPU)
needs_gpu = pytest.mark.skipif(not CUDA, reason="no GPU on this machine")


@needs_gpu
def test_gpu_dense_models_learn():
    from sertl.models import DBNClassifier, TransferFCNN

    rng = np.random.default_rng(0)
    y = np.repeat(np.array(["angry", "happy", "neutral", "sad"]), 20)
    x = rng.normal(size=(80, 30)) + 3 * (
        np.unique(y, return_inverse=True)[1][:, None] == np.arange(30) % 4
    )
    fcnn = (
        TransferFCNN(hidden=(32, 16), epochs=20, device="cuda").fit(x, y).fine_tune(x[::4], y[::4])
    )
    dbn = DBNClassifier(hidden=(32, 16), epochs=40, lr=1e-2, device="cuda").fit(x, y)
    assert fcnn.device_ == "cuda" and next(fcnn.net_.parameters()).is_cuda
    assert (fcnn.predict(x) == y).mean() > 0.8 and (dbn.predict(x) == y).mean() > 0.8


@needs_gpu
def test_gpu_spectrogram_models_train_in_mixed_precision():
    from sertl.models import train_contrastive, train_softmax
    from sertl.models.lian import predict_softmax

    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 16)
    x = rng.normal(size=(48, 33, 40)).astype(np.float32)
    x[np.arange(48), y * 10 + 2, :] += 3.0
    small = ((4, 3, 2), (4, 3, 2), (8, 3, 2), (8, 3, 1), (8, 3, 1))
    model, hist = train_softmax(x, y, np.arange(48), epochs=15, lr=3e-3, conv=small, device="cuda")
    assert hist[-1]["loss"] < hist[0]["loss"]
    assert (predict_softmax(model, x, "cuda") == y).mean() > 0.8
    _, losses, _ = train_contrastive(
        x, epochs=5, batch_size=12, crop=20, channels=8, dim=4, device="cuda"
    )
    assert np.isfinite(losses).all()
