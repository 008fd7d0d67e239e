"""The models the comparisons build: mmmae's and each peer's, of one shape."""
import torch

from mmmae.registry import MODELS


def build_from_timm_kwargs(kwargs: dict) -> torch.nn.Module:
    """mmmae's equivalent of a timm ViT: an ImageClassifier, or a bare encoder without head."""
    backbone = dict(type='MAEViTEncoder', img_size=kwargs['img_size'],
                    patch_size=kwargs['patch_size'], in_channels=kwargs.get('in_chans', 3),
                    arch=dict(embed_dim=kwargs['embed_dim'], depth=kwargs['depth'],
                              num_heads=kwargs['num_heads']),
                    out_type='avg_featmap' if kwargs['global_pool'] == 'avg' else 'cls_token')
    if not kwargs['num_classes']:
        return MODELS.build(dict(backbone, out_type='raw'))
    return MODELS.build(dict(type='mmpretrain.ImageClassifier', backbone=backbone,
                             head=dict(type='mmpretrain.LinearClsHead',
                                       num_classes=kwargs['num_classes'],
                                       in_channels=kwargs['embed_dim'])))


def build_mmpretrain_mae(img_size: int, patch_size: int, embed_dim: int, depth: int, num_heads: int,
                         decoder_embed_dim: int, decoder_depth: int, decoder_num_heads: int,
                         mask_ratio: float = 0.75) -> torch.nn.Module:
    """MMPretrain 1.2's MAE (norm_pix, L2) of the given shape."""
    from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS
    return MMPRETRAIN_MODELS.build(dict(
        type='mmpretrain.MAE',
        backbone=dict(type='mmpretrain.MAEViT', img_size=img_size, patch_size=patch_size,
                      mask_ratio=mask_ratio,
                      arch=dict(embed_dims=embed_dim, num_layers=depth, num_heads=num_heads,
                                feedforward_channels=4 * embed_dim)),
        neck=dict(type='mmpretrain.MAEPretrainDecoder', num_patches=(img_size // patch_size) ** 2,
                  patch_size=patch_size, embed_dim=embed_dim, decoder_embed_dim=decoder_embed_dim,
                  decoder_depth=decoder_depth, decoder_num_heads=decoder_num_heads),
        head=dict(type='mmpretrain.MAEPretrainHead', norm_pix=True, patch_size=patch_size,
                  loss=dict(type='mmpretrain.PixelReconstructionLoss', criterion='L2'))))


def build_mmmae_mae(img_size: int, patch_size: int, embed_dim: int, depth: int, num_heads: int,
                    decoder_embed_dim: int, decoder_depth: int, decoder_num_heads: int,
                    mask_ratio: float = 0.75, in_channels: int = 3, norm_eps: float = 1e-6,
                    decoder_mlp_ratio: float = 4.0, norm_pix: bool = True, with_cp: bool = False,
                    selective_cp: bool = False, cpu_half_attention: str = 'fp32') -> torch.nn.Module:
    """mmmae's MAE of the same shape as :func:`build_mmpretrain_mae`.

    ``in_channels``, ``norm_eps``, ``decoder_mlp_ratio`` and ``norm_pix`` follow another
    model's config (Hugging Face's); ``with_cp``, ``selective_cp`` and ``cpu_half_attention``
    are the options of the encoder's and decoder's blocks.
    """
    blocks = dict(norm_eps=norm_eps, with_cp=with_cp, selective_cp=selective_cp,
                  cpu_half_attention=cpu_half_attention)
    return MODELS.build(dict(
        type='MAE',
        backbone=dict(type='MAEViT', img_size=img_size, patch_size=patch_size, mask_ratio=mask_ratio,
                      in_channels=in_channels,
                      arch=dict(embed_dim=embed_dim, depth=depth, num_heads=num_heads), **blocks),
        neck=dict(type='MAEDecoder', decoder_embed_dim=decoder_embed_dim,
                  decoder_depth=decoder_depth, decoder_num_heads=decoder_num_heads,
                  mlp_ratio=decoder_mlp_ratio, **blocks),
        head=dict(type='MAEPixelHead', norm_pix=norm_pix)))
