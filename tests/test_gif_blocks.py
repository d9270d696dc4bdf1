"""One GIF image block, compressed by Pillow through its public API
(``Image.save``): the block decodes to the rectangle, in memory and through
a scratch file alike."""

import io
import tempfile

import numpy as np
import pytest
from PIL import Image

from mne_coefanim.io import _gif
from mne_coefanim.io._gif import encode_image

TABLE = bytes(range(256)) * 3  # 256 distinct grey-ish colours


def rects(rng):
    """Shapes from one pixel up, few and many colours, runs and noise."""
    for shape in [(1, 1), (1, 9), (7, 1), (13, 17), (64, 300), (301, 5)]:
        for n_colors in (1, 2, 17, 256):
            yield rng.integers(0, n_colors, shape).astype(np.uint8)
    runs = np.repeat(rng.integers(0, 256, (50, 20), dtype=np.uint8), 16, axis=1)
    yield runs
    yield runs[:, 3:-5]  # not contiguous


def decode(block, width, height):
    """The pixels of ``block`` in a GIF of one frame ``width`` x ``height``."""
    screen = bytes([width & 255, width >> 8, height & 255, height >> 8, 0xF7, 0, 0])
    with Image.open(io.BytesIO(b"GIF89a" + screen + TABLE + block + b"\x3b")) as im:
        return np.asarray(im)


def test_blocks_decode_to_the_rectangles_in_memory_and_through_a_file(rng):
    with tempfile.TemporaryFile() as scratch:
        for rect in rects(rng):
            block = encode_image(rect, 0, 0, TABLE)
            assert encode_image(rect, 0, 0, TABLE, scratch) == block, rect.shape
            height, width = rect.shape
            np.testing.assert_array_equal(decode(block, width, height), rect)
            # the LZW minimum code size Pillow writes for palette images
            assert block[10] == 8


def test_block_is_placed_where_asked_without_a_table_of_its_own(rng):
    rect = rng.integers(0, 256, (23, 31)).astype(np.uint8)
    block = encode_image(rect, 300, 2, TABLE)
    # descriptor: left 300, top 2, width 31, height 23, no local table
    assert block[:10] == bytes([0x2C, 44, 1, 2, 0, 31, 0, 23, 0, 0])
    assert block[10:] == encode_image(rect, 0, 0, TABLE)[10:]
    frame = np.zeros((30, 340), np.uint8)
    frame[2:25, 300:331] = rect
    screen = bytes([340 & 255, 340 >> 8, 30, 0, 0xF7, 0, 0])
    first = encode_image(np.zeros((30, 340), np.uint8), 0, 0, TABLE)
    gif = b"GIF89a" + screen + TABLE + first + block + b"\x3b"
    with Image.open(io.BytesIO(gif)) as image:
        image.seek(1)
        colors = np.frombuffer(TABLE, np.uint8).reshape(256, 3)
        np.testing.assert_array_equal(np.asarray(image.convert("RGB")), colors[frame])


def test_a_scratch_file_with_older_content_is_read_only_up_to_the_new_gif(rng):
    small = rng.integers(0, 4, (3, 5)).astype(np.uint8)
    big = rng.integers(0, 256, (90, 70)).astype(np.uint8)
    with tempfile.TemporaryFile() as scratch:
        encode_image(big, 0, 0, TABLE, scratch)  # leaves a longer file behind
        assert encode_image(small, 0, 0, TABLE, scratch) == encode_image(
            small, 0, 0, TABLE
        )


def test_a_palette_changed_by_pillow_is_refused():
    rect = np.array([[0, 5]], np.uint8)
    with pytest.raises(RuntimeError, match="changed the palette"):
        _gif._check_pillow_table(TABLE[:6][::-1], TABLE, rect)
    # a shortened table is fine while the indices fit in it
    _gif._check_pillow_table(TABLE[:48], TABLE, rect)
    with pytest.raises(RuntimeError, match="changed the palette"):
        _gif._check_pillow_table(TABLE[:12], TABLE, rect)
