"""Metrics mmmae adds to MMPretrain's."""
from .reconstruction_metric import ReconstructionLoss

__all__ = ['ReconstructionLoss']
