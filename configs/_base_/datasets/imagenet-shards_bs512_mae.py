# ImageNet-1k train split as indexed tar shards (docs/shards.md), written with
# python tools/dataset_converters/folder_to_shards.py data/imagenet/train data/imagenet-shards \
#     --ann-file data/imagenet/meta/train.txt
# The pipeline of imagenet_bs512_mae.py, its loader replaced by LoadShardImage (a bad sample
# stops the run naming shard, member and fix; on_error='skip' skips and counts it).
_base_ = ['./imagenet_bs512_mae.py']

dataset_type = 'TarShardDataset'
data_root = 'data/imagenet-shards/'  # or an fsspec URL, e.g. 's3://bucket/imagenet-shards/'

train_pipeline = [dict(type='LoadShardImage', on_error='stop'), *_base_.train_pipeline[1:]]

train_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 pipeline=train_pipeline))
