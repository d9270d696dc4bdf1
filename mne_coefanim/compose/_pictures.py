"""What matplotlib draws: the compositor's pictures, and the reference frames.

Drawn once, before any frame (see :mod:`._compose`): the map probes
(:func:`probe`), each (slot, character) of the time label
(:func:`label_sprites`), the cursor at every frame's place and every
channel's marker (:func:`cursor_ink`, :func:`marker_ink`), each drawn alone.
The reference (:func:`drawn_frames`) draws every frame whole, as MNE's
``_topomap_animation`` does; composed frames must equal it.
"""

from contextlib import contextmanager
from itertools import pairwise

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox

from .._checks import check_dpi, check_frame_size, frame_shape

MAX_SEGMENTS = 40  # per render: 3 vertices each stays under Agg's 128-vertex
# path simplification, so the segments are drawn as they are drawn alone
MARGIN = 3  # pixels around a stroke's width that antialiasing may touch
MARKER_MARGIN = 2  # pixels around a marker's radius (snapping, antialiasing)
# the codes one index render holds: 24 bits of RGB, 0 kept for the cells
# another render codes
CODES_PER_RENDER = 2**24 - 1


def probe(layers, render):
    """Render the map probes once: a black map, a white map, cell indices.

    The black render is the static picture, and on the maps ``c`` in
    ``pixel = a * map + c``; ``a`` is less than 1 under the other artists and
    on the map's antialiased edge (its clip). ``'reach'``: where a map may show.
    """
    saved = [image.get_array() for image in layers.images]
    try:  # the images drawn as part of the picture, though animated
        with (switched_off(layers.images, "animated"),
              switched_off(layers.dynamic_artists(), "visible")):  # fmt: skip
            _fill_images(layers, 0)
            renders = {"black": render()}
            # where the map shows, only the map axes matter: the white render
            # leaves out the axes placed away from the maps (colour bar, scores)
            away = _axes_away_from_maps(layers)
            _fill_images(layers, 255)
            with switched_off(away, "visible"):
                renders["white"] = render()
            renders["reach"], renders["index"] = _render_index(layers, render)
            if away and _drew_near_maps(renders, layers):
                # e.g. tick labels reaching a map: white again (the index
                # renders left their codes in the images)
                _fill_images(layers, 255)
                renders["white"] = render()
    finally:
        for image, array in zip(layers.images, saved, strict=True):
            image.set_data(array)
    return renders


def _axes_away_from_maps(layers):
    """Return the axes whose boxes do not meet any map image's box."""
    maps = [image.get_window_extent() for image in layers.images]
    return [ax for ax in layers.fig.axes if ax not in layers.map_axes and not any(
        ax.get_window_extent().overlaps(box) for box in maps)]  # fmt: skip


def _drew_near_maps(renders, layers, pad=2):
    """Whether the axes left out of the white render drew near a map (off its cells)."""
    reach, black, white = renders["reach"], renders["black"], renders["white"]
    for image in layers.images:
        rows, cols = pixel_box(image.get_window_extent(), black.shape, pad)
        off_cells = reach[rows, cols, 3] == 0
        differ = (black[rows, cols, :3] != white[rows, cols, :3]).any(axis=-1)
        if (differ & off_cells).any():
            return True
    return False


def _fill_images(layers, value):
    """Fill the maps with ``value`` in R, G and B (their clip leaves the head)."""
    res = layers.interp.res
    rgba = np.full((res, res, 4), 255, np.uint8)
    rgba[..., :3] = value
    for image in layers.images:
        image.set_data(rgba)


@contextmanager
def switched_off(artists, prop):
    """Set ``prop`` ('visible', 'animated') False for a while where it is True.

    A blitting animation marks its artists animated, which a plain draw skips.
    """
    on = [a for a in artists if getattr(a, f"get_{prop}")()]
    for artist in on:
        getattr(artist, f"set_{prop}")(False)
    try:
        yield
    finally:
        for artist in on:
            getattr(artist, f"set_{prop}")(True)


