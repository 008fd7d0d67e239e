"""DeepSpeed ZeRO-2 through MMEngine's DeepSpeedStrategy on 2 gloo CPU ranks: DDP's losses.

deepspeed is optional (requirements/deepspeed.txt: with it installed mmengine imports it with every
runner, about 4 s a command), so this runs only where it is installed; docs/fsdp.md has the
measurement."""
import pytest
from _dist import assert_ok, dist_train, logged_losses
from conftest import DEMO_CONFIG, ROOT

pytest.importorskip('deepspeed', reason='optional: pip install -r requirements/deepspeed.txt')
ZERO2_CONFIG = ROOT / 'configs' / 'mae' / 'mae_vit-demo-p4_2xb32-zero2-coslr-20e_mnist5k.py'


def test_zero2_gives_ddps_losses(tmp_path, mnist_root):
    assert_ok(dist_train(ZERO2_CONFIG, tmp_path / 'zero2', mnist_root, 3, port=29681))
    assert_ok(dist_train(DEMO_CONFIG, tmp_path / 'ddp', mnist_root, 3, port=29683))
    ours, theirs = logged_losses(tmp_path / 'zero2'), logged_losses(tmp_path / 'ddp')
    assert len(ours) == len(theirs) == 12
    for (step, loss), (their_step, their_loss) in zip(ours, theirs):
        assert step == their_step and abs(loss - their_loss) <= 1e-5, (step, loss, their_loss)
