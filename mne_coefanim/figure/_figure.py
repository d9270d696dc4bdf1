"""The matplotlib figure of an animation: drawn once, updated per frame.

:meth:`CoefFigure.set_frame` changes only the maps, the time label, the score
cursor, the mask markers and contours; :class:`FigureLayers` is all a frame
compositor may read of the figure.
"""

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from ._parts import (
    CURSOR_ZORDER,
    TimeLabel,
    colorbar_labels,
    contour_levels,
    draw_colorbars,
    draw_contours,
    draw_head,
    draw_score_curve,
    index_cmap,
    level_image,
    mask_line,
    new_figure,
    time_axis,
    time_axis_label,
    time_labels,
    widen_for_colorbars,
)

# sizes in inches, at any dpi
MAP_SIZE = 3.7
MARGIN = 0.15
TITLE_BAND = 0.45
PANEL_TITLE_BAND = 0.25
CBAR_WIDTH = 0.16
CBAR_LABEL_BAND = 0.8
SCORE_BOTTOM_BAND = 0.5
SCORE_LEFT_BAND = 0.7
SCORE_HEIGHT = 1.25  # a curve's panel
MATRIX_HEIGHT = 2.2  # a matrix is drawn square
TF_HEIGHT = 1.8  # a few frequency rows, readable under the maps
MAX_FREQ_TICKS = 8  # more rows get every k-th label, so labels never overlap
BUTTERFLY_HEIGHT = 1.25  # the channels' time courses, under each map
BUTTERFLY_LEFT = 0.55  # inside the map's width: the y tick labels and label
TRACE = dict(color="0.55", linewidth=0.6)  # a channel's time course
MARKED = dict(color="k", linewidth=1.6)  # its significant stretches (mask)


@dataclass(frozen=True)
class Look:
    """How the figure looks: the :func:`mne_coefanim.animate_coefs` keywords."""

    title: object = None
    sensors: object = True
    contours: int = 0
    colorbar: bool = True
    mask_params: object = None
    time_unit: str = "s"
    butterfly: bool = False

    @classmethod
    def from_params(cls, params):
        """Build the look from the validated options (``_params.validate``)."""
        return cls(**{field.name: params[field.name] for field in fields(cls)})


@dataclass(frozen=True)
class FigureLayers:
    """What a frame compositor may read of a figure, and nothing else.

    ``dynamic_artists()``: the artists besides the maps that change per frame;
    ``cursors``: the vertical time cursors (the butterflies', and the score
    panel's when it is the panel's only moving artist), ``cursor_x`` their x
    per frame; ``marker_pos``: where the markers go.
    """

    fig: object
    images: list
    map_axes: list
    interp: object
    palette_tables: list
    labels: list
    time_text: object
    dynamic_artists: Callable
    set_frame: Callable
    cursors: tuple = ()
    cursor_x: object = None
    mask_lines: tuple = ()
    marker_pos: object = None


