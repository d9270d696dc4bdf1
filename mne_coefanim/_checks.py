"""Validation at the public boundary, and two services: progress bars, helper threads.

Every message names the parameter, what was given and what is allowed.

Progress bars are MNE's :class:`mne.utils.ProgressBar` (tqdm: ``MNE_TQDM=off``
turns them off, as everywhere in MNE), drawn at MNE's log level INFO or more
verbose (``verbose=False`` hides them) *and* when stderr is a terminal: a bar
redrawn with carriage returns would clutter a captured log, a CI job or a notebook.

Helper threads run, on the second core, work that releases the GIL for long
stretches (Pillow's and zlib's compression) while the main thread runs matplotlib
and numpy. Work that takes the GIL back between short numpy calls gains nothing
(measured: the compositor's probe renders on a helper took 33 ms instead of 16,
and the set-up as a whole was slower). With one CPU, or inside :func:`one_core`
(e.g. a job of :func:`~mne_coefanim.save_animations`), the work runs in the
caller's thread.

Nothing here changes the process: :func:`one_core` and :func:`quiet_progress` set
a :class:`contextvars.ContextVar`, so a block covers the saves of the thread (or
asyncio task) that entered it, and blocks may end in any order; threads it starts
get a context of their own (or a copy, e.g. with ``-X thread_inherit_context=1``).
"""

import contextlib
import logging
import os
import sys
from contextvars import ContextVar
from numbers import Integral, Real

import numpy as np

# scores (and the chance level) beyond this cannot share an axis: far beyond
# any score, and squares (for the SEM) stay finite
MAX_SCORE = 1e100
# a map interpolates between channels: Qhull's 2-D Delaunay triangulation
# needs four points (positions, picks and the interpolator say the same)
MIN_CHANNELS = 4
MIN_FPS = 0.002  # one frame per 500 s: a GIF delay must fit in 16 bits of cs
MIN_DPI = 10  # FreeType cannot draw the figure's text much below this
# a 5-inch figure at 1000 dpi is 5000 px wide; far above, a frame's buffers
# take gigabytes and Agg refuses canvases of 2**16 px
MAX_DPI = 1000
# matplotlib's Agg canvas refuses 2**16 px per side; GIF stores sizes in 16 bits
MAX_FRAME_SIDE = 2**16 - 1
AGG_LIMIT = "matplotlib draws (Agg) at most 65,535 px per side"


def check_option(name, value, allowed):
    """Raise a ValueError unless ``value`` is one of ``allowed``.

    Only scalars can match (``==`` on an array answers with an array).
    """
    scalar = value is None or isinstance(value, str | bool | Real)
    if not (scalar and value in allowed):
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}; got {value!r:.60}.")
    return value


def check_type(name, value, types, type_name):
    """Raise a TypeError unless ``value`` is an instance of ``types``."""
    if not isinstance(value, types):
        raise TypeError(
            f"{name} must be {type_name}; got {type(value).__name__} ({value!r:.60})."
        )
    return value


def check_bool(name, value):
    """Return ``value`` as bool: True or False (numpy's too), nothing truthy.

    A flag that guards a file must not be guessed (``'no'`` is truthy).
    """
    return bool(check_type(name, value, bool | np.bool_, "a bool (True or False)"))


def check_int(name, value, minimum=None):
    """Return ``value`` as int, checking its type and lower bound."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int; got {type(value).__name__}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    return int(value)


def check_real(name, value, minimum=None, strict=False):
    """Return ``value`` as float, checking its type and lower bound."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}.")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        op = ">" if strict else ">="
        raise ValueError(f"{name} must be {op} {minimum}; got {value}.")
    return value


def as_float_array(name, value, what="an array of numbers"):
    """Return ``value`` as a float64 array: no text, ragged lists or complex numbers."""
    try:
        array = np.asarray(value)
    except ValueError:  # ragged nested lists
        array = None
    if array is None or array.dtype.kind not in "biuf":
        got = type(value).__name__
        if isinstance(value, np.ndarray):
            got += f" of dtype {value.dtype}"
        raise TypeError(f"{name} must be {what}; got {got} ({value!r:.60}).")
    return array.astype(np.float64, copy=False)


def check_fps(fps):
    """Return ``fps`` as float, at least ``MIN_FPS`` (a GIF's delay has 16 bits)."""
    fps = check_real("fps", fps, 0, strict=True)
    if fps < MIN_FPS:
        raise ValueError(
            f"fps must be >= {MIN_FPS} (one frame per {1 / MIN_FPS:g} s); got "
            f"fps={fps:g}."
        )
    return fps


