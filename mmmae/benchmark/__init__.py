"""Benchmarks of MAE pretraining: the training step of mmmae against its peers (:mod:`.step`),
the memory a step keeps (:mod:`.memory`), the input pipelines (:mod:`.pipeline`), and the
one-command GPU check that runs them all (:mod:`.gpu_check`).

Each mode is a function over a small options dataclass, called by
``tools/analysis_tools/benchmark_pretrain.py`` and ``tools/gpu_check.sh``.
"""