class CoefFigure:
    """Build the figure of ``scene`` once and update its per-frame artists."""

    def __init__(self, scene, look, dpi, *, pyplot=True):
        self.sensors, self.interp = scene.sensors, scene.interp
        self.tables = list(scene.tables)
        # no times given: label frames by sample, never as seconds
        self.time_unit = "sample" if scene.times_are_samples else look.time_unit
        self.times = np.asarray(scene.times)
        self.labels = time_labels(self.times, self.time_unit)  # each frame's
        self.contours = look.contours
        self._contour_levels = [contour_levels(t, look.contours)
                                for t in scene.panel_tables]  # fmt: skip
        self._contour_sets = []
        # every colour a map pixel can take: the tables and their dimmed twins
        self.palette_tables = self.tables + list(scene.faded)
        self.butterfly = look.butterfly
        if self.butterfly and scene.n_rows > 1:
            raise ValueError(
                f"butterfly=True draws the channels' time courses under one row of "
                f"maps; got {scene.n_rows} frequency rows. Pick one frequency with "
                "coef_params=dict(fmin=..., fmax=...) (e.g. fmin=10, fmax=10), or "
                "pass butterfly=False."
            )
        self._draw(scene, look, dpi, pyplot)
        self.layers = FigureLayers(
            fig=self.fig, images=self.images, map_axes=self.map_axes,
            interp=self.interp, palette_tables=self.palette_tables,
            labels=list(self.labels), time_text=self.time_text,
            dynamic_artists=lambda: self.dynamic_artists,
            set_frame=self.set_frame,
            cursors=tuple(self.butterfly_cursors) + (
                (self.cursor,) if self.cursor is not None and self.cursor_h is None
                else ()),
            cursor_x=time_axis(self.times, self.time_unit),
            mask_lines=tuple(self.mask_lines), marker_pos=self.sensors.pos,
        )  # fmt: skip

    def _draw(self, scene, look, dpi, pyplot):
        """Draw everything that does not change from frame to frame."""
        titles, scores = scene.titles, scene.scores
        width, height, rects = _layout(
            len(titles), any(titles), scores, look.colorbar,
            n_colorbars=len(self.tables), n_rows=scene.n_rows,
            butterfly=self.butterfly,
        )  # fmt: skip
        self.fig = new_figure((width, height), dpi, pyplot=pyplot)
        self.map_axes = [self.fig.add_axes(rect) for rect in rects["maps"]]
        self.images, self.mask_lines = [], []
        cmap = index_cmap(self.palette_tables)
        for ax, panel_title in zip(self.map_axes, titles, strict=True):
            self.images.append(
                draw_head(ax, self.interp, self.sensors, None, cmap, look.sensors)
            )
            if panel_title:
                ax.set_title(panel_title, fontsize=10)
            if scene.masks is not None:
                self.mask_lines.append(mask_line(ax, look.mask_params))
        if look.title:
            self.fig.text(0.5, 1 - 0.12 / height, look.title, ha="center", va="top",
                          fontsize=12)  # fmt: skip
        self.time_text = TimeLabel(self.map_axes[0], max(map(len, self.labels)))
        self.colorbars = []
        if look.colorbar:
            self.colorbars = draw_colorbars(self.fig, rects["colorbars"], self.tables,
                                            scene.units, scene.positive)  # fmt: skip
        self.cursor = self.cursor_h = self.score_axes = None
        if scores is not None:
            self.score_axes = self.fig.add_axes(rects["scores"])
            # the whole curve (every sample, with decim), the cursor per frame
            self.cursor, self.cursor_h = draw_score_panel(
                self.fig, self.score_axes, scores, scores.times, self.time_unit
            )
        self.butterfly_axes, self.butterfly_cursors = [], []
        if self.butterfly:
            labels = colorbar_labels(scene.units, scene.positive, len(self.tables))
            self.butterfly_axes, self.butterfly_cursors = draw_butterflies(
                self.fig, rects["butterfly"], scene, self.times,
                self.time_unit, labels if scene.vlim_each else labels[:1],
            )  # fmt: skip
        widen_for_colorbars(self.fig, self.colorbars)

    @property
    def dynamic_artists(self):
        """The artists :meth:`set_frame` changes (for blitting)."""
        artists = [self.time_text.text, *self.mask_lines, *self._contour_sets]
        cursors = [c for c in (self.cursor, self.cursor_h) if c is not None]
        return artists + cursors + self.butterfly_cursors

    def set_frame(self, index, levels, masks=None, images=None):
        """Show frame ``index``; return the artists that changed.

        Per panel: palette ``levels`` inside the head, ``masks``, and
        ``images`` (interpolated values, for contours).
        """
        for image, panel_levels in zip(self.images, levels, strict=True):
            image.set_data(level_image(self.interp, panel_levels))
        self.time_text.set_text(self.labels[index])
        x = time_axis(self.times[index], self.time_unit)
        for cursor in [self.cursor, *self.butterfly_cursors]:
            if cursor is not None:
                cursor.set_xdata([x, x])
        if self.cursor_h is not None:
            self.cursor_h.set_ydata([x, x])
        if masks is not None:
            for line, mask in zip(self.mask_lines, masks, strict=True):
                line.set_data(*self.sensors.pos[mask].T)
        if self.contours and images is not None:
            for contour_set in self._contour_sets:
                contour_set.remove()
            drawn = map(draw_contours, self.map_axes, [self.interp] * len(images),
                        images, self._contour_levels)  # fmt: skip
            self._contour_sets = [each for each in drawn if each is not None]
        return self.images + self.dynamic_artists


