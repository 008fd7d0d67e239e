"""The CPU demos' protocols: pretrain on MNIST-5k (or Moving MNIST-5k clips, or ImageNet-like
photo crops), then probe pretrained against random init.

tools/run_demo.py (``make demo``), tools/analysis_tools/demo_benchmarks.py and
det_seg_demo_benchmarks.py run these; the configs are the ones installed with mmmae.
"""
import json
import statistics
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Dict, Iterable, Optional, Sequence

from mmmae.datasets import write_imagenet_like, write_mnist5k, write_moving_mnist5k
from mmmae.engine.hooks import progressive_stages, stage_shares
from .complexity import model_complexity
from .features import knn_eval
from .inference import config_file, load_model_config
from .runs import PathLike, train

PRETRAIN = 'mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'
PROTOCOLS = {
    'linear': 'mae/benchmarks/vit-demo-p4_mae-pre_1xb64-linear-coslr-20e_mnist5k.py',
    'finetune': 'mae/benchmarks/vit-demo-p4_mae-pre_1xb64-coslr-20e_mnist5k.py',
}


@dataclass(frozen=True)
class ProbeDemo:
    """A demo pretraining config, the configs probing its encoder, and the data they read."""
    pretrain: str
    protocols: Dict[str, str]
    data_root: str
    write_data: Callable[[str], Path]
    test_set: str


DEMOS = {
    'mnist5k': ProbeDemo(PRETRAIN, PROTOCOLS, 'data/mnist5k', write_mnist5k,
                         '1,000 held-out MNIST-5k digits'),
    'moving-mnist5k': ProbeDemo(
        'mae/videomae_vit-demo-p4_1xb32-coslr-20e_moving-mnist5k.py',
        {'linear': 'mae/benchmarks/'
                   'videomae_vit-demo-p4_videomae-pre_1xb32-linear-coslr-5e_moving-mnist5k.py'},
        'data/moving_mnist5k', write_moving_mnist5k, '1,000 held-out Moving MNIST-5k clips'),
    'imagenet-like': ProbeDemo(
        'mae/mae_vit-demo-p8_1xb64-coslr-20e_imagenet-like.py',
        {'linear': 'mae/benchmarks/vit-demo-p8_mae-pre_1xb64-linear-coslr-20e_imagenet-like.py'},
        'data/imagenet_like',
        partial(write_imagenet_like, count=2000, held_out=500, crop_width=(0.1, 0.25)),
        '500 held-out ImageNet-like photo crops'),
}
# faster pretraining recipes per demo, compared by recipe_benchmarks.py; 'standard' is the reference
RECIPES = {
    'mnist5k': {
        'standard': PRETRAIN,
        'progressive': 'mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k-progressive.py',
        'crossmae': 'mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k-crossmae.py',
    },
    'imagenet-like': {
        'standard': DEMOS['imagenet-like'].pretrain,
        'progressive': 'mae/mae_vit-demo-p8_1xb64-coslr-20e_imagenet-like-progressive.py',
    },
}
DET_SEG_TASKS = {
    'detection': ('mae/benchmarks/mask-rcnn_vit-demo-p4_mae-pre_1xb8-coslr-1000i_digit-canvas.py',
                  ('coco/bbox_mAP', 'coco/bbox_mAP_50', 'coco/segm_mAP', 'coco/segm_mAP_50')),
    'segmentation': ('mae/benchmarks/upernet_vit-demo-p4_mae-pre_1xb8-poly-3000i_digit-canvas.py',
                     ('mIoU', 'aAcc', 'mAcc')),
}


def data_root_options(data_root: str,
                      loaders: Iterable[str] = ('train_dataloader', 'test_dataloader')) -> dict:
    """``cfg_options`` pointing the loaders' datasets at ``data_root``."""
    return {f'{loader}.dataset.data_root': data_root for loader in loaders}


def backbone_init(checkpoint: Optional[str]) -> dict:
    """``cfg_options`` loading the backbone from ``checkpoint``, or a random init for None."""
    if checkpoint:
        return {'model.backbone.init_cfg.checkpoint': checkpoint}
    return {'model.backbone.init_cfg': None}


def probe(protocol: str, work_dir: PathLike, checkpoint: Optional[str], seed: int,
          data_root: str, demo: str = 'mnist5k') -> float:
    """Train the ``demo``'s ``protocol`` config ('linear' or 'finetune') from ``checkpoint``
    (None: random init) without validation; top-1 (%) on the test split."""
    runner = train(config_file(DEMOS[demo].protocols[protocol]), work_dir, validate=False,
                   cfg_options={'randomness.seed': seed, **backbone_init(checkpoint),
                                **data_root_options(data_root)})
    return float(runner.test()['accuracy/top1'])


def pretrain_and_probe(seed: int, work_root: Path, data_root: str,
                       demo: str = 'mnist5k') -> Dict[str, float]:
    """One seed of a demo benchmark: pretrain, then k-NN and each of the demo's probes (linear,
    fine-tuning) of the pretrained encoder and of a random one."""
    spec = DEMOS[demo]
    pre_dir = Path(work_root) / f'seed{seed}' / 'pretrain'
    train(config_file(spec.pretrain), pre_dir,
          cfg_options={'randomness.seed': seed, **data_root_options(data_root)})
    checkpoint = (pre_dir / 'last_checkpoint').read_text().strip()
    knn_root = data_root_options(data_root)
    results = dict(
        knn_pretrained=knn_eval(config_file(spec.pretrain), checkpoint, seed=seed, cfg_options=knn_root),
        knn_random=knn_eval(config_file(spec.pretrain), None, seed=seed, cfg_options=knn_root))
    for name in spec.protocols:
        for init, ckpt in (('pretrained', checkpoint), ('random', None)):
            results[f'{name}_{init}'] = probe(name, Path(work_root) / f'seed{seed}' / f'{name}_{init}',
                                              ckpt, seed, data_root, demo)
    return results


