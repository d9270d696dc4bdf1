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
            renders["white"] = render()  # e.g. tick labels reaching a map
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
    black, white, index = renders["black"], renders["white"], renders["index"]
    height = black.shape[0]
    for image in layers.images:
        box = image.get_window_extent()
        rows = slice(max(height - int(np.ceil(box.y1)) - pad, 0),
                     max(height - int(box.y0) + pad, 0))  # fmt: skip
        cols = slice(max(int(box.x0) - pad, 0), max(int(np.ceil(box.x1)) + pad, 0))
        off_cells = index[rows, cols, 3] == 0
        differ = (black[rows, cols, :3] != white[rows, cols, :3]).any(axis=-1)
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
    """Render images whose colours encode (panel, cell); nothing else."""
    # whole subtrees, not every artist: fig.findobj() would make the colour
    # bar's axis create all its ticks (~0.1 s)
    others = [a for a in layers.fig.get_children() if a not in layers.map_axes]
    for ax in layers.map_axes:
        others += [a for a in ax.get_children() if a not in layers.images]
    res = layers.interp.res
    cells = np.arange(res * res)
    with _hidden(others):
        for panel, image in enumerate(layers.images):
            rgba = np.zeros((res * res, 4), np.uint8)
            rgba[:, 0] = cells & 255
            rgba[:, 1] = (cells >> 8) & 255
            rgba[:, 2] = 1 + 4 * panel + (cells >> 16)
            rgba[:, 3] = 255
            rgba[~layers.interp.inside.ravel(), 3] = 0
            image.set_data(rgba.reshape(res, res, 4))
        return render()


def decode_cells(index_render, interp):
    """Return the flat indices, panels and inside-cell ranks of map pixels."""
    flat = index_render.reshape(-1, 4)
    pixels = np.flatnonzero((flat[:, 3] == 255) & (flat[:, 2] > 0))
    red, green, blue = (flat[pixels, i].astype(np.int64) for i in range(3))
    panel = (blue - 1) // 4
    grid_cell = red | green << 8 | ((blue - 1) % 4) << 16
    valid = grid_cell < interp.res**2
    inside = interp.inside.ravel()
    valid[valid] = inside[grid_cell[valid]]
    rank = np.cumsum(inside) - 1
    return pixels[valid], panel[valid], rank[grid_cell[valid]]
