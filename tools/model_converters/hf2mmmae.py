#!/usr/bin/env python
"""Convert a Hugging Face ViTMAE checkpoint to mmmae's MAE layout.

SRC is a ``ViTMAEForPreTraining`` checkpoint, which gives a full mmmae MAE pretraining
checkpoint (encoder ``backbone.*`` and decoder ``neck.*``), or a ``ViTMAEModel`` one,
which gives the encoder only (load it with ``strict=False`` or through ``init_cfg`` with
``prefix='backbone.'``). SRC may be a ``.bin``/``.pth``/``.safetensors`` file or a folder
written by ``save_pretrained`` (model.safetensors or pytorch_model.bin). The output holds
``state_dict`` and ``meta`` and is written atomically.

``--verify`` builds the Hugging Face model and mmmae's MAE, feeds both the same random
images and masking noise, and prints the largest differences of the encoder output,
the decoder prediction and the loss. Attention heads are read from the config.json in
(or beside) SRC, or given with --num-heads / --decoder-num-heads.

Hugging Face configs often say layer_norm_eps=1e-12 where mmmae (and the official
MAE code) use 1e-6; the weights are the same, outputs differ very slightly.

Example:
    python tools/model_converters/hf2mmmae.py vit-mae-base/ mae_b16.pth --verify
"""
from mmmae.converters import cli


def main(argv=None):
    return cli.main('hf2mmmae', argv, __doc__)


if __name__ == '__main__':
    main()
