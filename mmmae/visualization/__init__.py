"""Visualisation of MAE reconstructions and of training curves."""
from .curves import plot_runs, read_scalars
from .reconstruction import reconstruction_grid, save_reconstruction_gif, save_reconstruction_grid

__all__ = ['plot_runs', 'read_scalars', 'reconstruction_grid', 'save_reconstruction_gif',
           'save_reconstruction_grid']
