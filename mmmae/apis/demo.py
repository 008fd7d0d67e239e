"""The CPU demos' protocols: pretrain on MNIST-5k (or Moving MNIST-5k clips), then probe
pretrained against random init.

tools/run_demo.py (``make demo``), tools/analysis_tools/demo_benchmarks.py and
det_seg_demo_benchmarks.py run these; the configs are the ones installed with mmmae.
"""
import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Optional, Sequence

from mmmae.datasets import write_mnist5k, write_moving_mnist5k
from .features import knn_eval
from .inference import config_file
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
}
DET_SEG_TASKS = {
    'detection': ('mae/benchmarks/mask-rcnn_vit-demo-p4_mae-pre_1xb8-coslr-1000i_digit-canvas.py',
                  ('coco/bbox_mAP', 'coco/bbox_mAP_50', 'coco/segm_mAP', 'coco/segm_mAP_50')),
    'segmentation': ('mae/benchmarks/upernet_vit-demo-p4_mae-pre_1xb8-poly-1000i_digit-canvas.py',
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
                checkpoint: str) -> Dict[str, float]:
    """Train the demo ``task`` ('detection' or 'segmentation') from the MAE ``checkpoint``
    (``init='pretrained'``) or from a random init; its final validation metrics."""
    config, keys = DET_SEG_TASKS[task]
    work_dir = Path(work_root) / f'seed{seed}' / f'{task}_{init}'
    options = {**data_root_options(data_root, ('train_dataloader', 'val_dataloader', 'test_dataloader')),
               'randomness.seed': seed,
               **backbone_init(checkpoint if init == 'pretrained' else None)}
    if task == 'detection':  # CocoMetric reads the annotation file itself
        options['val_evaluator.ann_file'] = f'{data_root}/annotations/instances_validation.json'
    train(config_file(config), work_dir, cfg_options=options)
    return final_metrics(work_dir, keys)


def summarise(per_seed: Dict[int, Dict[str, float]]) -> Dict[str, Dict[str, float]]:
    """Mean and (population) standard deviation of each result over the seeds."""
    keys = next(iter(per_seed.values())).keys()
    return {k: dict(mean=statistics.mean(v[k] for v in per_seed.values()),
                    std=statistics.pstdev(v[k] for v in per_seed.values())) for k in keys}
