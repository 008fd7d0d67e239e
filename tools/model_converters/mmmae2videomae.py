#!/usr/bin/env python
"""Convert an mmmae video MAE checkpoint to a Hugging Face VideoMAE folder.

SRC is a checkpoint of mmmae's ``MAE`` with ``MAEVideoViT`` (and ``MAEVideoDecoder`` with
``decoder_embed_bias=False``, as VideoMAE has no such bias): with the decoder it becomes a
``VideoMAEForPreTraining`` folder, without it a ``VideoMAEModel`` one (config.json,
pytorch_model.bin and model.safetensors), which ``from_pretrained`` loads. The frames per clip
and the attention heads cannot be read off the weights and are given. The key bias of the fused
``qkv`` is dropped: the attention's softmax removes it, so the outputs do not change.

``--verify`` loads the written folder with ``from_pretrained``, feeds it and mmmae's model the
same random clips and tube mask, and prints the largest differences.

Example:
    python tools/model_converters/mmmae2videomae.py work_dirs/videomae/epoch_800.pth videomae-b/ \\
        --num-frames 16 --num-heads 12 --decoder-num-heads 6 --verify
"""
from mmmae.converters import cli


def main(argv=None):
    return cli.main('mmmae2videomae', argv, __doc__)


if __name__ == '__main__':
    main()
