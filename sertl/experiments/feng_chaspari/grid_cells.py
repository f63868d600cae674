"""The cells of the three grids, each a pure function of its parameters.

- :func:`idt_cell`: in-domain training, one left-out target speaker per cell
  (leave-one-speaker-out); the unit is the held-out speaker.
- :func:`oodt_cell`: trained on a source, tested on every target speaker
  against the source's utterances as references; one row per target speaker.
- :func:`finetune_cell`: one random support draw (one utterance per emotion from
  each of ``speakers`` target speakers) per cell; the OODT model is fine-tuned
  on it with each number of frozen layers, with and without the distance loss,
  and the other target speakers are classified against the labelled target
  data (the paper's reading, ``references="target"``) or against the source
  utterances plus the support set (``"source+target"``, a variant). The
  support draw is the independent unit of everything measured on this grid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from sklearn.preprocessing import StandardScaler

from ...device import stable_seed
from ...metrics import uar
from ...models import SiameseNet, classify
from .._base import Prepared
from .data import COLUMNS, FT, FT_LOSS, IDT, OODT, support_draw
from .training import _train, base_model


def _uar(y_true: np.ndarray, pred: np.ndarray) -> float:
    return 100 * uar(y_true, pred)


def _loss_record(history: Sequence[Mapping]) -> dict:
    """The distance loss per epoch (``;``-joined) and the share of batches it was clamped."""
    batches = sum(h["distance_batches"] for h in history)
    clamped = sum(h["clamped_batches"] for h in history)
    return {
        "distance_loss_history": ";".join(f"{h['distance_loss']:.6g}" for h in history),
        "clamp_share": clamped / batches if batches else np.nan,
    }


def _row(**values: object) -> dict:
    row = dict.fromkeys(COLUMNS, np.nan)
    row.update(values)
    return row


def idt_cell(
    *,
    speaker: str,
    target: str,
    epochs: int,
    lr: float,
    seed: int,
    device: str,
    corpora: Mapping[str, Prepared],
) -> list[dict]:
    """In-domain training with one target speaker held out (one fold of LOSO).

    Args:
        speaker: The held-out speaker (the unit).
        target: The target corpus.
        epochs: Training epochs.
        lr: Adam's learning rate.
        seed: Base seed (the network's derives from it and ``speaker``).
        device: Torch device.
        corpora: The prepared corpora by name (shared by every cell).

    Returns:
        One row: the held-out speaker's UAR against the training speakers' references.
    """
    d = corpora[target]
    test = d.speaker == speaker
    scaler = StandardScaler().fit(d.X[~test])
    xtr, xte = scaler.transform(d.X[~test]), scaler.transform(d.X[test])
    net = _train(
        xtr, d.y[~test], epochs, lr=lr, seed=stable_seed(seed, "idt", speaker), device=device
    )
    pred = classify(net, xte, xtr, d.y[~test], device)
    return [
        _row(
            grid="idt",
            method=IDT,
            source=target,
            target=target,
            unit=speaker,
            uar=_uar(d.y[test], pred),
        )
    ]


def oodt_cell(
    *,
    source: str,
    target: str,
    epochs: int,
    lr: float,
    seed: int,
    device: str,
    corpora: Mapping[str, Prepared],
) -> list[dict]:
    """The source's model on every target speaker, against the source's references.

    Args:
        source: The source corpus.
        target: The target corpus.
        epochs: Epochs of the source model (:func:`base_model`).
        lr: Adam's learning rate.
        seed: Base seed.
        device: Torch device.
        corpora: The prepared corpora by name (shared by every cell).

    Returns:
        One row per target speaker.
    """
    src, tgt = corpora[source], corpora[target]
    state, scaler = base_model(
        src.X, src.y, source=source, epochs=epochs, lr=lr, seed=seed, device=device
    )
    net = SiameseNet(src.X.shape[1])
    net.load_state_dict(state)
    pred = classify(net, scaler.transform(tgt.X), scaler.transform(src.X), src.y, device)
    rows = []
    for speaker in np.unique(tgt.speaker):
        mine = tgt.speaker == speaker
        rows.append(
            _row(
                grid="oodt",
                method=OODT,
                source=source,
                target=target,
                references="source",
                unit=speaker,
                uar=_uar(tgt.y[mine], pred[mine]),
            )
        )
    return rows


def _arm_rows(
    state: dict,
    method: str,
    frozen: int,
    support: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    refs: Mapping[str, tuple[np.ndarray, np.ndarray]],
    references: Sequence[str],
    *,
    finetune_epochs: int,
    lr: float,
    distance_weight: float,
    seed: int,
    device: str,
    return_embeddings: bool,
    **keys: object,
) -> list[dict]:
    """One arm fine-tuned from ``state`` on ``support`` (x, y); one row per reference set.

    ``refs`` holds every reference set by name; ``keys`` are the row's other columns.
    """
    net = _train(
        *support,
        finetune_epochs,
        lr=lr,
        seed=seed,
        device=device,
        init=state,
        frozen=frozen,
        distance_weight=distance_weight if method == FT_LOSS else 0.0,
        batch_size=32,
    )
    x_test, y_test = test
    rows = []
    for ref in references:
        pred = classify(net, x_test, *refs[ref], device)
        row = _row(grid="finetune", method=method, frozen=frozen, references=ref, **keys)
        row["uar"] = _uar(y_test, pred)
        if method == FT_LOSS:
            row.update(_loss_record(net.history_))
        if return_embeddings:
            with torch.no_grad():
                emb = net.embed(torch.as_tensor(x_test, dtype=torch.float32, device=device))
            row.update(embedding=emb.cpu().numpy(), y=y_test, pred=pred)
        rows.append(row)
    return rows


def finetune_cell(
    *,
    source: str,
    target: str,
    speakers: int,
    repeat: int,
    frozen_layers: Sequence[int],
    references: Sequence[str],
    epochs: int,
    finetune_epochs: int,
    lr: float,
    distance_weight: float,
    seed: int,
    device: str,
    corpora: Mapping[str, Prepared],
    return_embeddings: bool = False,
) -> list[dict]:
    """Fine-tune the source's model on one support draw, every frozen setting, both losses.

    The two arms (with and without the distance loss) start from the same model
    and see the same pairs, so they differ only by the loss. The OODT model is
    also scored on the draw's test speakers (``method="OODT"``), a paired baseline.
    With ``return_embeddings`` the rows carry the test embeddings (``embedding``),
    labels (``y``) and predictions (``pred``) for figures.

    Args:
        source: The source corpus.
        target: The target corpus.
        speakers: Target speakers in the support draw.
        repeat: Number of the draw.
        frozen_layers: Numbers of frozen extractor layers to fine-tune with.
        references: Reference sets after fine-tuning (keys of :data:`REFERENCES`).
        epochs: Epochs of the source model.
        finetune_epochs: Epochs of fine-tuning.
        lr: Adam's learning rate.
        distance_weight: Weight of the distance loss (its arm only).
        seed: Base seed.
        device: Torch device.
        corpora: The prepared corpora by name (shared by every cell).
        return_embeddings: Also return the test embeddings, labels and predictions.

    Returns:
        The OODT row, then per frozen setting, arm and reference set one row.
    """
    src, tgt = corpora[source], corpora[target]
    state, scaler = base_model(
        src.X, src.y, source=source, epochs=epochs, lr=lr, seed=seed, device=device
    )
    xs, xt = scaler.transform(src.X), scaler.transform(tgt.X)
    ys, yt = src.y, tgt.y
    support, test = support_draw(yt, tgt.speaker, speakers, repeat, seed)
    keys = dict(source=source, target=target, speakers=speakers, repeat=repeat)
    keys["unit"] = f"{speakers} speakers, draw {repeat}"
    base = SiameseNet(xs.shape[1])
    base.load_state_dict(state)
    pred = classify(base, xt[test], xs, ys, device)
    rows = [
        _row(grid="finetune", method=OODT, references="source", uar=_uar(yt[test], pred), **keys)
    ]
    refs = {
        "target": (xt[support], yt[support]),
        "source+target": (np.vstack([xs, xt[support]]), np.concatenate([ys, yt[support]])),
    }
    arm = dict(
        finetune_epochs=finetune_epochs,
        lr=lr,
        distance_weight=distance_weight,
        seed=stable_seed(seed, "ft", source, speakers, repeat),  # the same pairs in both arms
        device=device,
        return_embeddings=return_embeddings,
    )
    for frozen in frozen_layers:
        for method in (FT, FT_LOSS):
            draw = (xt[support], yt[support]), (xt[test], yt[test])
            rows += _arm_rows(state, method, frozen, *draw, refs, references, **arm, **keys)
    return rows
