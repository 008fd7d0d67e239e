import pytest
import torch

from mmmae.models.necks import MAEDecoder


def test_output_is_one_prediction_per_patch():
    decoder = MAEDecoder(img_size=32, patch_size=8, embed_dim=64, decoder_embed_dim=32,
                         decoder_depth=1, decoder_num_heads=4)
    ids_restore = torch.stack([torch.randperm(16) for _ in range(2)])
    pred = decoder(torch.randn(2, 1 + 4, 64), ids_restore)
    assert pred.shape == (2, 16, 8 * 8 * 3)


def test_unshuffle_puts_visible_tokens_back_in_place():
    decoder = MAEDecoder(img_size=16, patch_size=8, embed_dim=8, decoder_embed_dim=8,
                         decoder_depth=0, decoder_num_heads=2).eval()
    # Make every stage after the unshuffle transparent, to read the token order back.
    with torch.no_grad():
        decoder.decoder_embed.weight.copy_(torch.eye(8))
        decoder.decoder_embed.bias.zero_()
        decoder.decoder_pos_embed.zero_()
        decoder.mask_token.fill_(-1.0)
    decoder.decoder_norm = torch.nn.Identity()
    decoder.decoder_pred = torch.nn.Identity()
    ids_restore = torch.tensor([[2, 0, 3, 1]])  # shuffled order: patch 1, patch 3 | 0, 2 masked
    latent = torch.zeros(1, 3, 8)
    latent[0, 1], latent[0, 2] = 1.0, 3.0  # visible tokens carry their patch id
    out = decoder(latent, ids_restore)[0, :, 0]
    assert out.tolist() == [-1.0, 1.0, -1.0, 3.0]


def test_wrong_patch_count_names_the_fix():
    decoder = MAEDecoder(img_size=32, patch_size=8, embed_dim=64, decoder_embed_dim=32,
                         decoder_depth=1, decoder_num_heads=4)
    with pytest.raises(ValueError, match="encoder's img_size"):
        decoder(torch.randn(1, 5, 64), torch.arange(25)[None])


def test_official_parameter_names():
    names = set(MAEDecoder(decoder_depth=1).state_dict())
    assert {'decoder_embed.weight', 'mask_token', 'decoder_pos_embed', 'decoder_norm.weight',
            'decoder_pred.weight', 'decoder_blocks.0.attn.qkv.weight'} <= names
