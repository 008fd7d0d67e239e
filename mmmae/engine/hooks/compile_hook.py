"""``custom_hooks=[dict(type='CompileModelHook', ...)]``: torch.compile of the model's forward."""
import logging

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmmae.registry import HOOKS


@HOOKS.register_module()
class CompileModelHook(Hook):
    """Compile the model (``nn.Module.compile``) before training, validation or testing starts.

    mmengine 0.10.7's own ``compile`` option compiles ``model.train_step`` as a whole, so
    TorchDynamo traces into the optimizer step, which fails on torch 2.14
    (``'UserDefinedDictVariable' object has no attribute 'items'``). Compiling the model's call
    instead covers the whole loss computation (AOTAutograd compiles its backward too) and leaves
    data preprocessing, the optimizer and logging eager. The arguments are ``torch.compile``'s
    (``mode='max-autotune'``, ``options=dict(...)``).
    """

    priority = 'VERY_LOW'  # after the hooks that load or change weights

    def __init__(self, **compile_options) -> None:
        self.compile_options = compile_options
        self.compiled = False

    def _compile(self, runner: Runner) -> None:
        if self.compiled:
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        model.compile(**self.compile_options)
        self.compiled = True
        print_log(f'model compiled with torch.compile({self.compile_options}); the first '
                  'iterations take longer while it compiles', logger='current', level=logging.INFO)

    def before_train(self, runner: Runner) -> None:
        self._compile(runner)

    def before_val(self, runner: Runner) -> None:
        self._compile(runner)

    def before_test(self, runner: Runner) -> None:
        self._compile(runner)
