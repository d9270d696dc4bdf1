"""The public entry points: ``animate_coefs`` and ``plot_coefs``.

They validate the user's input once, then run the one-way pipeline:
inputs (positions, coefficients) -> scene -> interpolation -> figure and frame
compositor -> writers.
"""

import inspect
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from mne.utils import verbose

from ._animation import CoefAnimation
from ._checks import (
    check_chance,
    check_dpi,
    check_fps,
    check_mathtext,
    check_real,
    check_type,
)
from ._defaults import (
    DEFAULT_DPI,
    DEFAULT_EXTRAPOLATE,
    DEFAULT_FPS,
    DEFAULT_IMAGE_INTERP,
    DEFAULT_RES,
    DEFAULT_TIME_UNIT,
)
from ._docs import fill_doc
from .figure._figure import CoefFigure, Look
from .figure._sheet import SheetMap, draw_sheet, sheet_columns
from .scene._options import scene_options
from .scene._panels import is_sheet_time, sheet_times
from .scene._scene import FrameLevels, prepare_scene

# -- public functions ---------------------------------------------------------


@verbose
@fill_doc
def animate_coefs(
    data,
    info=None,
    *,
    times=None,
    dims=None,
    transform=None,
    attr="patterns_",
    class_idx=None,
    class_names=None,
    train_time=None,
    normalize_patterns=False,
    components=None,
    align_signs=False,
    ch_type=None,
    picks=None,
    exclude="bads",
    sphere=None,
    tmin=None,
    tmax=None,
    freqs=None,
    fmin=None,
    fmax=None,
    image_interp=DEFAULT_IMAGE_INTERP,
    extrapolate=DEFAULT_EXTRAPOLATE,
    border="mean",
    res=DEFAULT_RES,
    extrapolated="show",
    vlim=(None, None),
    cmap=None,
    cnorm=None,
    colorbar=True,
    units=None,
    scalings=None,
    title=None,
    sensors=True,
    contours=0,
    mask=None,
    mask_params=None,
    mask_dim=None,
    consistency=None,
    consistency_display="panel",
    alpha=0.05,
    seed=None,
    scores=None,
    chance="auto",
    score_label=None,
    scoring=None,
    score_matrix=None,
    score_stats=None,
    time_unit=DEFAULT_TIME_UNIT,
    fps=DEFAULT_FPS,
    blit=True,
    dpi=DEFAULT_DPI,
    show=True,
    verbose=None,
):
    """Animate decoder coefficients (or patterns) on the scalp over time.

    Parameters
    ----------
    %(data)s
    %(info)s
    %(times)s
    %(dims)s
    %(transform)s
    %(attr)s
    %(class_idx)s
    %(class_names)s
    %(train_time)s
    %(normalize_patterns)s
    %(components)s
    %(align_signs)s
    %(ch_type)s
    %(picks)s
    %(exclude)s
    %(sphere)s
    %(tmin)s
    %(freqs)s
    %(fmin)s
    %(image_interp)s
    %(extrapolate)s
    %(border)s
    %(res)s
    %(extrapolated)s
    %(vlim)s
    %(cmap)s
    %(cnorm)s
    %(colorbar)s
    %(units)s
    %(scalings)s
    %(title)s
    %(sensors)s
    %(contours)s
    %(mask)s
    %(mask_params)s
    %(mask_dim)s
    %(consistency)s
    %(consistency_display)s
    %(alpha)s
    %(scores)s
    %(chance)s
    %(score_label)s
    %(scoring)s
    %(score_matrix)s
    %(score_stats)s
    %(time_unit)s
    %(fps)s
    %(blit)s
    %(dpi)s
    %(show)s
    %(verbose)s

    Returns
    -------
    anim : CoefAnimation
        With ``.fig``, ``.anim`` and ``.save(fname, *, fps, dpi, overwrite)``.
    """
    params = locals()  # the keywords, sorted by stage below
    return _animate(params, show=show, pyplot=show)


