# Digit-canvas class maps (tools/dataset_converters/mnist5k_to_det_seg.py writes them): MNIST-5k
# digits pasted on 48x48 canvases, ADE20K-style folders, 11 classes (0 background, digit + 1;
# no reduce_zero_label, so background counts in mIoU), read by MMSegmentation's BaseSegDataset
# and scored by its IoU metric. No augmentation: a flipped digit is another shape.
dataset_type = 'mmseg.BaseSegDataset'
data_root = 'data/digit_canvas'
metainfo = dict(classes=('background', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'))
pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmseg.LoadAnnotations'),  # reduce_zero_label from the dataset (False)
    dict(type='mmseg.PackSegInputs'),
]
dataset = dict(type=dataset_type, data_root=data_root, metainfo=metainfo, img_suffix='.png',
               seg_map_suffix='.png', reduce_zero_label=False, pipeline=pipeline)
train_dataloader = dict(
    batch_size=8, num_workers=2, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**dataset, data_prefix=dict(img_path='images/training',
                                             seg_map_path='annotations/training')))
val_dataloader = dict(
    batch_size=8, num_workers=2, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset, data_prefix=dict(img_path='images/validation',
                                             seg_map_path='annotations/validation')))
test_dataloader = val_dataloader
val_evaluator = dict(type='mmseg.IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
