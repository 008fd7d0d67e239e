"""Visualisation of MAE reconstructions."""
from .reconstruction import reconstruction_grid, save_reconstruction_grid

__all__ = ['reconstruction_grid', 'save_reconstruction_grid']
