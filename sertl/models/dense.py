"""Dense networks on feature vectors, as scikit-learn classifiers.

A fully connected network trained on a source corpus whose output layer alone
is then fine-tuned on the target (the FCNN of Andova & Luštrek), and a deep
belief network (stacked RBMs, then supervised fine-tuning).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.neural_network import BernoulliRBM
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.utils.validation import check_is_fitted

from ..device import resolve_device
from .loop import minibatch_epochs


def fit_torch_classifier(
    model,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    lr: float,
    batch_size: int,
    device: str,
    random_state: int,
    params=None,
) -> list[float]:
    """Train ``model`` with Adam and cross-entropy on (X, integer y); returns epoch losses.

    Args:
        model: A torch module mapping (n, d) to (n, classes) logits.
        X: Inputs.
        y: Integer class indices.
        epochs: Passes over the data.
        lr: Learning rate.
        batch_size: Mini-batch size.
        device: Torch device.
        random_state: Seed of the batch order.
        params: The parameters to update (default all; frozen layers are left out).
    """
    import torch

    model.to(device)
    xt = torch.as_tensor(X, dtype=torch.float32, device=device)
    yt = torch.as_tensor(y, dtype=torch.long, device=device)
    optim = torch.optim.Adam(params if params is not None else model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(random_state)
    return minibatch_epochs(
        model,
        xt,
        yt,
        epochs,
        optim,
        batch_size,
        lambda n: torch.randperm(n, generator=gen),
        lambda xb, yb: loss_fn(model(xb), yb),
    )


class _TorchClassifier(ClassifierMixin, BaseEstimator):
    """Label encoding and prediction shared by the torch classifiers."""

    def _encode(self, y: Sequence) -> np.ndarray:
        index = {c: i for i, c in enumerate(self.classes_.tolist())}
        return np.array([index[c] for c in np.asarray(y).tolist()])

    def _prepare(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Softmax probabilities of ``classes_``."""
        import torch

        check_is_fitted(self, "net_")
        self.net_.eval()
        with torch.no_grad():
            x = torch.as_tensor(self._prepare(X), dtype=torch.float32, device=self.device_)
            return torch.softmax(self.net_(x), dim=1).cpu().numpy()

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted labels."""
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(1)]


class TransferFCNN(_TorchClassifier):
    """Fully connected network trained on the source, then its output layer fine-tuned.

    Andova & Luštrek: 1000, 500 and 300 tanh units and a softmax over the four
    emotions, trained on the whole source corpus; every layer but the output
    is then frozen and the output layer is trained on the target's speech.
    Inputs are standardised with the source's statistics (our choice; the
    paper does not say), so the source-trained network does not depend on the
    target: fit it once on the source and call :meth:`fine_tune` per target.

    Args:
        hidden: Hidden layer sizes.
        epochs: Source training epochs.
        fine_tune_epochs: Target fine-tuning epochs of the output layer.
        lr: Adam learning rate.
        batch_size: Mini-batch size.
        target: The domain name of the target's rows in ``fit(..., domain=...)``.
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.
        random_state: Seed of the initial weights and of the batch order.

    Attributes:
        classes_: The source's emotions (the output units).
        net_: The torch network.
        scaler_: The source's standardisation.
        source_loss_: Mean loss per source epoch.
        target_loss_: Mean loss per fine-tuning epoch (empty before fine-tuning).
    """

    def __init__(
        self,
        *,
        hidden: Sequence[int] = (1000, 500, 300),
        epochs: int = 60,
        fine_tune_epochs: int = 60,
        lr: float = 1e-3,
        batch_size: int = 32,
        target: str = "target",
        device: str = "auto",
        random_state: int = 0,
    ) -> None:
        self.hidden = hidden
        self.epochs = epochs
        self.fine_tune_epochs = fine_tune_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.target = target
        self.device = device
        self.random_state = random_state

    def _prepare(self, X: np.ndarray) -> np.ndarray:
        return self.scaler_.transform(np.asarray(X, float))

    def fit(
        self,
        X: np.ndarray,
        y: Sequence,
        *,
        domain: Sequence | None = None,
    ) -> TransferFCNN:
        """Train on the source rows; then fine-tune the output layer on the target rows.

        Args:
            X: Feature rows.
            y: Their emotions.
            domain: The corpus of each row; rows named ``target`` are the fine-tuning
                speech, all others the source. ``None``: every row is source.
        """
        import torch

        X, y = np.asarray(X, float), np.asarray(y)
        is_target = np.zeros(len(X), bool) if domain is None else np.asarray(domain) == self.target
        xs, ys = X[~is_target], y[~is_target]
        self.device_ = resolve_device(self.device)
        torch.manual_seed(self.random_state)
        self.scaler_ = StandardScaler().fit(xs)
        self.classes_ = np.unique(ys)
        layers, width = [], X.shape[1]
        for h in self.hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.Tanh()]
            width = h
        self.net_ = torch.nn.Sequential(*layers, torch.nn.Linear(width, len(self.classes_)))
        self.source_loss_ = fit_torch_classifier(
            self.net_,
            self._prepare(xs),
            self._encode(ys),
            epochs=self.epochs,
            lr=self.lr,
            batch_size=self.batch_size,
            device=self.device_,
            random_state=self.random_state,
        )
        self.target_loss_ = []
        self.n_features_in_ = X.shape[1]
        if is_target.any():
            self._fine_tune_output(X[is_target], y[is_target])
        return self

    def fine_tune(self, X: np.ndarray, y: Sequence) -> TransferFCNN:
        """A copy of this source-trained network with its output layer fine-tuned on (X, y).

        The hidden layers are frozen; only the output layer is trained. ``self``
        is left unchanged, so one source network serves every target speaker.

        Raises:
            ValueError: A target label is not one of the source's classes.
        """
        check_is_fitted(self, "net_")
        tuned = copy.copy(self)
        tuned.net_ = copy.deepcopy(self.net_)
        tuned._fine_tune_output(X, y)
        return tuned

    def _fine_tune_output(self, X: np.ndarray, y: Sequence) -> None:
        unknown = sorted(set(np.asarray(y).tolist()) - set(self.classes_.tolist()))
        if unknown:
            raise ValueError(f"target labels {unknown} are not among the source classes")
        for p in self.net_[:-1].parameters():
            p.requires_grad_(False)
        self.target_loss_ = fit_torch_classifier(
            self.net_,
            self._prepare(X),
            self._encode(y),
            epochs=self.fine_tune_epochs,
            lr=self.lr,
            batch_size=self.batch_size,
            device=self.device_,
            random_state=self.random_state + 1,
            params=self.net_[-1].parameters(),
        )


class DBNClassifier(_TorchClassifier):
    """Deep belief network: stacked RBMs pre-trained greedily, then fine-tuned end to end.

    Features are min-max scaled to [0, 1]; Bernoulli RBMs are pre-trained
    layer by layer on the training speech (unsupervised); their weights
    initialise a sigmoid network with a softmax output, fine-tuned with
    cross-entropy. Andova & Luštrek take the network's parameters from Latif
    et al. (2018); the defaults here are ours (see the chapter).

    Args:
        hidden: RBM layer sizes.
        rbm_epochs: Pre-training epochs per RBM.
        rbm_lr: RBM learning rate.
        epochs: Fine-tuning epochs.
        lr: Adam learning rate for fine-tuning.
        batch_size: Mini-batch size.
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.
        random_state: Seed of the RBMs, the output layer and the batch order.

    Attributes:
        classes_: The emotions.
        net_: The torch network.
        scaler_: The min-max scaling.
        loss_: Mean loss per fine-tuning epoch.
    """

    def __init__(
        self,
        *,
        hidden: Sequence[int] = (512, 256, 128),
        rbm_epochs: int = 10,
        rbm_lr: float = 0.01,
        epochs: int = 60,
        lr: float = 1e-3,
        batch_size: int = 32,
        device: str = "auto",
        random_state: int = 0,
    ) -> None:
        self.hidden = hidden
        self.rbm_epochs = rbm_epochs
        self.rbm_lr = rbm_lr
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.device = device
        self.random_state = random_state

    def _prepare(self, X: np.ndarray) -> np.ndarray:
        return np.clip(self.scaler_.transform(np.asarray(X, float)), 0.0, 1.0)

    def fit(self, X: np.ndarray, y: Sequence) -> DBNClassifier:
        """Pre-train the RBM stack on X, then fine-tune the whole network on (X, y)."""
        import torch

        X, y = np.asarray(X, float), np.asarray(y)
        self.device_ = resolve_device(self.device)
        torch.manual_seed(self.random_state)
        self.scaler_ = MinMaxScaler().fit(X)
        self.classes_ = np.unique(y)
        h = self._prepare(X)
        layers = []
        for i, size in enumerate(self.hidden):
            rbm = BernoulliRBM(
                n_components=size,
                learning_rate=self.rbm_lr,
                n_iter=self.rbm_epochs,
                batch_size=self.batch_size,
                random_state=self.random_state + i,
            )
            rbm.fit(h)
            linear = torch.nn.Linear(h.shape[1], size)
            with torch.no_grad():
                linear.weight.copy_(torch.as_tensor(rbm.components_, dtype=torch.float32))
                linear.bias.copy_(torch.as_tensor(rbm.intercept_hidden_, dtype=torch.float32))
            layers += [linear, torch.nn.Sigmoid()]
            h = rbm.transform(h)
        self.net_ = torch.nn.Sequential(*layers, torch.nn.Linear(h.shape[1], len(self.classes_)))
        self.loss_ = fit_torch_classifier(
            self.net_,
            self._prepare(X),
            self._encode(y),
            epochs=self.epochs,
            lr=self.lr,
            batch_size=self.batch_size,
            device=self.device_,
            random_state=self.random_state,
        )
        self.n_features_in_ = X.shape[1]
        return self
