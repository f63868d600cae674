"""Yue et al.'s constants, the losses of the three methods and the cells' settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch

from ... import emotions
from ...losses import ContrastivePairLoss, EmotionDistanceLoss
from .._base import Settings as _Settings

PAPER = "yue"
EMOTIONS: tuple[str, ...] = tuple(emotions.FOUR_CLASS["yue"])
METHODS = ("BTL", "FSTL", "EMOFSL")
CLASSIFIERS = ("prototype", "linear")
KEYS = ["source", "target", "extractor", "method", "seed", "fold", "k", "source_pretrain"]
PRED = [f"pred_{e}" for e in EMOTIONS]
SESSION_CORPORA = ("iemocap", "msp_improv")


def pure_negative_index(valence_weight: float, threshold: float) -> list[tuple[int, int]]:
    """The PN pairs of the four emotions as class-index pairs (from the coordinates)."""
    index = {e: i for i, e in enumerate(EMOTIONS)}
    pairs = emotions.pure_negative_pairs(EMOTIONS, valence_weight, threshold)
    return sorted(tuple(sorted(index[e] for e in p)) for p in pairs)


def metric_loss(method: str, hp: Mapping) -> torch.nn.Module | None:
    """The metric loss a method adds to the cross-entropy (None for BTL).

    Args:
        method: ``"BTL"``, ``"FSTL"`` or ``"EMOFSL"``.
        hp: ``margin``, ``kappa`` (FSTL); ``alpha``, ``beta``, ``kappa1``, ``kappa2``,
            ``pn_index`` (EMOFSL).
    """
    if method == "FSTL":
        return ContrastivePairLoss(hp["margin"], kappa=hp["kappa"])
    if method == "EMOFSL":
        pn = [tuple(p) for p in hp["pn_index"]]
        return EmotionDistanceLoss(pn, hp["alpha"], hp["beta"], hp["kappa1"], hp["kappa2"])
    if method == "BTL":
        return None
    raise ValueError(f"unknown method {method!r}; known: {METHODS}")


@dataclass(frozen=True)
class Settings(_Settings):
    """The cells' hyper-parameters (:meth:`from_params` reads them from the chapter's).

    Attributes:
        pretrain_epochs: Epochs of a head on the labelled source.
        finetune_epochs: Epochs of fine-tuning on the support set.
        lr: Learning rate on the source.
        finetune_lr: Learning rate of fine-tuning.
        margin: FSTL's margin.
        kappa: FSTL's weight of the metric loss.
        alpha: EMOFSL's alpha.
        beta: EMOFSL's beta.
        kappa1: EMOFSL's kappa1.
        kappa2: EMOFSL's kappa2.
        valence_weight: Weight of valence in the emotion distances.
        pn_threshold: Distance above which two emotions are a pure-negative pair.
        device: Torch device.
    """

    pretrain_epochs: int = 40
    finetune_epochs: int = 60
    lr: float = 1e-3
    finetune_lr: float = 5e-4
    margin: float = 1.0
    kappa: float = 0.5
    alpha: float = 2.0
    beta: float = 1.0
    kappa1: float = 0.5
    kappa2: float = 0.5
    valence_weight: float = 0.5
    pn_threshold: float = 1.0
    device: str = "cpu"

    def hp(self) -> dict:
        """The plain dict the cells share: these values, the PN pairs and the prior distances."""
        hp = {k: v for k, v in self.as_dict().items() if k != "device"}
        hp["pn_index"] = pure_negative_index(hp["valence_weight"], hp["pn_threshold"])
        prior = emotions.emotion_distance(EMOTIONS, hp["valence_weight"])
        hp["prior"] = prior.to_numpy().tolist()
        hp["device"] = self.device
        return hp


def hyperparameters(params: Mapping, device: str = "cpu") -> dict:
    """The cells' hyper-parameters from the chapter's parameters (with PN pairs and prior).

    Every field of :class:`Settings` must be among ``params``.
    """
    missing = [f for f in Settings.__dataclass_fields__ if f != "device" and f not in params]
    if missing:
        raise KeyError(f"parameters {missing} are missing")
    return Settings.from_params(params, device=device).hp()
