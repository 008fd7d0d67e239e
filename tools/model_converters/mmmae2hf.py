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
import argparse
from pathlib import Path

import torch

from mmmae.engine.atomic_io import atomic_write
from mmmae.models.converters import convert_to_hf_vitmae
from mmmae.models.converters.checkpoint_io import read_state_dict
from mmmae.models.converters.hf_vitmae import compare_with_hf, hf_vitmae_config
from mmmae.models.converters.verify import report

try:
    from safetensors.torch import save_file
except ImportError:  # only pytorch_model.bin then
    save_file = None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0], epilog=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src', help='mmmae MAE checkpoint (.pth or .safetensors)')
    parser.add_argument('dst_dir', help='folder to write the Hugging Face model into')
    parser.add_argument('--num-heads', type=int, required=True, help='encoder attention heads')
    parser.add_argument('--decoder-num-heads', type=int,
                        help='decoder attention heads (needed when the checkpoint has a decoder)')
    parser.add_argument('--mask-ratio', type=float, default=0.75,
                        help='mask_ratio of the config (default: 0.75)')
    parser.add_argument('--no-norm-pix-loss', action='store_true',
                        help='the model was trained with MAEPixelHead(norm_pix=False)')
    parser.add_argument('--verify', action='store_true',
                        help='compare mmmae with the written model on random images and noise')
    args = parser.parse_args(argv)
    state = read_state_dict(args.src)
    hf_state = convert_to_hf_vitmae(state)
    try:
        config = hf_vitmae_config(state, args.num_heads, args.decoder_num_heads,
                                  mask_ratio=args.mask_ratio,
                                  norm_pix_loss=not args.no_norm_pix_loss)
    except ValueError as err:
        parser.error(str(err))
    dst = Path(args.dst_dir)
    dst.mkdir(parents=True, exist_ok=True)
    hf_state = {k: v.contiguous() for k, v in hf_state.items()}
    atomic_write(dst / 'pytorch_model.bin', lambda p: torch.save(hf_state, p))
    if save_file is not None:
        atomic_write(dst / 'model.safetensors',
                         lambda p: save_file(hf_state, p, metadata={'format': 'pt'}))
    atomic_write(dst / 'config.json',
                     lambda p: Path(p).write_text(config.to_json_string()))
    arch = config.architectures[0]
    print(f'wrote {len(hf_state)} tensors and config.json to {dst}; load with\n'
          f'  from transformers import {arch}\n'
          f"  model = {arch}.from_pretrained('{dst}')")
    if args.verify:
        import transformers
        model, info = getattr(transformers, arch).from_pretrained(str(dst),
                                                                 output_loading_info=True)
        if info['missing_keys'] or info['unexpected_keys'] or info['mismatched_keys']:
            raise SystemExit(f'verification failed: from_pretrained reports {info}')
        report(compare_with_hf(state, config, hf_model=model), 'huggingface')
    return config


if __name__ == '__main__':
    torch.set_grad_enabled(False)
    main()
