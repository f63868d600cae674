"""Lian et al.'s audio encoder (after Satt et al., 2017), discrimination network, and training."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
import torch
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from torch import nn

from ..losses import PairwiseLoss
from ..metrics import uar
from ..pairs import PairSampler
from .loop import Epoch, KeepBest, index_batches, run_epochs

#: (out channels, kernel, stride) of the five convolutional layers: our reading of
#: Satt et al.'s design (small kernels, time-frequency downsampling by strides).
DEFAULT_CONV = ((16, 5, 2), (32, 3, 2), (32, 3, 2), (64, 3, 2), (64, 3, 2))


class SattEncoder(nn.Module):
    """Five convolutional layers with batch normalisation and ReLU, then a 256-d layer.

    After the convolutions, the feature map is averaged over time (any number of
    frames works) and flattened over frequency before the fully connected layer.

    Args:
        n_bins: Frequency bins of the input (257).
        conv: (channels, kernel, stride) per layer.
        dim: Output dimensionality (256).
    """

    def __init__(
        self, n_bins: int = 257, conv: Sequence[tuple[int, int, int]] = DEFAULT_CONV, dim: int = 256
    ) -> None:
        super().__init__()
        layers, channels, bins = [], 1, n_bins
        for out, kernel, stride in conv:
            layers += [
                nn.Conv2d(channels, out, kernel, stride, padding=kernel // 2),
                nn.BatchNorm2d(out),
                nn.ReLU(),
            ]
            channels = out
            bins = (bins + 2 * (kernel // 2) - kernel) // stride + 1
        self.conv = nn.Sequential(*layers)
        self.fc = nn.Linear(channels * bins, dim)
        self.dim = dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, bins, frames) log-spectrograms to (batch, dim)."""
        h = self.conv(x.unsqueeze(1)).mean(-1)  # average over time
        return self.fc(h.flatten(1))


def encoder_parameters(
    conv: Sequence[tuple[int, int, int]] = DEFAULT_CONV, n_bins: int = 257
) -> int:
    """Number of trainable parameters of a :class:`SattEncoder` with these layers."""
    return sum(p.numel() for p in SattEncoder(n_bins, conv).parameters() if p.requires_grad)


class PairDiscriminator(nn.Module):
    """The two 256-d vectors concatenated (512), a 128-unit ReLU layer, a 2-way softmax."""

    def __init__(self, dim: int = 256, hidden: int = 128) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2 * dim, hidden), nn.ReLU(), nn.Linear(hidden, 2))

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Logits of (different, same)."""
        return self.net(torch.cat([a, b], dim=-1))


class SpectrogramNorm:
    """Per-frequency standardisation with training statistics."""

    def fit(self, x: np.ndarray) -> SpectrogramNorm:
        """Learn the mean and deviation of each frequency bin."""
        self.mean_ = x.mean(axis=(0, 2), keepdims=True).astype(np.float32)
        self.std_ = (x.std(axis=(0, 2), keepdims=True) + 1e-5).astype(np.float32)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Standardise."""
        return (x - self.mean_) / self.std_


def _autocast(device: str) -> torch.autocast:
    # bf16 mixed precision where it helps (CUDA); exact float32 on CPU
    if device.startswith("cuda"):
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return torch.autocast("cpu", enabled=False)


@torch.no_grad()
def embed(encoder: SattEncoder, x: torch.Tensor, device: str, batch_size: int = 64) -> np.ndarray:
    """Embeddings of every item of ``x`` (already on ``device``)."""
    encoder.eval()
    out = []
    for start in range(0, len(x), batch_size):
        with _autocast(device):
            out.append(encoder(x[start : start + batch_size]).float().cpu().numpy())
    return np.concatenate(out)


def svm_uar(
    train_emb: np.ndarray,
    train_y: np.ndarray,
    test_emb: np.ndarray,
    test_y: np.ndarray,
    seed: int = 0,
) -> tuple[float, np.ndarray, SVC]:
    """Fit an RBF SVM on training embeddings; UAR and predictions on the test ones."""
    scaler = StandardScaler().fit(train_emb)
    svm = SVC(kernel="rbf", C=1.0, class_weight="balanced", random_state=seed)
    svm.fit(scaler.transform(train_emb), train_y)
    pred = svm.predict(scaler.transform(test_emb))
    return uar(test_y, pred), pred, svm


