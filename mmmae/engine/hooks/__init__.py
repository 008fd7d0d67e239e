"""mmmae's Runner hooks."""
from .random_state_hook import RandomStateHook

__all__ = ['RandomStateHook']
