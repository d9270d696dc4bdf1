"""A sheet of maps at chosen times, for print.

A grid of maps (one panel's wrapped after ``ncols``, or a row per panel),
colour bars on the right, the score panel marked at the times, a note under
all; each map drawn as the animation's frame (:mod:`._parts`), as vectors.
"""

import math
from dataclasses import dataclass
from functools import partial

import numpy as np

from .._checks import check_int
from ._parts import (
    contour_levels,
    draw_colorbars,
    draw_contours,
    draw_head,
    draw_score_curve,
    index_cmap,
    mask_line,
    new_figure,
    text_width,
    time_axis,
    time_axis_label,
    time_labels,
    widen_for_colorbars,
)

MARKER_COLOR = "C3"  # the chosen times on the score panel, as the cursor
# sizes in inches, at any dpi
MAP = 2.0  # a map's side
GAP = 0.15  # between two maps of a row
MAP_TITLE = 0.3  # above each map: its time
ROW_LABEL = 0.35  # left of each row: the panel's name, with several panels
MARGIN = 0.15
TITLE = 0.4  # above the grid: the figure's title
CBAR_WIDTH = 0.12
CBAR_LABEL = 0.75
SCORES = 1.2
SCORES_BOTTOM = 0.5  # the time axis' ticks and label
SCORES_LEFT = 0.7  # the score axis' ticks and label
SCORES_GAP = 0.05  # above the score panel (the heads have their own margin)
NOTE = 0.3  # the note's band, for one line
NOTE_LINE = 0.16  # and for each further line
NOTE_FONTSIZE = 8
MAX_COLUMNS = 8  # ncols=None: up to this many maps in a row (as MNE), then wrap evenly
MIN_WIDTH = 5.0  # room for a title and a score panel over one or two maps


@dataclass(frozen=True)
class SheetMap:
    """One map of a sheet: a panel at a frame (as ``CoefFigure.set_frame`` takes it)."""

    panel: int
    frame: int
    levels: np.ndarray
    mask: np.ndarray | None = None
    image: np.ndarray | None = None


def sheet_columns(ncols, n_maps, n_panels):
    """Return the number of columns: ``ncols``, or up to ``MAX_COLUMNS``, evenly."""
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
    """Draw the sheet of ``maps`` (SheetMap, panel after panel); return the figure."""
    titles, several = scene.titles, len(scene.titles) > 1
    layout = partial(
        sheet_layout, n_rows=len(titles) if several else math.ceil(len(maps) / n_cols),
        n_cols=n_cols, row_labels=several,
        n_colorbars=len(scene.tables) if look.colorbar else 0,
        title=bool(look.title), scores=scene.scores is not None,
    )  # fmt: skip
    width, _, _ = layout(note=0)  # the note wraps to the sheet's width
    lines = [] if note is None else _wrap(note, width - 0.3)
    width, height, rects = layout(note=len(lines))
    fig = new_figure((width, height), dpi, pyplot=pyplot,
                     fewer="maps (times, panels) or more columns (ncols)")  # fmt: skip
    unit = "sample" if scene.times_are_samples else look.time_unit
    # the animation's labels (as many decimals as its frames need) and palette
    labels = time_labels(scene.times, unit)
    cmap = index_cmap(list(scene.tables) + list(scene.faded))
    for k, (each, rect) in enumerate(zip(maps, rects["maps"], strict=False)):
        ax = fig.add_axes(rect)
        draw_head(ax, scene.interp, scene.sensors, each.levels, cmap, look.sensors, k)
        _draw_marks(ax, scene, look, each, k)
        if k < n_cols or not several:
            ax.set_title(labels[each.frame], fontsize=10)
        if several and k % n_cols == 0:
            ax.text(-0.04, 0.5, titles[each.panel], transform=ax.transAxes,
                    rotation=90, ha="right", va="center", fontsize=10)  # fmt: skip
    colorbars = []
    if look.colorbar:
        colorbars = draw_colorbars(fig, rects["colorbars"], scene.tables,
                                   scene.units, scene.positive)  # fmt: skip
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
    widen_for_colorbars(fig, colorbars)
    return fig