def lr_scheduler(
    optim: torch.optim.Optimizer, schedule: str, total_steps: int
) -> torch.optim.lr_scheduler.LRScheduler:
    """A per-step learning-rate schedule over ``total_steps`` optimiser steps.

    Args:
        optim: The optimiser, its learning rate the peak.
        schedule: ``"constant"`` (the paper's fixed rate), ``"cosine"`` (cosine decay
            to zero) or ``"onecycle"`` (warm-up over the first 30 %, then cosine decay).
        total_steps: Steps of the whole training run.

    Raises:
        ValueError: An unknown schedule.
    """
    total_steps = max(1, total_steps)
    if schedule == "constant":
        return torch.optim.lr_scheduler.LambdaLR(optim, lambda _: 1.0)
    if schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optim, total_steps)
    if schedule == "onecycle":
        peak = optim.param_groups[0]["lr"]
        return torch.optim.lr_scheduler.OneCycleLR(optim, peak, total_steps=total_steps + 1)
    raise ValueError(f"unknown learning-rate schedule {schedule!r} (constant, cosine, onecycle)")


def _pair_batch_loss(
    encoder: SattEncoder,
    head: PairDiscriminator,
    loss_fn: PairwiseLoss,
    xt: torch.Tensor,
    device: str,
    correct: list[int],
) -> Callable[[tuple[np.ndarray, np.ndarray, np.ndarray]], torch.Tensor]:
    """The loss of a batch of pairs (rows of ``xt``, rows of ``xt``, same class or not).

    Each call also appends to ``correct`` how many of its pairs the head got right.
    """

    def batch_loss(batch: tuple[np.ndarray, np.ndarray, np.ndarray]) -> torch.Tensor:
        first, second, same = batch
        same_t = torch.as_tensor(same, device=device)
        with _autocast(device):
            ea, eb = encoder(xt[first]), encoder(xt[second])
            logits = head(ea, eb)
            loss = loss_fn(ea.float(), eb.float(), logits.float(), same_t)
        correct.append((logits.argmax(1) == same_t.long()).sum().item())
        return loss

    return batch_loss


def _pair_record(epoch: Epoch, n_correct: int, val_uar: float, lr: float) -> dict:
    """One epoch of :func:`train_pairwise`'s history."""
    return {
        "epoch": epoch.number,
        "loss": epoch.loss,
        "pair_accuracy": n_correct / epoch.n_items,
        "val_uar": val_uar,
        "lr": lr,
        "pairs_per_s": epoch.n_items / epoch.seconds,
    }


