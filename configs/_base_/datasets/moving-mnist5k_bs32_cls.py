# Moving MNIST-5k classification splits (see moving-mnist5k_bs32_videomae.py): train on the
# 4,000 training clips, report top-1 on the 1,000 held-out test clips.
_base_ = './moving-mnist5k_bs32_videomae.py'

val_dataloader = {{_base_.test_dataloader}}
val_evaluator = dict(type='Accuracy', topk=(1,))
val_cfg = dict()
test_evaluator = val_evaluator
test_cfg = dict()