def _draw_marks(ax, scene, look, each, k):
    """Draw the mask markers and contour lines, as the animation's frame."""
    if each.mask is not None:
        line = mask_line(ax, look.mask_params, gid=f"mask-{k}")
        line.set_data(*scene.sensors.pos[each.mask].T)
    if look.contours and each.image is not None:
        levels = contour_levels(scene.panel_tables[each.panel], look.contours)
        draw_contours(ax, scene.interp, each.image, levels)


def _wrap(note, width):
    """Split ``note`` at spaces into lines under 90 % of ``width`` inches (hinting)."""
    first, *words = note.split(" ")
    lines = [first]
    for word in words:
        line = f"{lines[-1]} {word}"
        if text_width(line, NOTE_FONTSIZE) > 0.9 * width * 72:
            lines.append(word)
        else:
            lines[-1] = line
    return lines


def _draw_scores(ax, scene, frames, unit):
    """Draw the score curve (a matrix's diagonal), marked at the frames."""
    scores = scene.scores
    x = time_axis(scores.times, unit)  # every sample, also with decim
    # say what the curve and its band are
    what = scores.band if scores.matrix is None else "diagonal (training = testing)"
    draw_score_curve(ax, x, scores, note=what, xlabel=time_axis_label("Time", unit))
    samples = scores.frames[frames]  # the frames' samples on the curve
    ax.vlines(x[samples], 0, 1, transform=ax.get_xaxis_transform(),
              colors=MARKER_COLOR, linestyles=":", linewidth=1,
              gid="time-lines")  # fmt: skip
    ax.plot(x[samples], scores.mean[samples], "o", color=MARKER_COLOR,
            markersize=4, clip_on=False, gid="time-markers")  # fmt: skip


def sheet_layout(*, n_rows, n_cols, row_labels, n_colorbars, title, scores, note):
    """Figure size (inches) and axes rectangles (figure fractions) of a sheet."""
    left = MARGIN + (ROW_LABEL if row_labels else 0.0)
    cbar_band = MARGIN + CBAR_WIDTH + CBAR_LABEL if n_colorbars else MARGIN
    grid_width = n_cols * MAP + (n_cols - 1) * GAP
    width = max(left + grid_width + cbar_band, MIN_WIDTH)
    left += (width - left - grid_width - cbar_band) / 2  # a narrow grid: centred
    row_height = MAP_TITLE + MAP
    note_band = NOTE + NOTE_LINE * (note - 1) if note else 0.0
    score_band = SCORES_BOTTOM + SCORES + SCORES_GAP if scores else 0.0
    grid_bottom = note_band + score_band + MARGIN
    top = TITLE if title else MARGIN
    height = grid_bottom + n_rows * row_height + top

    def frac(x, y, w, h):
        return (x / width, y / height, w / width, h / height)

    def row_bottom(row):  # rows from the top down
        return grid_bottom + (n_rows - 1 - row) * row_height

    # one colour bar beside the whole grid's maps, or one beside each row's
    bar_x = left + grid_width + MARGIN
    span = (n_rows - 1) * row_height + MAP
    colorbars = [] if not n_colorbars else (
        [frac(bar_x, row_bottom(n_rows - 1) + 0.15 * span, CBAR_WIDTH, 0.7 * span)]
        if n_colorbars == 1 else
        [frac(bar_x, row_bottom(row) + 0.15 * MAP, CBAR_WIDTH, 0.7 * MAP)
         for row in range(n_rows)]
    )  # fmt: skip
    rects = {
        "maps": [frac(left + col * (MAP + GAP), row_bottom(row), MAP, MAP)
                 for row in range(n_rows) for col in range(n_cols)],  # fmt: skip
        "colorbars": colorbars,
    }
    if scores:
        rects["scores"] = frac(SCORES_LEFT, note_band + SCORES_BOTTOM,
                               width - SCORES_LEFT - cbar_band, SCORES)  # fmt: skip
    return width, height, rects