def _render_index(layers, render):
    """Render the maps' reach, then images whose colours encode (panel, cell).

    The reach: opaque maps in their clip, alone (alpha > 0: a map may show).
    Cell code ``panel * res**2 + cell`` (every cell: the clip's edge shows some
    outside the head) is ``code - first + 1`` in 24 bits of RGB in the render
    whose codes start at ``first``, drawn unclipped; other renders' cells are
    opaque black (0). Nearest resampling copies colours exactly.
    """
    # whole subtrees, not every artist: fig.findobj() would make the colour
    # bar's axis create all its ticks (~0.1 s)
    others = [a for a in layers.fig.get_children() if a not in layers.map_axes]
    for ax in layers.map_axes:
        others += [a for a in ax.get_children() if a not in layers.images]
    res = layers.interp.res
    n_cells = res * res
    n_codes = len(layers.images) * n_cells
    renders = []
    clips = [image.get_clip_path() for image in layers.images]
    with switched_off(others, "visible"):
        _fill_images(layers, 255)
        reach = render()
        try:
            for image in layers.images:
                image.set_clip_path(None)
            for first in range(0, n_codes, CODES_PER_RENDER):
                for panel, image in enumerate(layers.images):
                    code = np.arange(panel * n_cells - first + 1,
                                     (panel + 1) * n_cells - first + 1)  # fmt: skip
                    code[(code < 1) | (code > CODES_PER_RENDER)] = 0  # another's
                    rgba = code.astype("<u4").view(np.uint8).reshape(res, res, 4)
                    rgba[..., 3] = 255  # R, G, B hold the code
                    image.set_data(rgba)
                renders.append(render())
        finally:
            for image, clip in zip(layers.images, clips, strict=True):
                image.set_clip_path(clip)
    return reach, renders


def decode_raw_cells(index_renders, interp, reach=None):
    """Return the flat indices, panels and cells (raveled) of map pixels."""
    n_cells = interp.res**2
    pixels, codes = [], []
    for k, index_render in enumerate(index_renders):
        flat = index_render.reshape(-1, 4)
        code = (flat.view("<u4")[:, 0] & 0xFFFFFF).astype(np.int64)  # R, G, B
        shown = (flat[:, 3] == 255) & (code > 0)
        if reach is not None:
            shown &= reach.reshape(-1, 4)[:, 3] > 0
        shown = np.flatnonzero(shown)
        pixels.append(shown)
        codes.append(code[shown] - 1 + k * CODES_PER_RENDER)
    pixels, codes = np.concatenate(pixels), np.concatenate(codes)
    if len(index_renders) > 1:  # each pixel shows in one render: in pixel order
        order = np.argsort(pixels)
        pixels, codes = pixels[order], codes[order]
    panel, cell = np.divmod(codes, n_cells)
    return pixels, panel, cell


# -- the cursor and the markers -----------------------------------------------


class Ink:
    """Drawn pixels by key: flat frame indices, a value each (RGBA, or a table row)."""

    def __init__(self, pixels, values, keys):
        self.pixels, self.values, self.keys = pixels, values, keys

    def select(self, wanted):
        """Return (pixels, values) of the keys where ``wanted[key]`` is true."""
        chosen = wanted[self.keys]
        return self.pixels[chosen], self.values[chosen]


def cursor_ink(cursor, positions, canvas, shape):
    """Every frame's cursor ``(pixels, rgba)``, or None if not one vertical line."""
    x_data, y_data = cursor.get_data()
    if len(x_data) != 2 or x_data[0] != x_data[1]:
        return None
    ys = np.asarray(y_data, float)
    points = np.column_stack([positions, np.full(len(positions), ys[0])])
    x_px = cursor.get_transform().transform(points)[:, 0]
    half = int(np.ceil(cursor.get_linewidth() * canvas.figure.dpi / 72)) + MARGIN

    def show(group):  # one segment per frame, NaN between them
        xs = np.repeat(np.asarray(positions)[group], 3)
        xs[2::3] = np.nan
        cursor.set_data(xs, np.tile([ys[0], ys[1], np.nan], len(group)))

    cut = _cut_out(cursor, _spaced_groups(x_px, 2 * half + 2), show, canvas, shape,
                   lambda k: (slice(0, shape[0]), _around(x_px[k], half, shape[1])))
    return [cut[k] for k in range(len(positions))]


