"""Held-out reconstruction error of an MAE model, for ``tools/test.py``."""
from typing import List, Sequence

from mmengine.evaluator import BaseMetric

from mmmae.registry import METRICS


@METRICS.register_module()
class ReconstructionLoss(BaseMetric):
    """Mean masked-patch reconstruction loss over a test set (lower is better).

    Reads ``reconstruction_loss`` from the DataSamples of ``MAE.predict``. Masks
    are random, so fix ``randomness.seed`` for comparable numbers.
    """

    default_prefix = 'mae'

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append(float(sample['reconstruction_loss']))

    def compute_metrics(self, results: List[float]) -> dict:
        return dict(reconstruction_loss=sum(results) / max(len(results), 1))
