"""timm and official-MAE layouts: round trips and numeric parity with timm's ViT."""
import pytest
import timm
import torch
from mmengine.runner.checkpoint import load_checkpoint

from mmmae.converters import convert_timm_vit, convert_to_timm_vit
from mmmae.converters.verify import compare_with_mmseg_mae, compare_with_timm
from mmmae.registry import MODELS
from _helpers import tiny_mae_cfg
from conftest import load_tool

TINY_TIMM = dict(img_size=32, patch_size=8, embed_dim=64, depth=2, num_heads=4)


def classifier(out_type: str):
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='mmpretrain.ImageClassifier',
        backbone=dict(type='MAEViTEncoder', arch=dict(embed_dim=64, depth=2, num_heads=4),
                      patch_size=8, img_size=32, out_type=out_type),
        head=dict(type='mmpretrain.LinearClsHead', num_classes=7, in_channels=64)))
    for p in model.parameters():
        p.data.normal_(0, 0.2)  # away from the init, so that every weight matters
    return model


@pytest.mark.parametrize('out_type', ['avg_featmap', 'cls_token'])
def test_fine_tuned_classifier_matches_timm_and_round_trips(out_type, device):
    state = classifier(out_type).state_dict()
    diffs = compare_with_timm(state, num_heads=4, device=device)
    assert diffs['features'] < 1e-5 and diffs['logits'] < 1e-5
    timm_state, kwargs = convert_to_timm_vit(state)
    assert kwargs['global_pool'] == ('avg' if out_type == 'avg_featmap' else 'token')
    assert kwargs['num_classes'] == 7 and ('fc_norm.weight' in timm_state) == kwargs['fc_norm']
    back = convert_timm_vit(timm_state)
    assert back.keys() == state.keys()
    assert all(torch.equal(back[k], state[k]) for k in state)


def test_pretraining_encoder_matches_timm_features(device):
    mae = MODELS.build(tiny_mae_cfg())
    assert compare_with_timm(mae.state_dict(), num_heads=4, device=device)['features'] < 1e-5


def test_the_comparison_notices_a_changed_weight():
    from mmmae.converters.builders import build_from_timm_kwargs
    state = classifier('avg_featmap').state_dict()
    timm_state, kwargs = convert_to_timm_vit(state)
    kwargs['num_heads'] = 4
    theirs = timm.create_model('vit_base_patch16_224', pretrained=False, **kwargs).eval()
    theirs.load_state_dict(timm_state)
    state['backbone.blocks.1.mlp.fc1.weight'] = state['backbone.blocks.1.mlp.fc1.weight'] + 0.01
    ours = build_from_timm_kwargs(kwargs).eval()
    ours.load_state_dict(state)
    x = torch.randn(1, 3, 32, 32)
    assert (ours(x, mode='tensor') - theirs(x)).abs().max() > 1e-4


def test_a_real_timm_model_converts_and_matches(tmp_path):
    timm2mmmae = load_tool('model_converters/timm2mmmae').main
    model = timm.create_model('vit_base_patch16_224', pretrained=False, num_classes=7,
                              global_pool='avg', fc_norm=True, **TINY_TIMM)
    torch.save(model.state_dict(), tmp_path / 'timm.pth')
    timm2mmmae([str(tmp_path / 'timm.pth'), str(tmp_path / 'mmmae.pth'), '--num-heads', '4',
                '--verify'])
    ours = classifier('avg_featmap')
    load_checkpoint(ours, str(tmp_path / 'mmmae.pth'), strict=True)
    x = torch.randn(2, 3, 32, 32)
    torch.testing.assert_close(ours(x, mode='tensor'), model.eval()(x), atol=1e-5, rtol=1e-5)


def test_mmmae2timm_tool_writes_a_loadable_state_dict(tmp_path, capsys):
    mmmae2timm = load_tool('model_converters/mmmae2timm').main
    torch.save(dict(state_dict=classifier('cls_token').state_dict()), tmp_path / 'ft.pth')
    kwargs = mmmae2timm([str(tmp_path / 'ft.pth'), str(tmp_path / 'timm.pth'), '--num-heads', '4',
                         '--verify']).info['timm_kwargs']
    assert "timm.create_model('vit_base_patch16_224'" in capsys.readouterr().out
    model = timm.create_model('vit_base_patch16_224', pretrained=False, **kwargs)
    model.load_state_dict(torch.load(tmp_path / 'timm.pth'), strict=True)


def test_official_pretraining_checkpoint_with_decoder_loads_into_mae(tmp_path):
    official2mmmae = load_tool('model_converters/official2mmmae').main
    mae = MODELS.build(tiny_mae_cfg())
    official = {k.split('.', 1)[1]: v for k, v in mae.state_dict().items()}  # official naming
    assert 'decoder_embed.weight' in official and 'blocks.0.attn.qkv.weight' in official
    torch.save({'model': official, 'epoch': 799}, tmp_path / 'mae_visualize.pth')
    official2mmmae([str(tmp_path / 'mae_visualize.pth'), str(tmp_path / 'mmmae.pth'),
                    '--num-heads', '4', '--verify'])
    again = MODELS.build(tiny_mae_cfg())
    load_checkpoint(again, str(tmp_path / 'mmmae.pth'), strict=True)
    for key, value in mae.state_dict().items():
        assert torch.equal(again.state_dict()[key], value), key


def test_wrong_kinds_of_checkpoint_are_explained():
    with pytest.raises(ValueError, match='timm/official MAE ViT'):
        convert_timm_vit({'backbone.layers.0.ln1.weight': torch.zeros(1)})
    with pytest.raises(ValueError, match='mmmae MAE pretraining or MAEViTEncoder'):
        convert_to_timm_vit({'layers.0.ln1.weight': torch.zeros(1)})


def test_mmseg_mae_backbone_computes_what_mmmae_computed(tmp_path):
    mmmae2mmseg = load_tool('model_converters/mmmae2mmseg').main
    mae = MODELS.build(tiny_mae_cfg())
    for p in mae.parameters():
        p.data.normal_(0, 0.05)
    assert compare_with_mmseg_mae(mae.state_dict(), num_heads=4)['features_relative'] < 1e-5
    torch.save(dict(state_dict=mae.state_dict()), tmp_path / 'mae.pth')
    mmmae2mmseg([str(tmp_path / 'mae.pth'), str(tmp_path / 'seg.pth'), '--num-heads', '4',
                 '--verify'])
    from mmseg.models.backbones import MAE as MMSegMAE
    seg = MMSegMAE(img_size=32, patch_size=8, embed_dims=64, num_layers=2, num_heads=4,
                   init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 'seg.pth')))
    seg.init_weights()  # MMSeg's own loading path
    torch.testing.assert_close(seg.layers[1].ffn.layers[1].weight,
                               mae.backbone.blocks[1].mlp.fc2.weight)
    assert torch.all(seg.layers[0].gamma_1 == 1)
