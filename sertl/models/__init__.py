"""Models of the four papers."""

from .dense import DBNClassifier, TransferFCNN, fit_torch_classifier
from .siamese import SiameseNet, balanced_pairs, classify, train_siamese

__all__ = [
    "DBNClassifier",
    "SiameseNet",
    "TransferFCNN",
    "balanced_pairs",
    "classify",
    "fit_torch_classifier",
    "train_siamese",
]
