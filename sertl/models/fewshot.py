"""Few-shot heads of Yue et al.: pre-trained on the source, fine-tuned on a k-shot support set."""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from .loop import minibatch_epochs


class FewShotHead(nn.Module):
    """A classifier on fixed speech features: two layers to an embedding, then a linear layer.

    Args:
        n_features: Input dimensionality.
        n_classes: Emotions.
        hidden: Hidden units.
        dim: Embedding dimensionality (where the metric losses act).
    """

    def __init__(self, n_features: int, n_classes: int, hidden: int = 128, dim: int = 64) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features, hidden), nn.ReLU(), nn.Dropout(0.2), nn.Linear(hidden, dim)
        )
        self.classifier = nn.Linear(dim, n_classes)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(embedding, logits)."""
        emb = self.body(x)
        return emb, self.classifier(torch.relu(emb))


def train_head(
    model: FewShotHead,
    x: np.ndarray,
    y: np.ndarray,
    epochs: int,
    lr: float = 1e-3,
    metric: nn.Module | None = None,
    kappa: float = 1.0,
    batch_size: int = 64,
    seed: int = 0,
    device: str = "cpu",
) -> list[float]:
    """Cross-entropy, plus ``kappa`` times a metric loss on the embeddings when given.

    Returns:
        The loss per epoch.
    """
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model.to(device).train()
    xt = torch.as_tensor(np.array(x), dtype=torch.float32, device=device)
    yt = torch.as_tensor(np.array(y), dtype=torch.long, device=device)
    optim = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    ce = nn.CrossEntropyLoss()

    def batch_loss(xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
        emb, logits = model(xb)
        loss = ce(logits, yb)
        return loss if metric is None else loss + kappa * metric(emb, yb)

    return minibatch_epochs(model, xt, yt, epochs, optim, batch_size, rng.permutation, batch_loss)


@torch.no_grad()
def predict_head(
    model: FewShotHead, x: np.ndarray, device: str = "cpu"
) -> tuple[np.ndarray, np.ndarray]:
    """(predicted classes, embeddings)."""
    model.eval().to(device)
    emb, logits = model(torch.as_tensor(np.array(x), dtype=torch.float32, device=device))
    return logits.argmax(1).cpu().numpy(), emb.cpu().numpy()


def clone(model: FewShotHead) -> FewShotHead:
    """An independent copy (for fine-tuning one pre-trained head many times)."""
    return copy.deepcopy(model)
