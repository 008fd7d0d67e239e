"""A JPEG's size and EXIF orientation read from its markers, nothing decoded (a few µs; opening
the file with Pillow for the same costs about 40 µs, a tenth of a small crop's loading)."""
import struct
from typing import Optional, Tuple

# start-of-frame markers (baseline, extended, progressive, lossless, arithmetic); not DHT (C4),
# JPG (C8) or DAC (CC), which share the range
SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM and RSTn carry no length
APP1_EXIF = 0xE1
EXIF_ORIENTATION = 0x0112


def exif_orientation(segment: bytes) -> int:
    """The orientation (1-8, 1 = upright) in an APP1 segment's payload: 1 where it is not EXIF
    or names none, 0 where its EXIF block is malformed (so unknown)."""
    if not segment.startswith(b'Exif\0\0'):
        return 1
    tiff = segment[6:]
    order = {b'II': '<', b'MM': '>'}.get(tiff[:2])
    if order is None:
        return 0
    try:
        ifd = struct.unpack_from(order + 'I', tiff, 4)[0]
        for entry in range(ifd + 2, ifd + 2 + 12 * struct.unpack_from(order + 'H', tiff, ifd)[0], 12):
            tag, kind = struct.unpack_from(order + 'HH', tiff, entry)
            if tag == EXIF_ORIENTATION:  # a SHORT, held in the entry itself
                return struct.unpack_from(order + 'H', tiff, entry + 8)[0] if kind == 3 else 0
    except struct.error:  # cut short
        return 0
    return 1


def jpeg_header(data: bytes) -> Optional[Tuple[int, int, int]]:
    """``(height, width, orientation)`` of the JPEG ``data``, read from its frame header and
    its EXIF segment (orientation 1 upright, 0 unreadable); None where ``data`` is not a JPEG
    or its markers end before a frame header (the caller decodes it whole, which names what is
    wrong)."""
    if not data.startswith(b'\xff\xd8'):
        return None
    orientation, position, end = 1, 2, len(data)
    while position + 4 <= end:
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in STANDALONE_MARKERS:
            position += 2
            continue
        length = struct.unpack_from('>H', data, position + 2)[0]
        payload = data[position + 4:position + 2 + length]
        if length < 2 or len(payload) != length - 2:
            return None
        if marker in SOF_MARKERS:
            if len(payload) < 5:
                return None
            height, width = struct.unpack_from('>HH', payload, 1)
            return (height, width, orientation) if height and width else None
        if marker == 0xDA:  # start of scan before any frame header
            return None
        if marker == APP1_EXIF and orientation == 1:
            orientation = exif_orientation(payload)
        position += 2 + length
    return None
