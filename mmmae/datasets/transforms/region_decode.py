"""Decode one region of a JPEG, optionally 2, 4 or 8 times smaller, with libjpeg-turbo's
TurboJPEG 3 API (``tj3SetScalingFactor`` + ``tj3SetCroppingRegion``).

Only the rows of the region are inverse-transformed and colour-converted (the rows above are
entropy-decoded and skipped, the rows below never read) and only the iMCU columns it covers.
The pixels are those of OpenCV's whole (reduced) decode at the same place, bit for bit: both
run libjpeg-turbo's accurate integer IDCT and fancy upsampling, and one iMCU of margin on each
side keeps the upsampler's neighbours at the region's edges.

The library is the ``libturbojpeg`` bundled in the ``turbojpeg`` wheel (or a system one of
libjpeg-turbo 3), called through ctypes. Where neither loads, :func:`decode_region` returns
None and the caller decodes with OpenCV: the same pixels, slower.
"""
import ctypes
import ctypes.util
import functools
import threading
from importlib import metadata
from pathlib import Path
from typing import Optional, Tuple

import numpy as np

TJINIT_DECOMPRESS = 1
TJPARAM_SUBSAMP, TJPARAM_JPEGWIDTH, TJPARAM_JPEGHEIGHT = 4, 5, 6
TJPF_BGR = 1
# iMCU width in pixels by TJSAMP_* (444, 422, 420, GRAY, 440, 411, 441): a cropping region's
# left edge must be a multiple of it, scaled
IMCU_WIDTHS = (8, 16, 16, 8, 8, 32, 8)


class _Scaling(ctypes.Structure):
    _fields_ = [('num', ctypes.c_int), ('denom', ctypes.c_int)]


class _Region(ctypes.Structure):
    _fields_ = [('x', ctypes.c_int), ('y', ctypes.c_int), ('w', ctypes.c_int), ('h', ctypes.c_int)]


def _library_candidates() -> list:
    """Paths of libturbojpeg to try: the ``turbojpeg`` wheel's bundled copy, then the system's."""
    candidates = []
    try:
        files = metadata.distribution('turbojpeg').files or []
        candidates += [str(Path(file.locate())) for file in files if 'libturbojpeg' in file.name]
    except metadata.PackageNotFoundError:
        pass
    system = ctypes.util.find_library('turbojpeg')
    return candidates + ([system] if system else [])


@functools.lru_cache(maxsize=None)
def turbojpeg_library() -> Optional[ctypes.CDLL]:
    """The first libturbojpeg with the TurboJPEG 3 cropping API, its signatures declared."""
    for path in _library_candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        if not hasattr(lib, 'tj3SetCroppingRegion'):  # libjpeg-turbo < 3
            continue
        handle, buffer, size = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
        lib.tj3Init.restype, lib.tj3Init.argtypes = handle, [ctypes.c_int]
        lib.tj3Destroy.restype, lib.tj3Destroy.argtypes = None, [handle]
        lib.tj3DecompressHeader.argtypes = [handle, buffer, size]
        lib.tj3Get.argtypes = [handle, ctypes.c_int]
        lib.tj3SetScalingFactor.argtypes = [handle, _Scaling]
        lib.tj3SetCroppingRegion.argtypes = [handle, _Region]
        lib.tj3Decompress8.argtypes = [handle, buffer, size, ctypes.c_void_p, ctypes.c_int,
                                       ctypes.c_int]
        return lib
    return None


class _Decompressor:
    """One TurboJPEG decompression handle (handles are not shared between threads)."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib, self.handle = lib, lib.tj3Init(TJINIT_DECOMPRESS)

    def __del__(self) -> None:
        if self.handle:
            self.lib.tj3Destroy(self.handle)

    def decode(self, data: bytes, box: Tuple[int, int, int, int], factor: int,
               size: Tuple[int, int]) -> Optional[np.ndarray]:
        lib, handle = self.lib, self.handle
        if not handle or lib.tj3DecompressHeader(handle, data, len(data)) != 0:
            return None
        if (lib.tj3Get(handle, TJPARAM_JPEGHEIGHT), lib.tj3Get(handle, TJPARAM_JPEGWIDTH)) != size:
            return None  # the caller's header reading disagrees: let OpenCV decide
        subsampling = lib.tj3Get(handle, TJPARAM_SUBSAMP)
        if not 0 <= subsampling < len(IMCU_WIDTHS):
            return None
        top, left, bottom, right = box
        imcu = max(IMCU_WIDTHS[subsampling] // factor, 1)
        scaled_w = -(-size[1] // factor)
        x0, x1 = max(left - left % imcu - imcu, 0), min(right + imcu, scaled_w)
        pixels = np.empty((bottom - top, x1 - x0, 3), np.uint8)
        if (lib.tj3SetScalingFactor(handle, _Scaling(1, factor)) != 0
                or lib.tj3SetCroppingRegion(handle, _Region(x0, top, x1 - x0, bottom - top)) != 0
                or lib.tj3Decompress8(handle, data, len(data), pixels.ctypes.data, 0, TJPF_BGR) != 0):
            return None  # corrupt data, a CMYK file, a warning: OpenCV's decode names or takes it
        return pixels[:, left - x0:right - x0]


_LOCAL = threading.local()  # a decompressor per thread


def decode_region(data: bytes, box: Tuple[int, int, int, int], factor: int,
                  size: Tuple[int, int]) -> Optional[np.ndarray]:
    """BGR pixels ``[bottom - top, right - left, 3]`` of the JPEG ``data`` of ``size`` ``(h, w)``
    decoded ``factor`` (1, 2, 4 or 8) times smaller, at ``box = (top, left, bottom, right)`` in
    the reduced image's pixels; None where no libturbojpeg loads or it refuses the file."""
    lib = turbojpeg_library()
    if lib is None:
        return None
    decompressor = getattr(_LOCAL, 'decompressor', None)
    if decompressor is None:
        decompressor = _LOCAL.decompressor = _Decompressor(lib)
    return decompressor.decode(data, box, factor, size)
