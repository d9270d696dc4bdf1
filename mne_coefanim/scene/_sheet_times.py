"""Which frames a sheet of maps shows: times asked for, or the curve's peaks.

``time=[...]`` picks the frame nearest each time, refusing times outside the
frames shown and two times that land on the same frame. ``time='peaks'``
picks the peaks of the score panel's mean when there is one, else of the
global field power (the standard deviation across channels of the values
shown, as MNE's ``plot_joint`` does).
"""

from dataclasses import dataclass
from numbers import Real

import numpy as np
from mne.utils import logger

MAX_PEAKS = 5  # as many as MNE's plot_joint shows at most
MIN_PROMINENCE = 0.3  # of the curve's range: a smaller bump is noise
PEAK_SPACING = 20  # peaks at least n_times // PEAK_SPACING frames apart
SMOOTHING = 1.0  # frames (a Gaussian's SD): one noisy frame is not a peak


@dataclass(frozen=True)
class SheetTimes:
    """The frames a sheet shows.

    Attributes
    ----------
    frames : array of int
        The frame indices, in the order the maps are drawn.
    source : str | None
        With ``time='peaks'``, the curve whose peaks they are (e.g. ``'AUC
        (mean across 8 subjects)'``); None for times asked for.
    """

    frames: np.ndarray
    source: str | None = None


def is_sheet_time(time):
    """Whether ``time`` asks for a sheet (anything but one number)."""
    return isinstance(time, bool) or not isinstance(time, Real)


def sheet_times(time, scene):
    """Resolve ``time`` (a sequence of times, or ``'peaks'``) to frames.

    Parameters
    ----------
    time : sequence of float | 'peaks'
        As in :func:`mne_coefanim.plot_coefs`.
    scene : Scene
        The validated scene (its times, values and score panel).

    Returns
    -------
    times : SheetTimes
        The frames, and what picked them.
    """
    if isinstance(time, str):
        if time != "peaks":
            raise ValueError(
                f"time must be a number, a sequence of numbers or 'peaks'; got "
                f"{time!r:.60}."
            )
        return _peak_times(scene)
    return SheetTimes(_nearest_frames(_as_times(time), scene))


def _as_times(time):
    """Return ``time`` as a 1-D float array, or raise naming ``time``."""
    allowed = "a number, a sequence of numbers or 'peaks'"
    if isinstance(time, dict | set) or not hasattr(time, "__len__"):
        raise TypeError(f"time must be {allowed}; got {type(time).__name__}.")
    try:
        times = np.asarray(time, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"time must be {allowed}; got {time!r:.60}.") from None
    if times.ndim != 1 or not times.size:
        raise ValueError(
            f"time must be {allowed}: a sequence holds at least one time, in one "
            f"dimension; got shape {times.shape}."
        )
    if np.asarray(time).dtype == bool:
        raise TypeError(f"time must be {allowed}; got booleans ({time!r:.60}).")
    if not np.isfinite(times).all():
        raise ValueError(f"time must hold finite numbers; got {time!r:.60}.")
    return times


def _nearest_frames(times, scene):
    """Return the frame nearest each time; refuse times outside the frames."""
    shown = np.asarray(scene.times, dtype=np.float64)
    unit = "sample" if scene.times_are_samples else "s"
    eps = 1e-9 * max(1.0, float(np.ptp(shown)))
    outside = times[(times < shown[0] - eps) | (times > shown[-1] + eps)]
    if outside.size:
        raise ValueError(
            f"time must lie within the frames shown, {shown[0]:g} to "
            f"{shown[-1]:g} ({unit}; after tmin and tmax); got "
            f"{', '.join(f'{t:g}' for t in outside)}."
        )
    frames = np.abs(shown[np.newaxis] - times[:, np.newaxis]).argmin(axis=1)
    values, counts = np.unique(frames, return_counts=True)
    if (counts > 1).any():
        twice = shown[values[counts > 1][0]]
        raise ValueError(
            f"time asks for the frame at {twice:g} {unit} more than once (the "
            f"nearest frame to each time is shown); give times at least one "
            f"frame apart: {list(times)}."
        )
    return frames


def _peak_times(scene):
    """Pick the peaks of the score mean, else of the global field power."""
    curve, source = _peak_curve(scene)
    frames = find_peaks(curve)
    shown = ", ".join(f"{scene.times[k]:g}" for k in frames)
    unit = "sample" if scene.times_are_samples else "s"
    logger.info(f"time='peaks': {len(frames)} peak(s) of the {source} at "
                f"{shown} {unit}.")  # fmt: skip
    return SheetTimes(frames, source)


def _peak_curve(scene):
    """Return the curve whose peaks to pick, and what it was computed across."""
    scores = scene.scores
    if scores is not None:
        if scores.matrix is not None:
            what = "diagonal of the generalization matrix"
        elif scores.band is not None:  # it says across what (e.g. 8 subjects)
            what = scores.band.replace("± SEM across", "mean across")
        else:  # one row of scores
            what = None
        label = scores.label if what is None else f"{scores.label} ({what})"
        return np.asarray(scores.mean, dtype=np.float64), f"score {label}"
    if len(scene.values) > 1:
        raise ValueError(
            f"time='peaks' without scores picks the peaks of the global field "
            f"power, which is one panel's; there are {len(scene.values)} panels. "
            f"Pass the times (time=[...]) or scores= (whose peaks are shared)."
        )
    n_channels = scene.values.shape[-1]
    gfp = scene.values[0].std(axis=-1)
    return gfp, f"global field power (std across the {n_channels} channels)"


def find_peaks(curve, max_peaks=MAX_PEAKS):
    """Frames of the curve's clear peaks, at most ``max_peaks``, in time order.

    The curve is first smoothed with a Gaussian of ``SMOOTHING`` frames'
    SD, so that a single noisy frame does not make a peak. A peak is then a
    local maximum (not the first or last frame) rising at least
    ``MIN_PROMINENCE`` of the curve's range above the lowest point between it
    and any higher peak (its prominence), at least ``n_times //
    PEAK_SPACING`` frames from a higher peak. The ``max_peaks`` highest are
    kept. A curve without one (flat, or rising to an end) gives its maximum.

    Parameters
    ----------
    curve : array, shape (n_times,)
        The curve.
    max_peaks : int
        The most peaks returned.

    Returns
    -------
    frames : array of int
        The peaks' frames, in time order (at least one).
    """
    from scipy.ndimage import gaussian_filter1d
    from scipy.signal import find_peaks as local_maxima

    curve = gaussian_filter1d(np.asarray(curve, dtype=np.float64), SMOOTHING,
                              mode="nearest")  # fmt: skip
    spread = float(np.ptp(curve))
    if spread == 0:  # flat: no peak, every frame as high as any
        return np.array([0])
    spacing = max(1, len(curve) // PEAK_SPACING)
    peaks, _ = local_maxima(curve, distance=spacing,
                            prominence=MIN_PROMINENCE * spread)  # fmt: skip
    if not peaks.size:
        return np.array([int(np.argmax(curve))])
    highest = peaks[np.argsort(curve[peaks], kind="stable")[::-1][:max_peaks]]
    return np.sort(highest)
