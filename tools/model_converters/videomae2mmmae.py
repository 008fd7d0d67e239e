#!/usr/bin/env python
"""Convert a Hugging Face VideoMAE checkpoint to mmmae's video MAE layout.

SRC is a ``VideoMAEForPreTraining`` checkpoint, which gives a full mmmae video MAE pretraining
checkpoint (``MAEVideoViT`` encoder ``backbone.*`` and ``MAEVideoDecoder`` ``neck.*``), or a
``VideoMAEModel`` one, which gives the encoder only. SRC may be a ``.bin``/``.pth``/
``.safetensors`` file or a folder written by ``save_pretrained``. Query/key/value are fused
into one ``qkv`` linear (key bias zero, as VideoMAE has none). The output holds ``state_dict``
and ``meta`` and is written atomically.

``--verify`` builds the Hugging Face model from the config.json in (or beside) SRC and mmmae's
model of the same shape, feeds both the same random clips and tube mask, and prints the largest
differences of the encoder output, the masked tubelets' predictions and the loss.

Example:
    python tools/model_converters/videomae2mmmae.py videomae-base/ videomae_b16.pth --verify
"""
from mmmae.converters import cli


def main(argv=None):
    return cli.main('videomae2mmmae', argv, __doc__)


if __name__ == '__main__':
    main()
