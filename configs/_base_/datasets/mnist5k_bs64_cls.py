# MNIST-5k classification splits (see mnist5k_bs64_mae.py): train on the 4,000 training digits,
# report top-1 on the 1,000 held-out test digits.
_base_ = './mnist5k_bs64_mae.py'

val_dataloader = {{_base_.test_dataloader}}
val_evaluator = dict(type='Accuracy', topk=(1,))
val_cfg = dict()
test_evaluator = val_evaluator
test_cfg = dict()