def marker_ink(line, positions, canvas, shape):
    """Each channel's marker pixels (an :class:`Ink`), or None if two meet.

    Drawn in a few renders of channels whose boxes do not meet, and cut out.
    """
    # the edge is stroked on the marker's outline: half of it lies outside
    radius = (line.get_markersize() + line.get_markeredgewidth()) / 2
    half = int(np.ceil(radius * canvas.figure.dpi / 72)) + MARKER_MARGIN
    centres = line.get_transform().transform(positions)
    rows, cols = shape[0] - centres[:, 1], centres[:, 0]
    cut = _cut_out(line, _apart(centres, 2 * half + 1),
                   lambda group: line.set_data(*np.asarray(positions)[group].T),
                   canvas, shape, lambda k: (_around(rows[k], half, shape[0]),
                                             _around(cols[k], half, shape[1])))
    pixels, rgba = zip(*(cut[k] for k in range(len(centres))), strict=True)
    keys = np.repeat(np.arange(len(centres)), [len(p) for p in pixels])
    pixels = np.concatenate(pixels)
    if len(np.unique(pixels)) < len(pixels):  # two markers share pixels
        return None
    return Ink(pixels, np.concatenate(rgba), keys)


def _cut_out(artist, groups, show, canvas, shape, box):
    """Draw ``artist`` alone per group; return ``{k: (pixels, rgba)}`` of each box."""
    data, renderer, cut = artist.get_data(), canvas.get_renderer(), {}
    try:
        for group in groups:
            show(group)
            renderer.clear()
            artist.draw(renderer)
            layer = np.asarray(renderer.buffer_rgba())
            for k in group:  # flat frame indices and RGBA of the drawn pixels
                rows, cols = box(k)
                r, c = np.nonzero(layer[rows, cols, 3])
                pixels = (r + rows.start) * shape[1] + (c + cols.start)
                cut[k] = pixels, layer[rows, cols][r, c].copy()
    finally:
        artist.set_data(*data)
        renderer.clear()
    return cut


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


def pixel_box(box, shape, pad=0):
    """Return the (rows, cols) slices of a display box (y up), padded, in ``shape``."""
    height, width = shape[:2]
    rows = (height - int(np.ceil(box.y1)) - pad, height - int(box.y0) + pad)
    cols = (int(box.x0) - pad, int(np.ceil(box.x1)) + pad)
    return tuple(slice(*(min(max(end, 0), size) for end in ends))
                 for ends, size in ((rows, height), (cols, width)))  # fmt: skip


def _around(centre, half, size):
    """Return the slice of ``half`` pixels either side of ``centre`` in ``size``."""
    return slice(max(int(np.floor(centre)) - half, 0),
                 min(int(np.ceil(centre)) + half + 1, size))  # fmt: skip


