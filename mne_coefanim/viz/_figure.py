"""The matplotlib figure of an animation: drawn once, updated per frame.

Everything that does not change between frames (head outlines, sensors,
colour bar, titles, the score curve) is drawn when the figure is built;
:meth:`CoefFigure.set_frame` changes only the per-frame artists: the map
images, the time label, the score cursor, the mask markers and contours.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, NoNorm
from matplotlib.figure import Figure

from .._checks import check_frame_size, check_mathtext, frame_shape
from ._layers import FigureLayers
from ._mne_outlines import head_outlines
from ._score_curve import draw_score_curve
from ._tf_scores import TF_HEIGHT, draw_tf_scores
from ._time_label import TimeLabel, time_labels

# sizes in inches, at any dpi
MAP_SIZE = 3.7
MARGIN = 0.15
TITLE_BAND = 0.45
PANEL_TITLE_BAND = 0.25
CBAR_WIDTH = 0.16
CBAR_LABEL_BAND = 0.8
SCORE_HEIGHT = 1.25
MATRIX_HEIGHT = 2.2
SCORE_BOTTOM_BAND = 0.5
SCORE_LEFT_BAND = 0.7

MASK_PARAMS = dict(
    marker="o", markerfacecolor="w", markeredgecolor="k", linewidth=0, markersize=4
)
MAP_ZORDER, CONTOUR_ZORDER, OUTLINE_ZORDER, SENSOR_ZORDER, MASK_ZORDER = range(5)
OUTSIDE = 256  # the maps' index of the pixels outside the head
CURSOR_ZORDER = 3.5  # over spines, ticks, texts: as files blend the cursors


class CoefFigure:
    """Build the figure once and update its per-frame artists.

    Parameters
    ----------
    scene : Scene
        The validated scene; the figure reads its ``sensors``, ``interp``,
        ``tables`` (one shared by all panels, or one per panel, each with its
        own colour bar), ``faded`` (dimmed twins of the tables), ``times``,
        ``times_are_samples``, ``titles``, ``units``, ``masks`` (whether
        frames carry markers) and ``scores`` (a ScorePanel or None).
    look : Look
        How the figure looks.
    dpi : float
        The figure's dots per inch.

    Attributes
    ----------
    tables : list of ColorTable
        The colour tables (one, or one per panel).
    panel_tables : list of ColorTable
        The table of each panel.
    colorbars : list of matplotlib.colorbar.Colorbar
        One per table (empty when ``colorbar=False``).
    layers : FigureLayers
        What a frame compositor may read of the figure.
    """

    def __init__(self, scene, look, dpi, *, pyplot=True):
        self.pyplot = pyplot
        n_panels = len(scene.titles)
        self.sensors, self.interp = scene.sensors, scene.interp
        self.tables = list(scene.tables)
        self.panel_tables = (
            self.tables if len(self.tables) == n_panels else self.tables * n_panels
        )
        # no times given: label frames by sample, never as seconds
        time_unit = "sample" if scene.times_are_samples else look.time_unit
        self.times, self.time_unit = np.asarray(scene.times), time_unit
        self._labels = time_labels(self.times, time_unit)
        self.contours = look.contours
        self._contour_levels = [
            np.linspace(t.vmin, t.vmax, look.contours + 2)[1:-1]
            for t in self.panel_tables
        ]
        self._contour_sets = []
        self._inside_flat = np.flatnonzero(self.interp.inside)
        # every colour a map pixel can take: the tables and their dimmed twins
        self.palette_tables = self.tables + list(scene.faded)
        # the maps show palette indices through this colormap (index 256:
        # outside the head, transparent): matplotlib resamples one channel
        rgba = np.vstack([_rgba_table(self.palette_tables), [[0, 0, 0, 0]]])
        self._index_cmap = ListedColormap(rgba / 255.0, name="levels")
        self._draw(scene, look, dpi)
        self.layers = FigureLayers(
            fig=self.fig, images=self.images, map_axes=self.map_axes,
            interp=self.interp, palette_tables=self.palette_tables,
            labels=list(self._labels),
            time_text=self.time_text,
            marks_maps=bool(self.mask_lines or self.contours),
            score_axes=self.score_axes if self.cursor is not None else None,
            dynamic_artists=lambda: self.dynamic_artists,
            set_dynamic=self.set_dynamic,
            cursor=self.cursor if self.cursor_h is None else None,
            cursor_x=self.times * (1e3 if self.time_unit == "ms" else 1.0),
            mask_lines=tuple(self.mask_lines), marker_pos=self.sensors.pos,
        )  # fmt: skip

    def _draw(self, scene, look, dpi):
        """Draw everything that does not change from frame to frame."""
        titles, scores = scene.titles, scene.scores
        _check_titles(look.title, titles)  # else they fail at the first draw
        width, height, rects = _layout(
            len(titles), any(titles), scores, look.colorbar,
            n_colorbars=len(self.tables), n_rows=scene.n_rows,
        )  # fmt: skip
        # before the figure exists: matplotlib could not draw it
        check_frame_size(frame_shape((width, height), dpi), dpi)
        self.fig = new_figure((width, height), dpi, pyplot=self.pyplot)
        self.fig.patch.set_facecolor("white")
        self.map_axes = [self.fig.add_axes(rect) for rect in rects["maps"]]
        self.images = []
        self.mask_lines = []
        for ax, panel_title in zip(self.map_axes, titles, strict=True):
            self.images.append(self._draw_map_axes(ax, panel_title, look.sensors))
            if scene.masks is not None:
                params = {**MASK_PARAMS, **(look.mask_params or {})}
                (line,) = ax.plot([], [], zorder=MASK_ZORDER, clip_on=False, **params)
                line.set_linestyle("none")
                self.mask_lines.append(line)
        if look.title:
            self.fig.text(0.5, 1 - 0.12 / height, look.title, ha="center", va="top",
                          fontsize=12)  # fmt: skip
        self.time_text = TimeLabel(self.map_axes[0], max(map(len, self._labels)))
        self.colorbars = []
        if look.colorbar:
            self._draw_colorbars(rects["colorbars"], scene.units, scene.positive)
        self.cursor = self.cursor_h = self.score_axes = None
        if scores is not None:
            self.score_axes = self.fig.add_axes(rects["scores"])
            if scores.tf_matrix is not None:  # frequency x time
                x = self.times * (1e3 if self.time_unit == "ms" else 1.0)
                self.cursor = draw_tf_scores(self.fig, self.score_axes, scores, x,
                                             self._time_axis_label("Time"))  # fmt: skip
            elif scores.matrix is None:
                self.cursor = self._draw_scores(self.score_axes, scores)
            else:
                self.cursor, self.cursor_h = self._draw_matrix(self.score_axes, scores)

    def _draw_colorbars(self, rects, units, positive):
        labels = colorbar_labels(units, positive, len(self.tables))
        for rect, each, label in zip(rects, self.tables, labels, strict=True):
            cax = self.fig.add_axes(rect)
            mappable = ScalarMappable(norm=each.norm, cmap=each.listed_cmap)
            self.colorbars.append(self.fig.colorbar(mappable, cax=cax))
            if label:
                self.colorbars[-1].set_label(label)

    # -- drawing once -------------------------------------------------------

    def _draw_map_axes(self, ax, panel_title, sensors_fmt):
        interp, sphere = self.interp, self.sensors.sphere
        frame_head(ax, interp, sphere)
        image = ax.imshow(
            np.full((interp.res, interp.res), OUTSIDE, np.uint16),
            cmap=self._index_cmap, norm=NoNorm(), extent=interp.extent,
            origin="lower", interpolation="nearest", interpolation_stage="data",
            zorder=MAP_ZORDER,
        )  # fmt: skip
        for x, y in head_outlines(sphere, self.sensors.pos).values():
            ax.plot(x, y, color="k", linewidth=1, clip_on=False, zorder=OUTLINE_ZORDER)
        if sensors_fmt:
            fmt = sensors_fmt if isinstance(sensors_fmt, str) else "k."
            x, y = self.sensors.pos.T
            try:
                ax.plot(x, y, fmt, markersize=2.5, zorder=SENSOR_ZORDER, clip_on=False)
            except ValueError as err:
                raise ValueError(
                    f"sensors must be a bool or a matplotlib format string such as "
                    f"'k.' or 'wo'; got {fmt!r:.60} ({err})."
                ) from None
        if panel_title:
            ax.set_title(panel_title, fontsize=10)
        return image

    def _draw_scores(self, ax, scores):
        x = self.times * (1e3 if self.time_unit == "ms" else 1.0)
        draw_score_curve(ax, x, scores, note=scores.band,
                         xlabel=self._time_axis_label("Time"))  # fmt: skip
        return ax.axvline(x[0], color="C3", linewidth=1.5, zorder=CURSOR_ZORDER)

    def _draw_matrix(self, ax, scores):
        """Training x testing time matrix, with a cross-hair cursor."""
        x = self.times * (1e3 if self.time_unit == "ms" else 1.0)
        if scores.chance is None:  # no centre to diverge from: sequential
            cmap, vmin, vmax = "viridis", None, None
        else:
            spread = np.abs(scores.matrix - scores.chance).max() or 1.0
            cmap = "RdBu_r"
            vmin, vmax = scores.chance - spread, scores.chance + spread
        image = ax.imshow(
            scores.matrix, origin="lower", extent=(x[0], x[-1], x[0], x[-1]),
            cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest",
            aspect="equal",
        )  # fmt: skip
        colorbar = self.fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
        colorbar.set_label(scores.label)
        ax.set_xlabel(self._time_axis_label("Testing time"))
        ax.set_ylabel(self._time_axis_label("Training time"))
        cursor = ax.axvline(x[0], color="k", linewidth=1, zorder=CURSOR_ZORDER)
        return cursor, ax.axhline(x[0], color="k", linewidth=1, zorder=CURSOR_ZORDER)

    # -- per frame ----------------------------------------------------------

    @property
    def dynamic_artists(self):
        """The artists :meth:`set_frame` changes (for blitting)."""
        artists = [self.time_text.text, *self.mask_lines, *self._contour_sets]
        cursors = [c for c in (self.cursor, self.cursor_h) if c is not None]
        return artists + cursors

    def _time_axis_label(self, what):
        if self.time_unit == "sample":
            return what.replace("time", "sample").replace("Time", "Sample")
        return f"{what} ({self.time_unit})"

    def time_label(self, index):
        """Return the text shown for frame ``index`` (see :func:`time_labels`)."""
        return self._labels[index]

    def set_frame(self, index, levels, masks=None, images=None):
        """Show frame ``index``.

        Parameters
        ----------
        index : int
            The frame (time) index.
        levels : list of array, shape (n_inside,), dtype uint8
            Per panel, the colour index of each pixel inside the head.
        masks : list of array of bool, shape (n_channels,) | None
            Per panel, the significant channels of this frame.
        images : list of array, shape (res, res) | None
            Per panel, the interpolated values (only needed for contours).

        Returns
        -------
        artists : list
            The artists that changed.
        """
        res = self.interp.res
        for image, panel_levels in zip(self.images, levels, strict=True):
            indices = np.full(res * res, OUTSIDE, np.uint16)
            indices[self._inside_flat] = panel_levels
            image.set_data(indices.reshape(res, res))
        self.set_dynamic(index, masks=masks, images=images)
        return self.images + self.dynamic_artists

    def set_dynamic(self, index, masks=None, images=None):
        """Set the per-frame artists other than the maps for frame ``index``.

        Parameters
        ----------
        index, masks, images
            As in :meth:`set_frame`.
        """
        self.time_text.set_text(self.time_label(index))
        if self.cursor is not None:
            x = self.times[index] * (1e3 if self.time_unit == "ms" else 1.0)
            self.cursor.set_xdata([x, x])
        if self.cursor_h is not None:
            self.cursor_h.set_ydata([x, x])
        if masks is not None:
            for line, mask in zip(self.mask_lines, masks, strict=True):
                line.set_data(*self.sensors.pos[mask].T)
        if self.contours and images is not None:
            self._draw_contours(images)

    def _draw_contours(self, images):
        for contour_set in self._contour_sets:
            contour_set.remove()
        self._contour_sets = []
        for ax, image, levels in zip(self.map_axes, images, self._contour_levels,
                                     strict=True):  # fmt: skip
            if not len(levels) or np.nanmin(image) == np.nanmax(image):
                continue  # no lines asked for, or a flat map (it has none)
            self._contour_sets.append(
                ax.contour(
                    self.interp.xi, self.interp.yi, image,
                    levels=levels, colors="k", linewidths=0.6,
                    zorder=CONTOUR_ZORDER,
                )
            )  # fmt: skip


def colorbar_labels(units, positive, n_bars):
    """Return the colour bars' labels: each unit, and which class is positive.

    Parameters
    ----------
    units : str | list of (str | None) | None
        The unit of each bar (one for all, or one per bar).
    positive : str | list of (str | None) | None
        The class positive values point to, likewise.
    n_bars : int
        The number of colour bars.

    Returns
    -------
    labels : list of (str | None)
        E.g. ``'µV / SD (positive: right)'``; None for a bar without one.
    """
    units = units if isinstance(units, list) else [units] * n_bars
    positive = positive if isinstance(positive, list) else [positive] * n_bars
    labels = []
    for unit, name in zip(units, positive, strict=True):
        said = None if name is None else f"positive: {name}"
        labels.append(f"{unit} ({said})" if unit and said else unit or said)
    return labels


def new_figure(figsize, dpi, *, pyplot):
    """Make a figure: through pyplot, or alone (not registered in pyplot).

    A figure alone has an Agg canvas (it draws, saves and displays in a
    notebook like any) but pyplot does not know it: ``plt.show()`` does
    not show it, and it is freed with the last reference to it (no
    ``plt.close`` needed, no "more than 20 figures" warning).
    """
    if pyplot:
        return plt.figure(figsize=figsize, dpi=dpi)
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)  # sets fig.canvas
    return fig


def frame_head(ax, interp, sphere):
    """Frame a map's axes on the head: no axis lines, equal aspect, margins."""
    ax.set_axis_off()
    ax.set_aspect("equal")
    half = max(1.2 * sphere[3], 1.04 * interp.clip_radius)
    ax.set_xlim(sphere[0] - half, sphere[0] + half)
    ax.set_ylim(sphere[1] - half, sphere[1] + half)


