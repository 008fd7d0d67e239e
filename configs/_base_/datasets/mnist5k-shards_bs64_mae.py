# MNIST-5k training digits as indexed tar shards (docs/shards.md), written with
# python tools/dataset_converters/folder_to_shards.py data/mnist5k data/mnist5k-shards \
#     --ann-file data/mnist5k/meta/train.txt
# The pipeline of mnist5k_bs64_mae.py, its loader replaced by LoadShardImage; the test split
# stays the image folder.
_base_ = ['./mnist5k_bs64_mae.py']

dataset_type = 'TarShardDataset'
data_root = 'data/mnist5k-shards/'  # or an fsspec URL, e.g. 's3://bucket/mnist5k-shards/'

train_pipeline = [dict(type='LoadShardImage'), *_base_.train_pipeline[1:]]

train_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, data_root=data_root,
                 pipeline=train_pipeline))
