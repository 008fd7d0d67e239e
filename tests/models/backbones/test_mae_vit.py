import pytest
import torch

from mmmae.models.backbones import MAEViT, resolve_arch
from mmmae.models.layers import pos_embed_at, resample_pos_embed
from mmmae.models.layers.pos_embed import sincos_1d


def small(**kw):
    return MAEViT(arch=dict(embed_dim=64, depth=2, num_heads=4), img_size=32, patch_size=8, **kw)


def test_pretraining_mode_encodes_only_visible_patches():
    model = small()
    latent, mask, ids_restore = model(torch.randn(3, 3, 32, 32))
    assert latent.shape == (3, 1 + 4, 64)  # 16 patches, 75 % masked, plus cls
    assert mask.shape == ids_restore.shape == (3, 16)


def test_same_noise_reproduces_the_output_exactly():
    model = small().eval()
    images, noise = torch.randn(2, 3, 32, 32), torch.rand(2, 16)
    a, b = model(images, noise), model(images, noise)
    assert all(torch.equal(x, y) for x, y in zip(a, b))


def test_feature_mode_encodes_every_patch_and_resamples_positions():
    model = small().eval()
    (tokens,) = model(torch.randn(2, 3, 32, 32), mask=False)
    assert tokens.shape == (2, 17, 64)
    (tokens,) = model(torch.randn(1, 3, 48, 64), mask=False)  # non-square 6x8 grid
    assert tokens.shape == (1, 49, 64)


def test_visible_patch_results_do_not_depend_on_masked_pixels():
    model = small().eval()
    images, noise = torch.randn(1, 3, 32, 32), torch.rand(1, 16)
    latent, mask, _ = model(images, noise)
    changed = images.clone()
    removed = torch.nonzero(mask[0]).flatten()
    for idx in removed.tolist():
        r, c = divmod(idx, 4)
        changed[..., r * 8:(r + 1) * 8, c * 8:(c + 1) * 8] = 100.0
    torch.testing.assert_close(model(changed, noise)[0], latent)


def test_input_of_another_size_is_masked_at_its_own_grid_with_exact_positions():
    """Progressive resolution: 16 px input to a 32 px model is a 2x2 grid of patches whose
    fixed positions are the sin-cos at their centres on the built 4x4 grid (0.5 and 2.5)."""
    model = small(mask_ratio=0.5).eval()
    images = torch.randn(2, 3, 16, 16)
    latent, mask, ids_restore = model(images)
    assert latent.shape == (2, 1 + 2, 64) and mask.shape == ids_restore.shape == (2, 4)
    assert model.input_grid(images) == (2, 2)
    positions = model.patch_tokens(images) - model.patch_embed(images)
    centres = torch.tensor([0.5, 2.5], dtype=torch.float64)
    rows, cols = torch.meshgrid(centres, centres, indexing='ij')
    expected = torch.cat([sincos_1d(cols.flatten(), 32), sincos_1d(rows.flatten(), 32)], 1).float()
    torch.testing.assert_close(positions[0], expected, atol=1e-6, rtol=0)
    # the built size keeps the built table, bit for bit
    assert torch.equal(pos_embed_at(model.pos_embed, (4, 4), (4, 4), learnt=False), model.pos_embed)
    # interpolating the table (what FastSSL does) approximates the exact values
    interpolated = resample_pos_embed(model.pos_embed, (4, 4), (2, 2))[0, 1:]
    assert (interpolated - expected).abs().max() < 0.5


def test_image_size_not_divisible_by_patch_is_a_clear_error():
    with pytest.raises(ValueError, match='not divisible by the patch size 16'):
        MAEViT(arch='b', img_size=230)


@pytest.mark.parametrize('ratio,match', [(1.0, r'\[0, 1\)'), (0.999, 'no visible patch')])
def test_bad_mask_ratio_fails_at_construction(ratio, match):
    with pytest.raises(ValueError, match=match):
        small(mask_ratio=ratio)


def test_unknown_arch_names_the_closest_one():
    with pytest.raises(ValueError, match="did you mean 'base'"):
        resolve_arch('bse')


@pytest.mark.parametrize('arch,dim,depth,heads,patch,mlp', [
    ('b', 768, 12, 12, 16, 3072), ('large', 1024, 24, 16, 16, 4096), ('h', 1280, 32, 16, 14, 5120),
    ('giant', 1408, 40, 16, 14, 6144), ('2b', 2560, 24, 32, 14, 10240)])
def test_published_archs(arch, dim, depth, heads, patch, mlp):
    settings = resolve_arch(arch)
    assert (settings['embed_dim'], settings['depth'], settings['num_heads'],
            settings['patch_size']) == (dim, depth, heads, patch)
    with torch.device('meta'):
        block = MAEViT(arch=dict(settings, depth=1), img_size=2 * patch).blocks[0]
    assert block.mlp.fc1.out_features == mlp  # EVA's ViT-g MLP 6144, MAWS's ViT-2B 10240


def test_vit_base_parameter_count_matches_the_paper_encoder():
    model = MAEViT(arch='b')
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    # timm's vit_base_patch16_224 without head has 85,798,656 parameters, 151,296 of them the
    # position embedding, which MAE keeps fixed.
    assert trainable == 85_798_656 - 197 * 768
    assert not model.pos_embed.requires_grad


def test_init_follows_the_paper_code():
    torch.manual_seed(0)
    model = MAEViT(arch='small')
    fc = model.blocks[0].mlp.fc1
    bound = (6 / (fc.in_features + fc.out_features)) ** 0.5
    assert fc.weight.abs().max() <= bound and fc.weight.abs().max() > 0.9 * bound
    assert torch.count_nonzero(fc.bias) == 0
    assert abs(model.cls_token.std().item() - 0.02) < 0.005
    w = model.patch_embed.proj.weight
    proj_bound = (6 / (w.shape[0] + w[0].numel())) ** 0.5
    assert w.abs().max() <= proj_bound
    assert torch.all(model.norm.weight == 1)
