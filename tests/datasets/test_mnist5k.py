import numpy as np
from PIL import Image

from mmmae.datasets import load_mnist5k, write_mnist5k


def test_fixed_split_of_real_digits(mnist_root):
    train = (mnist_root / 'meta' / 'train.txt').read_text().splitlines()
    test = (mnist_root / 'meta' / 'test.txt').read_text().splitlines()
    assert len(train) == 4000 and len(test) == 1000
    train_files = {line.split()[0] for line in train}
    assert not train_files & {line.split()[0] for line in test}
    labels = [int(line.split()[1]) for line in train]
    assert set(labels) == set(range(10)) and min(np.bincount(labels)) > 300
    path, label = test[0].split()
    assert path.startswith(f'test/{label}/')
    image = np.asarray(Image.open(mnist_root / path))
    images, all_labels = load_mnist5k()
    index = int(path.split('/')[-1].split('.')[0])
    assert np.array_equal(image, images[index]) and all_labels[index] == int(label)


def test_second_write_is_a_no_op(mnist_root):
    stamp = (mnist_root / 'meta' / 'test.txt').stat().st_mtime_ns
    write_mnist5k(mnist_root)
    assert (mnist_root / 'meta' / 'test.txt').stat().st_mtime_ns == stamp