def check_finite(name, values, ch_names=None, times=None):
    """Refuse NaN or inf in ``values`` ``(..., n_times, n_channels)``, naming where."""
    bad = ~np.isfinite(values)
    if not bad.any():
        return values
    bad = bad.reshape(-1, *values.shape[-2:]).any(axis=0)
    bad_ch = np.flatnonzero(bad.any(axis=0))
    bad_t = np.flatnonzero(bad.any(axis=1))
    ch_desc = (
        [ch_names[i] for i in bad_ch[:10]] if ch_names is not None else bad_ch[:10]
    )
    ch_list = ", ".join(str(c) for c in ch_desc) + (", ..." if bad_ch.size > 10 else "")
    if times is not None:
        t_desc = f"{times[bad_t[0]]:.3f} s to {times[bad_t[-1]]:.3f} s"
    else:
        t_desc = f"time indices {bad_t[0]} to {bad_t[-1]}"
    raise ValueError(
        f"{name} contains NaN or inf in {bad_ch.size} channel(s) ({ch_list}) at "
        f"{bad_t.size} time point(s) ({t_desc}). Drop those channels (e.g. "
        f"exclude them with picks, or mark them bad) or fill the values."
    )


def check_palette(palette):
    """Return ``palette`` as a uint8 array of shape (n_colors, 3)."""
    palette = check_uint8("palette", np.asarray(palette))
    if palette.ndim != 2 or palette.shape[1] != 3 or not 1 <= len(palette) <= 256:
        raise ValueError(
            f"palette must have shape (n_colors, 3) with 1 <= n_colors <= 256; "
            f"got shape {palette.shape}."
        )
    return palette


def check_uint8(name, array, colors=True):
    """Raise a TypeError unless ``array`` holds uint8 values."""
    if array.dtype != np.uint8:
        fix = "np.round(x * 255).astype(np.uint8)" if colors else "x.astype(np.uint8)"
        what = "colours in [0, 1]" if colors else "indices"
        raise TypeError(
            f"{name} must be a uint8 array (values 0 to 255); got dtype "
            f"{array.dtype}. Convert {what} with {fix}."
        )
    return array


def check_dpi(dpi):
    """Return ``dpi`` as float, from ``MIN_DPI`` to ``MAX_DPI``."""
    dpi = check_real("dpi", dpi, 0, strict=True)
    if dpi < MIN_DPI:
        raise ValueError(
            f"dpi must be >= {MIN_DPI} (the figure's text cannot be drawn "
            f"smaller); got dpi={dpi:g}. For smaller frames lower res instead."
        )
    if dpi > MAX_DPI:
        raise ValueError(
            f"dpi must be <= {MAX_DPI} (every frame is figsize * dpi pixels); "
            f"got dpi={dpi:g}."
        )
    return dpi


def check_chance(chance):
    """Return the chance level: None, ``'auto'`` or a float within ``±MAX_SCORE``.

    As scores are: the score axis spans both (beyond, its limits overflow).
    """
    if chance is None or (isinstance(chance, str) and chance == "auto"):
        return chance
    if isinstance(chance, str):  # another option than 'auto'
        raise ValueError(
            f"chance must be a number, 'auto' or None; got {chance!r:.60}."
        )
    if isinstance(chance, bool | np.bool_) or not isinstance(chance, Real):
        raise TypeError(
            f"chance must be a number, 'auto' or None; got "
            f"{type(chance).__name__} ({chance!r:.60})."
        )
    value = float(chance)
    if not np.isfinite(value) or abs(value) > MAX_SCORE:
        raise ValueError(
            f"chance must be a finite number within +-{MAX_SCORE:g}, as scores "
            f"are (the score axis spans both); got "
            f"score_params=dict(chance={value!r})."
        )
    return value


def check_label(name, text):
    """Return a label the figure draws (``title``, ...): a str or None.

    Its mathtext is parsed now (see :func:`check_mathtext`).
    """
    check_type(name, text, str | type(None), "a str or None")
    return check_mathtext(name, text)


