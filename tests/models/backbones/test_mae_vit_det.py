"""MAEViTDet + SimpleFPN (and the MAE paper's MAEViTSeg + FPN) in a real MMDetection Mask R-CNN."""
import pytest
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.registry import DefaultScope
from mmengine.structures import InstanceData

from mmmae.models.backbones import MAEViTDet
from mmmae.models.backbones.mae_vit_det import default_global_blocks
from mmmae.models.layers import TransformerBlock
from mmmae.models.layers.windows import window_merge, window_partition
from mmmae.models.necks import SimpleFPN
from mmmae.registry import MODELS
from _helpers import tiny_mae_cfg

TINY = dict(arch=dict(embed_dim=64, depth=4, num_heads=4), patch_size=8, window_size=4)


def test_stride_16_map_and_default_window_global_layout():
    assert default_global_blocks(12) == (2, 5, 8, 11)
    assert default_global_blocks(24) == (5, 11, 17, 23)
    assert default_global_blocks(32) == (7, 15, 23, 31)
    with torch.device('meta'):
        base = MAEViTDet(arch='b')
        (feature,) = base(torch.zeros(1, 3, 1024, 1024))
    assert tuple(feature.shape) == (1, 768, 64, 64)
    windows = [block.window_size for block in base.blocks]
    assert windows == [14, 14, 0, 14, 14, 0, 14, 14, 0, 14, 14, 0]
    assert base.blocks[0].attn.rel_pos.grid_hw == (14, 14)
    assert base.blocks[2].attn.rel_pos.grid_hw == (64, 64)


def test_window_partition_round_trip_with_padding():
    tokens = torch.randn(2, 7 * 5, 3)
    windows, padded = window_partition(tokens, (7, 5), 4)
    assert padded == (8, 8) and windows.shape == (2 * 4, 16, 3)
    assert torch.equal(window_merge(windows, (7, 5), padded, 4), tokens)


def test_windowed_block_attends_within_each_window_only():
    torch.manual_seed(0)
    block = TransformerBlock(16, 2, window_size=2).eval()
    tokens = torch.randn(1, 16, 16)  # a 4x4 grid: four 2x2 windows
    out = block(tokens, (4, 4))
    changed = tokens.clone()
    changed[0, 15] += 5.0  # bottom-right window only
    moved = (block(changed, (4, 4)) - out).abs().sum(-1)[0].reshape(4, 4)
    assert torch.all(moved[:2, :] == 0) and torch.all(moved[2:, :2] == 0)
    assert torch.all(moved[2:, 2:] > 0)


def test_any_input_size_runs_global_blocks_with_a_resampled_table():
    encoder = MAEViTDet(img_size=64, **TINY)
    (feature,) = encoder(torch.randn(1, 3, 48, 80))
    assert tuple(feature.shape) == (1, 64, 6, 10)


def test_pretraining_checkpoint_loads_with_only_the_expected_differences():
    mae = MODELS.build(tiny_mae_cfg())  # 32x32 pretraining, patch 8, 2 blocks
    encoder = MAEViTDet(arch=dict(embed_dim=64, depth=2, num_heads=4), patch_size=8,
                        img_size=64, window_size=4, global_blocks=(1,))
    state = {k[len('backbone.'):]: v for k, v in mae.state_dict().items()
             if k.startswith('backbone.')}
    missing, unexpected = encoder.load_state_dict(state, strict=False)
    assert sorted(missing) == ['blocks.0.attn.rel_pos.table', 'blocks.1.attn.rel_pos.table']
    assert sorted(unexpected) == ['cls_token', 'norm.bias', 'norm.weight']
    assert encoder.pos_embed.shape == (1, 65, 64)  # 4x4 pretraining grid resampled to 8x8


def test_simple_fpn_strides():
    neck = SimpleFPN(in_channels=64, out_channels=32)
    outs = neck((torch.randn(1, 64, 8, 8),))
    assert [tuple(o.shape[-2:]) for o in outs] == [(32, 32), (16, 16), (8, 8), (4, 4), (2, 2)]


TINY_DETECTORS = {  # config -> tiny backbone, neck options for Config.merge_from_dict
    'vitdet_simple-fpn': (
        'configs/_base_/models/mask-rcnn_mae-vit-base-p16_simple-fpn.py',
        dict(type='mmmae.MAEViTDet', img_size=128, global_blocks=(1, 3), **TINY),
        {'model.neck.in_channels': 64}),
    'mae-paper_fpn': (
        'configs/mae/benchmarks/mask-rcnn_vit-base-p16_mae-pre_fpn_8xb8-lsj-amp-100e_coco.py',
        dict(type='mmmae.MAEViTSeg', img_size=128, out_indices=(0, 1, 2, 3),
             arch=TINY['arch'], patch_size=TINY['patch_size']),
        {'model.neck.0.embed_dim': 64, 'model.neck.0.norm_cfg.type': 'BN',
         'model.neck.1.in_channels': [64] * 4}),
}


@pytest.mark.parametrize('name', list(TINY_DETECTORS))
def test_real_mask_rcnn_trains_a_step(name):
    from mmengine.config import Config
    from conftest import ROOT
    config, backbone, neck_options = TINY_DETECTORS[name]
    cfg = Config.fromfile(str(ROOT / config))
    cfg.merge_from_dict(neck_options)
    model_cfg = cfg.model
    model_cfg.data_preprocessor.batch_augments = None
    model_cfg.backbone = backbone
    model_cfg.roi_head.bbox_head.num_classes = 3
    model_cfg.roi_head.mask_head.num_classes = 3
    with DefaultScope.overwrite_default_scope('mmdet'):
        from mmdet.registry import MODELS as MMDET_MODELS
        detector = MMDET_MODELS.build(model_cfg)
    sample = DetDataSample(metainfo=dict(img_shape=(128, 128), ori_shape=(128, 128),
                                         pad_shape=(128, 128), batch_input_shape=(128, 128),
                                         scale_factor=(1.0, 1.0)))
    masks = torch.zeros(1, 128, 128, dtype=torch.uint8)
    masks[0, 20:60, 30:90] = 1
    sample.gt_instances = InstanceData(bboxes=torch.tensor([[30.0, 20.0, 90.0, 60.0]]),
                                       labels=torch.tensor([1]),
                                       masks=BitmapMasks(masks.numpy(), 128, 128))
    with DefaultScope.overwrite_default_scope('mmdet'):
        losses = detector.loss(torch.randn(1, 3, 128, 128), [sample])
    total = sum(v.sum() if torch.is_tensor(v) else sum(v) for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert {'loss_rpn_cls', 'loss_cls', 'loss_bbox', 'loss_mask'} <= set(losses)
    assert detector.backbone.blocks[0].attn.qkv.weight.grad.abs().sum() > 0
