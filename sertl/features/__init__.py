"""Acoustic features: openSMILE functionals, spectrograms, pre-trained encoders, the cache."""

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
from .pretrained import PACKAGED_SHA256, ModelError, WhisperExtractor, packaged_model
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
    "ModelError",
    "OpenSmileExtractor",
    "PACKAGED_SHA256",
    "TransformersExtractor",
    "WhisperExtractor",
    "extract",
    "extract_table",
    "file_digest",
    "is09_subset_names",
    "mel_filterbank",
    "packaged_model",
]
