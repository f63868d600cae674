"""The one training loop of sertl's models: epochs of optimiser steps over mini-batches.

Core PyTorch has no epoch runner (Lightning and Ignite do, but are dependencies
too heavy for five short loops), so :func:`run_epochs` is that runner: the
caller says how an epoch's batches are drawn and how a batch's loss is computed
(with its own autocast and tallies); the loop owns the order of zero_grad,
backward, the optimiser step and the per-step learning-rate schedule, and the
epoch's mean loss. :class:`KeepBest` is the early stopping with best-state
restore that the validated trainers share.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import torch
from torch import nn

B = TypeVar("B")


@dataclass(frozen=True)
class Epoch:
    """What :func:`run_epochs` knows of an epoch once its batches have run.

    Attributes:
        number: 1 for the first epoch.
        loss: Mean batch loss, weighted by batch size (NaN when no batch ran).
        n_items: Items over all the epoch's batches.
        seconds: Wall-clock time of the batches (not of the end-of-epoch callback).
    """

    number: int
    loss: float
    n_items: int
    seconds: float


def run_epochs(
    modules: nn.Module | Sequence[nn.Module],
    optimizer: torch.optim.Optimizer,
    epochs: int,
    batches: Callable[[], Iterable[B]],
    batch_loss: Callable[[B], torch.Tensor],
    *,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    end_of_epoch: Callable[[Epoch], bool | None] | None = None,
    n_items: Callable[[B], int] = len,
) -> list[Epoch]:
    """Train for up to ``epochs`` epochs: one optimiser step per batch.

    The modules are in train mode while batches run and in eval mode on return.

    Args:
        modules: The module(s) being trained (their modes are switched).
        optimizer: Updates the parameters after each batch.
        epochs: Most epochs.
        batches: Called at the start of each epoch; returns that epoch's batches
            (anything ``batch_loss`` accepts). Draw random orders here, from a
            random state the caller owns, so training is reproducible.
        batch_loss: The loss of one batch, to be minimised. Autocast, and tallies
            beyond the mean loss, belong here.
        scheduler: Stepped after every optimiser step (a per-step schedule).
        end_of_epoch: Called after each epoch's batches (validation, records);
            returning True stops training.
        n_items: The number of items of a batch, its weight in the mean loss.

    Returns:
        One :class:`Epoch` per epoch run.
    """
    modules = [modules] if isinstance(modules, nn.Module) else list(modules)
    done = []
    for number in range(1, epochs + 1):
        for module in modules:
            module.train()
        total, count, start = 0.0, 0, time.perf_counter()
        for batch in batches():
            optimizer.zero_grad()
            loss = batch_loss(batch)
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            total += loss.item() * n_items(batch)
            count += n_items(batch)
        seconds = time.perf_counter() - start
        done.append(Epoch(number, total / count if count else math.nan, count, seconds))
        if end_of_epoch is not None and end_of_epoch(done[-1]):
            break
    for module in modules:
        module.eval()
    return done


def index_batches(order: np.ndarray | torch.Tensor, batch_size: int) -> Iterator:
    """Consecutive slices of ``order`` of ``batch_size`` items (the last may be shorter)."""
    return (order[start : start + batch_size] for start in range(0, len(order), batch_size))


class KeepBest:
    """Early stopping on a validation score (higher is better), keeping the best state.

    Call it with each epoch's score; it snapshots ``module``'s state when the
    score beats every earlier one, and says to stop once ``patience`` epochs in
    a row have not. :meth:`restore` loads the snapshot back.

    Args:
        module: The module whose state is kept.
        patience: Epochs without a better score before stopping (None: never stop).

    Attributes:
        best_: The best score so far (-inf before the first).
    """

    def __init__(self, module: nn.Module, patience: int | None = None) -> None:
        self.module = module
        self.patience = patience
        self.best_, self._state, self._since = -math.inf, None, 0

    def __call__(self, score: float) -> bool:
        """Record an epoch's score; True when training should stop."""
        if score > self.best_:
            self.best_, self._since = score, 0
            self._state = {k: v.detach().clone() for k, v in self.module.state_dict().items()}
        else:
            self._since += 1
        return self.patience is not None and self._since >= self.patience

    def restore(self) -> None:
        """Load the best state into the module (nothing to do before any score)."""
        if self._state is not None:
            self.module.load_state_dict(self._state)


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

    def batches() -> Iterator:
        order = permutation(len(x))
        if isinstance(order, torch.Tensor):
            order = order.to(x.device)
        return index_batches(order, batch_size)

    epochs_run = run_epochs(model, optimizer, epochs, batches, lambda i: batch_loss(x[i], y[i]))
    return [epoch.loss for epoch in epochs_run]
