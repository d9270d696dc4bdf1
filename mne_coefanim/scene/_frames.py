"""Which samples become frames: ``tmin``, ``tmax`` and ``decim``; a sheet's times.

* **the animation's frames**: the samples from ``tmin`` to ``tmax``
  (inclusive), then every ``decim``-th of them from the first, ``tmin``'s
  sample (MNE's ``decim`` counts from the data's first sample instead: the
  same frames unless ``tmin`` falls between them). Statistics and the score
  curve are computed on every sample before the selection: a frame's mask
  is the mask at its sample, and the score panel draws the whole curve,
  each frame at its sample's exact time (``ScorePanel.frames``).
* **a sheet's maps**: the frame nearest each time asked for (refusing
  times outside the frames shown, or two on one frame), or with
  ``time='peaks'`` the peaks (:func:`~..stats._score_tests.find_peaks`) of
  the score mean at the frames, else of the global field power (the std
  across channels, as MNE's ``plot_joint``).
"""

from dataclasses import dataclass
from numbers import Real

import numpy as np
from mne.utils import logger

from .._checks import check_real
from ..stats._score_tests import find_peaks


def select_frames(panels, tmin, tmax, decim):
    """Return the samples from ``tmin`` to ``tmax`` (inclusive) of all panels.

    Every ``decim``-th of them (an int >= 1), from the first, is a frame.
    """
    times = panels[0].times
    for panel in panels[1:]:
        if panel.times.shape != times.shape or not np.allclose(panel.times, times):
            raise ValueError(f"all panels must share the same times; got {len(times)} "
                             f"and {len(panel.times)} time points.")  # fmt: skip
    for name, value in (("tmin", tmin), ("tmax", tmax)):
        if value is not None:
            check_real(name, value)
    lo = times[0] if tmin is None else tmin
    hi = times[-1] if tmax is None else tmax
    eps = 1e-9 * max(1.0, np.ptp(times))
    crop = np.flatnonzero((times >= lo - eps) & (times <= hi + eps))
    if not crop.size:
        raise ValueError(f"tmin={tmin}, tmax={tmax} select no time point; the data "
                         f"spans {times[0]:0.3f} to {times[-1]:0.3f} s.")  # fmt: skip
    if decim > len(crop):
        where = "from tmin to tmax" if (tmin, tmax) != (None, None) else "in the data"
        raise ValueError(
            f"decim={decim} keeps one frame in {decim}, but there are only "
            f"{len(crop)} frames {where}; pass decim={len(crop)} or less."
        )
    if decim > 1:
        logger.info(
            f"decim={decim}: {len(crop[::decim])} of {len(crop)} frames kept; "
            f"statistics and the score curve use all {len(crop)} samples."
        )
    return crop


@dataclass(frozen=True)
class SheetTimes:
    """The frames a sheet shows; with ``time='peaks'``, whose peaks and why."""

    frames: np.ndarray  # frame indices, in the order the maps are drawn
    source: str | None = None  # e.g. 'AUC (mean across 8 subjects)'
    rule: str | None = None  # what made them peaks (find_peaks)


def is_sheet_time(time):
    """Whether ``time`` asks for a sheet (anything but one number)."""
    return isinstance(time, bool) or not isinstance(time, Real)


def sheet_times(time, scene):
    """Resolve ``time`` (a sequence of times, or ``'peaks'``) to frames.

    ``time`` as in :func:`mne_coefanim.plot_coefs`; ``scene`` is the
    validated Scene. Returns the frames, and what picked them (SheetTimes).
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
    significant = None  # the test's bar and the curve, at the frames (decim)
    if scene.scores is not None and scene.scores.significant is not None:
        significant = scene.scores.significant[scene.scores.frames]
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
        return np.asarray(scores.mean[scores.frames], np.float64), f"score {label}"
    if len(scene.values) > 1:
        raise ValueError(
            f"time='peaks' without scores picks the peaks of the global field "
            f"power, which is one panel's; there are {len(scene.values)} panels. "
            f"Pass the times (time=[...]) or scores= (whose peaks are shared)."
        )
    n_channels = scene.values.shape[-1]
    gfp = scene.values[0].std(axis=-1)
    return gfp, f"global field power (std across the {n_channels} channels)"
