"""The error every converter raises for keys it does not know."""
from typing import Iterable

# what the converters out of mmmae that take classifiers too expect
MMMAE_MODEL = 'an mmmae MAE pretraining or MAEViTEncoder classification state dict'


def unknown_keys_error(keys: Iterable[str], expected: str) -> ValueError:
    """How many keys are not understood, the first five, and the kind of checkpoint the converter
    takes (``expected``, e.g. ``'a timm/official MAE ViT state dict'``)."""
    keys = list(keys)
    return ValueError(f'{len(keys)} keys are not understood (first: {keys[:5]}); expected '
                      f'{expected}: is this the right kind of checkpoint for this converter?')
