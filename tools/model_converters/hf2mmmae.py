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
import argparse
import json
import os
from typing import Optional

import torch

from mmmae.models.converters import convert_hf_vitmae
from mmmae.models.converters.checkpoint_io import read_state_dict, write_checkpoint
from mmmae.models.converters.hf_vitmae import compare_with_hf, hf_vitmae_config
from mmmae.models.converters.verify import report

WEIGHT_FILES = ('model.safetensors', 'pytorch_model.bin')


def weights_file(src: str) -> str:
    """``src`` itself, or the weights file in a ``save_pretrained`` folder."""
    if not os.path.isdir(src):
        return src
    for name in WEIGHT_FILES:
        if os.path.isfile(os.path.join(src, name)):
            return os.path.join(src, name)
    raise FileNotFoundError(f'{src} holds none of {WEIGHT_FILES} (sharded checkpoints are not '
                            'supported; merge them first)')


def find_config(src: str, config: Optional[str]) -> Optional[dict]:
    """The Hugging Face config.json given, or the one in or beside ``src``, as a dict."""
    if config is None:
        folder = src if os.path.isdir(src) else os.path.dirname(os.path.abspath(src))
        config = os.path.join(folder, 'config.json')
        if not os.path.isfile(config):
            return None
    with open(config) as f:
        return json.load(f)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0], epilog=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src', help='ViTMAEForPreTraining / ViTMAEModel weights '
                        '(.bin, .pth, .safetensors) or a save_pretrained folder')
    parser.add_argument('dst', help='mmmae checkpoint to write')
    parser.add_argument('--config', help='Hugging Face config.json (default: in or beside SRC)')
    parser.add_argument('--num-heads', type=int, help='encoder attention heads (for --verify '
                        'without config.json)')
    parser.add_argument('--decoder-num-heads', type=int, help='decoder attention heads (idem)')
    parser.add_argument('--verify', action='store_true',
                        help='compare mmmae with Hugging Face on random images and noise')
    args = parser.parse_args(argv)
    path = weights_file(args.src)
    converted = convert_hf_vitmae(read_state_dict(path))
    write_checkpoint(converted, args.dst, meta=dict(converted_from=os.path.abspath(path),
                                                    source='huggingface'))
    decoder = any(k.startswith('neck.') for k in converted)
    print(f'wrote {len(converted)} tensors to {args.dst} '
          + ('(encoder and decoder)' if decoder else '(encoder only)'))
    if args.verify:
        hf = find_config(args.src, args.config) or {}
        num_heads = args.num_heads or hf.get('num_attention_heads')
        decoder_heads = args.decoder_num_heads or hf.get('decoder_num_attention_heads')
        if not num_heads or (decoder and not decoder_heads):
            parser.error('--verify needs the attention heads: give --num-heads '
                         '(and --decoder-num-heads) or a config.json')
        kept = {k: hf[k] for k in ('layer_norm_eps', 'mask_ratio', 'norm_pix_loss') if k in hf}
        if kept.get('layer_norm_eps', 1e-6) != 1e-6:
            print(f'note: the Hugging Face config has layer_norm_eps={kept["layer_norm_eps"]}; '
                  'mmmae uses norm_eps=1e-6 unless the backbone/neck config sets it; '
                  'verifying with the config\'s value on both sides')
        config = hf_vitmae_config(converted, num_heads, decoder_heads, **kept)
        report(compare_with_hf(converted, config), 'huggingface')
    return converted


if __name__ == '__main__':
    torch.set_grad_enabled(False)
    main()
