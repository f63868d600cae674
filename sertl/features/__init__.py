"""Acoustic features: openSMILE functionals, spectrograms, and the feature cache."""

from .cache import (
    CACHE_VERSION,
    CacheWarning,
    DamagedEntry,
    FeatureCache,
    Features,
    extract,
    extract_table,
    file_digest,
)
from .smile import DIMENSIONS, OpenSmileExtractor, is09_subset_names
from .spectrogram import LogMel, LogSpectrogram, mel_filterbank
from .ssl import TransformersExtractor

__all__ = [
    "CACHE_VERSION",
    "CacheWarning",
    "DIMENSIONS",
    "DamagedEntry",
    "FeatureCache",
    "Features",
    "LogMel",
    "LogSpectrogram",
    "OpenSmileExtractor",
    "TransformersExtractor",
    "extract",
    "extract_table",
    "file_digest",
    "is09_subset_names",
    "mel_filterbank",
]
