"""A sheet of the animation's frames at chosen times (``plot_coefs(time=[...])``).

The frames are picked (:mod:`._sheet_times`), their colour indices come from
the same :class:`~._frames.FrameLevels` as the animation's (so fading shows
as in the animation), and :func:`~mne_coefanim.figure._sheet.draw_sheet` draws
them.
"""

from ..figure._sheet import SheetMap, draw_sheet, sheet_columns
from ._frames import FrameLevels
from ._sheet_times import sheet_times


def build_sheet(scene, look, *, time, ncols, dpi, pyplot=True):
    """Draw the maps of ``scene`` at ``time`` on one figure.

    Parameters
    ----------
    scene : Scene
        The validated scene.
    look : Look
        How the maps look.
    time : sequence of float | 'peaks'
        The times to show, or ``'peaks'``.
    ncols : int | None
        Maps per row (None: up to 5, then wrap).
    dpi : float
        The figure's dots per inch.
    pyplot : bool
        Make the figure through pyplot (False: alone, see ``new_figure``).

    Returns
    -------
    fig : matplotlib.figure.Figure
        The sheet.
    """
    picked = sheet_times(time, scene)
    n_panels = len(scene.titles)
    n_cols = sheet_columns(ncols, len(picked.frames) * n_panels, n_panels)
    levels = FrameLevels(scene, images=bool(look.contours))
    rows = [[] for _ in range(n_panels)]  # the maps, panel after panel
    for frame in map(int, picked.frames):
        # one frame at a time: only the frames shown are interpolated
        panel_levels, masks, images = levels.frame(frame, chunk=1)
        for panel, row in enumerate(rows):
            row.append(SheetMap(
                panel=panel, frame=frame, levels=panel_levels[panel],
                mask=None if masks is None else masks[panel],
                image=None if images is None else images[panel],
            ))  # fmt: skip
    maps = [each for row in rows for each in row]
    note = None  # the peaks of which curve, chosen how
    if picked.source is not None:
        note = f"Maps at the peaks of the {picked.source}: {picked.rule}."
    return draw_sheet(scene, look, maps, n_cols=n_cols, dpi=dpi, note=note,
                      pyplot=pyplot)  # fmt: skip
