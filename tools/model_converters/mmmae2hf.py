#!/usr/bin/env python
"""Convert an mmmae MAE checkpoint to a Hugging Face ViTMAE model folder.

A pretraining checkpoint with its decoder becomes ``ViTMAEForPreTraining``; an
encoder-only one (``backbone.*`` keys) becomes ``ViTMAEModel``. DST_DIR receives
pytorch_model.bin, model.safetensors (when safetensors is installed) and a config.json
whose sizes are read off the weights; attention heads cannot be, so give them. The
folder loads with ``ViTMAEForPreTraining.from_pretrained(DST_DIR)`` (or ``ViTMAEModel``).
Files are written atomically.

``--verify`` loads the written folder with ``from_pretrained``, feeds it and mmmae's MAE
the same random images and masking noise, and prints the largest differences of the
encoder output, the decoder prediction and the loss.

Example:
    python tools/model_converters/mmmae2hf.py work_dirs/mae/epoch_800.pth vit-mae-base/ \\
        --num-heads 12 --decoder-num-heads 16 --verify
"""
from mmmae.converters import cli


def main(argv=None):
    return cli.main('mmmae2hf', argv, __doc__)


if __name__ == '__main__':
    main()
