"""Every tool answers --help; converters and the visualiser work on real checkpoints."""
import subprocess
import sys

import pytest
import torch
from conftest import ROOT, load_tool
from mmengine.runner.checkpoint import load_checkpoint
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS

from mmmae.converters import convert_checkpoint
from mmmae.registry import MODELS

PY_TOOLS = sorted(p for p in (ROOT / 'tools').rglob('*.py') if p.name != 'setup_env.py')
SH_TOOLS = sorted((ROOT / 'tools').glob('*.sh'))


@pytest.mark.parametrize('tool', PY_TOOLS, ids=[p.name for p in PY_TOOLS])
def test_python_tool_help(tool):
    proc = subprocess.run([sys.executable, str(tool), '--help'], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert 'usage:' in proc.stdout


@pytest.mark.parametrize('tool', SH_TOOLS, ids=[p.name for p in SH_TOOLS])
def test_shell_tool_help(tool):
    proc = subprocess.run(['bash', str(tool), '--help'], capture_output=True, text=True)
    assert proc.returncode == 0 and 'Usage:' in proc.stdout


def test_mmpretrain_checkpoint_converts_and_loads(tmp_path):
    mmpretrain2mmmae = load_tool('model_converters/mmpretrain2mmmae').main
    torch.manual_seed(0)
    theirs = MMPRETRAIN_MODELS.build(dict(
        type='mmpretrain.MAE',
        backbone=dict(type='mmpretrain.MAEViT', arch=dict(embed_dims=64, num_layers=2, num_heads=4,
                                               feedforward_channels=256),
                      img_size=32, patch_size=8),
        neck=dict(type='mmpretrain.MAEPretrainDecoder', num_patches=16, patch_size=8, embed_dim=64,
                  decoder_embed_dim=32, decoder_depth=1, decoder_num_heads=4),
        head=dict(type='mmpretrain.MAEPretrainHead', norm_pix=True, patch_size=8,
                  loss=dict(type='mmpretrain.PixelReconstructionLoss', criterion='L2'))))
    src, dst = tmp_path / 'mmpretrain.pth', tmp_path / 'mmmae.pth'
    torch.save(dict(state_dict=theirs.state_dict(), meta=dict(epoch=1)), src)
    assert len(convert_checkpoint(src, dst, 'mmpretrain2mmmae').state_dict) == len(
        [k for k in theirs.state_dict() if not k.startswith('data_preprocessor')])
    ours = MODELS.build(dict(
        type='MAE', backbone=dict(type='MAEViT', arch=dict(embed_dim=64, depth=2, num_heads=4),
                                  img_size=32, patch_size=8),
        neck=dict(type='MAEDecoder', decoder_embed_dim=32, decoder_depth=1, decoder_num_heads=4),
        head=dict(type='MAEPixelHead')))
    load_checkpoint(ours, str(dst), strict=True)
    torch.testing.assert_close(ours.backbone.blocks[1].mlp.fc2.weight,
                               theirs.backbone.layers[1].ffn.layers[1].weight)
    torch.testing.assert_close(ours.neck.decoder_norm.weight, theirs.neck.decoder_norm.weight)
    mmpretrain2mmmae([str(src), str(tmp_path / 'again.pth'), '--num-heads', '4',
                      '--decoder-num-heads', '4', '--verify'])  # exits if the losses differ


def test_a_corrupt_input_checkpoint_is_named(tmp_path):
    timm2mmmae = load_tool('model_converters/timm2mmmae').main
    from mmmae.engine import CheckpointLoadError
    bad = tmp_path / 'half.pth'
    torch.save({'w': torch.randn(100)}, bad)
    bad.write_bytes(bad.read_bytes()[:300])
    with pytest.raises(CheckpointLoadError, match='half.pth is truncated or corrupt'):
        timm2mmmae([str(bad), str(tmp_path / 'out.pth')])


def test_more_processes_than_gpus_is_refused():
    from mmmae.utils.launch import check_gpus_per_node
    check_gpus_per_node(8, 8)
    with pytest.raises(RuntimeError, match='9 processes per node but only 8 visible GPUs: pass at most 8'):
        check_gpus_per_node(9, 8)
