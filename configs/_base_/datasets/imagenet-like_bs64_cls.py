# Classification on the ImageNet-like set (see imagenet-like_bs64_mae.py): train on the 2,000
# crops, report top-1 (which photograph) on the 500 held-out ones.
_base_ = './imagenet-like_bs64_mae.py'

val_dataloader = {{_base_.test_dataloader}}
val_evaluator = dict(type='Accuracy', topk=(1,))
val_cfg = dict()
test_evaluator = val_evaluator
test_cfg = dict()