def check_mathtext(name, text):
    """Refuse a label whose mathtext (between $ signs) matplotlib cannot parse.

    Parsed now by matplotlib's public ``MathTextParser``, so that the error names
    ``name`` instead of coming at the first draw. Non-str values and text that is
    no mathtext pass; with ``text.usetex``, LaTeX says what is wrong.
    """
    import matplotlib as mpl
    from matplotlib import cbook
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    usetex = mpl.rcParams["text.usetex"]
    if not isinstance(text, str) or usetex or not cbook.is_math_text(text):
        return text
    try:
        MathTextParser("path").parse(text, 72, FontProperties(size=12))
    except ValueError as err:
        raise ValueError(
            f"{name} {text!r:.80} cannot be drawn: matplotlib reads text "
            f"between $ signs as mathtext, and this does not parse "
            f"({' '.join(str(err).split())}). Escape a literal dollar "
            "sign as \\$, e.g. 'cost: \\$5'."
        ) from None
    return text


def frame_shape(size_inches, dpi):
    """Return a figure's frames' ``(height, width)`` in px, truncated as Agg does."""
    width, height = size_inches
    return int(height * dpi), int(width * dpi)


def check_frame_size(shape, dpi, max_side=MAX_FRAME_SIDE, cause=AGG_LIMIT,
                     fewer="panels side by side"):  # fmt: skip
    """Refuse frames of ``shape`` (see :func:`frame_shape`) at ``dpi``, before drawing.

    ``max_side``: the largest side the output takes, in px; ``cause``: what sets
    it (e.g. ``'libx264 (MP4) encodes at most 16,384 px per side'``); ``fewer``:
    what to show fewer of, the other way to fit.
    """
    height, width = shape
    if max(height, width) <= max_side:
        return
    # the largest dpi sure to fit: the figure is less than (side + 1) / dpi
    # inches (sides are truncated to whole px)
    fits = int(max_side * dpi / (max(height, width) + 1))
    advice = (
        f"lower dpi to {fits} or less, or show fewer {fewer}"
        if fits >= MIN_DPI
        else f"show fewer {fewer} (even dpi={MIN_DPI} is too much)"
    )
    raise ValueError(
        f"dpi={dpi:g} makes frames of {width:,} x {height:,} px, too large: "
        f"{cause}. To fit, {advice}."
    )


# -- progress bars -------------------------------------------------------------

# True inside ``quiet_progress()``: e.g. batch jobs, whose one overall bar
# replaces a bar per animation
_QUIET = ContextVar("mne_coefanim_quiet_progress", default=False)


def stderr_is_tty():
    """Return whether stderr is a terminal (not redirected, closed or missing)."""
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # None, no isatty, or a closed stream
        return False


def show_progress():
    """Return whether to draw a progress bar now.

    MNE's log level INFO or lower (as ProgressBar requires), stderr a terminal,
    outside :func:`quiet_progress`.
    """
    from mne.utils import logger  # MNE loads only when a bar may be drawn

    # the level of the caller (a @verbose function sets it for its call)
    return not _QUIET.get() and logger.level <= logging.INFO and stderr_is_tty()


@contextlib.contextmanager
def _setting(var, value):
    """Set the context variable ``var`` to ``value`` inside the block."""
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def quiet_progress():
    """Hide progress bars inside the block (logging is unchanged)."""
    return _setting(_QUIET, True)


def progress(iterable, *, total, desc, verbose=None):
    """Return an iterator over ``iterable`` that advances MNE's bar, if one is shown.

    The decision is taken now, at the caller's log level (``verbose``: as MNE's),
    not when the items are consumed. Items pass one at a time: a generator stays
    a stream. ``total``: the number of items; ``desc``: the text by the bar.
    """
    from mne.utils import ProgressBar, use_log_level

    # as MNE's @verbose would, for this decision only
    with contextlib.nullcontext() if verbose is None else use_log_level(verbose):
        show = show_progress()
    if not show:
        return iter(iterable)
    return iter(ProgressBar(iterable, max_value=int(total), mesg=str(desc)))


# -- helper threads ----------------------------------------------------------

N_WORKERS = 2  # helpers at most: with the main thread, enough for two cores

# None: N_WORKERS (with more than one CPU); 0 inside one_core()
_WORKERS = ContextVar("mne_coefanim_workers", default=None)


def one_core():
    """Run helper threads' work in the caller's thread while in this block.

    For a job that should use one core (e.g. a job of
    :func:`~mne_coefanim.save_animations`); only this thread's context changes.
    """
    return _setting(_WORKERS, 0)


def default_workers():
    """Return :data:`N_WORKERS`, or 0 in :func:`one_core` or with one CPU."""
    workers = _WORKERS.get()
    if workers is not None:
        return workers
    try:
        n_cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n_cpus = os.cpu_count() or 1
    return N_WORKERS if n_cpus > 1 else 0
