"""Memory without a step: per peer, the activations one eager forward keeps for backward and the
training state. Counted, not allocated by a step, so it sizes a GPU job on any machine."""
from typing import Dict

import torch

from mmmae.utils import register_all_modules
from .measure import AMP, KEPT_NOTE, device_label, kept_bytes, print_ratios, training_state_bytes
from .peers import peers
from .step import StepBench


def run_memory(bench: StepBench) -> Dict[str, dict]:
    """Print and return each peer's ``kept_mib`` and ``state_mib`` for ``bench``'s shape."""
    register_all_modules()
    builders = peers(bench.arch, bench.img_size, bench.with_cp, bench.selective_cp,
                     bench.cpu_half_attention)
    batch = bench.batch or 8
    torch.manual_seed(0)
    images = torch.randn(batch, 3, bench.img_size, bench.img_size, device=bench.device)
    print(f'MAE pretraining memory, arch {bench.arch}, {bench.img_size}px, batch {batch}, amp '
          f'{bench.amp}{bench.memory_options()}, {device_label(images.device)}')
    print(f'  {"peer":18s} {"amp":4s} {"kept MiB":>9s} {"state MiB":>10s} {"sum MiB":>9s}')
    results = {}
    for name in bench.peers:
        model, loss_fn = builders[name]()
        model = model.to(images.device).train()
        amp = bench.peer_amp(name, images.device)
        kept = kept_bytes(model, loss_fn, images, AMP[amp]) / 2**20
        state = training_state_bytes(model) / 2**20
        results[name] = dict(amp=amp, kept_mib=kept, state_mib=state)
        print(f'  {name:18s} {amp:4s} {kept:9.0f} {state:10.0f} {kept + state:9.0f}')
    print(f'  {KEPT_NOTE}; state: parameters, buffers, gradients and AdamW moments. A step needs '
          'their sum plus its largest transient buffers (and, on a GPU, the allocator\'s slack)')
    print_ratios(results, dict(kept_mib='kept for backward', state_mib='state'))
    return results
