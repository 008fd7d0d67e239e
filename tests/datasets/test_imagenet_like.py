"""write_imagenet_like: ImageNet-sized JPEG crops of the photographs, with a held-out split."""
from PIL import Image

from mmmae.datasets import write_imagenet_like


def test_held_out_crops_follow_the_training_ones_and_are_labelled_by_photograph(tmp_path):
    plain = write_imagenet_like(tmp_path / 'plain', 12)
    root = write_imagenet_like(tmp_path / 'split', 12, held_out=6)
    train = (root / 'meta' / 'train.txt').read_text().splitlines()
    held_out = (root / 'meta' / 'val.txt').read_text().splitlines()
    assert not (plain / 'meta' / 'val.txt').exists()
    # the training crops are those of a set without a held-out split
    assert train == (plain / 'meta' / 'train.txt').read_text().splitlines()
    assert (root / 'train' / train[3].split()[0]).read_bytes() == \
        (plain / 'train' / train[3].split()[0]).read_bytes()
    assert [line.split() for line in held_out] == [
        [f'n{i % 10:08d}/{i:06d}.JPEG', str(i % 10)] for i in range(12, 18)]
    with Image.open(root / 'val' / held_out[0].split()[0]) as image:
        assert image.format == 'JPEG' and image.mode == 'RGB' and 400 <= max(image.size) <= 500


def test_a_second_write_is_a_no_op_and_other_settings_rewrite(tmp_path):
    root = write_imagenet_like(tmp_path / 'set', 4, held_out=2)
    stamp = (root / 'meta' / 'val.txt').stat().st_mtime_ns
    write_imagenet_like(root, 4, held_out=2)
    assert (root / 'meta' / 'val.txt').stat().st_mtime_ns == stamp
    narrow = (root / 'train' / 'n00000000' / '000000.JPEG').read_bytes()
    write_imagenet_like(root, 4, held_out=2, crop_width=(0.1, 0.2))
    assert (root / 'train' / 'n00000000' / '000000.JPEG').read_bytes() != narrow