def train_pairwise(
    x: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    val: np.ndarray,
    epochs: int,
    pairs_per_epoch: int,
    batch_size: int = 32,
    lr: float = 1e-5,
    weight: float = 0.9,
    margin: float = 0.1,
    conv: Sequence = DEFAULT_CONV,
    device: str = "cpu",
    seed: int = 0,
    schedule: str = "constant",
    patience: int | None = None,
) -> tuple[SattEncoder, list[dict]]:
    """Train the encoder on the pairwise task; keep the epoch with the best validation UAR.

    Validation UAR is that of an SVM fitted on the training embeddings and scored on
    the validation items (never the test items).

    Args:
        x: Standardised inputs (items, bins, frames).
        y: Integer classes.
        train: Indices the pairs are drawn from.
        val: Indices of the validation items.
        epochs: Most epochs.
        pairs_per_epoch: Pairs drawn per epoch.
        batch_size: Pairs per mini-batch.
        lr: Adam's (peak) learning rate.
        weight: Lambda, the weight of the cosine loss.
        margin: The cosine margin m.
        conv: Encoder layers.
        device: Torch device.
        seed: Seed of the weights and the pairs.
        schedule: :func:`lr_scheduler` name.
        patience: Stop after this many epochs without a better validation UAR
            (None: run every epoch).

    Returns:
        The encoder of the best epoch and one record per epoch run (loss, pair
        accuracy, validation UAR, learning rate, pairs per second).
    """
    torch.manual_seed(seed)
    xt = torch.as_tensor(x, dtype=torch.float32, device=device)
    encoder = SattEncoder(x.shape[1], conv).to(device)
    head = PairDiscriminator(encoder.dim).to(device)
    optim = torch.optim.Adam([*encoder.parameters(), *head.parameters()], lr=lr)
    sched = lr_scheduler(optim, schedule, epochs * -(-pairs_per_epoch // batch_size))
    sampler = PairSampler(y[train], seed=seed)
    correct = []  # pairs the head got right, per batch of the current epoch
    batch_loss = _pair_batch_loss(encoder, head, PairwiseLoss(weight, margin), xt, device, correct)

    def batches() -> Iterator:
        correct.clear()
        pairs = sampler.batches(pairs_per_epoch, batch_size)
        return ((train[first], train[second], same) for first, second, same in pairs)

    history, keep = [], KeepBest(encoder, patience)

    def end_of_epoch(epoch: Epoch) -> bool:
        train_emb, val_emb = embed(encoder, xt[train], device), embed(encoder, xt[val], device)
        val_uar = svm_uar(train_emb, y[train], val_emb, y[val], seed)[0]
        history.append(_pair_record(epoch, sum(correct), val_uar, optim.param_groups[0]["lr"]))
        return keep(val_uar)

    run_epochs(
        (encoder, head),
        optim,
        epochs,
        batches,
        batch_loss,
        scheduler=sched,
        end_of_epoch=end_of_epoch,
        n_items=lambda batch: len(batch[2]),
    )
    keep.restore()
    return encoder, history


def train_softmax(
    x: np.ndarray,
    y: np.ndarray,
    train: np.ndarray,
    epochs: int,
    batch_size: int = 32,
    lr: float = 1e-5,
    conv: Sequence = DEFAULT_CONV,
    device: str = "cpu",
    seed: int = 0,
    val: np.ndarray | None = None,
    schedule: str = "constant",
    patience: int | None = None,
) -> tuple[nn.Module, list[dict]]:
    """The "traditional" baseline: the same encoder with a softmax head and cross-entropy.

    Args:
        x: Standardised spectrograms (items, bins, frames).
        y: Integer classes.
        train: Indices trained on.
        epochs: Most passes over ``train``.
        batch_size: Mini-batch size.
        lr: Adam's (peak) learning rate.
        conv: Encoder layers.
        device: Torch device.
        seed: Seed.
        val: Validation indices: the epoch with the best validation UAR is kept
            (None: the last epoch, as the paper's fixed-epoch baseline).
        schedule: :func:`lr_scheduler` name.
        patience: With ``val``, stop after this many epochs without a better
            validation UAR.

    Returns:
        The model (evaluation mode) and one record per epoch run (loss, learning
        rate, and with ``val`` the validation UAR).
    """
    torch.manual_seed(seed)
    xt = torch.as_tensor(x, dtype=torch.float32, device=device)
    yt = torch.tensor(np.asarray(y), dtype=torch.long, device=device)  # a copy: y may be read-only
    encoder = SattEncoder(x.shape[1], conv)
    model = nn.Sequential(encoder, nn.ReLU(), nn.Linear(encoder.dim, int(y.max()) + 1)).to(device)
    optim = torch.optim.Adam(model.parameters(), lr=lr)
    sched = lr_scheduler(optim, schedule, epochs * -(-len(train) // batch_size))
    loss_fn = nn.CrossEntropyLoss()
    gen = np.random.default_rng(seed)
    history, keep = [], KeepBest(model, patience)

    def batch_loss(idx: np.ndarray) -> torch.Tensor:
        with _autocast(device):
            return loss_fn(model(xt[idx]).float(), yt[idx])

    def end_of_epoch(epoch: Epoch) -> bool:
        history.append(
            {"epoch": epoch.number, "loss": epoch.loss, "lr": optim.param_groups[0]["lr"]}
        )
        if val is None:
            return False
        history[-1]["val_uar"] = uar(np.asarray(y)[val], _predict(model, xt[val], device))
        return keep(history[-1]["val_uar"])

    run_epochs(
        model,
        optim,
        epochs,
        lambda: index_batches(gen.permutation(train), batch_size),
        batch_loss,
        scheduler=sched,
        end_of_epoch=end_of_epoch,
    )
    keep.restore()
    return model, history


@torch.no_grad()
def _predict(model: nn.Module, xt: torch.Tensor, device: str, batch_size: int = 64) -> np.ndarray:
    model.eval()
    out = []
    for start in range(0, len(xt), batch_size):
        with _autocast(device):
            out.append(model(xt[start : start + batch_size]).argmax(1).cpu().numpy())
    return np.concatenate(out)


@torch.no_grad()
def predict_softmax(
    model: nn.Module, x: np.ndarray, device: str, batch_size: int = 64
) -> np.ndarray:
    """Class indices predicted by a softmax model."""
    return _predict(
        model, torch.as_tensor(x, dtype=torch.float32, device=device), device, batch_size
    )
