"""Feng & Chaspari's Siamese network on the 64-d IS09 subset."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import torch
from torch import nn

from ..losses import DistanceRatioLoss
from .loop import Epoch, index_batches, run_epochs


class SiameseNet(nn.Module):
    """A shared extractor (64, 32, 16 ReLU units) and a decision network on the pair.

    After Koch et al.: the element-wise L1 distance of the two 16-d
    embeddings goes through a 16-unit ReLU layer to one logit of "same class".

    Args:
        n_features: Input dimensionality (64 for the IS09 subset).
        hidden: Extractor layer sizes.
        decision: Units of the decision layer.
    """

    def __init__(
        self, n_features: int = 64, hidden: Sequence[int] = (64, 32, 16), decision: int = 16
    ) -> None:
        super().__init__()
        layers, width = [], n_features
        for h in hidden:
            layers.append(nn.Sequential(nn.Linear(width, h), nn.ReLU()))
            width = h
        self.extractor = nn.ModuleList(layers)
        self.decision = nn.Sequential(nn.Linear(width, decision), nn.ReLU(), nn.Linear(decision, 1))

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """The extractor's output (the embedding)."""
        for layer in self.extractor:
            x = layer(x)
        return x

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Logit of "a and b are of the same class"."""
        return self.decision((self.embed(a) - self.embed(b)).abs()).squeeze(-1)

    def freeze(self, n_layers: int) -> None:
        """Freeze the first ``n_layers`` extractor layers (0 freezes none)."""
        for k, layer in enumerate(self.extractor):
            for p in layer.parameters():
                p.requires_grad_(k >= n_layers)


def balanced_pairs(
    y: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One same-class and one different-class partner for every item (2n pairs).

    Returns:
        (first indices, second indices, 1.0 for same class else 0.0). Items whose
        class has a single member get no positive pair.
    """
    y = np.asarray(y)
    first, second, target = [], [], []
    by_class = {c: np.flatnonzero(y == c) for c in np.unique(y)}
    for i, c in enumerate(y):
        same = by_class[c][by_class[c] != i]
        if len(same):
            first.append(i)
            second.append(rng.choice(same))
            target.append(1.0)
        others = np.flatnonzero(y != c)
        if len(others):
            first.append(i)
            second.append(rng.choice(others))
            target.append(0.0)
    return np.array(first), np.array(second), np.array(target)


def train_siamese(
    model: SiameseNet,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    lr: float = 1e-3,
    batch_size: int = 64,
    distance_weight: float = 0.0,
    random_state: int = 0,
    device: str = "cpu",
) -> list[dict]:
    """Train on balanced pairs with binary cross-entropy, optionally plus the distance loss.

    Each epoch draws fresh pairs. With ``distance_weight > 0`` every batch adds
    ``distance_weight`` times :class:`DistanceRatioLoss` on the embeddings of
    the batch's items (Feng & Chaspari add it at each fine-tuning batch).

    Returns:
        One record per epoch: the mean pair loss and distance loss, and how many
        batches gave the distance loss information (``distance_batches``) and in
        how many of them its clamp, not the ratio, decided (``clamped_batches``).
    """
    model.to(device).train()
    rng = np.random.default_rng(random_state)
    params = [p for p in model.parameters() if p.requires_grad]
    optim = torch.optim.Adam(params, lr=lr)
    bce, ratio = nn.BCEWithLogitsLoss(), DistanceRatioLoss()
    xt = torch.as_tensor(np.array(x), dtype=torch.float32, device=device)
    yt = torch.as_tensor(np.array(y), dtype=torch.long, device=device)
    history, totals = [], {}  # totals: the epoch's pair and distance losses, summed over pairs

    def batches() -> Iterator:
        a, b, t = balanced_pairs(y, rng)
        order = rng.permutation(len(a))
        a, b, t = a[order], b[order], torch.as_tensor(t[order], dtype=torch.float32, device=device)
        totals.update(pair=0.0, distance=0.0)
        ratio.reset_counts()
        return zip(*(index_batches(v, batch_size) for v in (a, b, t)), strict=True)

    def batch_loss(batch: tuple[np.ndarray, np.ndarray, torch.Tensor]) -> torch.Tensor:
        ia, ib, tb = batch
        loss = bce(model(xt[ia], xt[ib]), tb)
        totals["pair"] += loss.item() * len(ia)
        if distance_weight > 0:
            items = np.unique(np.concatenate([ia, ib]))
            extra = ratio(model.embed(xt[items]), yt[items])
            loss = loss + distance_weight * extra
            totals["distance"] += extra.item() * len(ia)
        return loss

    def record(epoch: Epoch) -> None:
        history.append(
            {
                "pair_loss": totals["pair"] / epoch.n_items,
                "distance_loss": totals["distance"] / epoch.n_items,
                "distance_batches": ratio.n_batches_,
                "clamped_batches": ratio.n_clamped_,
            }
        )

    run_epochs(
        model, optim, epochs, batches, batch_loss, end_of_epoch=record, n_items=lambda b: len(b[0])
    )
    return history


@torch.no_grad()
def classify(
    model: SiameseNet, x: np.ndarray, refs: np.ndarray, ref_labels: np.ndarray, device: str = "cpu"
) -> np.ndarray:
    """Label each row of ``x`` by comparing it with every labelled reference.

    The score of class c is the mean, over c's references r, of
    log P(same | x, r); the class with the highest score wins. (The mean
    equals the paper's log-sum up to a per-class constant when classes have
    as many references each; it does not favour classes with few references.)
    """
    model.to(device).eval()
    classes = np.unique(ref_labels)
    ex = model.embed(torch.as_tensor(x, dtype=torch.float32, device=device))
    er = model.embed(torch.as_tensor(refs, dtype=torch.float32, device=device))
    scores = torch.empty(len(ex), len(classes), device=device)
    for start in range(0, len(ex), 256):
        block = ex[start : start + 256]
        diff = (block[:, None, :] - er[None, :, :]).abs()
        logp = nn.functional.logsigmoid(model.decision(diff).squeeze(-1))
        for k, c in enumerate(classes):
            scores[start : start + 256, k] = logp[:, ref_labels == c].mean(1)
    return classes[scores.argmax(1).cpu().numpy()]
