"""``compile = True`` / ``compile = dict(...)`` in a config: torch.compile of the model's forward."""
import logging

import torch
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner


def compile_model_forward(runner: Runner) -> bool:
    """Take the config's ``compile`` option from the runner and compile the model's forward.

    mmengine 0.10.7 compiles ``model.train_step`` as a whole, so TorchDynamo traces into the
    optimizer step, which fails on torch 2.14 (``'UserDefinedDictVariable' object has no
    attribute 'items'``). Compiling ``forward`` instead covers the whole loss computation
    (AOTAutograd compiles its backward too) and leaves data preprocessing, the optimizer and
    logging eager. ``compile`` takes ``torch.compile``'s keyword arguments
    (``dict(mode='max-autotune')``); ``True`` means the defaults. True if compiled.
    """
    options = runner.cfg.pop('compile', None)  # so that mmengine's Runner.train skips its own
    if options is None or options is False:
        return False
    if options is True:
        options = {}
    if not isinstance(options, dict):
        raise TypeError(f'compile must be True, False or a dict of torch.compile arguments, '
                        f'got {options!r}')
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    model.forward = torch.compile(model.forward, **options)
    print_log(f'model forward compiled with torch.compile({dict(options)}); the first '
              'iterations take longer while it compiles', logger='current', level=logging.INFO)
    return True