def _spaced_groups(x_px, gap):
    """Split frame indices into groups whose positions are ``gap`` px apart.

    Every m-th frame by position, the smallest such m; at most
    :data:`MAX_SEGMENTS` a group.
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


# -- the time label's characters ---------------------------------------------


def label_sprites(label, texts, canvas):
    """Return ``{(slot, char): (rows, cols, rgba)}``, each drawn once, alone."""
    renderer = canvas.get_renderer()
    needed = {(slot, char) for text in texts
              for slot, char in enumerate(text.rjust(label.width))
              if not char.isspace()}  # fmt: skip
    slots = label.slot_texts()
    sprites = {}
    # search each picture only near the label (not the whole canvas)
    ends = [slots[0], slots[-1]]  # one box shifted slot by slot: these span all
    for artist in ends:
        artist.set_text("8")
    box = Bbox.union([s.get_window_extent(renderer) for s in ends]).padded(8)
    near = pixel_box(box, (int(renderer.height), int(renderer.width)))
    top, left = near[0].start, near[1].start
    for slot, char in sorted(needed):
        artist = slots[slot]
        artist.set_text(char)
        renderer.clear()
        artist.draw(renderer)
        layer = np.asarray(renderer.buffer_rgba())
        ys, xs = np.nonzero(layer[near][..., 3])
        if not ys.size:
            continue
        rows = slice(top + ys.min(), top + ys.max() + 1)
        cols = slice(left + xs.min(), left + xs.max() + 1)
        sprites[slot, char] = (rows, cols, layer[rows, cols].copy())
    return sprites


def slots_overlap(sprites):
    """Whether pictures in different slots may share pixels (their columns meet)."""
    spans = {}  # per slot, the columns its pictures may take
    for (slot, _), (_, cols, _) in sprites.items():
        low, high = spans.get(slot, (cols.start, cols.stop))
        spans[slot] = (min(low, cols.start), max(high, cols.stop))
    ordered = [spans[slot] for slot in sorted(spans)]
    return any(a[1] > b[0] for a, b in pairwise(ordered))


def union_box(boxes):
    """Return the (rows, cols) slices covering all boxes."""
    if not boxes:
        return slice(0, 0), slice(0, 0)
    return (
        slice(min(b[0].start for b in boxes), max(b[0].stop for b in boxes)),
        slice(min(b[1].start for b in boxes), max(b[1].stop for b in boxes)),
    )


def paste(box, sprites):
    """Composite sprites (alpha over, in order) into one RGBA picture of ``box``."""
    rows, cols = box
    shape = (rows.stop - rows.start, cols.stop - cols.start)
    premultiplied = np.zeros((*shape, 3), np.float32)
    alpha = np.zeros((*shape, 1), np.float32)
    for sprite_rows, sprite_cols, picture in sprites:
        where = (
            slice(sprite_rows.start - rows.start, sprite_rows.stop - rows.start),
            slice(sprite_cols.start - cols.start, sprite_cols.stop - cols.start),
        )
        a = picture[..., 3:] / np.float32(255)
        premultiplied[where] = picture[..., :3] * a + premultiplied[where] * (1 - a)
        alpha[where] = a + alpha[where] * (1 - a)
    rgb = np.divide(premultiplied, alpha, out=np.zeros_like(premultiplied),
                    where=alpha > 0)  # fmt: skip
    return np.concatenate([rgb, alpha * 255], axis=-1).round().astype(np.uint8)


def map_coverage(white, black, pixels):
    """How much of the map shows at ``pixels``: RGB sums, white minus black."""
    # a pixel's four bytes gathered as one int: 10x faster than (n, 3) rows
    white, black = (_rgb_sum(rgba.reshape(-1, 4).view("<u4")[pixels, 0])
                    for rgba in (white, black))  # fmt: skip
    return (white - black) / (3 * 255.0)


def _rgb_sum(packed):
    """R + G + B (int32) of RGBA pixels packed little-endian (R the lowest byte)."""
    total = (packed & 255) + (packed >> 8 & 255) + (packed >> 16 & 255)
    return total.astype(np.int32)


# -- the reference: every frame drawn whole by matplotlib ----------------------


def drawn_frames(fig, show, n_frames, dpi, *, restore):
    """Return a generator of the frames drawn whole by matplotlib, as RGB uint8.

    ``show(index)`` sets frame ``index``'s artists and returns those it
    changed; ``restore()`` runs at the end (also on errors). ``dpi`` is checked
    before any drawing.
    """
    dpi = check_dpi(dpi)
    check_frame_size(frame_shape(fig.get_size_inches(), dpi), dpi)  # Agg's limit
    return _drawn(fig, show, n_frames, dpi, restore)


def _drawn(fig, show, n_frames, dpi, restore):
    """Yield the frames of :func:`drawn_frames`."""
    try:
        with agg_canvas(fig, dpi) as canvas:
            for index in range(n_frames):
                draw_whole(canvas, show(index))
                yield np.asarray(canvas.buffer_rgba())[..., :3].copy()
    finally:
        restore()


def draw_whole(canvas, changed):
    """Draw the figure through ``canvas``, the ``changed`` artists included."""
    with switched_off(changed, "animated"):
        canvas.draw()


@contextmanager
def agg_canvas(fig, dpi, *, reuse=False):
    """Draw ``fig`` through an Agg canvas at ``dpi``; restore canvas and dpi.

    ``reuse``: through the figure's own canvas when plain Agg (no GUI behind
    it), whose renderer has laid out the texts already.
    """
    original_canvas, original_dpi = fig.canvas, fig.dpi
    reuse = reuse and type(original_canvas) is FigureCanvasAgg
    canvas = original_canvas if reuse else FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    try:
        yield canvas
    finally:
        fig.set_dpi(original_dpi)
        fig.set_canvas(original_canvas)
