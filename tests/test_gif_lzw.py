"""One GIF image block: the direct route through Pillow's encoder is pinned
to the public route (a whole one-frame GIF saved by Pillow), byte for byte."""

import io
import tempfile
import types

import numpy as np
import pytest
from PIL import Image

from mne_coefanim.io import _gif_lzw
from mne_coefanim.io._gif_lzw import encode_image

TABLE = bytes(range(256)) * 3  # 256 distinct grey-ish colours


def rects(rng):
    """Shapes from one pixel up, few and many colours, runs and noise."""
    for shape in [(1, 1), (1, 9), (7, 1), (13, 17), (64, 300), (301, 5)]:
        for n_colors in (1, 2, 17, 256):
            yield rng.integers(0, n_colors, shape).astype(np.uint8)
    runs = np.repeat(rng.integers(0, 256, (50, 20), dtype=np.uint8), 16, axis=1)
    yield runs
    yield runs[:, 3:-5]  # not contiguous


@pytest.fixture(autouse=True)
def fresh_check():
    """Each test decides anew which route works."""
    _gif_lzw._direct_route_works.cache_clear()
    yield
    _gif_lzw._direct_route_works.cache_clear()


def test_direct_route_is_taken_with_this_pillow():
    # pins the private helper: if a Pillow release changes it, this fails
    # (the package still writes correct files, through the public route)
    assert _gif_lzw._direct_route_works()


@pytest.mark.parametrize("in_memory", [True, False])
def test_direct_and_public_routes_write_the_same_bytes(rng, in_memory):
    with tempfile.TemporaryFile() as scratch:
        scratch = None if in_memory else scratch
        for rect in rects(rng):
            direct = _gif_lzw._encode_direct(rect, 3, 11, scratch)
            public = _gif_lzw._encode_public(rect, 3, 11, TABLE, scratch)
            assert direct == public, rect.shape


def test_block_decodes_to_the_rectangle(rng):
    rect = rng.integers(0, 256, (23, 31)).astype(np.uint8)
    block = encode_image(rect, 0, 0, TABLE)
    header = b"GIF89a" + bytes([31, 0, 23, 0, 0xF7, 0, 0]) + TABLE
    with Image.open(io.BytesIO(header + block + b"\x3b")) as image:
        np.testing.assert_array_equal(np.asarray(image), rect)
    # placed where asked, with no colour table of its own
    assert block[1:10] == bytes([0, 0, 0, 0, 31, 0, 23, 0, 0])


def test_missing_helper_falls_back_to_the_public_route(rng, monkeypatch):
    rect = rng.integers(0, 256, (20, 20)).astype(np.uint8)
    expected = encode_image(rect, 1, 2, TABLE)
    _gif_lzw._direct_route_works.cache_clear()

    # a Pillow without the helper (the public route still has its own)
    monkeypatch.setattr(_gif_lzw, "ImageFile", types.SimpleNamespace())
    assert not _gif_lzw._direct_route_works()
    assert encode_image(rect, 1, 2, TABLE) == expected


def test_different_bytes_fall_back_to_the_public_route(rng, monkeypatch):
    rect = rng.integers(0, 256, (20, 20)).astype(np.uint8)
    expected = encode_image(rect, 1, 2, TABLE)
    _gif_lzw._direct_route_works.cache_clear()
    monkeypatch.setattr(_gif_lzw, "LZW_MIN_CODE_SIZE", 7)  # a changed encoder
    assert not _gif_lzw._direct_route_works()
    assert encode_image(rect, 1, 2, TABLE) == expected
