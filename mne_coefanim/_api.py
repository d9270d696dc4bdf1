"""The public entry points: ``animate_coefs`` and ``plot_coefs``.

They validate the user's input once, then run the one-way pipeline:
inputs (positions, coefficients) -> scene -> interpolation -> figure and frame
compositor -> writers.
"""

import functools
import inspect
from collections.abc import Mapping

import numpy as np
from mne.utils import verbose

from ._animation import CoefAnimation
from ._checks import check_mathtext, check_real
from ._docs import fill_doc
from ._params import (
    DEFAULTS,
    DEPRECATED,
    flatten,
    scene_options,
    validate,
)
from .figure._figure import CoefFigure, Look
from .figure._sheet import SheetMap, draw_sheet, sheet_columns
from .scene._frames import is_sheet_time, sheet_times
from .scene._scene import FrameLevels, prepare_scene

# -- public functions ---------------------------------------------------------


def _accepts_deprecated(func):
    """Accept, for one release, the keywords deprecated in 0.2 (FutureWarning).

    The signature stays the new one (``__wrapped__``): a call with an old
    name is unpacked by :func:`~._params.flatten`, which warns.
    """

    @functools.wraps(func)
    def wrapper(data, info=None, **kwargs):
        if not (kwargs.keys() & DEPRECATED.keys()) - PUBLIC:
            return func(data, info, **kwargs)
        params = _bind(data, info, kwargs)
        return _animate(params, pyplot=params["show"], verbose=params["verbose"])

    return wrapper


@_accepts_deprecated
@verbose
@fill_doc
def animate_coefs(
    data,
    info=None,
    *,
    times=None,
    dims=None,
    coef_params=None,
    ch_type=None,
    picks=None,
    sphere=None,
    tmin=None,
    tmax=None,
    decim=1,
    image_interp=DEFAULTS["image_interp"],
    extrapolate=DEFAULTS["extrapolate"],
    res=DEFAULTS["res"],
    beyond_sensors="show",
    vlim=(None, None),
    cmap=None,
    cnorm=None,
    colorbar=True,
    butterfly=False,
    units=None,
    scalings=None,
    title=None,
    sensors=True,
    contours=0,
    mask=None,
    mask_params=None,
    consistency=None,
    scores=None,
    score_params=None,
    time_unit=DEFAULTS["time_unit"],
    fps=DEFAULTS["fps"],
    dpi=DEFAULTS["dpi"],
    show=True,
    verbose=None,
):
    """Animate decoder coefficients (or patterns) on the scalp over time.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    anim : CoefAnimation
        With ``.fig``, ``.anim`` and ``.save(fname, *, fps, dpi, overwrite)``.

    Notes
    -----
    .. versionchanged:: 0.2
       The rarely used parameters moved into dicts: ``attr``, ``transform``,
       ``class_idx``, ``class_names``, ``train_time``, ``normalize_patterns``,
       ``components``, ``align_signs``, ``freqs``, ``fmin`` and ``fmax`` into
       ``coef_params``; ``chance``, ``score_label``, ``scoring``,
       ``score_matrix`` and ``score_stats`` into ``score_params``;
       ``consistency_display`` into ``consistency``; ``mask_dim`` into
       ``mask_params``; ``alpha`` and ``seed`` into ``mask`` (and
       ``score_params`` or ``consistency`` for ``alpha``); ``border`` into
       ``beyond_sensors`` (``extrapolated`` before). ``exclude`` (use
       ``picks``, which leave out the bads unless named) and ``blit`` (always
       on) are deprecated. The old names work until 0.3, with a
       ``FutureWarning``.
    """
    params = flatten(locals(), PUBLIC)  # every parameter, data and info too
    return _animate(params, pyplot=show, verbose=verbose)


def animate_options(data, info=None, **options):
    """Build an animation, not shown, from flat options keyed as ``PARAMS``.

    The command line's way in: its options set the options themselves, so
    that no deprecation warning reaches its users.
    """
    params = {**DEFAULTS, **options, "data": data, "info": info, "show": False}
    return _animate(params, pyplot=False, verbose=params["verbose"])


@verbose
def _animate(params, *, pyplot, verbose=None):
    """Build the animation of the flat options ``params`` (``_params.PARAMS``).

    ``pyplot``: make its figure through pyplot (else alone, not registered);
    shown when ``params["show"]`` (it must then be pyplot's).
    """
    params = _check_call(params)
    scene = prepare_scene(params["data"], params["info"], scene_options(params))
    look = Look.from_params(params)
    cfig = CoefFigure(scene, look, params["dpi"], pyplot=pyplot)
    anim = CoefAnimation(scene, cfig, fps=params["fps"], blit=bool(params["blit"]),
                         dpi=params["dpi"], play=params["show"])  # fmt: skip
    anim.show_frame(0)
    if params["show"]:
        _show()
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
    elif ncols is not None:
        raise ValueError(
            f"ncols lays out a sheet of several maps (time=[...] or 'peaks'); "
            f"got ncols={ncols!r} with one time={time!r}."
        )
    else:
        check_real("time", time)
        # blit=True: where a backend plays it, the animation is drawn once now,
        # so no later first draw restarts it
        params = {**_bind(data, info, kwargs), "blit": True, "show": False}
        # pyplot's figure only when it is shown: else nothing is left registered
        anim = _animate(params, pyplot=show)
        fig = anim.show_frame(int(np.argmin(np.abs(anim.times - time))))
        # drawn as ordinary artists (blit=False would be worse: the figure's
        # first draw would start the animation at frame 0)
        anim._hold_still()
    if show:
        _show()
    return fig


def _bind(data, info, kwargs):
    """Return the flat options of animate_coefs' keywords (TypeError if unknown)."""
    return {**flatten(kwargs, PUBLIC), "data": data, "info": info}


def _plot_sheet(data, info, time, ncols, kwargs, *, pyplot):
    """Draw the maps at ``time`` (times, or ``'peaks'``) on one figure.

    The frames are picked by :func:`~.scene._frames.sheet_times`; their
    colour indices come from the animation's :class:`FrameLevels` (so fading
    shows as in the animation). ``ncols``: maps per row (None: up to 8, then
    wrap evenly); ``pyplot=False`` makes the figure alone (see ``new_figure``).
    """
    params = _check_call(_bind(data, info, kwargs))
    look = Look.from_params(params)
    if look.butterfly:  # before any data is read
        raise ValueError(
            f"butterfly=True draws the time courses under an animation or a single "
            f"frame; a sheet of maps (time={time!r:.40}) has none. Pass one time, or "
            "butterfly=False."
        )
    scene = prepare_scene(data, info, scene_options(params))
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
    return draw_sheet(scene, look, maps, n_cols=n_cols, dpi=params["dpi"],
                      note=note, pyplot=pyplot)  # fmt: skip


def _check_call(params):
    """Check what the arguments alone tell, before any data is read or drawn.

    The table's validators, and the panel titles' mathtext: an error names the
    parameter, instead of failing at the first draw or save.
    """
    params = validate(params)
    if isinstance(params["data"], Mapping):  # its keys are the panels' titles
        for key in params["data"]:
            check_mathtext("panel title (data key)", key)
    return params


PUBLIC = frozenset(inspect.signature(animate_coefs).parameters)


def _show():
    """Show pyplot's figures (imported only here: a fresh render saves 0.03 s)."""
    import matplotlib.pyplot as plt

    plt.show()
