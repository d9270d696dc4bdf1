"""Probe renders: which output pixels show which map cell, and how much.

The figure is rendered a few times, once, with the per-frame artists hidden:

* a black and a white map: away from the maps, the black render is the
  static picture; on them, the two give how much of the map shows through
  the artists drawn on top (head outline, sensors): ``pixel = a * map + c``;
* images whose colours encode their own (panel, cell) indices, nothing else
  drawn: matplotlib's own resampling, so the mapping is exactly the figure's.

The figure's state (images, visibility, animated flags) is restored after.
"""

from contextlib import contextmanager

import numpy as np

# the codes one index render holds: 24 bits of RGB, 0 kept for the cells
# another render codes
CODES_PER_RENDER = 2**24 - 1
# the R, G and B bytes of an RGBA pixel read as uint32, in either byte order
_RGB_BITS = np.frombuffer(bytes([255, 255, 255, 0]), np.uint32)[0]


def probe(layers, render):
    """Render the map probes once: a black map, a white map, cell indices.

    Away from the maps, the black render is the static picture; on the maps
    it is what the overlays add (``c`` in ``pixel = a * map + c``).
    """
    dynamic = [a for a in layers.dynamic_artists() if a.get_visible()]
    saved = [image.get_array() for image in layers.images]
    # a blitting FuncAnimation marks its artists animated, and a figure draw
    # skips animated artists: draw the images as part of the picture here
    animated = [image.get_animated() for image in layers.images]
    for image in layers.images:
        image.set_animated(False)
    for artist in dynamic:
        artist.set_visible(False)
    try:
        _fill_images(layers, 0)
        renders = {"black": render()}
        # where the map shows, only the map axes matter: the white render
        # leaves out the axes placed away from the maps (colour bar, scores)
        away = _axes_away_from_maps(layers)
        _fill_images(layers, 255)
        with _hidden(away):
            renders["white"] = render()
        renders["index"] = _render_index(layers, render)
        if away and _drew_near_maps(renders, layers):
            # e.g. tick labels reaching a map: white again (the index
            # renders left their codes in the images)
            _fill_images(layers, 255)
            renders["white"] = render()
    finally:
        for artist in dynamic:
            artist.set_visible(True)
        for image, array, was_animated in zip(layers.images, saved, animated,
                                               strict=True):  # fmt: skip
            image.set_data(array)
            image.set_animated(was_animated)
    return renders


def _axes_away_from_maps(layers):
    """Return the axes whose boxes do not meet any map image's box."""
    maps = [image.get_window_extent() for image in layers.images]
    return [
        ax
        for ax in layers.fig.axes
        if ax not in layers.map_axes
        and not any(ax.get_window_extent().overlaps(box) for box in maps)
    ]


def _drew_near_maps(renders, layers, pad=2):
    """Whether the axes left out of the white render drew near a map.

    Off the map cells, the black and white renders differ only where those
    axes drew; near a map, their ink could also cover map pixels.
    """
    index = renders["index"][0]
    # one uint32 per RGBA pixel: compare R, G and B at once
    black, white = (renders[k].view(np.uint32)[..., 0] for k in ("black", "white"))
    height = black.shape[0]
    for image in layers.images:
        box = image.get_window_extent()
        rows = slice(max(height - int(np.ceil(box.y1)) - pad, 0),
                     max(height - int(box.y0) + pad, 0))  # fmt: skip
        cols = slice(max(int(box.x0) - pad, 0), max(int(np.ceil(box.x1)) + pad, 0))
        off_cells = index[rows, cols, 3] == 0  # alike in every index render
        differ = (black[rows, cols] ^ white[rows, cols]) & _RGB_BITS != 0
        if (differ & off_cells).any():
            return True
    return False


def _fill_images(layers, value):
    inside = layers.interp.inside.astype(np.uint8)[..., np.newaxis]
    rgba = np.concatenate([inside * np.uint8(value)] * 3 + [inside * np.uint8(255)],
                          axis=-1)  # fmt: skip
    for image in layers.images:
        image.set_data(rgba)


@contextmanager
def _hidden(artists):
    """Hide the visible ones of ``artists`` for a while."""
    hidden = [a for a in artists if a.get_visible()]
    for artist in hidden:
        artist.set_visible(False)
    try:
        yield
    finally:
        for artist in hidden:
            artist.set_visible(True)


def _render_index(layers, render):
    """Render images whose colours encode (panel, cell); nothing else.

    Each map cell inside the head has one code, ``panel * n_inside + rank``
    (its rank among the inside cells), written in a pixel's 24 bits of RGB as
    ``code - first + 1`` in the render whose codes start at ``first``: one
    render holds ``CODES_PER_RENDER`` codes (one render for 3 panels at the
    largest cubic res, for hundreds at res 256; a 'nearest' map above res
    ~4600 takes two), and the cells whose codes another render holds are
    drawn opaque black (0), so that every render covers the same pixels as
    the figure. Matplotlib's nearest resampling copies colours
    exactly (uint8 to float and back), so each pixel reads its cell's code.

    Returns the list of renders, in the order of their codes.
    """
    # whole subtrees, not every artist: fig.findobj() would make the colour
    # bar's axis create all its ticks (~0.1 s)
    others = [a for a in layers.fig.get_children() if a not in layers.map_axes]
    for ax in layers.map_axes:
        others += [a for a in ax.get_children() if a not in layers.images]
    interp = layers.interp
    inside = interp.inside.ravel()
    n_inside = int(inside.sum())
    n_codes = len(layers.images) * n_inside
    renders = []
    with _hidden(others):
        for first in range(0, max(n_codes, 1), CODES_PER_RENDER):
            for panel, image in enumerate(layers.images):
                code = np.arange(panel * n_inside - first + 1,
                                 (panel + 1) * n_inside - first + 1)  # fmt: skip
                code[(code < 1) | (code > CODES_PER_RENDER)] = 0  # another render's
                colors = np.empty((n_inside, 4), np.uint8)
                for channel in range(3):
                    colors[:, channel] = code >> 8 * channel & 255
                colors[:, 3] = 255
                rgba = np.zeros((interp.res**2, 4), np.uint8)
                rgba[inside] = colors
                image.set_data(rgba.reshape(interp.res, interp.res, 4))
            renders.append(render())
    return renders


def decode_cells(index_renders, interp):
    """Return the flat indices, panels and inside-cell ranks of map pixels.

    ``index_renders`` are the renders of :func:`_render_index`, in order.
    """
    n_inside = int(interp.inside.sum())
    pixels, codes = [], []
    for k, index_render in enumerate(index_renders):
        flat = index_render.reshape(-1, 4)
        code = (flat[:, 0].astype(np.int64) | flat[:, 1].astype(np.int64) << 8
                | flat[:, 2].astype(np.int64) << 16)  # fmt: skip
        shown = np.flatnonzero((flat[:, 3] == 255) & (code > 0))
        pixels.append(shown)
        codes.append(code[shown] - 1 + k * CODES_PER_RENDER)
    pixels, codes = np.concatenate(pixels), np.concatenate(codes)
    if len(index_renders) > 1:  # each pixel shows in one render: in pixel order
        order = np.argsort(pixels)
        pixels, codes = pixels[order], codes[order]
    panel, rank = np.divmod(codes, n_inside)
    return pixels, panel, rank
