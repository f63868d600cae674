"""Models of the four papers."""

from .contrastive import LogMelEncoder, encode, nt_xent, pretrained_encoder, train_contrastive
from .dense import DBNClassifier, TransferFCNN, fit_torch_classifier
from .fewshot import (
    FewShotHead,
    clone,
    predict_head,
    predict_prototype,
    train_head,
)
from .lian import (
    PairDiscriminator,
    SattEncoder,
    SpectrogramNorm,
    embed,
    predict_softmax,
    svm_uar,
    train_pairwise,
    train_softmax,
)
from .siamese import SiameseNet, balanced_pairs, classify, train_siamese

__all__ = [
    "FewShotHead",
    "LogMelEncoder",
    "clone",
    "encode",
    "nt_xent",
    "predict_head",
    "predict_prototype",
    "pretrained_encoder",
    "train_contrastive",
    "train_head",
    "DBNClassifier",
    "PairDiscriminator",
    "SattEncoder",
    "SpectrogramNorm",
    "SiameseNet",
    "TransferFCNN",
    "balanced_pairs",
    "classify",
    "embed",
    "predict_softmax",
    "svm_uar",
    "fit_torch_classifier",
    "train_pairwise",
    "train_siamese",
    "train_softmax",
]
