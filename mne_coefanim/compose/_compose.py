"""The fast compositor: indexed frames of a figure without redrawing it.

The figure is rendered a few times *once* (:mod:`._pictures`) to learn, per
output pixel, the static picture, its map cell and how much of the map shows
through; a frame is then gathered from them, as indices into the one palette
of all frames. What has no stored picture is drawn whole by the reference
(:func:`~._pictures.drawn_frames`, plain matplotlib as MNE's
``_topomap_animation``), which composed frames must equal.
"""

import threading
from contextlib import contextmanager

import matplotlib as mpl
import numpy as np
from PIL import Image
from scipy.spatial import cKDTree

from .._checks import check_uint8
from ..scene._colors import palette_with
from ._pictures import (
    Ink,
    agg_canvas,
    cursor_ink,
    decode_raw_cells,
    draw_whole,
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
        colors = colors.astype(">u4").view(np.uint8).reshape(-1, 4)[:, 1:]  # 0, r, g, b
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
            static_index = self.lookup(colors)[static_index]
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
        with agg_canvas(self.layers.fig, self.dpi, reuse=True) as self._canvas:
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
        self._pasted = None
        if not (on_map or slots_overlap(self._sprites)):
            self._pasted = {}  # blended onto the static picture, as indices
            for key, (rows, cols, picture) in self._sprites.items():
                indices = self.static_index[rows, cols].copy()
                ink = picture[..., 3] > 0
                indices[ink] = blended(picture[ink], indices[ink], self.lookup)
                self._pasted[key] = rows, cols, ink, indices
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


def tabled_inks(cursor, markers, lookup):
    """Return ``(table, cursor, markers)``: each ink colour over each palette colour.

    ``table[row, i]``: ink colour ``row`` over colour ``i``; the inks hold rows.
    """
    rgba = [values for _, values in cursor or ()]
    rgba += [ink.values for ink in markers if ink is not None]
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
        fig.canvas.mpl_connect("key_press_event", self.on_key)
        fig.canvas.mpl_connect("button_press_event", self.on_click)

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


# -- the one palette of all frames: RGB to indices, and blending ---------------


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


def chrome_colors(rgb, inverse, n_max):
    """Return ``(chrome, fits)``: at most ``n_max`` of the static pixels' ``rgb``.

    All of them when they fit, else a weighted median cut, white and black kept.
    """
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
    ends = np.cumsum(np.minimum(weights[poor], 8))  # each repeated by weight <= 8
    rows = np.arange(0, ends[-1], ends[-1] // 4096 + 1)  # plenty for a median cut
    sample = blends[poor][np.searchsorted(ends, rows, side="right")]  # no repeat
    quantized = Image.fromarray(sample[np.newaxis]).quantize(
        n_max, method=Image.Quantize.MEDIANCUT)  # fmt: skip
    n_used = len(np.unique(np.asarray(quantized)))
    return np.array(quantized.getpalette()[: 3 * n_used], np.uint8).reshape(-1, 3)


def to_uint8(rgb):
    """Round and clip to uint8."""
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
