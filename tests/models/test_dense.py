import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.neural_network import BernoulliRBM
from sklearn.preprocessing import MinMaxScaler

from sertl.models import DBNClassifier, TransferFCNN, fit_torch_classifier


def _blobs(seed: int, n: int = 40, shift: float = 0.0, d: int = 12):
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(100).normal(scale=3, size=(4, d))
    labels = np.array(["angry", "happy", "neutral", "sad"])
    y = np.repeat(np.arange(4), n // 4)
    return centres[y] + shift + rng.normal(size=(len(y), d)), labels[y]


def test_fit_torch_classifier_lowers_the_loss_and_leaves_frozen_parameters():
    x, y = _blobs(0)
    y = np.unique(y, return_inverse=True)[1]
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(12, 8), torch.nn.Tanh(), torch.nn.Linear(8, 4))
    first = net[0].weight.detach().clone()
    losses = fit_torch_classifier(
        net,
        x,
        y,
        epochs=20,
        lr=1e-2,
        batch_size=8,
        device="cpu",
        random_state=0,
        params=net[2].parameters(),
    )
    assert losses[-1] < 0.5 * losses[0]
    assert torch.equal(net[0].weight, first)


def test_transfer_fcnn_fine_tunes_only_the_output_layer_of_a_copy():
    xs, ys = _blobs(0, 80)
    xt, yt = _blobs(1, 16, shift=1.0)
    base = TransferFCNN(hidden=(16, 8), epochs=15, fine_tune_epochs=15, batch_size=16, device="cpu")
    base.fit(xs, ys)
    assert np.mean(base.predict(xs) == ys) > 0.9
    before = [p.detach().clone() for p in base.net_.parameters()]
    tuned = base.fine_tune(xt, yt)
    # the source network is untouched; the copy differs in its output layer only
    assert all(torch.equal(a, b) for a, b in zip(before, base.net_.parameters(), strict=True))
    after = list(tuned.net_.parameters())
    assert all(torch.equal(a, b) for a, b in zip(before[:-2], after[:-2], strict=True))
    assert not torch.equal(before[-2], after[-2])
    assert len(tuned.target_loss_) == 15 and base.target_loss_ == []


def test_transfer_fcnn_fit_with_target_equals_fit_then_fine_tune():
    xs, ys = _blobs(0, 40)
    xt, yt = _blobs(1, 8, shift=1.0)
    kw = dict(
        hidden=(16, 8), epochs=5, fine_tune_epochs=5, batch_size=8, device="cpu", random_state=3
    )
    x, y = np.vstack([xs, xt]), np.concatenate([ys, yt])
    domain = ["emodb"] * len(xs) + ["savee"] * len(xt)
    joint = TransferFCNN(target="savee", **kw).fit(x, y, domain=domain)
    split = TransferFCNN(**kw).fit(xs, ys).fine_tune(xt, yt)
    for a, b in zip(joint.net_.parameters(), split.net_.parameters(), strict=True):
        assert torch.equal(a, b)


def test_transfer_fcnn_rejects_unknown_target_labels():
    xs, ys = _blobs(0, 40)
    model = TransferFCNN(hidden=(8,), epochs=1, device="cpu").fit(xs, ys)
    with pytest.raises(ValueError, match="bored"):
        model.fine_tune(xs[:2], ["angry", "bored"])
    with pytest.raises(NotFittedError):
        TransferFCNN().fine_tune(xs, ys)


def test_dbn_is_initialised_from_greedy_rbms_and_learns():
    x, y = _blobs(0, 80)
    untrained = DBNClassifier(hidden=(10, 6), rbm_epochs=3, epochs=0, device="cpu").fit(x, y)
    # plain loop: scale to [0, 1], then fit each RBM on the previous layer's output
    h = MinMaxScaler().fit_transform(x)
    for i, size in enumerate([10, 6]):
        rbm = BernoulliRBM(
            n_components=size, learning_rate=0.01, n_iter=3, batch_size=32, random_state=i
        )
        rbm.fit(h)
        layer = untrained.net_[2 * i]
        np.testing.assert_allclose(layer.weight.detach().numpy(), rbm.components_, rtol=1e-6)
        np.testing.assert_allclose(layer.bias.detach().numpy(), rbm.intercept_hidden_, rtol=1e-6)
        h = rbm.transform(h)
    trained = DBNClassifier(hidden=(32, 16), epochs=40, lr=1e-2, device="cpu").fit(x, y)
    assert trained.loss_[-1] < trained.loss_[0]
    xe, ye = _blobs(5, 40)
    assert np.mean(trained.predict(xe) == ye) > 0.8


@pytest.mark.parametrize(
    "model",
    [
        TransferFCNN(hidden=(8,), epochs=2, fine_tune_epochs=1, device="cpu", random_state=5),
        DBNClassifier(hidden=(8,), rbm_epochs=1, epochs=2, device="cpu", random_state=5),
    ],
)
def test_dense_models_are_scikit_learn_classifiers(model):
    x, y = _blobs(0, 40)
    with pytest.raises(NotFittedError):
        model.predict(x)
    with pytest.raises(TypeError):
        type(model)((8,))  # options are keyword-only
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    a, b = model.fit(x, y), copy.fit(x, y)
    # same seed, same network: the clone predicts the same probabilities
    np.testing.assert_array_equal(a.predict_proba(x), b.predict_proba(x))
    np.testing.assert_allclose(a.predict_proba(x).sum(1), 1.0, rtol=1e-5)
    assert a.score(x, y) == np.mean(a.predict(x) == y)
    assert list(a.classes_) == ["angry", "happy", "neutral", "sad"]
