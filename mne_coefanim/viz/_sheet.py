"""A sheet of maps at chosen times, for print.

One map axes per time (a grid, or one row per panel), one colour bar (one
per panel with ``vlim='each'``), and the score panel beneath with markers at
the chosen times. Each map is the animation's frame at that time: the same
palette indices (faded pixels included) through the same colours, drawn as
an image; head outlines, sensors and mask markers are lines, so PDF and SVG
files keep them as vector paths.
"""

import math
from dataclasses import dataclass, replace

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, NoNorm
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath

from .._checks import check_frame_size, check_int, frame_shape
from ._figure import (
    CONTOUR_ZORDER,
    MAP_ZORDER,
    MASK_PARAMS,
    MASK_ZORDER,
    OUTLINE_ZORDER,
    OUTSIDE,
    SENSOR_ZORDER,
    _check_titles,
    _rgba_table,
    colorbar_labels,
    frame_head,
    new_figure,
)
from ._mne_outlines import head_outlines
from ._score_curve import draw_score_curve
from ._sheet_layout import (
    MAX_COLUMNS,
    NOTE,
    NOTE_FONTSIZE,
    NOTE_LINE,
    SheetGrid,
    sheet_layout,
)
from ._time_label import time_labels

MARKER_COLOR = "C3"  # the chosen times on the score panel, as the cursor


@dataclass(frozen=True)
class SheetMap:
    """One map of a sheet: a panel at a frame.

    Attributes
    ----------
    panel, frame : int
        Which panel, at which frame.
    levels : array of uint8, shape (n_inside,)
        The palette index of each pixel inside the head (as the animation's).
    mask : array of bool, shape (n_channels,) | None
        The significant channels.
    image : array, shape (res, res) | None
        The interpolated values, for contour lines.
    """

    panel: int
    frame: int
    levels: np.ndarray
    mask: np.ndarray | None = None
    image: np.ndarray | None = None


