"""mmmae's MAE against MMPretrain 1.2's MAE: same weights and mask give the same loss."""
import pytest
import torch
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS

from mmmae.converters import convert_mmpretrain_mae
from mmmae.registry import MODELS


def mmpretrain_mae(arch: str, img_size: int, patch: int, embed: int, num_patches: int,
                   decoder: dict) -> torch.nn.Module:
    return MMPRETRAIN_MODELS.build(dict(
        type='mmpretrain.MAE',
        backbone=dict(type='mmpretrain.MAEViT', arch=arch, img_size=img_size, patch_size=patch,
                      mask_ratio=0.75),
        neck=dict(type='mmpretrain.MAEPretrainDecoder', num_patches=num_patches, patch_size=patch,
                  embed_dim=embed, **decoder),
        head=dict(type='mmpretrain.MAEPretrainHead', norm_pix=True, patch_size=patch,
                  loss=dict(type='mmpretrain.PixelReconstructionLoss', criterion='L2')),
        init_cfg=[dict(type='Xavier', layer='Linear', distribution='uniform'),
                  dict(type='Constant', layer='LayerNorm', val=1.0, bias=0.0)]))


CASES = {
    'small': dict(mmp=dict(arch=dict(embed_dims=96, num_layers=2, num_heads=3,
                                     feedforward_channels=384),
                           img_size=32, patch=8, embed=96, num_patches=16,
                           decoder=dict(decoder_embed_dim=64, decoder_depth=2,
                                        decoder_num_heads=4)),
                  ours=dict(arch=dict(embed_dim=96, depth=2, num_heads=3), img_size=32,
                            patch_size=8, decoder=dict(decoder_embed_dim=64, decoder_depth=2,
                                                       decoder_num_heads=4)),
                  batch=4),
    'b': dict(mmp=dict(arch='b', img_size=224, patch=16, embed=768, num_patches=196,
                       decoder=dict(decoder_embed_dim=512, decoder_depth=8,
                                    decoder_num_heads=16)),
              ours=dict(arch='b', img_size=224, patch_size=16,
                        decoder=dict(decoder_embed_dim=512, decoder_depth=8, decoder_num_heads=16)),
              batch=2),
}


@pytest.mark.parametrize('case', list(CASES))
def test_loss_equals_mmpretrain_with_converted_weights(case, device):
    spec = CASES[case]
    torch.manual_seed(0)
    theirs = mmpretrain_mae(**spec['mmp'])
    theirs.init_weights()
    ours_cfg = spec['ours']
    ours = MODELS.build(dict(
        type='MAE',
        backbone=dict(type='MAEViT', arch=ours_cfg['arch'], img_size=ours_cfg['img_size'],
                      patch_size=ours_cfg['patch_size']),
        neck=dict(type='MAEDecoder', **ours_cfg['decoder']),
        head=dict(type='MAEPixelHead', norm_pix=True)))
    missing, unexpected = ours.load_state_dict(convert_mmpretrain_mae(theirs.state_dict()),
                                               strict=False)
    assert unexpected == [] and missing == []
    theirs, ours = theirs.to(device), ours.to(device)
    size = ours_cfg['img_size']
    images = torch.randn(spec['batch'], 3, size, size, device=device)
    num_patches = (size // ours_cfg['patch_size']) ** 2
    # MMPretrain draws its masking noise as torch.rand(N, L) on the images' device: replay it.
    torch.manual_seed(1)
    noise = torch.rand(spec['batch'], num_patches, device=device)
    torch.manual_seed(1)
    with torch.no_grad():
        their_loss = theirs.loss(images, [])['loss']
        our_loss = ours.loss(images, noise)['loss']
    torch.testing.assert_close(our_loss, their_loss, atol=1e-5, rtol=1e-5)
    assert their_loss > 0.1  # a real loss, not a degenerate zero


def test_unknown_keys_name_the_wrong_checkpoint_kind():
    with pytest.raises(ValueError, match='expected an MMPretrain / MMSelfSup MAE pretraining state dict'):
        convert_mmpretrain_mae({'backbone.stem.conv.weight': torch.zeros(1)})
