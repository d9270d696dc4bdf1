"""Where a sheet's maps, colour bars and score panel sit (inches, at any dpi).

The maps fill a grid, row after row: one panel's maps wrapped after
``ncols``, or one row per panel. The colour bar sits right of the grid (one
per row when each panel has its own), the score panel spans the width below
it, and a note, if any, goes under everything (one band per line).
"""

from dataclasses import dataclass

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
class SheetGrid:
    """The shape of a sheet.

    Attributes
    ----------
    n_rows, n_cols : int
        The grid of maps.
    row_labels : bool
        Whether each row carries a panel's name on its left.
    n_colorbars : int
        0, 1 (shared), or one per row.
    title, scores : bool
        Whether there is a figure title and a score panel.
    note : int
        The lines of the note under everything (0: none).
    """

    n_rows: int
    n_cols: int
    row_labels: bool = False
    n_colorbars: int = 1
    title: bool = False
    scores: bool = False
    note: int = 0


def sheet_layout(grid):
    """Figure size (inches) and axes rectangles (figure fractions).

    Parameters
    ----------
    grid : SheetGrid
        What the sheet holds.

    Returns
    -------
    width, height : float
        The figure's size in inches.
    rects : dict
        ``'maps'`` (row after row), ``'colorbars'`` and, with a score panel,
        ``'scores'``: ``(left, bottom, width, height)`` in figure fractions.
    """
    left = MARGIN + (ROW_LABEL if grid.row_labels else 0.0)
    cbar_band = MARGIN + CBAR_WIDTH + CBAR_LABEL if grid.n_colorbars else MARGIN
    grid_width = grid.n_cols * MAP + (grid.n_cols - 1) * GAP
    width = max(left + grid_width + cbar_band, MIN_WIDTH)
    left += (width - left - grid_width - cbar_band) / 2  # a narrow grid: centred
    row_height = MAP_TITLE + MAP
    note = NOTE + NOTE_LINE * (grid.note - 1) if grid.note else 0.0
    scores = SCORES_BOTTOM + SCORES + SCORES_GAP if grid.scores else 0.0
    grid_bottom = note + scores + MARGIN
    top = TITLE if grid.title else MARGIN
    height = grid_bottom + grid.n_rows * row_height + top

    def frac(x, y, w, h):
        return (x / width, y / height, w / width, h / height)

    def row_bottom(row):  # rows from the top down
        return grid_bottom + (grid.n_rows - 1 - row) * row_height

    rects = {
        "maps": [
            frac(left + col * (MAP + GAP), row_bottom(row), MAP, MAP)
            for row in range(grid.n_rows)
            for col in range(grid.n_cols)
        ],
        "colorbars": _colorbar_rects(
            grid, left + grid_width + MARGIN, row_bottom, row_height, frac
        ),  # fmt: skip
    }
    if grid.scores:
        rects["scores"] = frac(SCORES_LEFT, note + SCORES_BOTTOM,
                               width - SCORES_LEFT - cbar_band, SCORES)  # fmt: skip
    return width, height, rects


def _colorbar_rects(grid, x, row_bottom, row_height, frac):
    """One bar beside the whole grid's maps, or one beside each row's."""
    if not grid.n_colorbars:
        return []
    if grid.n_colorbars == 1:
        bottom = row_bottom(grid.n_rows - 1)
        span = (grid.n_rows - 1) * row_height + MAP
        return [frac(x, bottom + 0.15 * span, CBAR_WIDTH, 0.7 * span)]
    return [
        frac(x, row_bottom(row) + 0.15 * MAP, CBAR_WIDTH, 0.7 * MAP)
        for row in range(grid.n_rows)
    ]
