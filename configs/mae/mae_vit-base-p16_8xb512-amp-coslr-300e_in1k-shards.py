# ViT-B/16 MAE pretraining on ImageNet-1k read from indexed tar shards (docs/shards.md): a few
# hundred large files instead of 1.28 M small ones, local or behind an fsspec URL
# (--cfg-options train_dataloader.dataset.data_root=s3://bucket/imagenet-shards/). Written by
#   python tools/dataset_converters/folder_to_shards.py data/imagenet/train data/imagenet-shards \
#       --ann-file data/imagenet/meta/train.txt
_base_ = './mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py'

train_pipeline = [dict(type='LoadShardImage', on_error='stop'), *_base_.train_pipeline[1:]]
train_dataloader = dict(dataset=dict(_delete_=True, type='TarShardDataset',
                                     data_root='data/imagenet-shards/', pipeline=train_pipeline))
