"""Frozen encoder features of a dataset, and the k-NN accuracy they give."""
from typing import Optional, Tuple, Union

import torch
from mmengine.dataset import default_collate
from torch.utils.data import DataLoader, Dataset

from mmmae.evaluation import knn_accuracy
from mmmae.registry import DATASETS
from .inference import ConfigLike, config_scope, init_model


@torch.no_grad()
def extract_features(model: torch.nn.Module, dataset: Union[dict, Dataset], feature: str = 'avg',
                     batch_size: int = 256) -> Tuple[torch.Tensor, torch.Tensor]:
    """``[N, D]`` encoder features and ``[N]`` labels of ``dataset`` (a config dict or a dataset).

    ``feature`` is ``'avg'`` (the mean of the patch tokens after the encoder) or ``'cls'``
    (the cls token). ``model`` is an MAE or a classifier whose ``backbone`` is an mmmae ViT,
    of images or of clips (whose encoder has no cls token).
    """
    if feature not in ('avg', 'cls'):
        raise ValueError(f"feature must be 'avg' or 'cls', got {feature!r}")
    encoder = model.backbone
    has_cls = getattr(encoder, 'cls_token', None) is not None
    if feature == 'cls' and not has_cls:
        raise ValueError(f"{type(encoder).__name__} has no cls token: use feature='avg'")
    if isinstance(dataset, dict):
        with config_scope(model.cfg):
            dataset = DATASETS.build(dataset)
    loader = DataLoader(dataset, batch_size=batch_size, collate_fn=default_collate, num_workers=0)
    features, labels = [], []
    for batch in loader:
        data = model.data_preprocessor(batch)
        tokens = encoder.encode(encoder.patch_tokens(data['inputs']))
        patches = tokens[:, 1:] if has_cls else tokens
        features.append(patches.mean(1) if feature == 'avg' else tokens[:, 0])
        labels.append(torch.stack([s.gt_label for s in data['data_samples']]).flatten())
    return torch.cat(features), torch.cat(labels)


def knn_eval(config: ConfigLike, checkpoint: Optional[str] = None, feature: str = 'avg', k: int = 20,
             temperature: float = 0.07, seed: int = 0, cfg_options: Optional[dict] = None) -> float:
    """Top-1 k-NN accuracy (%) of the encoder's features on the config's test split.

    The neighbours are the train split's features, read with the test pipeline (no
    augmentation). Without a checkpoint the encoder is the random init drawn from ``seed``:
    the baseline.
    """
    model = init_model(config, checkpoint, cfg_options=cfg_options, seed=seed)
    test_set = model.cfg.test_dataloader.dataset
    train_set = dict(model.cfg.train_dataloader.dataset, pipeline=test_set.pipeline)
    train_x, train_y = extract_features(model, train_set, feature)
    test_x, test_y = extract_features(model, test_set, feature)
    num_classes = int(max(train_y.max(), test_y.max())) + 1
    return knn_accuracy(train_x, train_y, test_x, test_y, num_classes, k, temperature)
