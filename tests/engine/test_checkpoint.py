"""Safe loading: mmengine's own checkpoints load with weights_only, code never runs."""
import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import _load_checkpoint

from mmmae.engine import CheckpointLoadError, load_checkpoint_file, load_model_checkpoint


def test_runner_style_checkpoint_loads_safely(tmp_path):
    buffer = HistoryBuffer()
    buffer.update(1.5)
    path = tmp_path / 'epoch_1.pth'
    torch.save(dict(meta=dict(seed=np.int64(3), epoch=1, cfg='x'),
                    state_dict={'w': torch.ones(2)},
                    message_hub=dict(log_scalars={'train/loss': buffer},
                                     runtime_info={'hist': np.arange(3.0)})), path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)  # what mmengine 0.10.7 does on torch >= 2.6
    checkpoint = load_checkpoint_file(path)
    assert checkpoint['message_hub']['log_scalars']['train/loss'].current() == 1.5
    # mmengine's own loader is left alone: it still refuses, and mmmae reads such files itself
    with pytest.raises(pickle.UnpicklingError):
        _load_checkpoint(str(path))
    model = torch.nn.Module()
    model.w = torch.nn.Parameter(torch.zeros(2))
    load_model_checkpoint(model, str(path), strict=True)
    assert torch.equal(model.w.data, torch.ones(2))


class _RunsCode:
    def __reduce__(self):
        return (os.system, ('echo pwned > /dev/null',))


def test_a_pickle_that_would_run_code_is_refused_with_the_way_out(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'payload': _RunsCode()}, path)
    with pytest.raises(CheckpointLoadError, match=r'refusing to load .*evil\.pth.*If you trust'):
        load_checkpoint_file(path)


def test_getattr_is_only_allowed_for_history_buffer_statistics(tmp_path):
    class Sneaky:
        def __reduce__(self):
            return (getattr, (HistoryBuffer, '__init__'))  # allowed class, forbidden attribute
    path = tmp_path / 'sneaky.pth'
    torch.save({'x': Sneaky()}, path)
    with pytest.raises(CheckpointLoadError, match='refusing'):
        load_checkpoint_file(path)


def test_truncated_and_missing_files_are_named(tmp_path):
    path = tmp_path / 'cut.pth'
    torch.save({'state_dict': {'w': torch.randn(1000)}}, path)
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(CheckpointLoadError, match=r'cut\.pth is truncated or corrupt'):
        load_checkpoint_file(path)
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        load_checkpoint_file(tmp_path / 'nope.pth')
