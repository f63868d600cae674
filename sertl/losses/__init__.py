"""Losses of the four papers, one ``nn.Module`` per file."""

from .base import PairLoss, Pairs
from .contrastive_pair import ContrastivePairLoss
from .cosine_margin import CosineMarginLoss
from .distance_ratio import DistanceRatioLoss
from .emotion_distance import EmotionDistanceLoss
from .pairwise import PairwiseLoss

__all__ = [
    "ContrastivePairLoss",
    "CosineMarginLoss",
    "DistanceRatioLoss",
    "EmotionDistanceLoss",
    "PairLoss",
    "Pairs",
    "PairwiseLoss",
]