def final_metrics(work_dir: Path, keys: Sequence[str]) -> Dict[str, float]:
    """The last logged value of each key, from the newest run in ``work_dir`` (a work dir can
    hold an earlier, interrupted run: its timestamped folder sorts first)."""
    found = {}
    for path in sorted(Path(work_dir).glob('*/vis_data/scalars.json')):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            found.update({key: float(record[key]) for key in keys if key in record})
    missing = [key for key in keys if key not in found]
    if missing:
        raise RuntimeError(f'{work_dir} logged no {missing}: did its final validation run?')
    return found


def det_seg_run(task: str, init: str, seed: int, work_root: Path, data_root: str,
                checkpoint: str, cfg_options: Optional[dict] = None) -> Dict[str, float]:
    """Train the demo ``task`` ('detection' or 'segmentation') from the MAE ``checkpoint``
    (``init='pretrained'``) or from a random init, with ``cfg_options`` over its config; its
    final validation metrics."""
    config, keys = DET_SEG_TASKS[task]
    work_dir = Path(work_root) / f'seed{seed}' / f'{task}_{init}'
    options = {**data_root_options(data_root, ('train_dataloader', 'val_dataloader', 'test_dataloader')),
               'randomness.seed': seed,
               **backbone_init(checkpoint if init == 'pretrained' else None)}
    if task == 'detection':  # CocoMetric reads the annotation file itself
        options['val_evaluator.ann_file'] = f'{data_root}/annotations/instances_validation.json'
    train(config_file(config), work_dir, cfg_options={**options, **(cfg_options or {})})
    return final_metrics(work_dir, keys)


def summarise(per_seed: Dict[int, Dict[str, float]]) -> Dict[str, Dict[str, float]]:
    """Mean and (population) standard deviation of each result over the seeds."""
    keys = next(iter(per_seed.values())).keys()
    return {k: dict(mean=statistics.mean(v[k] for v in per_seed.values()),
                    std=statistics.pstdev(v[k] for v in per_seed.values())) for k in keys}


def recipe_flops(config: PathLike) -> float:
    """Forward FLOPs per training image of a pretraining config, averaged over its epochs: at
    each progressive-resolution stage's size for the epochs it trains (see
    ``ProgressiveResolutionHook``), else at the config's size."""
    cfg = load_model_config(config)
    stages = progressive_stages(cfg)
    if not stages:
        return float(model_complexity(cfg)['forward_flops'])
    return sum(share * model_complexity(cfg, size)['forward_flops']
               for size, share in stage_shares(stages, cfg.train_cfg.max_epochs))


def recipe_curve(recipe: str, seed: int, work_root: Path, data_root: str, every: int = 2,
                 demo: str = 'mnist5k') -> Dict[str, object]:
    """Pretrain the ``demo`` with ``recipe`` (a key of ``RECIPES[demo]``), keeping a checkpoint
    every ``every`` epochs; then the k-NN top-1 of each checkpoint with the wall-clock from the
    start of training to its write, and the linear probe of the last. The result is kept as
    ``result.json`` in the run's folder and read back when the run is asked again."""
    work_dir = Path(work_root) / recipe / f'seed{seed}'
    saved = work_dir / 'result.json'
    if saved.is_file():
        return json.loads(saved.read_text())
    config = config_file(RECIPES[demo][recipe])
    start = time.time()
    runner = train(config, work_dir / 'pretrain', cfg_options={
        'randomness.seed': seed, **data_root_options(data_root),
        'default_hooks.checkpoint.interval': every, 'default_hooks.checkpoint.max_keep_ckpts': -1})
    curve = []
    for epoch in range(every, runner.max_epochs + 1, every):
        checkpoint = work_dir / 'pretrain' / f'epoch_{epoch}.pth'
        curve.append(dict(epoch=epoch, seconds=checkpoint.stat().st_mtime - start,
                          knn=knn_eval(config, str(checkpoint), seed=seed,
                                       cfg_options=data_root_options(data_root))))
    result = dict(recipe=recipe, seed=seed, curve=curve,
                  linear=probe('linear', work_dir / 'linear', str(checkpoint), seed, data_root, demo))
    saved.write_text(json.dumps(result, indent=2))
    return result


def time_to_accuracy(runs: Dict[str, Dict[int, dict]], reference: str = 'standard') -> Dict[str, dict]:
    """Per recipe, over the seeds: final k-NN and linear probe, and the wall-clock until a
    checkpoint first reached the final k-NN of the ``reference`` recipe's run of the same seed
    (None where it never did)."""
    table = {}
    for recipe, by_seed in runs.items():
        reached, final, linear = [], [], []
        for seed, run in by_seed.items():
            target = runs[reference][seed]['curve'][-1]['knn']
            reached.append(next((point['seconds'] for point in run['curve'] if point['knn'] >= target),
                                None))
            final.append(run['curve'][-1]['knn'])
            linear.append(run['linear'])
        table[recipe] = dict(
            knn=statistics.mean(final), knn_std=statistics.pstdev(final),
            linear=statistics.mean(linear), linear_std=statistics.pstdev(linear),
            total_seconds=statistics.mean(run['curve'][-1]['seconds'] for run in by_seed.values()),
            seconds_to_reference=None if None in reached else statistics.mean(reached),
            reached=sum(r is not None for r in reached), seeds=len(reached))
    return table
