"""The one palette of all frames: RGB to palette indices, and blending."""

import threading

import numpy as np
from PIL import Image
from scipy.spatial import cKDTree

from .._checks import check_uint8


class PaletteLookup:
    """Map RGB images to indices into ``palette`` (uint8, n_colors x 3), lazily.

    Palette colours map to themselves (their first index); any other pixel to
    the colour nearest its cell's centre (5 bits per channel), at most about
    12 RGB levels farther than its exact nearest.
    """

    def __init__(self, palette):
        self.palette = palette  # the compositor's own
        # duplicates removed first, so that a repeated colour maps to its
        # first index whatever order the tree returns ties in
        colors, first = np.unique(self.palette, axis=0, return_index=True)
        self._tree = cKDTree(colors.astype(np.float64))
        self._first = first.astype(np.uint8)
        # the nearest colour to each cell's centre, filled in as cells are
        # first met (-1: not yet): most images touch few of the 32³ cells
        self._coarse = np.full(32**3, -1, np.int16)
        self._filling = threading.Lock()  # frames may be composed on threads
        packed = packed_rgb(colors)
        order = np.argsort(packed)
        self._keys, self._key_index = packed[order], self._first[order]

    def _coarse_of(self, cells):
        """Nearest palette index to each cell's centre, computing new cells."""
        found = self._coarse[cells]
        if (found < 0).any():
            with self._filling:
                new = np.unique(cells[found < 0])
                cell = np.column_stack([new >> 10, new >> 5 & 31, new & 31])
                self._coarse[new] = self._first[self._tree.query(cell * 8 + 3.5)[1]]
            found = self._coarse[cells]
        return found.astype(np.uint8)

    def __call__(self, rgb):
        """Return the palette index of each RGB(A) uint8 pixel (alpha ignored)."""
        rgb = check_uint8("rgb", np.asarray(rgb))
        if rgb.ndim < 1 or rgb.shape[-1] not in (3, 4):
            raise ValueError(
                f"rgb must have shape (..., 3) or (..., 4); got shape {rgb.shape}."
            )
        # uint16: wider types make this several times slower
        red, green, blue = (rgb[..., i].astype(np.uint16) for i in range(3))
        nearest = self._coarse_of((red >> 3) << 10 | (green >> 3) << 5 | blue >> 3)
        packed = packed_rgb(rgb)  # exact matches first
        where = np.minimum(np.searchsorted(self._keys, packed), len(self._keys) - 1)
        exact = self._keys[where] == packed
        return np.where(exact, self._key_index[where], nearest)

    def __repr__(self):
        return f"<PaletteLookup | {len(self.palette)} colours>"


def packed_rgb(rgb):
    """One int per RGB(A) pixel: ``r << 16 | g << 8 | b``."""
    red, green, blue = (rgb[..., i].astype(np.uint32) for i in range(3))
    return red << 16 | green << 8 | blue


def blended(rgba, under, lookup):
    """Palette indices of straight-alpha colours over indexed pixels."""
    rgba = rgba.astype(np.float32)
    alpha = rgba[:, 3:] / 255.0
    return lookup(to_uint8(alpha * rgba[:, :3] + (1 - alpha) * lookup.palette[under]))


def chrome_colors(colors, inverse, n_max):
    """Return ``(chrome, fits)``: at most ``n_max`` colours for the static pixels.

    All of them when they fit, else a weighted median cut, white and black kept.
    """
    rgb = unpacked_rgb(colors)
    if len(rgb) <= n_max:
        return rgb, True
    counts = np.bincount(inverse, minlength=len(rgb))
    sample = np.repeat(rgb, np.minimum(counts, 64), axis=0)
    image = Image.fromarray(sample[np.newaxis])
    quantized = image.quantize(n_max - 2, method=Image.Quantize.MEDIANCUT)
    palette = np.array(quantized.getpalette()[: 3 * (n_max - 2)], np.uint8)
    return np.concatenate([[[255, 255, 255], [0, 0, 0]], palette.reshape(-1, 3)]), False


def blend_colors(blends, weights, lookup, n_max, far=12.0, share=0.05):
    """Return at most ``n_max`` colours for the ``blends`` far from the palette.

    ``blends``: uint8 RGB, each with its weight (pixels). None are returned
    when less than ``share`` of the weight lies farther than ``far`` RGB
    levels from its palette colour (e.g. a diverging map's blends with white:
    its own lighter levels); else a weighted median cut of the far ones.
    """
    distance = np.linalg.norm(lookup.palette[lookup(blends)].astype(np.float32)
                              - blends, axis=-1)  # fmt: skip
    poor = distance > far
    if n_max < 1 or weights[poor].sum() <= share * weights.sum():
        return np.zeros((0, 3), np.uint8)
    sample = np.repeat(blends[poor], np.minimum(weights[poor], 8), axis=0)
    sample = sample[:: len(sample) // 4096 + 1]  # plenty for a median cut
    quantized = Image.fromarray(sample[np.newaxis]).quantize(
        n_max, method=Image.Quantize.MEDIANCUT)  # fmt: skip
    n_used = len(np.unique(np.asarray(quantized)))
    return np.array(quantized.getpalette()[: 3 * n_used], np.uint8).reshape(-1, 3)


def unpacked_rgb(packed):
    """RGB uint8 pixels from packed ints (:func:`packed_rgb` undone)."""
    rgb = np.column_stack([packed >> 16, packed >> 8 & 255, packed & 255])
    return rgb.astype(np.uint8)


def to_uint8(rgb):
    """Round and clip to uint8."""
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def indexed_sprite(sprite, static_index, lookup):
    """Blend a character's picture onto the static picture, as indices."""
    rows, cols, picture = sprite
    indices = static_index[rows, cols].copy()
    ink = picture[..., 3] > 0
    indices[ink] = blended(picture[ink], indices[ink], lookup)
    return rows, cols, ink, indices
