"""One GIF image block (descriptor and LZW data), compressed by Pillow.

Pillow's GIF encoder does the LZW compression, through its public API
only, by one of two routes that give the same bytes:

* whole GIF: the rectangle is saved as a one-frame GIF with our palette
  (:meth:`PIL.Image.Image.save`), Pillow's palette is checked to be ours
  (so its indices are ours), and its image block is copied out, placed
  where the rectangle goes in the frame. Into a real file, Pillow's encoder
  releases the GIL while it compresses: the route of the encoder threads;
* LZW data alone: the indices as an ``'L'`` image, through Pillow's ``gif``
  encoder by :meth:`PIL.Image.Image.tobytes` (as ``tobytes('raw', 'L')``
  takes the ``raw`` encoder), in memory: the GIL is held throughout, but
  with a sixth of the whole GIF's Python work per frame (15 us instead of
  80-100 for a small rectangle), the route of a save on one core. Checked
  once per process against the whole GIF; the whole GIF is used instead if
  it fails or differs.
"""

import functools
import io
import struct

import numpy as np
from PIL import Image


def encode_image(rect, left, top, table, scratch=None):
    """Return the image descriptor and LZW data of ``rect`` as bytes.

    Parameters
    ----------
    rect : array, shape (height, width), dtype uint8
        The palette indices of the rectangle.
    left, top : int
        Where the rectangle goes in the frame, in pixels.
    table : bytes
        The global colour table (768 bytes); the block has no table of its
        own, so the indices are into this one.
    scratch : file object | None
        A real file, opened ``'w+b'``, that Pillow writes to and that is
        read back: on a file descriptor Pillow's encoder releases the GIL
        while it compresses (into memory it holds it), so another thread
        can work meanwhile. None: in memory.

    Returns
    -------
    block : bytes
        The image descriptor and its LZW sub-blocks.
    """
    if scratch is None and _lzw_route_works():
        return _encode_lzw(rect, left, top)
    return _encode_gif(rect, left, top, table, scratch)


LZW_MIN_CODE_SIZE = 8  # what Pillow writes for every palette image


def _encode_lzw(rect, left, top):
    """:func:`encode_image` by Pillow's ``gif`` encoder alone, in memory."""
    height, width = rect.shape
    rect = np.ascontiguousarray(rect)
    image = Image.frombuffer("L", (width, height), rect, "raw", "L", 0, 1)
    data = image.tobytes("gif", "L")  # sub-blocks, without the terminator
    descriptor = struct.pack("<HHHHB", left, top, width, height, 0)
    return b"\x2c" + descriptor + bytes([LZW_MIN_CODE_SIZE]) + data + b"\0"


@functools.cache  # a pure answer: two threads computing it at once agree
def _lzw_route_works():
    """Whether the LZW route gives the whole GIF's bytes (once a process)."""
    rng = np.random.default_rng(0)
    # long runs and noise: the encoder's table fills, resets and grows codes
    rect = np.repeat(rng.integers(0, 256, (40, 30), dtype=np.uint8), 3, axis=1)
    rect[::3] = 7
    table = bytes(range(256)) * 3
    try:
        lzw = _encode_lzw(rect, 5, 9)
    except Exception:  # noqa: BLE001 - e.g. Pillow changed its encoder's arguments
        return False
    return lzw == _encode_gif(rect, 5, 9, table)


def _encode_gif(rect, left, top, table, scratch=None):
    """:func:`encode_image` through a whole one-frame GIF saved by Pillow."""
    height, width = rect.shape
    image = Image.frombytes("P", (width, height), np.ascontiguousarray(rect))
    image.putpalette(table)
    if scratch is None:
        buffer = io.BytesIO()
        image.save(buffer, format="GIF", optimize=False, interlace=False)
        data = buffer.getbuffer()
    else:
        scratch.seek(0)  # no truncate: what follows this GIF is not read
        image.save(scratch, format="GIF", optimize=False, interlace=False)
        size = scratch.tell()
        scratch.seek(0)
        data = memoryview(scratch.read(size))
    with data:
        pos = _skip_to_image(data, table, rect)
        if struct.unpack_from("<HH", data, pos + 5) != (width, height):
            raise RuntimeError("Pillow wrote a GIF frame of an unexpected size.")
        flags = data[pos + 9]
        pos += 10
        if flags & 0x80:  # a local colour table: drop it once checked
            n_bytes = 3 << ((flags & 0x07) + 1)
            _check_pillow_table(data[pos : pos + n_bytes], table, rect)
            pos += n_bytes
        end = _skip_sub_blocks(data, pos + 1)  # after the LZW minimum code size
        # keep only the interlace flag: no local table, no sort flag
        descriptor = struct.pack("<HHHHB", left, top, width, height, flags & 0x40)
        return b"\x2c" + descriptor + bytes(data[pos:end])


def _skip_to_image(data, table, rect):
    """Return the offset of the image descriptor in a GIF written by Pillow."""
    if bytes(data[:3]) != b"GIF":
        raise RuntimeError("Pillow did not write a GIF.")
    flags = data[10]
    pos = 13
    if flags & 0x80:
        n_bytes = 3 << ((flags & 0x07) + 1)
        _check_pillow_table(data[pos : pos + n_bytes], table, rect)
        pos += n_bytes
    while data[pos] == 0x21:  # extension: introducer, label, sub-blocks
        pos = _skip_sub_blocks(data, pos + 2)
    if data[pos] != 0x2C:
        raise RuntimeError("Pillow wrote a GIF without an image descriptor.")
    return pos


def _skip_sub_blocks(data, pos):
    """Return the offset just after the sub-blocks starting at ``pos``."""
    while data[pos]:
        pos += data[pos] + 1
    return pos + 1  # the 0x00 terminator


def _check_pillow_table(written, table, rect):
    """Make sure Pillow kept our palette, so its indices are ours.

    Pillow may shorten the table to fewer bits; the indices are then still
    ours if the shortened table is a prefix of our palette.
    """
    written = bytes(written)
    shortened = len(written) < len(table)
    if written != table[: len(written)] or (
        shortened and int(rect.max()) >= len(written) // 3
    ):
        raise RuntimeError(
            "Pillow changed the palette while encoding a GIF frame; the colours "
            "would be wrong. Please report this with your Pillow version."
        )
