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