def _rgba_table(tables):
    """RGBA of every palette index the maps use (the tables' offsets apply)."""
    rgba = np.zeros((256, 4), np.uint8)
    for each in tables:
        rows = slice(each.offset, each.offset + each.n_levels)
        rgba[rows, :3] = each.colors
        rgba[rows, 3] = 255
    return rgba


def _score_height(scores):
    """Height of the score panel in inches (a matrix is drawn square)."""
    if scores is None:
        return 0.0
    if scores.tf_matrix is not None:
        return TF_HEIGHT
    return MATRIX_HEIGHT if scores.matrix is not None else SCORE_HEIGHT


def _check_titles(title, panel_titles):
    """Refuse a title whose mathtext (between $ signs) matplotlib cannot parse."""
    check_mathtext("title", title)
    for panel_title in panel_titles:
        check_mathtext("panel title (data key)", panel_title)


def _layout(n_panels, panel_titles, scores, colorbar, n_colorbars=1, n_rows=1):
    """Figure size (inches) and axes rectangles (figure fractions).

    The panels fill ``n_rows`` rows (one per frequency), row by row from the
    top. One colour bar sits right of the last column, centred on the rows;
    with one per panel (``n_colorbars == n_panels > 1``), each sits right of
    its own map.
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
    score_height = _score_height(scores)
    score_band = (score_height + SCORE_BOTTOM_BAND + MARGIN) if scores else 0.0
    height = title_band + maps_height + MARGIN + score_band
    map_bottom = score_band + MARGIN

    def frac(left, bottom, w, h):
        return (left / width, bottom / height, w / width, h / height)

    def bottom(k):  # of panel k's map: row k // n_cols, counted from the top
        return map_bottom + (n_rows - 1 - k // n_cols) * row_step

    rects = {
        "maps": [
            frac(
                MARGIN + k % n_cols * (MAP_SIZE + gap), bottom(k), MAP_SIZE, MAP_SIZE
            )  # fmt: skip
            for k in range(n_panels)
        ],
        "colorbars": [
            frac(
                # counted back from the last map's (the only one when shared)
                MARGIN
                + maps_width
                + MARGIN
                - (n_cols - 1 - k % n_cols) * (MAP_SIZE + gap),
                bottom(k) + 0.15 * MAP_SIZE
                if n_colorbars > 1
                else map_bottom + 0.15 * maps_height,
                CBAR_WIDTH,
                0.7 * (MAP_SIZE if n_colorbars > 1 else maps_height),
            )  # fmt: skip
            for k in range(n_panels - n_colorbars, n_panels)
        ],
    }
    if scores:
        score_width = width - SCORE_LEFT_BAND - cbar_band
        rects["scores"] = frac(SCORE_LEFT_BAND, SCORE_BOTTOM_BAND, score_width,
                               score_height)  # fmt: skip
    return width, height, rects
