"""Metrics and evaluation protocols mmmae adds to MMPretrain's."""
from .knn import knn_accuracy, knn_predict
from .reconstruction_metric import ReconstructionLoss

__all__ = ['ReconstructionLoss', 'knn_accuracy', 'knn_predict']
