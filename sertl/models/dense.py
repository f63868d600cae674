"""Dense networks of Andova & Luštrek: a transfer FCNN with frozen layers, and a DBN."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.neural_network import BernoulliRBM
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from ..device import resolve_device
from .loop import minibatch_epochs


def fit_torch_classifier(
    model,
    X: np.ndarray,
    y: np.ndarray,
    epochs: int,
    lr: float,  # noqa: ANN001, N803
    batch_size: int,
    device: str,
    seed: int,
    params=None,
) -> list[float]:  # noqa: ANN001
    """Train ``model`` with Adam and cross-entropy on (X, integer y); returns epoch losses.

    Args:
        model: A torch module mapping (n, d) to (n, classes) logits.
        X: Inputs.
        y: Integer class indices.
        epochs: Passes over the data.
        lr: Learning rate.
        batch_size: Mini-batch size.
        device: Torch device.
        seed: Seed of the batch order.
        params: The parameters to update (default all; frozen layers are left out).
    """
    import torch

    model.to(device)
    xt = torch.as_tensor(X, dtype=torch.float32, device=device)
    yt = torch.as_tensor(y, dtype=torch.long, device=device)
    optim = torch.optim.Adam(params if params is not None else model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(seed)
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


class _Encoded:
    """Label encoding shared by the torch classifiers."""

    def _encode(self, y: Sequence) -> np.ndarray:
        y = np.asarray(y)
        if not hasattr(self, "classes_"):
            self.classes_ = np.unique(y)
        index = {c: i for i, c in enumerate(self.classes_)}
        return np.array([index[c] for c in y])

    def predict(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        """Predicted labels."""
        import torch

        with torch.no_grad():
            x = torch.as_tensor(self._prepare(X), dtype=torch.float32, device=self.device_)
            return self.classes_[self.net_(x).argmax(1).cpu().numpy()]


class TransferFCNN(_Encoded):
    """Fully connected network trained on the source, then its output layer fine-tuned.

    Andova & Luštrek: 1000, 500 and 300 tanh units and a softmax over the four
    emotions, trained on the source corpus; every layer but the output is then
    frozen and the output layer is trained on the target subject's speech.

    Args:
        hidden: Hidden layer sizes.
        epochs: Source training epochs.
        fine_tune_epochs: Target fine-tuning epochs of the output layer.
        lr: Adam learning rate.
        batch_size: Mini-batch size.
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.
        random_state: Seed.
    """

    def __init__(
        self,
        hidden: Sequence[int] = (1000, 500, 300),
        epochs: int = 60,
        fine_tune_epochs: int = 60,
        lr: float = 1e-3,
        batch_size: int = 32,
        device: str = "auto",
        random_state: int = 0,
    ) -> None:
        self.hidden = tuple(hidden)
        self.epochs = epochs
        self.fine_tune_epochs = fine_tune_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.device = device
        self.random_state = random_state

    def _prepare(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        return self.scaler_.transform(np.asarray(X, float))

    def fit(
        self,
        X_source: np.ndarray,
        y_source: Sequence,
        X_target: np.ndarray | None = None,  # noqa: N803
        y_target: Sequence | None = None,
    ) -> TransferFCNN:
        """Train on the source; with target data, then fine-tune the output layer on it.

        The inputs are standardised with the source's statistics, so the
        source-trained network does not depend on the target: fit it once and
        call :meth:`fine_tune` for each target subject.
        """
        import torch

        self.device_ = resolve_device(self.device)
        torch.manual_seed(self.random_state)
        self.scaler_ = StandardScaler().fit(np.asarray(X_source, float))
        self.classes_ = np.unique(np.asarray(y_source))
        layers, width = [], np.asarray(X_source).shape[1]
        for h in self.hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.Tanh()]
            width = h
        self.net_ = torch.nn.Sequential(*layers, torch.nn.Linear(width, len(self.classes_)))
        self.source_loss_ = fit_torch_classifier(
            self.net_,
            self._prepare(X_source),
            self._encode(y_source),
            self.epochs,
            self.lr,
            self.batch_size,
            self.device_,
            self.random_state,
        )
        self.target_loss_ = []
        if X_target is not None and len(X_target):
            self._fine_tune_output(X_target, y_target)
        return self

    def fine_tune(self, X_target: np.ndarray, y_target: Sequence) -> TransferFCNN:  # noqa: N803
        """A copy of this source-trained network with its output layer fine-tuned.

        The hidden layers are frozen; only the output layer is trained on the
        target speech. ``self`` is left unchanged.

        Raises:
            ValueError: A target label is not one of the source's classes.
        """
        import copy

        if not hasattr(self, "net_"):
            raise RuntimeError("fit the network on the source before fine-tuning it")
        tuned = copy.copy(self)
        tuned.net_ = copy.deepcopy(self.net_)
        tuned._fine_tune_output(X_target, y_target)
        return tuned

    def _fine_tune_output(self, X_target: np.ndarray, y_target: Sequence) -> None:  # noqa: N803
        unknown = sorted(set(np.asarray(y_target).tolist()) - set(self.classes_.tolist()))
        if unknown:
            raise ValueError(f"target labels {unknown} are not among the source classes")
        for p in self.net_[:-1].parameters():
            p.requires_grad_(False)
        self.target_loss_ = fit_torch_classifier(
            self.net_,
            self._prepare(X_target),
            self._encode(y_target),
            self.fine_tune_epochs,
            self.lr,
            self.batch_size,
            self.device_,
            self.random_state + 1,
            params=self.net_[-1].parameters(),
        )


class DBNClassifier(_Encoded):
    """Deep belief network after Latif et al. (2018): stacked RBMs, then fine-tuning.

    Features are scaled to [0, 1]; Bernoulli RBMs are pre-trained greedily,
    layer by layer, on the training speech (unsupervised); their weights
    initialise a sigmoid network with a softmax output, fine-tuned end to end
    with cross-entropy.

    Args:
        hidden: RBM layer sizes (the papers do not give them; our choice).
        rbm_epochs: Pre-training epochs per RBM.
        rbm_lr: RBM learning rate.
        epochs: Fine-tuning epochs.
        lr: Adam learning rate for fine-tuning.
        batch_size: Mini-batch size.
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.
        random_state: Seed.
    """

    def __init__(
        self,
        hidden: Sequence[int] = (512, 256, 128),
        rbm_epochs: int = 10,
        rbm_lr: float = 0.01,
        epochs: int = 60,
        lr: float = 1e-3,
        batch_size: int = 32,
        device: str = "auto",
        random_state: int = 0,
    ) -> None:
        self.hidden = tuple(hidden)
        self.rbm_epochs = rbm_epochs
        self.rbm_lr = rbm_lr
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.device = device
        self.random_state = random_state

    def _prepare(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        return np.clip(self.scaler_.transform(np.asarray(X, float)), 0.0, 1.0)

    def fit(self, X: np.ndarray, y: Sequence) -> DBNClassifier:  # noqa: N803
        """Pre-train the RBM stack on X, then fine-tune the whole network on (X, y)."""
        import torch

        self.device_ = resolve_device(self.device)
        torch.manual_seed(self.random_state)
        self.scaler_ = MinMaxScaler().fit(X)
        self.classes_ = np.unique(np.asarray(y))
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
            self.epochs,
            self.lr,
            self.batch_size,
            self.device_,
            self.random_state,
        )
        return self
