"""Data helpers mmmae adds to MMPretrain's datasets (the demo data)."""
from .mnist5k import load_mnist5k, write_mnist5k

__all__ = ['load_mnist5k', 'write_mnist5k']