def _layout(n_panels, panel_titles, scores, colorbar, n_colorbars=1, n_rows=1,
            butterfly=False):  # fmt: skip
    """Figure size (inches) and axes rectangles (figure fractions).

    A butterfly goes under each map (one row of maps), above the score panel.
    """
    title_band = TITLE_BAND + (PANEL_TITLE_BAND if panel_titles else 0.0)
    cbar_band = (MARGIN + CBAR_WIDTH + CBAR_LABEL_BAND) if colorbar else MARGIN
    gap = cbar_band if n_colorbars > 1 else MARGIN  # between two maps
    n_cols = n_panels // n_rows
    maps_width = n_cols * MAP_SIZE + (n_cols - 1) * gap
    width = MARGIN + maps_width + cbar_band
    # a row below another leaves room for its panel titles
    row_step = MAP_SIZE + MARGIN + (title_band - TITLE_BAND)
    maps_height = MAP_SIZE + (n_rows - 1) * row_step
    scores_height = score_height(scores)
    score_band = (scores_height + SCORE_BOTTOM_BAND + MARGIN) if scores else 0.0
    bfly_band = (BUTTERFLY_HEIGHT + SCORE_BOTTOM_BAND + MARGIN) if butterfly else 0.0
    height = title_band + maps_height + MARGIN + score_band + bfly_band
    map_bottom = score_band + bfly_band + MARGIN

    def frac(left, bottom, w, h):
        return (left / width, bottom / height, w / width, h / height)

    def bottom(k):  # of panel k's map: row k // n_cols, counted from the top
        return map_bottom + (n_rows - 1 - k // n_cols) * row_step

    def colorbar_rect(k):  # counted back from the last map's (when shared)
        back = (n_cols - 1 - k % n_cols) * (MAP_SIZE + gap)
        left = MARGIN + maps_width + MARGIN - back
        if n_colorbars > 1:
            return frac(left, bottom(k) + 0.15 * MAP_SIZE, CBAR_WIDTH, 0.7 * MAP_SIZE)
        return frac(left, map_bottom + 0.15 * maps_height, CBAR_WIDTH,
                    0.7 * maps_height)  # fmt: skip

    rects = {
        "maps": [
            frac(MARGIN + k % n_cols * (MAP_SIZE + gap), bottom(k), MAP_SIZE, MAP_SIZE)
            for k in range(n_panels)
        ],  # fmt: skip
        "colorbars": [
            colorbar_rect(k) for k in range(n_panels - n_colorbars, n_panels)
        ],  # fmt: skip
    }
    if scores:
        score_width = width - SCORE_LEFT_BAND - cbar_band
        rects["scores"] = frac(SCORE_LEFT_BAND, SCORE_BOTTOM_BAND, score_width,
                               scores_height)  # fmt: skip
    if butterfly:  # its axes' left part: the map's, its ticks in the gap before
        rects["butterfly"] = [
            frac(left + BUTTERFLY_LEFT, score_band + SCORE_BOTTOM_BAND,
                 MAP_SIZE - BUTTERFLY_LEFT, BUTTERFLY_HEIGHT)
            for left, *_ in (np.multiply(r, width) for r in rects["maps"])
        ]  # fmt: skip
    return width, height, rects


def score_height(scores):
    """Height of the score panel in inches (0 without one)."""
    if scores is None:
        return 0.0
    if scores.tf_matrix is not None:
        return TF_HEIGHT
    return MATRIX_HEIGHT if scores.matrix is not None else SCORE_HEIGHT


def draw_score_panel(fig, ax, scores, times, unit):
    """Draw the score panel; return its cursor and a matrix's horizontal one."""
    x = time_axis(times, unit)
    if scores.tf_matrix is not None:  # frequency x time
        return _draw_tf_scores(fig, ax, scores, x, unit), None
    if scores.matrix is None:
        draw_score_curve(ax, x, scores, note=scores.band,
                         xlabel=time_axis_label("Time", unit))  # fmt: skip
        cursor = ax.axvline(x[0], color="C3", linewidth=1.5, zorder=CURSOR_ZORDER)
        return cursor, None
    _score_image(fig, ax, scores, scores.matrix, (x[0], x[-1]) * 2, "equal", 0.04)
    ax.set_xlabel(time_axis_label("Testing time", unit))
    ax.set_ylabel(time_axis_label("Training time", unit))
    cursor = ax.axvline(x[0], color="k", linewidth=1, zorder=CURSOR_ZORDER)
    return cursor, ax.axhline(x[0], color="k", linewidth=1, zorder=CURSOR_ZORDER)


def _score_image(fig, ax, scores, matrix, extent, aspect, pad):
    """Draw a score map with its colour bar, centred on chance (above: red)."""
    colors = dict(cmap="viridis", vmin=None, vmax=None)  # no centre: sequential
    if scores.chance is not None:
        spread = np.abs(matrix - scores.chance).max() or 1.0
        colors = dict(cmap="RdBu_r", vmin=scores.chance - spread,
                      vmax=scores.chance + spread)  # fmt: skip
    image = ax.imshow(matrix, origin="lower", extent=extent, interpolation="nearest",
                      aspect=aspect, **colors)  # fmt: skip
    fig.colorbar(image, ax=ax, fraction=0.046, pad=pad).set_label(scores.label)


def _draw_tf_scores(fig, ax, scores, x, unit):
    """Draw ``scores.tf_matrix``: frequency up, time across; return the cursor."""
    n_freqs = len(scores.tf_matrix)
    # each time is a column centred on it (one frame has a column of width 1)
    step = np.median(np.diff(x)) if len(x) > 1 else 1.0
    extent = (x[0] - step / 2, x[-1] + step / 2, -0.5, n_freqs - 0.5)
    _score_image(fig, ax, scores, scores.tf_matrix, extent, "auto", 0.02)
    # one tick per frequency row (every k-th when many), in Hz
    labels = scores.tf_labels
    rows = np.arange(0, len(labels), -(-len(labels) // MAX_FREQ_TICKS))
    ax.set_yticks(rows)
    ax.set_yticklabels([labels[k].removesuffix(" Hz") for k in rows], fontsize=8)
    ax.set_ylabel("Frequency (Hz)")
    ax.set_xlabel(time_axis_label("Time", unit))
    if scores.band is not None:  # say what the map was averaged across
        ax.set_title(scores.band, fontsize=7, color="0.3", loc="right")
    return ax.axvline(x[0], color="k", linewidth=1.5, zorder=CURSOR_ZORDER)


def draw_butterflies(fig, rects, scene, times, unit, labels):
    """Draw each panel's channel time courses; return the axes and the cursors.

    Every channel's drawn values (the scene's, in the colour bar's units) are
    one line labelled with its name (its significant stretches, NaN
    elsewhere, another, drawn over it), on its colour table's limits (one
    scale with the map); ``labels``: the y labels (one: the first axes' only).
    """
    x, names = time_axis(times, unit), scene.sensors.ch_names
    axes, cursors = [], []
    for p, rect in enumerate(rects):
        ax = fig.add_axes(rect)
        traces = scene.values[p]
        lines = ax.plot(x, traces, **TRACE)
        for line, name in zip(lines, names, strict=True):
            line.set_label(name)
        if scene.masks is not None:
            marked = scene.masks[p]
            for c in np.flatnonzero(marked.any(axis=0)):
                _draw_marked(ax, x, traces[:, c], marked[:, c], names[c])
        table = scene.panel_tables[p]
        vmin, vmax = float(table.vmin), float(table.vmax)
        if vmin < 0 < vmax:
            ax.axhline(0.0, color="0.8", linewidth=0.5, zorder=0)
        ax.set_ylim(vmin, vmax)
        if len(x) > 1:
            ax.set_xlim(x[0], x[-1])
        ax.set_xlabel(time_axis_label("Time", unit))
        if p < len(labels) and labels[p]:
            ax.set_ylabel(labels[p])
        ax.tick_params(labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        axes.append(ax)
        # unclipped: at the first and last times it shows whole
        cursors.append(ax.axvline(x[0], color="C3", linewidth=1.5, clip_on=False,
                                  zorder=CURSOR_ZORDER))  # fmt: skip
    return axes, cursors


def _draw_marked(ax, x, trace, marked, name):
    """Draw a channel's significant stretches over its trace (a lone one a dot)."""
    lone = marked & ~np.r_[False, marked[:-1]] & ~np.r_[marked[1:], False]
    style = dict(marker="o", markersize=2, markevery=list(np.flatnonzero(lone)))
    ax.plot(x, np.where(marked, trace, np.nan), label=f"_{name} (significant)",
            **MARKED, **(style if lone.any() else {}))  # fmt: skip
