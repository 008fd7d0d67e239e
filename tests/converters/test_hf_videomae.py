"""Hugging Face VideoMAE <-> mmmae's video MAE: numeric parity with the real transformers model
at small shapes, exact round trips, the two tools, and the refusals."""
import pytest
import torch
from transformers import VideoMAEConfig, VideoMAEForPreTraining, VideoMAEModel

from mmmae.converters.hf_videomae import (convert_hf_videomae, convert_to_hf_videomae,
                                          mmmae_video_mae_config)
from mmmae.converters.verify import compare_with_hf_videomae
from mmmae.registry import MODELS
from conftest import load_tool

TINY = dict(image_size=32, patch_size=8, num_channels=3, num_frames=4, tubelet_size=2,
            hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=256,
            decoder_hidden_size=32, decoder_num_hidden_layers=2, decoder_num_attention_heads=4,
            decoder_intermediate_size=128, use_mean_pooling=False, norm_pix_loss=True,
            layer_norm_eps=1e-6)


def hf_model(cls=VideoMAEForPreTraining, **kwargs):
    torch.manual_seed(0)
    model = cls(VideoMAEConfig(**{**TINY, **kwargs})).eval()
    for p in model.parameters():
        p.data.normal_(0, 0.2)  # away from the init: every weight, bias and norm matters
    return model


@pytest.mark.parametrize('kwargs', [dict(), dict(use_mean_pooling=True), dict(layer_norm_eps=1e-12),
                                    dict(tubelet_size=1, num_frames=2), dict(num_channels=1),
                                    dict(norm_pix_loss=False)])
def test_same_encoder_output_predictions_and_loss_as_transformers(kwargs):
    theirs = hf_model(**kwargs)
    diffs = compare_with_hf_videomae(convert_hf_videomae(theirs.state_dict()), theirs.config,
                                     hf_model=theirs)
    assert set(diffs) == ({'latent', 'logits', 'loss'} if theirs.config.norm_pix_loss
                          else {'latent', 'logits'})
    assert max(diffs.values()) < 1e-5, diffs


def test_encoder_only_models_match():
    theirs = hf_model(VideoMAEModel)
    diffs = compare_with_hf_videomae(convert_hf_videomae(theirs.state_dict()), theirs.config,
                                     hf_model=theirs)
    assert set(diffs) == {'latent'} and diffs['latent'] < 1e-5


@pytest.mark.parametrize('cls', [VideoMAEForPreTraining, VideoMAEModel])
def test_round_trip_is_exact(cls):
    theirs = hf_model(cls).state_dict()
    ours = convert_hf_videomae(theirs)
    assert all(key.startswith(('backbone.', 'neck.')) for key in ours)
    qkv = ours['backbone.blocks.0.attn.qkv.bias']
    assert torch.equal(qkv[64:128], torch.zeros(64))  # VideoMAE has no key bias
    back = convert_to_hf_videomae(ours)
    assert sorted(back) == sorted(theirs) and all(torch.equal(back[k], v) for k, v in theirs.items())


def test_the_converted_weights_load_strictly_into_the_config_it_gives():
    theirs = hf_model()
    ours = MODELS.build(mmmae_video_mae_config(theirs.config))
    ours.load_state_dict(convert_hf_videomae(theirs.state_dict()), strict=True)
    assert ours.backbone.masking == 'tube' and not ours.neck.decoder_embed.bias


def test_a_key_bias_is_dropped_without_changing_the_outputs():
    theirs = hf_model()
    ours = convert_hf_videomae(theirs.state_dict())
    for key in [k for k in ours if k.endswith('attn.qkv.bias')]:
        width = ours[key].shape[0] // 3
        ours[key][width:2 * width].normal_()  # the key bias
    assert max(compare_with_hf_videomae(ours, theirs.config).values()) < 1e-5


def test_a_decoder_embed_bias_cannot_be_exported():
    ours = convert_hf_videomae(hf_model().state_dict())
    ours['neck.decoder_embed.bias'] = torch.zeros(32)
    with pytest.raises(ValueError, match='decoder_embed_bias=False'):
        convert_to_hf_videomae(ours)


def test_unknown_keys_are_named():
    state = hf_model().state_dict()
    state['videomae.encoder.layer.0.extra.weight'] = torch.zeros(1)
    with pytest.raises(ValueError, match='extra.weight'):
        convert_hf_videomae(state)


def test_the_two_tools_convert_and_verify(tmp_path, capsys):
    theirs = hf_model()
    theirs.save_pretrained(tmp_path / 'hf')
    load_tool('model_converters/videomae2mmmae').main(
        [str(tmp_path / 'hf'), str(tmp_path / 'ours.pth'), '--verify'])
    assert 'verify: max |mmmae - huggingface|' in capsys.readouterr().out
    conversion = load_tool('model_converters/mmmae2videomae').main(
        [str(tmp_path / 'ours.pth'), str(tmp_path / 'back'), '--num-frames', '4', '--num-heads', '4',
         '--decoder-num-heads', '4', '--verify'])
    assert 'verify: max |mmmae - huggingface|' in capsys.readouterr().out
    assert conversion.info['config'].architectures == ['VideoMAEForPreTraining']
    back = VideoMAEForPreTraining.from_pretrained(tmp_path / 'back')
    for key, value in theirs.state_dict().items():
        assert torch.equal(back.state_dict()[key], value), key


def test_verifying_without_a_config_names_what_is_missing(tmp_path):
    torch.save(hf_model().state_dict(), tmp_path / 'videomae.bin')
    with pytest.raises(SystemExit):
        load_tool('model_converters/videomae2mmmae').main(
            [str(tmp_path / 'videomae.bin'), str(tmp_path / 'ours.pth'), '--verify'])
