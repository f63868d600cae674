"""A small self-supervised encoder of our own: contrastive learning on log-mel spectrograms.

Pre-trained weights of wav2vec 2.0 and its kin cannot be fetched everywhere,
so sertl also trains a small encoder on unlabelled audio: two random views of
an utterance (crops, gain, noise, time and frequency masks) are pulled
together and all other utterances of the batch pushed away (NT-Xent, as in
SimCLR). No label is used. Checkpoints are cached, keyed by the training
data's manifest and the configuration.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

from ..atomic import atomic_path
from ..config import cache_dir
from .loop import index_batches, run_epochs


class LogMelEncoder(nn.Module):
    """1-d convolutions over a log-mel spectrogram, mean and std pooling, a linear layer.

    Args:
        n_mels: Mel bands of the input.
        channels: Convolution channels.
        dim: Embedding dimensionality.
    """

    def __init__(self, n_mels: int = 64, channels: int = 96, dim: int = 128) -> None:
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(n_mels, channels, 5, padding=2),
            nn.BatchNorm1d(channels),
            nn.ReLU(),
            nn.Conv1d(channels, channels, 5, stride=2, padding=2),
            nn.BatchNorm1d(channels),
            nn.ReLU(),
            nn.Conv1d(channels, channels, 3, stride=2, padding=1),
            nn.BatchNorm1d(channels),
            nn.ReLU(),
        )
        self.out = nn.Linear(2 * channels, dim)
        self.dim = dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, mels, frames) to (batch, dim)."""
        h = self.conv(x)
        return self.out(torch.cat([h.mean(-1), h.std(-1)], dim=1))


def nt_xent(z1: torch.Tensor, z2: torch.Tensor, temperature: float = 0.2) -> torch.Tensor:
    """NT-Xent: each view must pick its partner among the 2B - 1 other views."""
    z = nn.functional.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.T / temperature
    n = z1.shape[0]
    sim.fill_diagonal_(float("-inf"))
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)]).to(z.device)
    return nn.functional.cross_entropy(sim, target)


def augment(batch: np.ndarray, crop: int, rng: np.random.Generator) -> np.ndarray:
    """One random view per item: crop, gain, noise, a time mask and a frequency mask."""
    n, mels, frames = batch.shape
    out = np.empty((n, mels, crop), np.float32)
    for i in range(n):
        start = rng.integers(0, max(1, frames - crop + 1))
        view = batch[i, :, start : start + crop].copy()
        view += rng.normal(0, 0.5)  # gain, in the log domain
        view += rng.normal(0, 0.1, view.shape)
        t0, f0 = rng.integers(0, crop - crop // 8), rng.integers(0, mels - mels // 8)
        view[:, t0 : t0 + crop // 8] = view.mean()
        view[f0 : f0 + mels // 8, :] = view.mean()
        out[i] = view
    return out


def train_contrastive(
    mels: np.ndarray,
    epochs: int = 20,
    batch_size: int = 64,
    crop: int = 200,
    lr: float = 1e-3,
    temperature: float = 0.2,
    channels: int = 96,
    dim: int = 128,
    device: str = "cpu",
    seed: int = 0,
) -> tuple[LogMelEncoder, list[float], dict]:
    """Train a :class:`LogMelEncoder` on unlabelled log-mels (items, mels, frames).

    Returns:
        The encoder, the loss per epoch, and the input normalisation (mean, std).
    """
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    mean, std = float(mels.mean()), float(mels.std() + 1e-6)
    data = ((mels - mean) / std).astype(np.float32)
    encoder = LogMelEncoder(mels.shape[1], channels, dim).to(device)
    head = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, 64)).to(device)
    optim = torch.optim.Adam([*encoder.parameters(), *head.parameters()], lr=lr)

    def batches() -> Iterator[np.ndarray]:
        # NT-Xent needs two items or more: a last batch of one is left out
        order = rng.permutation(len(data))
        return (idx for idx in index_batches(order, batch_size) if len(idx) >= 2)

    def batch_loss(idx: np.ndarray) -> torch.Tensor:
        v1 = torch.as_tensor(augment(data[idx], crop, rng), device=device)
        v2 = torch.as_tensor(augment(data[idx], crop, rng), device=device)
        return nt_xent(head(encoder(v1)), head(encoder(v2)), temperature)

    epochs_run = run_epochs((encoder, head), optim, epochs, batches, batch_loss)
    # an epoch without a batch (fewer than two items) records 0.0, as cached checkpoints do
    losses = [epoch.loss if epoch.n_items else 0.0 for epoch in epochs_run]
    return encoder, losses, {"mean": mean, "std": std}


@torch.no_grad()
def encode(
    encoder: LogMelEncoder, mels: np.ndarray, norm: dict, device: str = "cpu", batch_size: int = 128
) -> np.ndarray:
    """Embeddings of whole log-mel spectrograms."""
    encoder.eval().to(device)
    out = []
    for start in range(0, len(mels), batch_size):
        x = torch.as_tensor(
            (mels[start : start + batch_size] - norm["mean"]) / norm["std"],
            dtype=torch.float32,
            device=device,
        )
        out.append(encoder(x).cpu().numpy())
    return np.concatenate(out)


def pretrained_encoder(
    mels: np.ndarray,
    manifest: str,
    config: dict,
    device: str = "cpu",
) -> tuple[LogMelEncoder, dict, list[float]]:
    """Train the encoder once per (data manifest, configuration); later calls load it.

    The checkpoint is written to a temporary file and renamed into the cache.

    Returns:
        The encoder, the input normalisation, and the training losses.
    """
    key = hashlib.sha256(
        json.dumps({"manifest": manifest, **config}, sort_keys=True).encode()
    ).hexdigest()[:20]
    path = cache_dir("checkpoints") / f"contrastive-{key}.pt"
    if path.is_file():
        state = torch.load(path, map_location=device, weights_only=False)
        encoder = LogMelEncoder(mels.shape[1], config.get("channels", 96), config.get("dim", 128))
        encoder.load_state_dict(state["model"])
        return encoder.to(device).eval(), state["norm"], state["losses"]
    encoder, losses, norm = train_contrastive(mels, device=device, **config)
    with atomic_path(path) as tmp:
        torch.save({"model": encoder.state_dict(), "norm": norm, "losses": losses}, tmp)
    return encoder, norm, losses
