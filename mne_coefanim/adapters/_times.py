"""The time axis of coefficient data: given, built from ``sfreq``, or samples.

Checks that given times fit the data and increase, builds them from a
sampling frequency otherwise, falls back to sample indices (flagged as such),
and warns when times look like milliseconds passed as seconds.
"""

import numpy as np
from mne.utils import logger, warn

from .._checks import as_float_array, check_real


def _resolve_times(times, sfreq, tmin, n_times):
    """Return validated times of shape (n_times,), and whether they are samples."""
    if times is not None and sfreq is not None:
        raise ValueError(
            f"times and sfreq cannot both be given; got sfreq={sfreq}. Pass "
            f"times alone, or sfreq (and tmin) alone."
        )
    if times is None:
        tmin = check_real("tmin", tmin)
        if sfreq is None:
            logger.info(
                "times not given: frames are labelled by sample index. Pass "
                "times (in seconds) or sfreq to label them in time."
            )
            return tmin + np.arange(n_times, dtype=np.float64), True
        sfreq = check_real("sfreq", sfreq, minimum=0, strict=True)
        with np.errstate(over="ignore", divide="ignore"):
            built = tmin + np.arange(n_times) / sfreq
        if not np.isfinite(built).all() or np.any(np.diff(built) <= 0):
            raise ValueError(
                f"sfreq={sfreq!r} Hz with tmin={tmin!r} s gives times that are "
                f"not finite and increasing ({built[0]:g} to {built[-1]:g} s "
                f"over {n_times} samples); pass sfreq in Hz (e.g. 1000.0) and "
                "tmin in seconds."
            )
        return _warn_long(built), False
    times = as_float_array("times", times, "an array of times in seconds")
    if times.shape != (n_times,):
        raise ValueError(
            f"times must have shape ({n_times},), one per time point of data; "
            f"got shape {times.shape}."
        )
    bad = np.flatnonzero(~np.isfinite(times))
    if bad.size:  # a label, a cursor, a link need a number
        raise ValueError(
            f"times must be finite; got {times[bad[0]]} at index {bad[0]} "
            f"({bad.size} non-finite of {n_times}). Give every time point a "
            f"time in seconds, or drop the time points without one."
        )
    if np.any(np.diff(times) <= 0):
        raise ValueError(
            f"times must be strictly increasing; got {times[:5]}"
            f"{' ...' if n_times > 5 else ''}. Sort the time points (and data)."
        )
    return _warn_long(times), False


MAX_PLAUSIBLE_SPAN = 60.0  # seconds; no epoch of a decoding study is longer


def _warn_long(times):
    """Warn when times look like milliseconds passed as seconds."""
    span = times[-1] - times[0]
    if span > MAX_PLAUSIBLE_SPAN:
        warn(
            f"times span {span:g} s ({times[0]:g} to {times[-1]:g}): more than "
            f"{MAX_PLAUSIBLE_SPAN:g} s, longer than any epoch. If they are in "
            f"milliseconds, pass times / 1e3 (times are in seconds)."
        )
    return times
