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


def test_frozen_layers_stay_put_while_the_rest_trains():
    rng = np.random.default_rng(1)
    y = np.repeat(np.arange(4), 6)
    x = rng.normal(size=(24, 64)) + y[:, None]
    torch.manual_seed(0)
    net = SiameseNet()
    net.freeze(2)
    before = [p.detach().clone() for p in net.parameters()]
    train_siamese(net, x, y, epochs=3, distance_weight=1.0, random_state=0)
    after = list(net.parameters())
    frozen = sum(p.numel() for layer in net.extractor[:2] for p in layer.parameters())
    n_frozen = len([p for layer in net.extractor[:2] for p in layer.parameters()])
    assert frozen > 0
    assert all(torch.equal(b, a) for b, a in zip(before[:n_frozen], after[:n_frozen], strict=True))
    assert not all(
        torch.equal(b, a) for b, a in zip(before[n_frozen:], after[n_frozen:], strict=True)
    )


def test_classify_scores_by_class_mean_not_sum():
    # class 0: many references at the test point; class 1: one reference a little further.
    # The mean picks the closer class 0; a sum of (negative) log-probabilities would pick
    # class 1 for having fewer references.
    torch.manual_seed(0)
    net = SiameseNet(2, hidden=(2,), decision=2)
    with torch.no_grad():
        net.extractor[0][0].weight.copy_(torch.eye(2))
        net.extractor[0][0].bias.zero_()
        net.decision[0].weight.copy_(torch.eye(2))
        net.decision[0].bias.zero_()
        net.decision[2].weight.fill_(-1.0)
        net.decision[2].bias.fill_(1.0)
    refs = np.array([[0.1, 0.1]] * 20 + [[0.2, 0.2]], dtype=np.float32)
    labels = np.array([0] * 20 + [1])
    assert classify(net, np.array([[0.1, 0.1]], dtype=np.float32), refs, labels)[0] == 0


def test_history_counts_the_clamped_batches():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 8)).astype(np.float32)
    y = np.arange(40) % 4
    net = SiameseNet(8)
    history = train_siamese(net, x, y, epochs=2, batch_size=8, distance_weight=1.0)
    assert len(history) == 2
    for h in history:
        assert 0 <= h["clamped_batches"] <= h["distance_batches"] and h["distance_batches"] > 0
