"""Reconstruction pictures of fixed held-out images during pretraining, so a user sees the model learn."""
import os.path as osp
from typing import Optional

import torch
from mmengine.dataset import default_collate
from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from mmmae.registry import DATASETS, HOOKS
from mmmae.visualization import reconstruction_grid, save_reconstruction_grid


@HOOKS.register_module()
class ReconstructionHook(Hook):
    """Every ``interval`` epochs (or iterations), reconstruct the first ``num_images`` images
    of ``dataset`` (default: the config's test, else val, else training data set) with fixed
    masks. ``pipeline`` replaces the data set's pipeline: give a deterministic one (resize,
    centre crop) when the images come from the training set, whose augmentation is random.

    Writes ``work_dir/reconstructions/epoch_N.png`` (rows: original / masked /
    reconstruction / reconstruction + visible) and sends the picture to the
    visualizer's backends (TensorBoard, W&B, ...) as ``reconstruction``. The masks come
    from a generator of their own (``seed``), so training's random streams are untouched
    and a resumed run stays exact. Runs on rank 0 only.
    """

    priority = 'LOW'

    def __init__(self, interval: int = 1, num_images: int = 8, by_epoch: bool = True,
                 dataset: Optional[dict] = None, pipeline: Optional[list] = None, seed: int = 0,
                 scale: int = 1) -> None:
        self.interval, self.num_images, self.by_epoch = interval, num_images, by_epoch
        self.dataset_cfg, self.pipeline, self.seed, self.scale = dataset, pipeline, seed, scale
        self._batch = None

    def _held_out_batch(self, runner) -> dict:
        """The fixed images, read once at the first picture."""
        if self._batch is not None:
            return self._batch
        cfg = self.dataset_cfg
        for loader in ('test_dataloader', 'val_dataloader', 'train_dataloader'):
            if cfg is None and runner.cfg.get(loader):
                cfg = runner.cfg[loader]['dataset']
        if cfg is None:
            raise ValueError('ReconstructionHook needs images: give it dataset=dict(...) or define '
                             'test_dataloader / val_dataloader / train_dataloader in the config')
        if self.pipeline is not None:
            cfg = dict(cfg, pipeline=self.pipeline)
        dataset = DATASETS.build(cfg)
        self._batch = default_collate([dataset[i] for i in range(min(self.num_images, len(dataset)))])
        return self._batch

    def after_train_epoch(self, runner) -> None:
        if self.by_epoch and self.every_n_epochs(runner, self.interval):
            self._draw(runner, f'epoch_{runner.epoch + 1}', runner.epoch + 1)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if not self.by_epoch and self.every_n_train_iters(runner, self.interval):
            self._draw(runner, f'iter_{runner.iter + 1}', runner.iter + 1)

    @torch.no_grad()
    def _draw(self, runner, name: str, step: int) -> None:
        if not is_main_process():
            return
        model = getattr(runner.model, 'module', runner.model)
        images = model.data_preprocessor(self._held_out_batch(runner))['inputs']
        noise = torch.rand(images.shape[0], *model.backbone.noise_shape,
                           generator=torch.Generator().manual_seed(self.seed)).to(images.device)
        was_training = model.training
        model.eval()
        outputs = model.reconstruct(images, noise)
        model.train(was_training)
        path = save_reconstruction_grid(outputs, osp.join(runner.work_dir, 'reconstructions',
                                                          f'{name}.png'), scale=self.scale)
        runner.visualizer.add_image('reconstruction', reconstruction_grid(outputs, scale=self.scale),
                                    step=step)
        runner.logger.info(f'reconstructions of {images.shape[0]} held-out images: {path} '
                           f'(masked-patch loss {outputs["loss"].mean():.4f})')
