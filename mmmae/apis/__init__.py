"""What a user calls from Python, and what the command-line tools call.

>>> from mmmae.apis import init_model, reconstruct, knn_eval
>>> model = init_model('configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py', 'epoch_20.pth')
>>> arrays = reconstruct(model, 'photos/', out_dir='recon/')
"""
from mmmae.converters import convert_checkpoint
from .complexity import model_complexity
from .features import extract_features, knn_eval
from .inference import config_file, init_model
from .reconstruction import image_files, reconstruct
from .runs import test, train

__all__ = ['config_file', 'convert_checkpoint', 'extract_features', 'image_files', 'init_model', 'knn_eval',
           'model_complexity', 'reconstruct', 'test', 'train']
