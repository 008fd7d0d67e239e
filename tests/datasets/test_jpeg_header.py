"""jpeg_header: the size and EXIF orientation Pillow reads, for every JPEG kind; None for what is
not a readable JPEG, so the caller decodes it whole and names the problem."""
import io
import struct

import pytest
from PIL import Image

from mmmae.datasets.photo_folder import load_photo
from mmmae.datasets.transforms.jpeg_header import jpeg_header


def encode(image: Image.Image, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, 'JPEG', quality=90, **kwargs)
    return buffer.getvalue()


@pytest.fixture(scope='module')
def photo() -> Image.Image:
    return Image.fromarray(load_photo('chelsea'))  # 451 x 300


@pytest.mark.parametrize('mode, kwargs', [('RGB', {}), ('L', {}), ('CMYK', {}),
                                          ('RGB', dict(progressive=True)), ('RGB', dict(subsampling=0)),
                                          ('RGB', dict(icc_profile=b'\0' * 5000))])
def test_size_is_pillows(photo, mode, kwargs):
    data = encode(photo.convert(mode), **kwargs)
    with Image.open(io.BytesIO(data)) as image:
        assert jpeg_header(data) == (image.height, image.width, 1)


def exif_block(byte_order: str, entries: list) -> bytes:
    """An APP1 EXIF payload: a TIFF header in ``byte_order`` and one IFD of (tag, type, value)
    SHORT/LONG entries, each value held in the entry itself."""
    mark = {'<': b'II', '>': b'MM'}[byte_order]
    ifd = struct.pack(byte_order + 'H', len(entries)) + b''.join(
        struct.pack(byte_order + 'HHI', tag, kind, 1) + (
            struct.pack(byte_order + 'HH', value, 0) if kind == 3 else struct.pack(byte_order + 'I', value))
        for tag, kind, value in entries) + b'\0\0\0\0'
    return b'Exif\0\0' + mark + struct.pack(byte_order + 'HI', 42, 8) + ifd


@pytest.mark.parametrize('orientation', range(1, 9))
@pytest.mark.parametrize('byte_order', ['<', '>'])
def test_orientation_is_pillows_in_either_byte_order(photo, orientation, byte_order):
    # an entry before the orientation, one after
    block = exif_block(byte_order, [(0x0100, 4, 451), (0x0112, 3, orientation), (0x0131, 4, 7)])
    data = encode(photo, exif=block)
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif()[0x0112] == orientation
    assert jpeg_header(data) == (300, 451, orientation)


def test_a_cut_exif_block_is_read_as_unknown_not_upright(photo):
    cut = exif_block('<', [(0x0112, 3, 6)])[:12]  # the IFD offset itself cut
    assert jpeg_header(encode(photo, exif=cut))[2] == 0
    cut = exif_block('>', [(0x0100, 4, 451), (0x0112, 3, 6)])[:30]  # inside the entries
    assert jpeg_header(encode(photo, exif=cut))[2] == 0
    assert jpeg_header(encode(photo, exif=b'Exif\0\0XX*\0\0\0\0\0'))[2] == 0  # no byte order
    no_orientation = exif_block('<', [(0x0100, 4, 451)])
    assert jpeg_header(encode(photo, exif=no_orientation))[2] == 1
    assert jpeg_header(encode(photo, exif=b'Exif\0\0II*\0' + struct.pack('<I', 4000)))[2] == 0


@pytest.mark.parametrize('data', [b'', b'\x89PNG\r\n\x1a\n', b'\xff\xd8', b'\xff\xd8\xff\xe0\x00',
                                  b'\xff\xd8\xff\xda\x00\x04ab', b'\xff\xd8\x00\x00\x00\x00'])
def test_what_is_not_a_readable_jpeg_header_gives_none(data):
    assert jpeg_header(data) is None


def test_a_header_cut_before_the_frame_gives_none(photo):
    data = encode(photo, icc_profile=b'\0' * 5000)
    assert jpeg_header(data[:3000]) is None  # inside the ICC segment