def sheet_columns(ncols, n_maps, n_panels):
    """Return the number of columns: ``ncols``, or up to ``MAX_COLUMNS``.

    Without ``ncols``, up to ``MAX_COLUMNS`` maps stand in one row, as in
    MNE's ``plot_topomap`` sheets; more wrap into the fewest rows that hold
    them, as evenly filled as possible (9 maps: 5 + 4, not 8 + 1).
    """
    if n_panels > 1:  # one row per panel, one column per time
        if ncols is not None:
            raise ValueError(
                f"ncols wraps one panel's maps; with {n_panels} panels each row "
                f"is a panel and each column a time: pass ncols=None (got {ncols})."
            )
        return n_maps // n_panels
    if ncols is None:
        n_rows = -(-n_maps // MAX_COLUMNS)
        return -(-n_maps // n_rows)
    return min(check_int("ncols", ncols, minimum=1), n_maps)


def draw_sheet(scene, look, maps, *, n_cols, dpi, note=None, pyplot=True):
    """Draw the sheet.

    Parameters
    ----------
    scene : Scene
        The validated scene (sensors, interp, tables, faded, titles, units,
        times, scores).
    look : Look
        How the maps look (title, sensors, contours, colour bar, markers).
    maps : list of SheetMap
        The maps, panel after panel, each panel's in the order shown.
    n_cols : int
        Maps per row (see :func:`sheet_columns`).
    dpi : float
        The figure's dots per inch.
    note : str | None
        A line under the sheet (e.g. what the peaks are of).
    pyplot : bool
        Make the figure through pyplot (False: alone, see ``new_figure``).

    Returns
    -------
    fig : matplotlib.figure.Figure
        The sheet; its first axes are the maps, in order.
    """
    titles, several = scene.titles, len(scene.titles) > 1
    _check_titles(look.title, titles)  # else they fail at the first draw
    grid = SheetGrid(
        n_rows=len(titles) if several else math.ceil(len(maps) / n_cols),
        n_cols=n_cols, row_labels=several,
        n_colorbars=len(scene.tables) if look.colorbar else 0,
        title=bool(look.title), scores=scene.scores is not None,
    )  # fmt: skip
    width, _, _ = sheet_layout(grid)  # the note wraps to the sheet's width
    lines = [] if note is None else _wrap(note, width - 0.3)
    grid = replace(grid, note=len(lines))
    width, height, rects = sheet_layout(grid)
    check_frame_size(frame_shape((width, height), dpi), dpi,  # drawable
                     fewer="maps (times, panels) or more columns (ncols)")  # fmt: skip
    fig = new_figure((width, height), dpi, pyplot=pyplot)
    fig.patch.set_facecolor("white")
    unit = "sample" if scene.times_are_samples else look.time_unit
    draw = _MapDrawer(scene, look, unit)
    for k, (each, rect) in enumerate(zip(maps, rects["maps"], strict=False)):
        ax = fig.add_axes(rect)
        draw(ax, each, k, top_row=k < n_cols)
        if several and k % n_cols == 0:
            ax.text(-0.04, 0.5, titles[each.panel], transform=ax.transAxes,
                    rotation=90, ha="right", va="center", fontsize=10)  # fmt: skip
    labels = colorbar_labels(scene.units, scene.positive, len(scene.tables))
    _draw_colorbars(fig, rects["colorbars"], scene.tables, labels)
    if scene.scores is not None:
        frames = [each.frame for each in maps[: len(maps) // len(titles)]]
        _draw_scores(fig.add_axes(rects["scores"]), scene, frames, unit)
    if look.title:
        fig.text(0.5, 1 - 0.1 / height, look.title, ha="center", va="top",
                 fontsize=12)  # fmt: skip
    for k, line in enumerate(lines):  # from the top line down
        y = NOTE / 2 + NOTE_LINE * (len(lines) - 1 - k)
        fig.text(0.15 / width, y / height, line,
                 va="center", fontsize=NOTE_FONTSIZE, color="0.3",
                 gid=f"note-{k}")  # fmt: skip
    return fig


class _MapDrawer:
    """Draw one map of the sheet: image, head, sensors, markers, contours."""

    def __init__(self, scene, look, unit):
        self.scene, self.look = scene, look
        # the animation's labels: as many decimals as its frames need
        self.labels = time_labels(scene.times, unit)
        self.interp, self.sensors = scene.interp, scene.sensors
        # the animation's palette: the tables, then their dimmed twins
        rgba = np.vstack([_rgba_table(list(scene.tables) + list(scene.faded)),
                          [[0, 0, 0, 0]]])  # fmt: skip
        self.cmap = ListedColormap(rgba / 255.0, name="levels")
        self.inside = np.flatnonzero(self.interp.inside)

    def __call__(self, ax, each, k, *, top_row):
        interp, sphere = self.interp, self.sensors.sphere
        frame_head(ax, interp, sphere)
        indices = np.full(interp.res**2, OUTSIDE, np.uint16)
        indices[self.inside] = each.levels
        ax.imshow(
            indices.reshape(interp.res, interp.res), cmap=self.cmap, norm=NoNorm(),
            extent=interp.extent, origin="lower", interpolation="nearest",
            interpolation_stage="data", zorder=MAP_ZORDER, gid=f"map-{k}",
        )  # fmt: skip
        for part, (x, y) in head_outlines(sphere, self.sensors.pos).items():
            ax.plot(x, y, color="k", linewidth=1, clip_on=False,
                    zorder=OUTLINE_ZORDER, gid=f"outline-{k}-{part}")  # fmt: skip
        self._draw_sensors(ax, k)
        self._draw_marks(ax, each, k)
        if top_row or len(self.scene.titles) == 1:
            ax.set_title(self.labels[each.frame], fontsize=10)

    def _draw_sensors(self, ax, k):
        fmt = self.look.sensors
        if not fmt:
            return
        fmt = fmt if isinstance(fmt, str) else "k."
        x, y = self.sensors.pos.T
        try:
            ax.plot(x, y, fmt, markersize=2.5, zorder=SENSOR_ZORDER, clip_on=False,
                    gid=f"sensors-{k}")  # fmt: skip
        except ValueError as err:
            raise ValueError(
                f"sensors must be a bool or a matplotlib format string such as "
                f"'k.' or 'wo'; got {fmt!r:.60} ({err})."
            ) from None

    def _draw_marks(self, ax, each, k):
        """Draw the mask markers and contour lines, as the animation's frame."""
        if each.mask is not None:
            params = {**MASK_PARAMS, **(self.look.mask_params or {})}
            (line,) = ax.plot(*self.sensors.pos[each.mask].T, zorder=MASK_ZORDER,
                              clip_on=False, gid=f"mask-{k}", **params)  # fmt: skip
            line.set_linestyle("none")
        image, n_lines = each.image, self.look.contours
        if not n_lines or image is None or np.nanmin(image) == np.nanmax(image):
            return
        table = self.scene.panel_tables[each.panel]
        ax.contour(self.interp.xi, self.interp.yi, image, colors="k",
                   levels=np.linspace(table.vmin, table.vmax, n_lines + 2)[1:-1],
                   linewidths=0.6, zorder=CONTOUR_ZORDER)  # fmt: skip


def _wrap(note, width):
    """Split ``note`` into lines no wider than ``width`` inches, at spaces.

    Widths are the glyphs' outlines at the font size; drawn text is up to a
    few percent wider (hinting at low dpi), so lines fill 90 % of ``width``.
    """
    prop = FontProperties(size=NOTE_FONTSIZE)
    width = 0.9 * width
    lines = []
    for word in note.split(" "):
        line = f"{lines[-1]} {word}" if lines else word
        if lines and TextPath((0, 0), line, prop=prop).get_extents().width > width * 72:
            lines.append(word)
        elif lines:
            lines[-1] = line
        else:
            lines.append(word)
    return lines


def _draw_colorbars(fig, rects, tables, labels):
    for rect, table, label in zip(rects, tables, labels, strict=False):
        mappable = ScalarMappable(norm=table.norm, cmap=table.listed_cmap)
        colorbar = fig.colorbar(mappable, cax=fig.add_axes(rect))
        if label:
            colorbar.set_label(label)


def _draw_scores(ax, scene, frames, unit):
    """Draw the score curve (a matrix's diagonal), marked at the frames."""
    scores = scene.scores
    x = np.asarray(scene.times) * (1e3 if unit == "ms" else 1.0)
    # say what the curve and its band are
    what = scores.band if scores.matrix is None else "diagonal (training = testing)"
    label = "Sample" if unit == "sample" else f"Time ({unit})"
    draw_score_curve(ax, x, scores, note=what, xlabel=label)
    ax.vlines(x[frames], 0, 1, transform=ax.get_xaxis_transform(),
              colors=MARKER_COLOR, linestyles=":", linewidth=1,
              gid="time-lines")  # fmt: skip
    ax.plot(x[frames], scores.mean[frames], "o", color=MARKER_COLOR,
            markersize=4, clip_on=False, gid="time-markers")  # fmt: skip
