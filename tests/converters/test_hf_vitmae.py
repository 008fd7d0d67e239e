"""Hugging Face ViTMAE layouts: numeric parity, round trips, wrong inputs, the two tools."""
import pytest
import torch
from transformers import ViTMAEConfig, ViTMAEForPreTraining, ViTMAEModel

from mmmae.converters import convert_hf_vitmae, convert_to_hf_vitmae
from mmmae.converters.hf_vitmae import HF_LAYOUTS, installed_hf_layout
from mmmae.converters.verify import compare_with_hf
from mmmae.registry import MODELS
from _helpers import tiny_mae_cfg
from conftest import load_tool

TINY_HF = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=256,
               decoder_hidden_size=32, decoder_num_hidden_layers=1,
               decoder_num_attention_heads=4, decoder_intermediate_size=128, image_size=32,
               patch_size=8, norm_pix_loss=True, mask_ratio=0.75, layer_norm_eps=1e-6)


def hf_model(cls=ViTMAEForPreTraining, **kwargs):
    torch.manual_seed(0)
    model = cls(ViTMAEConfig(**{**TINY_HF, **kwargs})).eval()
    for p in model.parameters():
        p.data.normal_(0, 0.2)  # away from the init (LayerNorm 1/0, sin-cos): every weight matters
    return model


def mmmae_model():
    return MODELS.build(tiny_mae_cfg()).eval()


