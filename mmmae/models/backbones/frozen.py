"""Freezing a backbone: no gradients, no optimizer state, eval mode (no drop path)."""
import torch
from torch import nn


class FreezableMixin:
    """``freeze(True)`` freezes every parameter and keeps the module in eval mode; ``grad_mode()``
    is the context to run a frozen forward in without building an autograd graph."""

    frozen: bool = False

    def freeze(self, frozen: bool) -> None:
        self.frozen = frozen
        if frozen:
            self.requires_grad_(False)
            self.eval()

    def train(self, mode: bool = True) -> nn.Module:
        return super().train(mode and not self.frozen)

    def grad_mode(self) -> torch.set_grad_enabled:
        return torch.set_grad_enabled(torch.is_grad_enabled() and not self.frozen)
