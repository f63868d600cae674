"""Lian et al.'s audio encoder (after Satt et al., 2017), discrimination network, and training."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import torch
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from torch import nn

from ..losses import PairwiseLoss
from ..metrics import uar
from ..pairs import PairSampler

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
    steps = -(-pairs_per_epoch // batch_size)
    sched = lr_scheduler(optim, schedule, epochs * steps)
    loss_fn = PairwiseLoss(weight, margin)
    sampler = PairSampler(y[train], seed=seed)
    history, best, best_state, since = [], -1.0, None, 0
    for epoch in range(epochs):
        encoder.train()
        head.train()
        total = correct = seen = 0.0
        start = time.perf_counter()
        for first, second, same in sampler.batches(pairs_per_epoch, batch_size):
            a_idx, b_idx = train[first], train[second]
            same_t = torch.as_tensor(same, device=device)
            optim.zero_grad()
            with _autocast(device):
                ea, eb = encoder(xt[a_idx]), encoder(xt[b_idx])
                logits = head(ea, eb)
                loss = loss_fn(ea.float(), eb.float(), logits.float(), same_t)
            loss.backward()
            optim.step()
            sched.step()
            total += loss.item() * len(same)
            correct += (logits.argmax(1) == same_t.long()).sum().item()
            seen += len(same)
        rate = seen / (time.perf_counter() - start)
        train_emb, val_emb = embed(encoder, xt[train], device), embed(encoder, xt[val], device)
        val_uar = svm_uar(train_emb, y[train], val_emb, y[val], seed)[0]
        history.append(
            {
                "epoch": epoch + 1,
                "loss": total / seen,
                "pair_accuracy": correct / seen,
                "val_uar": val_uar,
                "lr": optim.param_groups[0]["lr"],
                "pairs_per_s": rate,
            }
        )
        if val_uar > best:
            best, since = val_uar, 0
            best_state = {k: v.detach().clone() for k, v in encoder.state_dict().items()}
        else:
            since += 1
            if patience is not None and since >= patience:
                break
    encoder.load_state_dict(best_state)
    encoder.eval()
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
    history, best, best_state, since = [], -1.0, None, 0
    for epoch in range(epochs):
        model.train()
        order = gen.permutation(train)
        total = 0.0
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            optim.zero_grad()
            with _autocast(device):
                loss = loss_fn(model(xt[idx]).float(), yt[idx])
            loss.backward()
            optim.step()
            sched.step()
            total += loss.item() * len(idx)
        record = {"epoch": epoch + 1, "loss": total / len(order), "lr": optim.param_groups[0]["lr"]}
        if val is not None:
            val_uar = uar(np.asarray(y)[val], _predict(model, xt[val], device))
            record["val_uar"] = val_uar
            if val_uar > best:
                best, since = val_uar, 0
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                since += 1
        history.append(record)
        if val is not None and patience is not None and since >= patience:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
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
