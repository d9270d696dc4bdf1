"""The fast compositor: indexed frames of a figure without redrawing it.

The figure is rendered a few times *once* (:mod:`._pictures`) to learn, per
output pixel, the static picture, its map cell and how much of the map shows
through; a frame is then gathered from them. What has no stored picture is
drawn whole by the reference (:func:`drawn_frames`, plain matplotlib as MNE's
``_topomap_animation``), which composed frames must equal.
"""

from contextlib import contextmanager

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from .._checks import check_dpi, check_frame_size, frame_shape
from ..scene._colors import palette_with
from ._palette import (
    PaletteLookup,
    blend_colors,
    blended,
    chrome_colors,
    indexed_sprite,
    packed_rgb,
    to_uint8,
    unpacked_rgb,
)
from ._pictures import (
    Ink,
    cursor_ink,
    decode_raw_cells,
    label_sprites,
    map_coverage,
    marker_ink,
    paste,
    probe,
    slots_overlap,
    union_box,
)

FULL = 254.5 / 255  # a pixel whose map shows through entirely
N_CHROME_MAX = 256
# the share of the static picture's palette entries the map's blends may
# take: 1/8 (64 entries: 8) keeps text and ticks exact on small figures
BLENDS_SHARE = 8


class FrameCompositor:
    """Indexed frames of a figure's ``layers`` at ``dpi``, composed without redrawing.

    ``palette``: uint8 RGB, the tables' levels first, then the figure's own
    colours; ``shape``: the frames' ``(height, width)``.
    """

    def __init__(self, layers, dpi):
        self.layers = layers
        self.dpi = float(dpi)
        with self.rendering():
            renders = probe(layers, self._render)
            self.shape = renders["black"].shape[:2]
            self._read_renders(renders)
            self._sprites = label_sprites(layers.time_text, layers.labels, self._canvas)
            inks = _overlay_inks(layers, self._canvas, self.shape)
            self._ink_table, self._cursor_ink, self._marker_ink = tabled_inks(
                *inks, self.lookup)  # fmt: skip

    def _read_renders(self, renders):
        """Set the palette, the static picture and where each map goes."""
        layers = self.layers
        black = renders["black"][..., :3].reshape(-1, 3)
        # only pixels that show a map cell can show the map
        interp = layers.interp
        pixels, panel, cell = decode_raw_cells(renders["index"], interp,
                                               renders["reach"])  # fmt: skip
        coverage = map_coverage(renders["white"], renders["black"], pixels)
        # every pixel over a map cell in the head, covered or not
        self._under_maps = pixels[interp.inside.ravel()[cell]]
        cell = interp.padding[cell] if len(cell) else cell  # the cell shown
        shows = coverage > 0.5 / 255
        pixels, panel, cell, coverage = (a[shows] for a in (pixels, panel, cell,
                                                            coverage))  # fmt: skip
        off_map = np.ones(len(black), bool)
        off_map[pixels] = False
        # the static picture's distinct colours: few, however many pixels
        colors, static_index = np.unique(packed_rgb(black)[off_map],
                                         return_inverse=True)  # fmt: skip
        n_map_colors = sum(table.n_levels for table in layers.palette_tables)
        full = coverage >= FULL
        chrome, fits = self._chrome(colors, static_index, coverage[~full],
                                    black[pixels[~full]])  # fmt: skip
        self.palette = palette_with(layers.palette_tables, chrome)
        # blends need only a near colour; exact colours map to themselves
        self.lookup = PaletteLookup(self.palette)
        if fits:
            static_index = (static_index + n_map_colors).astype(np.uint8)
        else:  # more colours than fit: the nearest ones
            static_index = self.lookup(unpacked_rgb(colors))[static_index]
        # pixels on the maps are drawn anew in every frame
        self.static_index = np.zeros(self.shape, np.uint8)
        self.static_index.reshape(-1)[off_map] = static_index
        # where each panel's map goes: flat pixel indices and inside-cell ranks
        self._full, self._partial = [], []
        for p in range(len(layers.images)):
            is_full, is_partial = full & (panel == p), ~full & (panel == p)
            self._full.append((pixels[is_full], cell[is_full]))
            self._partial.append((pixels[is_partial], cell[is_partial],
                                  *self._blend_table(coverage[is_partial],
                                                     black[pixels[is_partial]],
                                                     n_map_colors)))  # fmt: skip

    def _chrome(self, colors, inverse, coverage, under):
        """Return ``(chrome, fits)``: the static picture's colours, and blends'.

        Blends of map colours far from every palette colour (a saturated
        map's antialiased edge over white) take up to an eighth
        (:data:`BLENDS_SHARE`) of the static picture's entries.
        """
        tables = self.layers.palette_tables
        room = N_CHROME_MAX - sum(table.n_levels for table in tables)
        chrome, fits = chrome_colors(colors, inverse, room)
        keys, counts = np.unique(_blend_keys(coverage, under), return_counts=True)
        blends = to_uint8(_blended(keys, palette_with(tables, [])).reshape(-1, 3))
        weights = np.repeat(counts, len(blends) // max(len(keys), 1))
        lookup = PaletteLookup(palette_with(tables, chrome))
        extra = blend_colors(blends, weights, lookup, room // BLENDS_SHARE)
        if len(extra):
            chrome, fits = chrome_colors(colors, inverse, room - len(extra))
            chrome = np.concatenate([chrome, extra])
        return chrome, fits

    def map_region(self):
        """Return the viewer's region image of the maps (uint8, the frames' shape).

        0 no map, ``1 + p`` panel ``p``'s map alone, 255 a map partly covered.
        """
        region = np.zeros(self.shape[0] * self.shape[1], np.uint8)
        region[self._under_maps] = 255  # e.g. under an opaque sensor dot
        for p, ((full, _), (partial, *_)) in enumerate(zip(self._full, self._partial,
                                                           strict=True)):  # fmt: skip
            region[full] = min(p + 1, 254)
            region[partial] = 255
        return region.reshape(self.shape)

    def _blend_table(self, coverage, under, n_map_colors):
        """Return ``(rows, table)``: pixel k over map index i is ``table[rows[k], i]``.

        Each distinct ``(a, c)`` is blended with every map colour once.
        """
        keys, rows = np.unique(_blend_keys(coverage, under), return_inverse=True)
        return rows, self.lookup(to_uint8(_blended(keys, self.palette[:n_map_colors])))

    def _render(self):
        self._canvas.draw()
        return np.asarray(self._canvas.buffer_rgba()).copy()

    @contextmanager
    def rendering(self):
        """Render through an Agg canvas at the output dpi, then restore."""
        with agg_canvas(self.layers.fig, self.dpi) as self._canvas:
            yield

    def compose(self, index, levels, masks=None, images=None):
        """Return frame ``index`` as palette indices (inside :meth:`rendering`)."""
        if not self.composes_alone(images):
            return self._drawn(index, levels, masks, images)
        frame = self.static_index.copy()
        flat = frame.reshape(-1)
        for (pixels, cells), panel_levels in zip(self._full, levels, strict=True):
            flat[pixels] = panel_levels[cells]
        for (pixels, cells, rows, table), panel_levels in zip(self._partial, levels,
                                                              strict=True):  # fmt: skip
            flat[pixels] = table[rows, panel_levels[cells]]
        inks = [] if self._cursor_ink is None else [self._cursor_ink[index]]
        if masks is not None:
            inks += [ink.select(mask) for ink, mask in zip(self._marker_ink, masks,
                                                           strict=True)]  # fmt: skip
        for pixels, rows in inks:  # gathers from the blend table
            flat[pixels] = self._ink_table[rows, flat[pixels]]
        # the label's characters, as set_text right-aligns them
        label = self.layers.labels[index].rjust(self.layers.time_text.width)
        keys = list(enumerate(label))
        if self._pasted is None:  # pictures that meet: blended per frame
            rows, cols = self._label_box
            picture = paste(self._label_box, [self._sprites[k] for k in keys
                                              if k in self._sprites])  # fmt: skip
            ink = picture[..., 3] > 0
            frame[rows, cols][ink] = blended(picture[ink], frame[rows, cols][ink],
                                             self.lookup)  # fmt: skip
            return frame
        for key in keys:
            if key in self._pasted:
                rows, cols, ink, indices = self._pasted[key]
                np.copyto(frame[rows, cols], indices, where=ink)
        return frame

    def _drawn(self, index, levels, masks, images):
        """Frame ``index`` drawn whole as the reference draws it, as indices."""
        changed = self.layers.set_frame(index, levels, masks=masks, images=images)
        draw_whole(self._canvas, changed)
        return self.lookup(np.asarray(self._canvas.buffer_rgba()))

    def start(self):
        """Prepare per-frame composing; call inside :meth:`rendering`."""
        layers = self.layers
        stored = {layers.time_text.text, *(
            line for line, ink in zip(layers.mask_lines, self._marker_ink,
                                      strict=True) if ink is not None
        )}  # fmt: skip
        if self._cursor_ink is not None:
            stored.update(layers.cursors)
        # the label sits on the static picture: each character's pixels can
        # be blended once, here, and pasted as palette indices every frame;
        # not where it meets a map, nor where two characters' pictures meet
        # (tiny dpi): pasting copies a character's pixels, so these are
        # blended per frame (still without matplotlib)
        self._label_box = union_box([s[:2] for s in self._sprites.values()])
        rows, cols = self._label_box
        map_pixels = np.zeros(self.shape[0] * self.shape[1], bool)
        for pixels, *_ in self._full + self._partial:
            map_pixels[pixels] = True
        on_map = map_pixels.reshape(self.shape)[rows, cols].any()
        pasted = not (on_map or slots_overlap(self._sprites))
        self._pasted = {
            key: indexed_sprite(sprite, self.static_index, self.lookup)
            for key, sprite in self._sprites.items()
        } if pasted else None  # fmt: skip
        # anything else changing per frame (contours, touching markers, a
        # cross-hair cursor) has no stored picture: such frames are drawn
        dynamic = layers.dynamic_artists()
        self._stored_only = all(a in stored for a in dynamic)

    def composes_alone(self, images):
        """Whether a frame with these ``images`` is composed from stored pictures.

        Then :meth:`compose` uses no matplotlib and may run on any thread.
        """
        return self._stored_only and images is None


def _blend_keys(coverage, under):
    """One int per pixel: its coverage in 1/255 steps, and the colour under."""
    steps = np.rint(coverage * 255).astype(np.uint32)
    under = under.astype(np.uint32)
    return steps << 24 | under[:, 0] << 16 | under[:, 1] << 8 | under[:, 2]


def _blended(keys, colors):
    """Each map colour over each key's pixel, float RGB (n_keys, n_colors, 3)."""
    cover = (keys >> 24).astype(np.float32)[:, np.newaxis, np.newaxis] / 255
    rgb = np.column_stack([keys >> 16 & 255, keys >> 8 & 255, keys & 255])
    return cover * colors + rgb[:, np.newaxis]


def _overlay_inks(layers, canvas, shape):
    """Draw the cursors' and markers' pixels once (None: none stored).

    The cursors (in axes apart) are one ink per frame: all or none stored.
    """
    inks = [cursor_ink(c, layers.cursor_x, canvas, shape) for c in layers.cursors]
    cursor = None
    if inks and all(ink is not None for ink in inks):
        cursor = [tuple(map(np.concatenate, zip(*each, strict=True)))
                  for each in zip(*inks, strict=True)]  # fmt: skip
    markers = [marker_ink(line, layers.marker_pos, canvas, shape)
               for line in layers.mask_lines]  # fmt: skip
    return cursor, markers


# -- the reference: every frame drawn whole by matplotlib ----------------------


def tabled_inks(cursor, markers, lookup):
    """Return ``(table, cursor, markers)``: each ink colour over each palette colour.

    ``table[row, i]``: ink colour ``row`` over colour ``i``; the inks hold rows.
    """
    markers_drawn = [ink for ink in markers if ink is not None]
    rgba = [values for _, values in cursor or ()] + [
        ink.values for ink in markers_drawn
    ]
    if not rgba:
        return None, cursor, markers
    packed = np.ascontiguousarray(np.concatenate(rgba)).view(np.uint32)[:, 0]
    colors, rows = np.unique(packed, return_inverse=True)
    colors = colors.view(np.uint8).reshape(-1, 4)
    n_colors = len(lookup.palette)
    table = blended(np.repeat(colors, n_colors, axis=0),
                    np.tile(np.arange(n_colors), len(colors)),
                    lookup).reshape(len(colors), n_colors)  # fmt: skip
    rows = iter(np.split(rows, np.cumsum([len(part) for part in rgba])[:-1]))
    if cursor is not None:
        cursor = [(pixels, next(rows)) for pixels, _ in cursor]
    markers = [None if ink is None else Ink(ink.pixels, next(rows), ink.keys)
               for ink in markers]  # fmt: skip
    return table, cursor, markers


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
    """Draw the figure through ``canvas``, the ``changed`` artists included.

    A plain draw skips the artists a blitting animation marks "animated".
    """
    animated = [a for a in changed if a.get_animated()]
    for artist in animated:
        artist.set_animated(False)
    try:
        canvas.draw()
    finally:
        for artist in animated:
            artist.set_animated(True)


@contextmanager
def agg_canvas(fig, dpi):
    """Draw ``fig`` through an Agg canvas at ``dpi``; restore canvas and dpi."""
    original_canvas, original_dpi = fig.canvas, fig.dpi
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    try:
        yield canvas
    finally:
        fig.set_dpi(original_dpi)
        fig.set_canvas(original_canvas)


# -- on screen: pause and step, as MNE's animate_topomap ---------------------

STEPS = {"right": 1, "left": -1, "shift+right": 10, "shift+left": -10}


def can_play():
    """Whether matplotlib's backend can play an animation (not Agg, PDF, inline)."""
    from matplotlib.backends import BackendFilter, backend_registry

    backend = mpl.get_backend().lower()
    still = backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE)
    return backend not in still and "inline" not in backend


class Playback:
    """Mouse and keyboard control of ``anim``; ``step(n)`` moves by ``n`` frames."""

    def __init__(self, fig, anim, step):
        self.fig, self.anim, self.step = fig, anim, step
        self.paused = False
        self.cids = [
            fig.canvas.mpl_connect("key_press_event", self.on_key),
            fig.canvas.mpl_connect("button_press_event", self.on_click),
        ]

    def toggle(self):
        """Pause a playing animation, or resume a paused one."""
        if self.paused:
            self.anim.resume()
        else:
            self.anim.pause()
        self.paused = not self.paused

    def on_key(self, event):
        """Pause or resume on space; step on the arrow keys (Shift: by 10)."""
        if event.key == " ":
            self.toggle()
        elif event.key in STEPS:
            if not self.paused:
                self.toggle()
            self.step(STEPS[event.key])
            self.fig.canvas.draw_idle()

    def on_click(self, event):
        """Pause or resume on a click in the figure."""
        self.toggle()
