import numpy as np
import torch

from sertl.models import SiameseNet, balanced_pairs, classify, train_siamese


def test_architecture_and_freezing():
    net = SiameseNet()
    sizes = [layer[0].out_features for layer in net.extractor]
    assert sizes == [64, 32, 16]
    assert net(torch.zeros(5, 64), torch.zeros(5, 64)).shape == (5,)
    net.freeze(2)
    trainable = [all(p.requires_grad for p in layer.parameters()) for layer in net.extractor]
    assert trainable == [False, False, True]


def test_balanced_pairs_are_half_same_class():
    y = np.repeat([0, 1, 2], 5)
    a, b, t = balanced_pairs(y, np.random.default_rng(0))
    assert t.mean() == 0.5 and np.all((y[a] == y[b]) == (t == 1)) and np.all(a != b)


def test_learns_separable_classes_and_classifies_by_reference():
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=3, size=(4, 64))
    y = np.repeat(np.arange(4), 30)
    x = centres[y] + rng.normal(size=(120, 64))
    torch.manual_seed(0)
    net = SiameseNet()
    hist = train_siamese(net, x, y, epochs=15, distance_weight=0.1)
    assert hist[-1]["pair_loss"] < hist[0]["pair_loss"]
    y_test = np.repeat(np.arange(4), 10)
    x_test = centres[y_test] + rng.normal(size=(40, 64))
    assert (classify(net, x_test, x, y) == y_test).mean() > 0.9
