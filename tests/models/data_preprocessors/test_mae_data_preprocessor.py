import pytest
import torch

from mmmae.models.data_preprocessors import MAEDataPreprocessor


def test_bgr_to_rgb_then_normalise():
    pre = MAEDataPreprocessor(mean=[10.0, 20.0, 30.0], std=[2.0, 4.0, 5.0])
    bgr = torch.stack([torch.full((4, 4), v, dtype=torch.uint8) for v in (50, 60, 70)])
    out = pre(dict(inputs=[bgr, bgr], data_samples=None))['inputs']
    assert out.shape == (2, 3, 4, 4) and out.dtype == torch.float32
    # RGB = BGR reversed (70, 60, 50), then ((70 - 10) / 2, (60 - 20) / 4, (50 - 30) / 5)
    torch.testing.assert_close(out[0, :, 0, 0], torch.tensor([30.0, 10.0, 4.0]))


def test_stacked_batch_and_grayscale_are_accepted():
    pre = MAEDataPreprocessor()
    gray = torch.randint(0, 255, (2, 1, 8, 8), dtype=torch.uint8)
    out = pre(dict(inputs=gray))['inputs']
    assert out.shape == (2, 3, 8, 8)
    denorm = pre.denormalize(out)
    torch.testing.assert_close(denorm[:, 0], gray[:, 0].float(), atol=1e-3, rtol=0)


def test_four_channels_are_a_clear_error():
    with pytest.raises(ValueError, match='convert RGBA/CMYK images to RGB'):
        MAEDataPreprocessor()(dict(inputs=[torch.zeros(4, 8, 8, dtype=torch.uint8)]))