def inputs(seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(3, 3, 32, 32, generator=gen), torch.rand(3, 16, generator=gen)


def assert_same_loss(ours, theirs, seed: int) -> None:
    """mmmae's MAE and transformers' give the same loss on the same images and noise."""
    images, noise = inputs(seed)
    with torch.no_grad():
        expected = theirs(pixel_values=images, noise=noise).loss
    torch.testing.assert_close(ours.loss(images, noise)['loss'], expected, atol=1e-5, rtol=0)


@torch.no_grad()
def test_pretraining_model_matches_hugging_face(device):
    theirs = hf_model()
    ours = mmmae_model()
    missing, unexpected = ours.load_state_dict(convert_hf_vitmae(theirs.state_dict()), strict=True)
    assert not missing and not unexpected
    assert ours.backbone.mask_ratio == theirs.config.mask_ratio == 0.75
    theirs, ours = theirs.to(device), ours.to(device)
    images, noise = (t.to(device) for t in inputs())
    out = theirs(pixel_values=images, noise=noise)
    latent, mask, ids_restore = ours.backbone(images, noise)
    assert torch.equal(mask, out.mask) and torch.equal(ids_restore, out.ids_restore)
    pred = ours.neck(latent, ids_restore)
    torch.testing.assert_close(pred, out.logits, atol=1e-5, rtol=0)
    loss = ours.loss(images, noise)['loss']
    torch.testing.assert_close(loss, out.loss, atol=1e-5, rtol=0)
    rec = ours.reconstruct(images, noise)  # every image masks 12 of 16 patches: mean = HF's loss
    torch.testing.assert_close(rec['loss'].mean(), out.loss, atol=1e-5, rtol=0)
    pixel_mask = theirs.unpatchify(out.mask.unsqueeze(-1).expand(-1, -1, 8 * 8 * 3))[:, :1]
    assert torch.equal(rec['mask'], pixel_mask)


def test_the_comparison_notices_swapped_query_and_key(device):
    theirs = hf_model()
    state = convert_hf_vitmae(theirs.state_dict())
    assert max(compare_with_hf(state, theirs.config, hf_model=theirs, device=device).values()) < 1e-5
    q, k, v = state['backbone.blocks.1.attn.qkv.weight'].chunk(3)
    state['backbone.blocks.1.attn.qkv.weight'] = torch.cat([k, q, v])
    diffs = compare_with_hf(state, theirs.config, hf_model=theirs, device=device)
    assert diffs['latent'] > 1e-3 and diffs['logits'] > 1e-3


def test_round_trips_are_exact():
    state = mmmae_model().state_dict()
    hf_state = convert_to_hf_vitmae(state)
    assert hf_state.keys() == hf_model().state_dict().keys()  # ViTMAEForPreTraining's names
    back = convert_hf_vitmae(hf_state)
    assert back.keys() == state.keys()
    assert all(torch.equal(back[k], state[k]) for k in state)
    theirs = hf_model().state_dict()
    again = convert_to_hf_vitmae(convert_hf_vitmae(theirs))
    assert again.keys() == theirs.keys() and all(torch.equal(again[k], theirs[k]) for k in theirs)


def test_split_query_key_value_do_not_share_the_fused_storage():
    hf_state = convert_to_hf_vitmae(mmmae_model().state_dict(), layout='transformers4')
    query = hf_state['vit.encoder.layer.0.attention.attention.query.weight']
    assert query.is_contiguous() and query.untyped_storage().nbytes() == query.numel() * 4


def test_encoder_only_model_converts_to_backbone_keys():
    theirs = hf_model(ViTMAEModel)
    state = convert_hf_vitmae(theirs.state_dict())
    assert state and all(k.startswith('backbone.') for k in state)
    missing, unexpected = mmmae_model().load_state_dict(state, strict=False)
    assert not unexpected and missing and all(k.startswith('neck.') for k in missing)
    assert compare_with_hf(state, theirs.config, hf_model=theirs)['latent'] < 1e-5
    back = convert_to_hf_vitmae(state)  # no decoder: ViTMAEModel's names, without 'vit.'
    assert back.keys() == theirs.state_dict().keys()
    ViTMAEModel(theirs.config).load_state_dict(back, strict=True)


def test_model_without_qkv_bias_gets_zero_biases():
    theirs = hf_model(qkv_bias=False)
    state = convert_hf_vitmae(theirs.state_dict())
    assert torch.equal(state['neck.decoder_blocks.0.attn.qkv.bias'], torch.zeros(96))
    assert compare_with_hf(state, theirs.config, hf_model=theirs)['logits'] < 1e-5


# ViTMAEForPreTraining's names for one encoder and one decoder layer in transformers 5.24
TRANSFORMERS5_LAYER = ['attention.q_proj.weight', 'attention.q_proj.bias', 'attention.k_proj.weight',
                       'attention.k_proj.bias', 'attention.v_proj.weight', 'attention.v_proj.bias',
                       'attention.o_proj.weight', 'attention.o_proj.bias', 'layernorm_before.weight',
                       'layernorm_before.bias', 'layernorm_after.weight', 'layernorm_after.bias',
                       'mlp.fc1.weight', 'mlp.fc1.bias', 'mlp.fc2.weight', 'mlp.fc2.bias']


@pytest.mark.parametrize('layout', HF_LAYOUTS)
def test_both_transformers_layouts_are_written_and_read_back(layout):
    state = mmmae_model().state_dict()
    hf_state = convert_to_hf_vitmae(state, layout=layout)
    back = convert_hf_vitmae(hf_state)
    assert back.keys() == state.keys() and all(torch.equal(back[k], state[k]) for k in state)
    if layout == 'transformers5':
        layer = [k[len('vit.layers.0.'):] for k in hf_state if k.startswith('vit.layers.0.')]
        decoder = [k[len('decoder.decoder_layers.0.'):] for k in hf_state
                   if k.startswith('decoder.decoder_layers.0.')]
        assert sorted(layer) == sorted(decoder) == sorted(TRANSFORMERS5_LAYER)
    else:  # transformers 5's save_pretrained writes these names, its from_pretrained reads them
        saved = {k.replace('decoder.decoder_layers.', 'decoder.decoder_encoder.layer.'): v
                 for k, v in hf_state.items()}
        assert convert_hf_vitmae(saved).keys() == state.keys()
    with pytest.raises(ValueError, match="unknown Hugging Face layout 'transformers3'"):
        convert_to_hf_vitmae(state, layout='transformers3')


@pytest.mark.parametrize('state', [
    {'backbone.stem.weight': torch.zeros(1)},
    {'cls_token': torch.zeros(1, 1, 8), 'pos_embed': torch.zeros(1, 5, 8),
     'blocks.0.norm1.weight': torch.zeros(8), 'blocks.0.attn.qkv.weight': torch.zeros(24, 8)},
    {'vit.embeddings.cls_token': torch.zeros(1, 1, 8), 'classifier.weight': torch.zeros(2, 8)},
    {},
], ids=['mmmae', 'timm', 'hf-classifier', 'empty'])
def test_other_layouts_are_refused(state):
    with pytest.raises(ValueError, match='expected a Hugging Face ViTMAEForPreTraining'):
        convert_hf_vitmae(state)


def test_incomplete_attention_is_refused():
    state = hf_model().state_dict()
    key = 'attention.attention.key' if installed_hf_layout() == 'transformers4' else 'attention.k_proj'
    del state[next(k for k in state if k.endswith(f'.1.{key}.weight'))]
    with pytest.raises(ValueError, match=r'incomplete attention.*key\.weight'):
        convert_hf_vitmae(state)


@pytest.mark.parametrize('state', [
    {'backbone.stem.weight': torch.zeros(1)},
    {'vit.embeddings.cls_token': torch.zeros(1, 1, 8)},
    {'backbone.patch_embed.proj.weight': torch.zeros(8, 3, 4, 4), 'head.fc.weight': torch.zeros(2)},
], ids=['unknown', 'hugging-face', 'classifier'])
def test_reverse_refuses_what_is_not_mmmae_pretraining(state):
    with pytest.raises(ValueError, match='expected an mmmae MAE pretraining state dict'):
        convert_to_hf_vitmae(state)


@pytest.mark.parametrize('fmt', ['bin', 'safetensors', 'folder'])
def test_hf2mmmae_tool(tmp_path, capsys, fmt):
    hf2mmmae = load_tool('model_converters/hf2mmmae').main
    theirs = hf_model()
    if fmt == 'folder':
        theirs.save_pretrained(tmp_path / 'hf')  # with config.json: heads come from it
        src, heads = tmp_path / 'hf', []
    elif fmt == 'bin':
        src, heads = tmp_path / 'hf.bin', ['--num-heads', '4', '--decoder-num-heads', '4']
        torch.save(theirs.state_dict(), src)
    else:
        from safetensors.torch import save_file
        src, heads = tmp_path / 'hf.safetensors', ['--num-heads', '4', '--decoder-num-heads', '4']
        save_file({k: v.contiguous() for k, v in theirs.state_dict().items()}, str(src))
    hf2mmmae([str(src), str(tmp_path / 'mmmae.pth'), '--verify', *heads])
    assert 'verify: max |mmmae - huggingface|' in capsys.readouterr().out
    ours = mmmae_model()
    checkpoint = torch.load(tmp_path / 'mmmae.pth', weights_only=True)
    ours.load_state_dict(checkpoint['state_dict'], strict=True)
    assert_same_loss(ours, theirs, seed=1)


def test_mmmae2hf_tool_writes_a_loadable_folder(tmp_path, capsys):
    mmmae2hf = load_tool('model_converters/mmmae2hf').main
    ours = mmmae_model()
    for p in ours.parameters():
        p.data.normal_(0, 0.2)
    torch.save(dict(state_dict=ours.state_dict(), meta={}), tmp_path / 'mae.pth')
    config = mmmae2hf([str(tmp_path / 'mae.pth'), str(tmp_path / 'hf'), '--num-heads', '4',
                       '--decoder-num-heads', '4', '--verify']).info['config']
    assert 'verify: max |mmmae - huggingface|' in capsys.readouterr().out
    assert {p.name for p in (tmp_path / 'hf').iterdir()} == {
        'config.json', 'pytorch_model.bin', 'model.safetensors'}
    assert (config.hidden_size, config.num_hidden_layers, config.intermediate_size) == (64, 2, 256)
    assert (config.decoder_hidden_size, config.decoder_num_hidden_layers) == (32, 1)
    assert (config.image_size, config.patch_size, config.layer_norm_eps) == (32, 8, 1e-6)
    theirs = ViTMAEForPreTraining.from_pretrained(tmp_path / 'hf').eval()
    assert_same_loss(ours, theirs, seed=2)


def test_mmmae2hf_tool_encoder_only(tmp_path, capsys):
    mmmae2hf = load_tool('model_converters/mmmae2hf').main
    state = {k: v for k, v in mmmae_model().state_dict().items() if k.startswith('backbone.')}
    torch.save(dict(state_dict=state), tmp_path / 'enc.pth')
    config = mmmae2hf([str(tmp_path / 'enc.pth'), str(tmp_path / 'hf'), '--num-heads', '4',
                       '--verify']).info['config']
    assert config.architectures == ['ViTMAEModel']
    assert 'latent' in capsys.readouterr().out
    ViTMAEModel.from_pretrained(tmp_path / 'hf')


def test_mmmae2hf_tool_asks_for_the_decoder_heads(tmp_path, capsys):
    mmmae2hf = load_tool('model_converters/mmmae2hf').main
    torch.save(dict(state_dict=mmmae_model().state_dict()), tmp_path / 'mae.pth')
    with pytest.raises(SystemExit):
        mmmae2hf([str(tmp_path / 'mae.pth'), str(tmp_path / 'hf'), '--num-heads', '4'])
    assert 'decoder_num_heads' in capsys.readouterr().err
