"""The MAE algorithm: encoder on visible patches, decoder, pixel loss."""
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModel
from mmpretrain.structures import DataSample

from mmmae.registry import MODELS


@MODELS.register_module()
class MAE(BaseModel):
    """Masked Autoencoder (He et al. 2021) wiring backbone, neck and head.

    Inputs of another size than the backbone's ``img_size`` (progressive resolution,
    ``ProgressiveResolutionHook``) are encoded and decoded at their own patch grid.

    A neck that decodes only some of the masked patches in training (``CrossMAEDecoder``)
    names them with ``loss_mask(mask, ids_restore, latent)``; the loss then scores those only.

    Modes of ``forward``: ``'loss'`` (pretraining), ``'tensor'`` (features of
    the unmasked encoder) and ``'predict'`` (reconstruction: one DataSample per
    image with ``reconstruction`` [3, H, W] in 0-255 RGB, the ``masked`` input and
    the ``mask`` [1, H, W], 1 = removed, and its ``reconstruction_loss``).
    """

    def __init__(self, backbone: dict, neck: dict, head: dict,
                 data_preprocessor: Optional[Union[dict, torch.nn.Module]] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='MAEDataPreprocessor')
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        enc = self.backbone
        self.neck = MODELS.build({**enc.decoder_shape(), 'embed_dim': enc.embed_dim, **neck})
        self.head = MODELS.build({**enc.head_shape(), **head})
        self._check_parts_agree()

    def _check_parts_agree(self) -> None:
        enc, dec, head = self.backbone, self.neck, self.head
        problems = []
        if dec.grid != enc.grid:
            problems.append(f'decoder patch grid {dec.grid} != encoder grid {enc.grid}')
        if dec.decoder_embed.in_features != enc.embed_dim:
            problems.append(f'decoder embed_dim {dec.decoder_embed.in_features} != encoder width '
                            f'{enc.embed_dim}')
        problems += [f'head {key} {getattr(head, key)!r} != encoder {value!r}'
                     for key, value in enc.head_shape().items() if getattr(head, key) != value]
        if dec.decoder_pred.out_features != head.values_per_patch:
            problems.append(f'decoder predicts {dec.decoder_pred.out_features} values per patch, '
                            f'head expects {head.values_per_patch}')
        if problems:
            raise ValueError('MAE parts disagree: ' + '; '.join(problems) +
                             '. Leave img_size, patch_size, in_channels and embed_dim out of the '
                             'neck and head configs: MAE fills them in from the backbone.')

    def forward(self, inputs: torch.Tensor, data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.extract_feat(inputs)
        raise ValueError(f"invalid mode '{mode}'; use 'loss', 'predict' or 'tensor'")

    def extract_feat(self, inputs: torch.Tensor):
        """Tokens of the full (unmasked) encoder: ``([N, 1 + L, D],)``."""
        return self.backbone(inputs, mask=False)

    def loss(self, inputs: torch.Tensor, noise: Optional[torch.Tensor] = None
             ) -> Dict[str, torch.Tensor]:
        """``{'loss': reconstruction loss on masked patches}``."""
        latent, mask, ids_restore = self.backbone(inputs, noise)
        pred = self.neck(latent, ids_restore, self.backbone.input_grid(inputs))
        if hasattr(self.neck, 'loss_mask'):
            mask = self.neck.loss_mask(mask, ids_restore, latent)
        return dict(loss=self.head.loss(pred, inputs, mask))

    @torch.no_grad()
    def reconstruct(self, inputs: torch.Tensor, noise: Optional[torch.Tensor] = None
                    ) -> Dict[str, torch.Tensor]:
        """Reconstruction in pixel space (0-255) plus the pixel mask.

        Returns ``image``, ``masked`` (removed patches zeroed), ``reconstruction``
        (the prediction everywhere) and ``pasted`` (visible patches from the input,
        predicted ones elsewhere), each ``[N, C, H, W]`` (clips: ``[N, C, T, H, W]``), the
        ``mask`` ``[N, 1, H, W]`` (``[N, 1, T, H, W]``) and each input's ``loss`` ``[N]`` (its
        masked-patch error).
        """
        latent, mask, ids_restore = self.backbone(inputs, noise)
        pred = self.neck(latent, ids_restore, self.backbone.input_grid(inputs))
        errors = self.head.patch_errors(pred, inputs)
        pixel_mask = self.head.mask_pixels(mask, inputs)
        to_image = self.data_preprocessor.denormalize
        image = to_image(inputs)
        reconstruction = to_image(self.head.to_pixels(pred, inputs))
        return dict(image=image, masked=image * (1 - pixel_mask), reconstruction=reconstruction,
                    pasted=image * (1 - pixel_mask) + reconstruction * pixel_mask,
                    mask=pixel_mask, loss=(errors * mask).sum(1) / mask.sum(1))

    def predict(self, inputs: torch.Tensor, data_samples: Optional[List[DataSample]] = None,
                noise: Optional[torch.Tensor] = None) -> List[DataSample]:
        """One DataSample per image carrying its reconstruction and mask."""
        out = self.reconstruct(inputs, noise)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(inputs.shape[0])]
        for i, sample in enumerate(data_samples):
            sample.set_field(out['reconstruction'][i], 'reconstruction', field_type='data')
            sample.set_field(out['pasted'][i], 'pasted', field_type='data')
            sample.set_field(out['mask'][i], 'mask', field_type='data')
            sample.set_field(out['loss'][i], 'reconstruction_loss', field_type='metainfo')
        return data_samples
