#!/usr/bin/env python
"""k-NN accuracy of frozen MAE encoder features (cosine, k=20, T=0.07 by default).

Features of the train split (with the test pipeline, no augmentation) are the
neighbours of the test split's features. Works with MAE pretraining configs; a
quick check of an encoder without training a probe.

Examples:
    python tools/analysis_tools/knn_eval.py CONFIG work_dirs/x/epoch_20.pth
    python tools/analysis_tools/knn_eval.py CONFIG --random-init   # the baseline
"""
import argparse
from typing import Optional, Tuple

import torch
from mmengine.config import Config
from mmengine.dataset import default_collate
from torch.utils.data import DataLoader

from mmmae.engine import load_model_checkpoint
from mmmae.evaluation import knn_accuracy
from mmmae.registry import DATASETS, MODELS
from mmmae.utils import register_all_modules


@torch.no_grad()
def extract_features(model, dataset_cfg: dict, feature: str = 'avg',
                     batch_size: int = 256) -> Tuple[torch.Tensor, torch.Tensor]:
    """``[N, D]`` features (``'avg'`` of patch tokens or ``'cls'``) and ``[N]`` labels."""
    loader = DataLoader(DATASETS.build(dataset_cfg), batch_size=batch_size,
                        collate_fn=default_collate, num_workers=0)
    encoder = model.backbone
    features, labels = [], []
    for batch in loader:
        data = model.data_preprocessor(batch)
        tokens = encoder.encode(encoder.patch_tokens(data['inputs']))
        features.append(tokens[:, 1:].mean(1) if feature == 'avg' else tokens[:, 0])
        labels.append(torch.stack([s.gt_label for s in data['data_samples']]).flatten())
    return torch.cat(features), torch.cat(labels)


def knn_eval(config: str, checkpoint: Optional[str] = None, feature: str = 'avg', k: int = 20,
             temperature: float = 0.07, seed: int = 0, cfg_options: Optional[dict] = None) -> float:
    """Top-1 k-NN accuracy (%) on the config's test split; random init when no checkpoint."""
    register_all_modules()
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model).eval()
    if checkpoint:
        load_model_checkpoint(model, checkpoint, map_location='cpu')
    test_cfg = cfg.test_dataloader.dataset
    train_cfg = dict(cfg.train_dataloader.dataset, pipeline=test_cfg.pipeline)
    train_x, train_y = extract_features(model, train_cfg, feature)
    test_x, test_y = extract_features(model, test_cfg, feature)
    num_classes = int(max(train_y.max(), test_y.max())) + 1
    return knn_accuracy(train_x, train_y, test_x, test_y, num_classes, k, temperature)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='MAE pretraining config with train and test splits')
    parser.add_argument('checkpoint', nargs='?', help='checkpoint (omit with --random-init)')
    parser.add_argument('--random-init', action='store_true', help='evaluate a random encoder')
    parser.add_argument('--feature', choices=['avg', 'cls'], default='avg',
                        help='mean of patch tokens or the cls token (default: %(default)s)')
    parser.add_argument('--k', type=int, default=20, help='neighbours (default: %(default)s)')
    parser.add_argument('--temperature', type=float, default=0.07, help='vote temperature')
    parser.add_argument('--seed', type=int, default=0, help='seed of the random init')
    args = parser.parse_args(argv)
    if not args.checkpoint and not args.random_init:
        parser.error('give a CHECKPOINT, or --random-init for the random-encoder baseline')
    accuracy = knn_eval(args.config, None if args.random_init else args.checkpoint, args.feature,
                        args.k, args.temperature, args.seed)
    print(f'k-NN top-1 accuracy: {accuracy:.2f} % (k={args.k}, T={args.temperature}, '
          f'{args.feature} features)')


if __name__ == '__main__':
    main()
