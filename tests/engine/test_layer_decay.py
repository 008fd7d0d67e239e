import pytest
import torch
from mmengine.optim import build_optim_wrapper

from mmmae.registry import MODELS


def classifier(arch: str, frozen: bool = False):
    return MODELS.build(dict(
        type='mmpretrain.ImageClassifier',
        backbone=dict(type='MAEViTEncoder', arch=arch, frozen=frozen),
        head=dict(type='mmpretrain.LinearClsHead', num_classes=10,
                  in_channels={'b': 768, 'l': 1024, 'h': 1280}[arch])))


def groups_by_name(optim_wrapper) -> dict:
    return {name: group for group in optim_wrapper.optimizer.param_groups
            for name in group['param_names']}


@pytest.mark.parametrize('arch,depth,rate', [('b', 12, 0.65), ('l', 24, 0.75), ('h', 32, 0.75)])
def test_lr_and_weight_decay_of_every_parameter(arch, depth, rate):
    with torch.device('meta'):
        model = classifier(arch)
    wrapper = build_optim_wrapper(model, dict(
        optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
        constructor='LayerDecayOptimWrapperConstructor',
        paramwise_cfg=dict(layer_decay_rate=rate)))
    groups = groups_by_name(wrapper)
    assert set(groups) == {n for n, p in model.named_parameters()}

    def lr(name):
        return groups[name]['lr']
    assert lr('backbone.patch_embed.proj.weight') == pytest.approx(1e-3 * rate ** (depth + 1))
    assert lr('backbone.cls_token') == lr('backbone.pos_embed') == lr('backbone.patch_embed.proj.bias')
    assert lr('backbone.blocks.0.attn.qkv.weight') == pytest.approx(1e-3 * rate ** depth)
    assert lr(f'backbone.blocks.{depth - 1}.mlp.fc2.weight') == pytest.approx(1e-3 * rate)
    assert lr('backbone.fc_norm.weight') == lr('head.fc.weight') == pytest.approx(1e-3)
    for name in ['backbone.blocks.3.norm1.weight', 'backbone.blocks.3.attn.qkv.bias',
                 'backbone.pos_embed', 'backbone.cls_token', 'head.fc.bias', 'backbone.fc_norm.bias']:
        assert groups[name]['weight_decay'] == 0.0, name
    for name in ['backbone.blocks.3.attn.qkv.weight', 'backbone.patch_embed.proj.weight',
                 'head.fc.weight']:
        assert groups[name]['weight_decay'] == 0.05, name


def test_frozen_parameters_get_no_group_and_no_state():
    model = classifier('b', frozen=True)
    wrapper = build_optim_wrapper(model, dict(
        optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
        constructor='LayerDecayOptimWrapperConstructor',
        paramwise_cfg=dict(layer_decay_rate=0.65)))
    assert set(groups_by_name(wrapper)) == {'head.fc.weight', 'head.fc.bias'}


def test_missing_rate_and_unknown_keys_are_explained():
    model = classifier('b')
    with pytest.raises(ValueError, match='needs paramwise_cfg.layer_decay_rate'):
        build_optim_wrapper(model, dict(optimizer=dict(type='AdamW', lr=1e-3),
                                        constructor='LayerDecayOptimWrapperConstructor',
                                        paramwise_cfg=dict()))
    with pytest.raises(ValueError, match="unknown paramwise_cfg keys .*'layer_decay'"):
        build_optim_wrapper(model, dict(optimizer=dict(type='AdamW', lr=1e-3),
                                        constructor='LayerDecayOptimWrapperConstructor',
                                        paramwise_cfg=dict(layer_decay_rate=0.6, layer_decay=1)))
