"""Self-supervised speech representations through ``transformers``.

A pre-trained wav2vec 2.0, HuBERT or WavLM model is loaded from a local folder
or a hub name the user gives; sertl never downloads one by itself.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from pathlib import Path

import numpy as np


class TransformersExtractor:
    """Mean-pooled hidden states of one layer of a self-supervised speech model.

    Args:
        model: A local folder (``save_pretrained`` layout) or a hub name.
        layer: Hidden-state index (``-1``: the last layer; 0: the CNN features).
        device: Torch device.
        local_only: Refuse to download (default when ``model`` is a folder).
    """

    def __init__(
        self, model: str, layer: int = -1, device: str = "cpu", local_only: bool | None = None
    ) -> None:
        self.model = str(model)
        self.layer = layer
        self.device = device
        self.local_only = Path(model).is_dir() if local_only is None else local_only

    @property
    def name(self) -> str:
        """Cache key: the model's name, its configuration and the layer."""
        path = Path(self.model)
        config = (path / "config.json").read_bytes() if (path / "config.json").is_file() else b""
        digest = hashlib.blake2b(config + self.model.encode(), digest_size=6).hexdigest()
        return f"hf-{path.name or 'model'}-{digest}-layer{self.layer}"

    def __getstate__(self) -> dict:
        return {k: self.__dict__[k] for k in ("model", "layer", "device", "local_only")}

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
        """Mean over time of the chosen layer's hidden states."""
        import torch

        processor, net = self._loaded
        if processor is not None:
            inputs = processor(signal, sampling_rate=sample_rate, return_tensors="pt").input_values
        else:
            x = (signal - signal.mean()) / (signal.std() + 1e-7)
            inputs = torch.as_tensor(x, dtype=torch.float32)[None]
        with torch.no_grad():
            out = net(inputs.to(self.device), output_hidden_states=True)
        return out.hidden_states[self.layer][0].mean(0).float().cpu().numpy()


def describe(model: str) -> dict:
    """The architecture of a local model folder (for the chapter's provenance)."""
    config = json.loads((Path(model) / "config.json").read_text())
    keys = ("model_type", "hidden_size", "num_hidden_layers", "architectures")
    return {k: config.get(k) for k in keys}
