# The ViT-B/16 ImageNet MAE config with JPEG decoding, RandomResizedCrop(224, 0.2-1) and the flip
# moved from the data loader workers to the GPU: the workers only read file bytes, and the
# data preprocessor decodes the batch with nvJPEG, crops, resizes (bicubic, antialiased) and
# flips on the GPU. For machines whose CPU cores cannot feed the GPUs (docs/benchmarks.md).
# Without a GPU the same steps run on the CPU.
_base_ = './mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py'

model = dict(
    data_preprocessor=dict(
        _delete_=True,
        type='DeviceDecodePreprocessor',
        crop_size=224,
        scale=(0.2, 1.0),
        flip_prob=0.5,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375]))

train_pipeline = [
    dict(type='LoadImageBytes'),
    dict(type='PackInputs'),
]
# files differ in length: the batch is a list of byte tensors
train_dataloader = dict(
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(pipeline=train_pipeline))
