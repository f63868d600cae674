"""Lian et al.'s names and every knob of the pairwise task and its softmax baselines."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from ...models.lian import DEFAULT_CONV
from .._base import Settings as BaseSettings

EMOTIONS = ("angry", "happy", "sad", "neutral")
PAIRWISE = "pairwise discriminative task"
UNIT = "test speaker group"
#: Frames per second of the log-spectrograms (10 ms hop).
FPS = 100
PAPER = "lian"
#: The corpus of the paper's Table 3 (any other corpus is a stand-in).
PAPER_CORPUS = "iemocap"


def baseline(duration: float) -> str:
    """The method name of the softmax baseline on ``duration``-second crops."""
    return f"baseline {duration:g} s"


@dataclasses.dataclass(frozen=True)
class Settings(BaseSettings):
    """Every knob of the pairwise task and its softmax baselines.

    Args:
        conv: Encoder layers, (channels, kernel, stride) each.
        n_mels: Mel bands the 257 linear bins are pooled into (None: the paper's 257).
        frame_pool: Consecutive 10 ms frames averaged into one (1: the paper's frames).
        duration: Crop of the pairwise task in seconds (the paper: 4).
        pairwise_epochs: Most epochs of the pairwise task.
        pairs_per_epoch: Pairs drawn per epoch.
        softmax_epochs: Most epochs of a softmax baseline.
        batch_size: Mini-batch size (pairs, or utterances for the baselines).
        lr: Adam's (peak) learning rate.
        schedule: Learning-rate schedule (``sertl.models.lian.lr_scheduler``).
        patience: Epochs without a better validation UAR before stopping (None: never).
        weight: Lambda, the weight of the cosine loss.
        margin: The cosine margin m.
        val_share: Share of the training speakers held out for validation
            (:func:`fit_predict` only; the chapter's folds give their own).
        device: Torch device or ``"auto"``.
    """

    conv: tuple[tuple[int, int, int], ...] = DEFAULT_CONV
    n_mels: int | None = None
    frame_pool: int = 1
    duration: float = 4.0
    pairwise_epochs: int = 30
    pairs_per_epoch: int = 3200
    softmax_epochs: int = 30
    batch_size: int = 32
    lr: float = 1e-5
    schedule: str = "constant"
    patience: int | None = None
    weight: float = 0.9
    margin: float = 0.1
    val_share: float = 0.2
    device: str = "cpu"

    @classmethod
    def from_params(cls, params: Mapping, **overrides: object) -> Settings:
        """The settings named in ``params`` (a profile section; other keys are ignored).

        ``proposed_duration`` is read as ``duration``; ``overrides`` (the resolved
        ``device``, say) win over ``params``.
        """
        params = dict(params)
        if "duration" not in params and "proposed_duration" in params:
            params["duration"] = float(params["proposed_duration"])
        if "conv" in params:
            params["conv"] = tuple(tuple(int(v) for v in layer) for layer in params["conv"])
        return super().from_params(params, **overrides)

    def as_dict(self) -> dict:
        """Plain values (lists for the layers), for fingerprints and JSON."""
        out = dataclasses.asdict(self)
        out["conv"] = [list(layer) for layer in self.conv]
        return out

    @property
    def n_bins(self) -> int:
        """Frequency bins the encoder sees."""
        return self.n_mels or 257

    def frames(self, duration: float) -> int:
        """Encoder frames of a ``duration``-second crop."""
        return int(round(FPS * duration)) // self.frame_pool
