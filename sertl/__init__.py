"""sertl: a reproducible paper companion for cross-corpus speech emotion recognition."""

from . import audio, config, corpora, emotions, features, metrics, protocols, stats
from .audio import AudioError, load_audio
from .metrics import uar, wa

__version__ = "0.1.0"

__all__ = [
    "AudioError",
    "__version__",
    "audio",
    "config",
    "corpora",
    "emotions",
    "features",
    "load_audio",
    "metrics",
    "protocols",
    "stats",
    "uar",
    "wa",
]
