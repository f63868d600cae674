"""The mini-batch training loop shared by the feature-vector classifiers."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch


def minibatch_epochs(
    model: torch.nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    epochs: int,
    optimizer: torch.optim.Optimizer,
    batch_size: int,
    permutation: Callable[[int], np.ndarray | torch.Tensor],
    batch_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> list[float]:
    """Train ``model`` for ``epochs`` passes over (x, y) in shuffled mini-batches.

    Args:
        model: The module being trained (switched to train mode, then eval mode).
        x: Inputs, already on the training device.
        y: Targets, on the same device.
        epochs: Passes over the data.
        optimizer: Updates the trainable parameters after each batch.
        batch_size: Mini-batch size (the last batch of an epoch may be smaller).
        permutation: Returns the row order of one epoch given the number of rows;
            the caller owns its random state, so the order is reproducible.
        batch_loss: The loss of one batch, given its inputs and targets.

    Returns:
        The mean loss per epoch (weighted by batch size).
    """
    losses = []
    model.train()
    for _ in range(epochs):
        order = permutation(len(x))
        if isinstance(order, torch.Tensor):
            order = order.to(x.device)
        total = 0.0
        for start in range(0, len(x), batch_size):
            idx = order[start : start + batch_size]
            optimizer.zero_grad()
            loss = batch_loss(x[idx], y[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / len(x))
    model.eval()
    return losses
