"""Layer-wise learning-rate decay for ViT fine-tuning (BEiT / MAE recipe)."""
from typing import Dict, List, Optional, Tuple

from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn

from mmmae.registry import OPTIM_WRAPPER_CONSTRUCTORS

EMBEDDING_NAMES = ('patch_embed', 'cls_token', 'pos_embed', 'mask_token')
NO_DECAY_NAMES = ('pos_embed', 'cls_token', 'mask_token', 'rel_pos', 'relative_position')


def find_vit(model: nn.Module) -> Tuple[str, nn.Module]:
    """The first submodule with a ``blocks`` ModuleList, and its name prefix (``'backbone.'``)."""
    for name, module in model.named_modules():
        if isinstance(getattr(module, 'blocks', None), nn.ModuleList):
            return (name + '.' if name else ''), module
    raise ValueError('layer decay needs a ViT with a `blocks` ModuleList (mmmae backbones have '
                     'one); use the default optimizer constructor for other models')


def layer_id(param_name: str, vit_prefix: str, num_blocks: int) -> int:
    """0 for embeddings, ``i + 1`` for ``blocks.i``, ``num_blocks + 1`` for the rest (norms, head)."""
    if not param_name.startswith(vit_prefix):
        return num_blocks + 1
    local = param_name[len(vit_prefix):]
    if local.startswith('blocks.'):
        return int(local.split('.')[1]) + 1
    if local.startswith(EMBEDDING_NAMES):
        return 0
    return num_blocks + 1


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Parameter groups with ``lr * layer_decay_rate ** (num_layers - layer_id)``.

    Layers are found by structure: the model's ViT is the submodule with a
    ``blocks`` list; its embeddings are layer 0, block ``i`` is layer ``i + 1``,
    and everything after (final norms, heads, necks) is the top layer with the
    full lr. Norm weights, biases (every 1-D parameter), position embeddings and
    tokens get no weight decay. Frozen parameters are left out, so they get no
    optimizer state.

    ``paramwise_cfg``: ``layer_decay_rate`` (required; paper: 0.65 ViT-B, 0.75
    ViT-L/H) and optionally ``no_decay_names`` (name fragments).
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: Optional[dict] = None) -> None:
        paramwise_cfg = dict(paramwise_cfg or {})
        if 'layer_decay_rate' not in paramwise_cfg:
            raise ValueError('LayerDecayOptimWrapperConstructor needs '
                             'paramwise_cfg.layer_decay_rate (e.g. 0.65 for ViT-B)')
        self.layer_decay_rate = float(paramwise_cfg.pop('layer_decay_rate'))
        self.no_decay_names = tuple(paramwise_cfg.pop('no_decay_names', NO_DECAY_NAMES))
        unknown = set(paramwise_cfg)
        if unknown:
            raise ValueError(f'unknown paramwise_cfg keys for layer decay: {sorted(unknown)}; '
                             'valid: layer_decay_rate, no_decay_names')
        super().__init__(optim_wrapper_cfg, dict(layer_decay_rate=self.layer_decay_rate))

    def add_params(self, params: List[dict], module: nn.Module, **kwargs) -> None:
        vit_prefix, vit = find_vit(module)
        num_blocks = len(vit.blocks)
        groups: Dict[Tuple[int, bool], dict] = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            layer = layer_id(name, vit_prefix, num_blocks)
            no_decay = param.ndim == 1 or any(part in name for part in self.no_decay_names)
            scale = self.layer_decay_rate ** (num_blocks + 1 - layer)
            group = groups.setdefault((layer, no_decay), dict(
                params=[], param_names=[], lr=self.base_lr * scale, lr_scale=scale, layer_id=layer,
                weight_decay=0.0 if no_decay else (self.base_wd or 0.0)))
            group['params'].append(param)
            group['param_names'].append(name)
        params.extend(groups[key] for key in sorted(groups))
        print_log(f'layer decay {self.layer_decay_rate}: {num_blocks + 2} layers, '
                  f'{len(groups)} parameter groups', logger='current')
