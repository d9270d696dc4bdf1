"""Pictures of the score cursor and the mask markers, drawn once for all frames.

Drawing a cursor or the markers with matplotlib for every frame costs about
a millisecond a frame, ten times the rest of composing it. Both change in a
way known in advance: the cursor only moves, and each channel's marker is
on or off. So their pixels are drawn once, before the frames:

* the cursor at every frame's position, many positions per render (one line
  of NaN-separated segments, far enough apart not to share pixels);
* every channel's marker, in a few renders of markers whose boxes do not
  meet, each cut out by its box (only when no two markers' pixels meet: a
  marker is then the same pixels alone as in any set of markers).

A frame then blends the stored pixels, exactly as it blended the artists
drawn alone: the frames are byte for byte the same.
"""

import numpy as np

MAX_SEGMENTS = 40  # per render: 3 vertices each stays under Agg's 128-vertex
# path simplification, so the segments are drawn as they are drawn alone
MARGIN = 3  # pixels around a stroke's width that antialiasing may touch
MARKER_MARGIN = 2  # pixels around a marker's radius (snapping, antialiasing)


class Ink:
    """Drawn pixels by key: flat indices into the frame and a value each.

    The value is the pixel's RGBA as drawn; the frame compositor replaces it
    by the pixel's row in its blend table.
    """

    def __init__(self, pixels, values, keys):
        self.pixels, self.values, self.keys = pixels, values, keys

    def select(self, wanted):
        """Return (pixels, values) of the keys where ``wanted[key]`` is true."""
        chosen = wanted[self.keys]
        return self.pixels[chosen], self.values[chosen]


def cursor_ink(cursor, positions, canvas, shape):
    """Every frame's cursor pixels, or None if the cursor is not one vertical line.

    Parameters
    ----------
    cursor : matplotlib.lines.Line2D
        An ``axvline``: x in data, y in axes coordinates.
    positions : array, shape (n_frames,)
        The cursor's x (data units) in each frame.
    canvas : FigureCanvasAgg
        The canvas at the output dpi; drawn on (cleared), then left cleared.
    shape : tuple of int
        The frame's (height, width).

    Returns
    -------
    ink : list of tuple
        Per frame, ``(pixels, rgba)``.
    """
    x_data, y_data = cursor.get_data()
    if len(x_data) != 2 or x_data[0] != x_data[1]:
        return None
    transform = cursor.get_transform()
    ys = np.asarray(y_data, float)
    points = np.column_stack([positions, np.full(len(positions), ys[0])])
    x_px = transform.transform(points)[:, 0]
    half = int(np.ceil(cursor.get_linewidth() * canvas.figure.dpi / 72)) + MARGIN
    renderer = canvas.get_renderer()
    ink = [None] * len(positions)
    try:
        for group in _spaced_groups(x_px, 2 * half + 2):
            xs = np.repeat(np.asarray(positions)[group], 3)
            xs[2::3] = np.nan
            cursor.set_data(xs, np.tile([ys[0], ys[1], np.nan], len(group)))
            renderer.clear()
            cursor.draw(renderer)
            layer = np.asarray(renderer.buffer_rgba())
            for k in group:
                left = max(int(np.floor(x_px[k])) - half, 0)
                right = min(int(np.ceil(x_px[k])) + half + 1, shape[1])
                ink[k] = _drawn(layer, slice(0, shape[0]), slice(left, right), shape)
    finally:
        cursor.set_data(x_data, y_data)
        renderer.clear()
    return ink


def marker_ink(line, positions, canvas, shape):
    """Each channel's marker pixels, or None if two markers' pixels meet.

    The markers are drawn in a few renders, each of channels whose boxes
    do not meet, and cut out by their boxes.

    Parameters
    ----------
    line : matplotlib.lines.Line2D
        The mask markers of one panel (no line between them).
    positions : array, shape (n_channels, 2)
        The channels' positions (data units).
    canvas, shape
        As in :func:`cursor_ink`.

    Returns
    -------
    ink : Ink | None
        The drawn pixels, keyed by channel.
    """
    dpi = canvas.figure.dpi
    # the edge is stroked on the marker's outline: half of it lies outside
    radius = (line.get_markersize() + line.get_markeredgewidth()) / 2 * dpi / 72
    half = int(np.ceil(radius)) + MARKER_MARGIN
    centres = line.get_transform().transform(positions)
    x_data, y_data = line.get_data()
    renderer = canvas.get_renderer()
    pixels, rgba, keys = [None] * len(centres), [None] * len(centres), []
    try:
        for group in _apart(centres, 2 * half + 1):
            line.set_data(*np.asarray(positions)[group].T)
            renderer.clear()
            line.draw(renderer)
            layer = np.asarray(renderer.buffer_rgba())
            for channel in group:
                x, row = centres[channel, 0], shape[0] - centres[channel, 1]
                rows = slice(max(int(np.floor(row)) - half, 0),
                             min(int(np.ceil(row)) + half + 1, shape[0]))  # fmt: skip
                cols = slice(max(int(np.floor(x)) - half, 0),
                             min(int(np.ceil(x)) + half + 1, shape[1]))  # fmt: skip
                pixels[channel], rgba[channel] = _drawn(layer, rows, cols, shape)
    finally:
        line.set_data(x_data, y_data)
        renderer.clear()
    keys = np.repeat(np.arange(len(centres)), [len(p) for p in pixels])
    pixels = np.concatenate(pixels)
    if len(np.unique(pixels)) < len(pixels):  # two markers share pixels
        return None
    return Ink(pixels, np.concatenate(rgba), keys)


def _apart(centres, size):
    """Group the points so that no two boxes of ``size`` px in a group meet."""
    groups, members = [], []
    for k, centre in enumerate(centres):
        for group, points in zip(groups, members, strict=True):
            if (np.abs(np.asarray(points) - centre) >= size).any(axis=1).all():
                group.append(k)
                points.append(centre)
                break
        else:
            groups.append([k])
            members.append([centre])
    return groups


def _drawn(layer, rows, cols, shape):
    """Flat frame indices and RGBA of the drawn pixels in a box of ``layer``."""
    box = layer[rows, cols]
    r, c = np.nonzero(box[..., 3])
    rgba = box[r, c].copy()
    return (r + rows.start) * shape[1] + (c + cols.start), rgba


def _spaced_groups(x_px, gap):
    """Split frame indices into groups whose positions are ``gap`` px apart.

    In order of position, every m-th frame goes to the same group, with the
    smallest m that keeps each group's neighbours ``gap`` apart; groups are
    then cut to at most :data:`MAX_SEGMENTS`.
    """
    order = np.argsort(x_px, kind="stable")
    ordered = x_px[order]
    n = len(order)
    m = 1
    while m < n and (ordered[m:] - ordered[:-m]).min() < gap:
        m += 1
    groups = []
    for start in range(m):
        members = order[start::m]
        groups += [
            members[i : i + MAX_SEGMENTS] for i in range(0, len(members), MAX_SEGMENTS)
        ]
    return groups
