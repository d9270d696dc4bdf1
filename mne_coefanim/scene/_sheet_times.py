"""Which frames a sheet of maps shows: times asked for, or the curve's peaks.

``time=[...]`` picks the frame nearest each time, refusing times outside the
frames shown and two times that land on the same frame. ``time='peaks'``
picks the peaks of the score panel's mean when there is one, else of the
global field power (the standard deviation across channels of the values
shown, as MNE's ``plot_joint`` does): local maxima of the curve itself (not
smoothed) that stand out from its baseline or were found significant
(:func:`find_peaks`).
"""

from dataclasses import dataclass
from numbers import Real

import numpy as np
from mne.utils import logger

MAX_PEAKS = 5  # as many as MNE's plot_joint shows at most
MIN_PROMINENCE = 0.3  # of the curve's range: a smaller bump is noise
PEAK_SPACING = 20  # peaks at least n_times // PEAK_SPACING frames apart
SMOOTHING = 1.0  # frames (a Gaussian's SD): finds bumps, does not place them


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
    rule : str | None
        With ``time='peaks'``, what made them peaks (see :func:`find_peaks`).
    """

    frames: np.ndarray
    source: str | None = None
    rule: str | None = None


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
    times = None if scene.times_are_samples else np.asarray(scene.times)
    significant = None if scene.scores is None else scene.scores.significant
    frames, rule = find_peaks(curve, times=times, significant=significant)
    shown = ", ".join(f"{scene.times[k]:g}" for k in frames)
    unit = "sample" if scene.times_are_samples else "s"
    logger.info(f"time='peaks': {len(frames)} peak(s) of the {source} at "
                f"{shown} {unit}: {rule}.")  # fmt: skip
    return SheetTimes(frames, source, rule)


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


def find_peaks(curve, *, times=None, significant=None, max_peaks=MAX_PEAKS):
    """Frames of the curve's peaks that stand out, at most ``max_peaks``.

    Bumps are found on the curve seen through a Gaussian of ``SMOOTHING``
    frames' SD (one noisy frame is not a bump): a local maximum (not the
    first or last frame) rising at least ``MIN_PROMINENCE`` of the curve's
    range above the lowest point between it and any higher bump (its
    prominence), at least ``n_times // PEAK_SPACING`` frames from a higher
    one. Each bump's peak is then the sample where the curve itself (not
    smoothed) is highest within the bump (from the low point before it to
    the one after): a local maximum of the curve, at its exact time. It must
    also stand out from what the curve does without an effect:

    * with ``times`` reaching before 0 (a baseline) and after, it lies after
      0, above the curve's highest pre-stimulus value, and its bump rises by
      more than the pre-stimulus curve spans (its peak-to-peak);
    * with ``significant`` (``score_stats`` ran), the test found the curve
      above chance at that frame.

    The ``max_peaks`` highest are kept, in time order. When none qualifies
    (a flat curve, one rising to an end, or noise), the curve's maximum
    (after 0 when there is a baseline) is returned, and ``rule`` says so.

    Parameters
    ----------
    curve : array, shape (n_times,)
        The curve.
    times : array, shape (n_times,) | None
        The frames' times in seconds; None when unknown (sample indices).
    significant : array of bool, shape (n_times,) | None
        Where ``score_stats`` found the curve above chance; None without a
        test.
    max_peaks : int
        The most peaks returned.

    Returns
    -------
    frames : array of int
        The peaks' frames, in time order (at least one).
    rule : str
        What chose them, for the log and the sheet's note.
    """
    from scipy.ndimage import gaussian_filter1d
    from scipy.signal import find_peaks as local_maxima

    curve = np.asarray(curve, dtype=np.float64)
    spread = float(np.ptp(curve))
    if spread == 0:  # flat: no peak, every frame as high as any
        return np.array([0]), "a flat curve: no peak, its first frame"
    spacing = max(1, len(curve) // PEAK_SPACING)
    # which bumps are peaks: seen through one frame of smoothing (one noisy
    # frame is not a peak); where: the curve's own highest sample in the bump
    smooth = gaussian_filter1d(curve, SMOOTHING, mode="nearest")
    prominence = MIN_PROMINENCE * float(np.ptp(smooth))
    rules = [f"maxima of bumps rising {MIN_PROMINENCE:.0%} of the range"]
    allowed = np.ones(len(curve), bool)
    has_baseline = times is not None and times[0] < 0 <= times[-1]
    if has_baseline:  # what the curve does before anything happens
        before = times < 0
        prominence = max(prominence, float(np.ptp(smooth[before])))
        baseline = float(curve[before].max())
        allowed &= ~before & (curve > baseline)
        rules = [
            f"maxima of bumps rising {MIN_PROMINENCE:.0%} of the range and more "
            f"than the pre-stimulus spread, above the pre-stimulus maximum "
            f"({baseline:.3g})"
        ]  # fmt: skip
    bumps, _ = local_maxima(smooth, distance=spacing, prominence=prominence)
    peaks = np.unique([
        left + int(np.argmax(curve[left : right + 1]))
        for left, right in _bump_extents(smooth, bumps)
    ]).astype(int)  # fmt: skip
    if significant is not None:
        allowed &= np.asarray(significant, bool)
        rules.append("significant (score_stats)")
    peaks = peaks[allowed[peaks]]
    if not peaks.size:
        after = np.flatnonzero(times >= 0) if has_baseline else np.arange(len(curve))
        best = after[np.argmax(curve[after])]
        return np.array([best]), (
            f"no peak stands out ({', '.join(rules)}): the maximum is shown"
        )
    highest = peaks[np.argsort(curve[peaks], kind="stable")[::-1][:max_peaks]]
    return np.sort(highest), ", ".join(rules)


def _bump_extents(smooth, bumps):
    """Each bump's frames: from the low point before its top to the one after."""
    extents = []
    for top in bumps:
        left = top
        while left > 0 and smooth[left - 1] <= smooth[left]:
            left -= 1
        right = top
        while right < len(smooth) - 1 and smooth[right + 1] <= smooth[right]:
            right += 1
        extents.append((left, right))
    return extents
