"""sertl: a reproducible paper companion for cross-corpus speech emotion recognition.

Submodules load on first use (``sertl.corpora``, ``sertl.chapter`` ...), so that a worker
process that needs one module does not import them all.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "audio",
    "chapter",
    "config",
    "corpora",
    "emotions",
    "experiments",
    "features",
    "grid",
    "metrics",
    "overview",
    "papers",
    "plots",
    "protocols",
    "results",
    "scoreboard",
    "stats",
    "verdict",
}
_NAMES = {"AudioError": "audio", "load_audio": "audio", "uar": "metrics", "wa": "metrics"}

__all__ = sorted({"__version__", *_SUBMODULES, *_NAMES})


def __getattr__(name: str) -> object:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _NAMES:
        return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'sertl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