def _animate(params, *, show, pyplot):
    """Build the animation of animate_coefs' keywords ``params``.

    ``pyplot``: make its figure through pyplot (else alone, not registered);
    ``show``: show it (it must then be pyplot's).
    """
    _check_call(params)
    scene = prepare_scene(params["data"], params["info"], scene_options(params))
    fps = check_fps(params["fps"])
    dpi = check_dpi(params["dpi"])
    look = Look.from_params(params)
    cfig = CoefFigure(scene, look, dpi, pyplot=pyplot)
    anim = CoefAnimation(scene, cfig, fps=fps, blit=bool(params["blit"]), dpi=dpi,
                         play=show)  # fmt: skip
    anim.show_frame(0)
    if show:
        plt.show()
    return anim


@verbose
@fill_doc
def plot_coefs(data, info=None, *, time, ncols=None, show=True, verbose=None,
               **kwargs):  # fmt: skip
    """Plot the coefficients at one time (a frame), or a sheet at several.

    Parameters
    ----------
    %(data)s
    %(info)s
    %(time)s
    %(ncols)s
    %(show)s
    %(verbose)s
    **kwargs
        Any other argument of :func:`animate_coefs`.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure: the animation's frame, or the sheet of maps.
    """
    if is_sheet_time(time):  # several times, or 'peaks'
        fig = _plot_sheet(data, info, time, ncols, kwargs, pyplot=show)
        if show:
            plt.show()
        return fig
    if ncols is not None:
        raise ValueError(
            f"ncols lays out a sheet of several maps (time=[...] or 'peaks'); "
            f"got ncols={ncols!r} with one time={time!r}."
        )
    check_real("time", time)
    # blit=True: where a backend plays it, the animation is drawn once now,
    # so no later first draw restarts it
    params = _bind(data, info, {**kwargs, "blit": True})
    # pyplot's figure only when it is shown: else nothing is left registered
    anim = _animate(params, show=False, pyplot=show)
    index = int(np.argmin(np.abs(anim.times - time)))
    fig = anim.show_frame(index)
    # a blitting animation marks the map and the label "animated", and a plain
    # draw (a GUI window, fig.canvas.draw()) skips animated artists: pause()
    # stops the timer and draws them as ordinary artists again. (blit=False
    # would be worse: the figure's first draw starts the animation at frame 0.)
    anim._hold_still()
    if show:
        plt.show()
    return fig


def _bind(data, info, kwargs):
    """animate_coefs' keywords, with its defaults (a wrong one is a TypeError)."""
    bound = inspect.signature(animate_coefs).bind(data, info, **kwargs)
    bound.apply_defaults()
    return bound.arguments


def _plot_sheet(data, info, time, ncols, kwargs, *, pyplot):
    """Draw the sheet of maps at several times, from animate_coefs' arguments."""
    params = _bind(data, info, kwargs)
    _check_call(params)
    scene = prepare_scene(data, info, scene_options(params))
    look = Look.from_params(params)
    dpi = check_dpi(params["dpi"])
    return build_sheet(scene, look, time=time, ncols=ncols, dpi=dpi, pyplot=pyplot)


def _check_call(params):
    """Check what the arguments alone tell, before any data is read or drawn.

    The chance level, and every label the figure draws from the user's text
    (mathtext parsed as matplotlib will parse it): an error here names the
    parameter, instead of failing at the first draw or save.
    """
    check_chance(params["chance"])
    for name in ("title", "units", "score_label"):
        check_type(name, params[name], str | type(None), "a str or None")
        check_mathtext(name, params[name])
    if isinstance(params["data"], Mapping):  # its keys are the panels' titles
        for key in params["data"]:
            check_mathtext("panel title (data key)", key)


def build_sheet(scene, look, *, time, ncols, dpi, pyplot=True):
    """Draw the maps of ``scene`` at ``time`` (times, or ``'peaks'``) on one figure.

    The frames are picked by :func:`~.scene._panels.sheet_times`; their
    colour indices come from the animation's :class:`FrameLevels` (so fading
    shows as in the animation). ``ncols``: maps per row (None: up to 5, then
    wrap); ``pyplot=False`` makes the figure alone (see ``new_figure``).
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
