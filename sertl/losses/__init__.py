"""Losses of the four papers, one ``nn.Module`` per file."""

from .distance_ratio import DistanceRatioLoss

__all__ = ["DistanceRatioLoss"]
