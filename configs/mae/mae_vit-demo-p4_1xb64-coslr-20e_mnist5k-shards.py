# The CPU demo reading its 4,000 training digits from indexed tar shards (docs/shards.md), written
# in the digits' order by
#   python tools/dataset_converters/folder_to_shards.py data/mnist5k data/mnist5k-shards \
#       --ann-file data/mnist5k/meta/train.txt
# Same samples, order, bytes and augmentations as the folder demo: the same numbers.
_base_ = './mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'

train_pipeline = [dict(type='LoadShardImage'), *_base_.train_pipeline[1:]]
train_dataloader = dict(dataset=dict(_delete_=True, type='TarShardDataset',
                                     data_root='data/mnist5k-shards/', pipeline=train_pipeline))
