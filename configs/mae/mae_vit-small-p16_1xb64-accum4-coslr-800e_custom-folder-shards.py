# The custom-folder recipe (ViT-S/16 on your own unlabelled images) read from indexed tar shards
# (docs/shards.md), written by
#   python tools/dataset_converters/folder_to_shards.py /path/to/images data/photos-shards --no-labels
# A damaged member is skipped and counted in the log, as a broken file is in the folder recipe.
_base_ = './mae_vit-small-p16_1xb64-accum4-coslr-800e_custom-folder.py'

train_pipeline = [dict(type='LoadShardImage', on_error='skip'), *_base_.train_pipeline[1:]]
train_dataloader = dict(dataset=dict(_delete_=True, type='TarShardDataset',
                                     data_root='data/photos-shards/', pipeline=train_pipeline))
