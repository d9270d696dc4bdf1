"""RGB to palette indices: exact for palette colours, near elsewhere."""

import numpy as np
import pytest

from mne_coefanim.compose._compose import PaletteLookup

HEIGHT, WIDTH = 30, 40


def test_palette_lookup_maps_palette_colours_to_themselves(rng):
    # neighbours one level apart share a 5-bit cell; a repeated colour maps
    # to its first index
    palette = np.concatenate(
        [rng.integers(0, 256, (200, 3)), [[10, 10, 10], [11, 10, 10], [10, 10, 10]]]
    ).astype(np.uint8)
    lookup = PaletteLookup(palette)
    indices = lookup(palette)
    assert indices.dtype == np.uint8
    np.testing.assert_array_equal(palette[indices], palette)
    assert list(indices[-3:]) == [200, 201, 200]
    image = palette[rng.integers(0, len(palette), (HEIGHT, WIDTH))]
    np.testing.assert_array_equal(palette[lookup(image)], image)
    rgba = np.concatenate([image, np.zeros((HEIGHT, WIDTH, 1), np.uint8)], -1)
    np.testing.assert_array_equal(lookup(rgba), lookup(image))


def test_palette_lookup_is_near_the_nearest(rng):
    palette = rng.integers(0, 256, (64, 3)).astype(np.uint8)
    pixels = rng.integers(0, 256, (5000, 3)).astype(np.uint8)
    got = PaletteLookup(palette)(pixels)
    distance = np.linalg.norm(
        pixels[:, np.newaxis].astype(float) - palette[np.newaxis], axis=-1
    )
    extra = distance[np.arange(len(pixels)), got] - distance.min(axis=1)
    assert extra.max() <= 2 * np.sqrt(3) * 3.5 + 1e-9
    assert np.mean(extra == 0) > 0.9


def test_palette_lookup_bad_input():
    lookup = PaletteLookup(np.zeros((2, 3), np.uint8))
    with pytest.raises(TypeError, match="rgb must be a uint8 array"):
        lookup(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="rgb must have shape \\(..., 3\\)"):
        lookup(np.zeros((2, 2), np.uint8))
