"""How much memory autograd keeps for backward: the activations of a training forward."""
from typing import Callable, Iterable

import torch


def kept_for_backward(run: Callable[[], object], exclude: Iterable[torch.Tensor] = ()) -> int:
    """Bytes of the tensors autograd saves for backward while ``run()`` runs.

    Each storage is counted once (views share one), those of ``exclude`` (pass the
    parameters) not at all. The count does not depend on the allocator, so it says on a
    CPU what a GPU will keep for the same model, batch and kernels.
    """
    skip = {t.untyped_storage().data_ptr() for t in exclude}
    storages = {}

    def count(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in skip:
            storages[storage.data_ptr()] = storage.nbytes()
        return tensor
    with torch.autograd.graph.saved_tensors_hooks(count, lambda tensor: tensor):
        run()
    return sum(storages.values())
