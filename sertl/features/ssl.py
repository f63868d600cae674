"""Self-supervised speech representations through ``transformers``.

A pre-trained wav2vec 2.0, HuBERT or WavLM model is loaded from a local folder
or a hub name the user gives; sertl never downloads one by itself.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path

import numpy as np

from .pretrained import pool_frames


class TransformersExtractor:
    """Pooled hidden states of one layer of a self-supervised speech model.

    A hub name (``"microsoft/wavlm-base-plus"``, ``"facebook/hubert-base-ls960"``,
    ``"facebook/wav2vec2-base"``) is downloaded once into the Hugging Face cache
    by ``transformers``; the tests use only local folders.

    Args:
        model: A local folder (``save_pretrained`` layout) or a hub name.
        layer: Hidden-state index (``-1``: the last layer; 0: the CNN features).
        device: Torch device.
        local_only: Refuse to download (default when ``model`` is a folder).
        pooling: ``"mean"`` or ``"mean+std"`` over the frames (see
            :func:`sertl.features.pretrained.pool_frames`).
    """

    def __init__(
        self,
        model: str,
        layer: int = -1,
        device: str = "cpu",
        local_only: bool | None = None,
        pooling: str = "mean",
    ) -> None:
        self.model = str(model)
        self.layer = layer
        self.device = device
        self.local_only = Path(model).is_dir() if local_only is None else local_only
        self.pooling = pooling

    @property
    def name(self) -> str:
        """Cache key: the model's name, its configuration and the layer."""
        path = Path(self.model)
        config = (path / "config.json").read_bytes() if (path / "config.json").is_file() else b""
        digest = hashlib.blake2b(config + self.model.encode(), digest_size=6).hexdigest()
        pooled = "" if self.pooling == "mean" else f"-{self.pooling}"
        return f"hf-{path.name or 'model'}-{digest}-layer{self.layer}{pooled}"

    def __getstate__(self) -> dict:
        keys = ("model", "layer", "device", "local_only", "pooling")
        return {k: self.__dict__[k] for k in keys}

    @cached_property
    def _loaded(self):  # transformers types: (processor, model)
        from transformers import AutoConfig, AutoFeatureExtractor, AutoModel

        kwargs = {"local_files_only": self.local_only}
        config = AutoConfig.from_pretrained(self.model, **kwargs)
        try:
            processor = AutoFeatureExtractor.from_pretrained(self.model, **kwargs)
        except (OSError, ValueError):
            processor = None
        net = AutoModel.from_pretrained(self.model, config=config, **kwargs).to(self.device).eval()
        return processor, net

    @property
    def dim(self) -> int:
        """Output dimensionality."""
        return int(self._loaded[1].config.hidden_size)

    def __call__(self, signal: np.ndarray, sample_rate: int) -> np.ndarray:
        """Mean (and standard deviation) over time of the chosen layer's hidden states."""
        import torch

        processor, net = self._loaded
        if processor is not None:
            inputs = processor(signal, sampling_rate=sample_rate, return_tensors="pt").input_values
        else:
            x = (signal - signal.mean()) / (signal.std() + 1e-7)
            inputs = torch.as_tensor(x, dtype=torch.float32)[None]
        with torch.no_grad():
            out = net(inputs.to(self.device), output_hidden_states=True)
        states = out.hidden_states[self.layer][0].float()
        if self.pooling == "mean":  # as before mean+std existed: entries stay valid
            return states.mean(0).cpu().numpy()
        return pool_frames(states.cpu().numpy(), states.shape[0], self.pooling)
