"""The values every input becomes (:class:`CoefData`), and their axes.

Axis names are normalised once here (``DIM_NAMES``, MNE's singular names and
aliases); times are checked, built from ``sfreq`` or fall back to samples. A stack
of values becomes a CoefData here: folds are averaged within subjects, then
subjects, then the transform applied (``'abs'`` of the average, never the
average of ``'abs'``); several rows (classes) end as their norm.
"""

import dataclasses
from dataclasses import dataclass

import numpy as np
from mne.utils import logger, warn

from .._checks import as_float_array, check_real, check_type

# units of values in the SI unit of their channel type per something, known
# once the channel type is (figures scale them as MNE does, e.g. to µV)
PER_SD = "SI / SD"  # normalised patterns: per SD of the decoder output
PER_COMPONENT = "SI / component"  # CSP patterns: per unit of the component

SUPPORTED_TYPES = (
    "an array-like, an mne.Evoked, a CoefData, a fitted "
    "mne.decoding.SlidingEstimator / GeneralizingEstimator, or a list of "
    "them (one per fold; or a list of such lists, one per subject), or a "
    "fitted mne.decoding.CSP (or a list of them, one per time window)"
)


@dataclass(frozen=True)
class DecoderFacts:
    """What a fitted decoder tells about its scores.

    ``scoring``: the estimator's ``scoring`` when a str; for None its own
    ``score`` (``'accuracy'`` for classifiers, ``'r2'`` for regressors); None
    when unknown (e.g. a callable). ``n_classes``, ``classes`` (its
    ``classes_`` as text): None for a regressor. ``generalizing``: True for a
    :class:`~mne.decoding.GeneralizingEstimator` (train x test time scores).
    """

    scoring: str | None = None
    n_classes: int | None = None
    generalizing: bool = False
    classes: tuple | None = None


@dataclass(frozen=True, eq=False)
class CoefData:
    """Time-resolved values per channel, ready to be animated.

    Build it with :func:`as_coef_data` rather than directly: that function
    validates its inputs and names what to fix.

    Parameters
    ----------
    data : array, shape (n_times, n_channels)
        The values to animate (float64), after averaging over folds and
        subjects and after ``transform``.
    times : array, shape (n_times,)
        Time of each frame in seconds, strictly increasing.
    ch_names : list of str | None
        Channel names, or None when unknown (e.g. a plain array).
    kind : str
        What the values are: ``'patterns'``, ``'filters'``, ``'evoked'`` or
        ``'values'`` (anything else).
    units : str | None
        Units of ``data`` (e.g. ``'a.u.'``, ``'µV'``, ``'T'``), or None when
        unknown (for ``kind`` ``'patterns'`` or ``'evoked'``: the SI unit of
        the channel type, e.g. V for EEG). ``'SI / SD'``: that SI unit per
        standard deviation of the decoder output (normalised patterns);
        ``'SI / component'``: per unit of a CSP component, normalised as MNE
        does (labelled "a.u." as MNE labels CSP patterns "AU"). Figures scale
        SI values as MNE does (e.g. V to µV) and say so on the colour bar.
    samples : array, shape (n_samples, n_times, n_channels) | None
        The values that were averaged to give ``data``, kept for statistics,
        BEFORE the transform: one per subject (fold-averaged) when there are
        subjects, otherwise one per fold. None when there was a single
        sample. ``data == transform(samples.mean(axis=0))``.
    sample_dim : str | None
        What the first axis of ``samples`` indexes: ``'subjects'``,
        ``'folds'``, or None when ``samples`` is None.
    transform : str | None
        What was applied after averaging: None, ``'abs'`` or ``'zscore'``
        (per time point, across channels).
    reduction : str | None
        How several values per channel were combined into one that is
        non-negative by construction, e.g. ``'the norm across classes'`` or
        ``'the RMS of gradiometer pairs'``; None otherwise. Such maps are
        never tested against 0 (null data would come out significant).
    decoder : DecoderFacts | None
        What is known of the decoder that gave the values (its scoring and
        number of classes), for the chance level of a score panel.
    times_are_samples : bool
        True when no times were given: ``times`` are then sample indices and
        the animation labels its frames "sample k", not seconds.
    signs_aligned : bool
        True when the samples' signs were aligned (``align_signs=True``):
        they then agree by construction, even on noise, so they are never
        tested against 0.
    guessed_dims : tuple of str | None
        The axis names taken by default for an array whose axes were not
        named (``dims=None``) and that has a subjects axis, e.g.
        ``('subjects', 'times', 'channels')`` for a 3-D array; None when the
        axes were named or the data says what they are (estimators, Evoked,
        labelled arrays). The first axis of such an array could as well hold
        folds, so ``samples`` is averaged but never tested across.
    positive : int | None
        Which class positive values point to, as an index into
        ``decoder.classes``: ``1`` for a binary classifier (its
        ``classes_[1]``, as scikit-learn's ``decision_function``), the row
        ``class_idx`` of a multi-class one (that class against the rest).
        None when unknown or when the values have no sign (a norm,
        ``transform='abs'``, aligned signs).

    Attributes
    ----------
    n_times : int
        Number of time points (frames).
    n_channels : int
        Number of channels.
    """

    data: np.ndarray
    times: np.ndarray
    ch_names: list | None = None
    kind: str = "values"
    units: str | None = None
    samples: np.ndarray | None = None
    sample_dim: str | None = None
    transform: str | None = None
    reduction: str | None = None
    decoder: "DecoderFacts | None" = None
    times_are_samples: bool = False
    signs_aligned: bool = False
    guessed_dims: tuple | None = None
    positive: int | None = None

    def __post_init__(self):
        # Own read-only copies: a frozen object must not change under us when
        # the caller later edits their array.
        set_ = object.__setattr__
        set_(self, "data", _read_only(self.data))
        set_(self, "times", _read_only(self.times))
        if self.samples is not None:
            set_(self, "samples", _read_only(self.samples))
        if self.ch_names is not None:
            set_(self, "ch_names", [str(name) for name in self.ch_names])
        self._check_shapes()

    def _check_shapes(self):
        if self.data.ndim != 2:
            raise ValueError(
                f"CoefData.data must be 2-D (n_times, n_channels); got shape "
                f"{self.data.shape}."
            )
        n_times, n_channels = self.data.shape
        if self.times.shape != (n_times,):
            raise ValueError(
                f"CoefData.times must have shape ({n_times},) to match data of "
                f"shape {self.data.shape}; got shape {self.times.shape}."
            )
        if self.ch_names is not None and len(self.ch_names) != n_channels:
            raise ValueError(
                f"CoefData.ch_names must have {n_channels} names to match data "
                f"of shape {self.data.shape}; got {len(self.ch_names)}."
            )
        if self.samples is not None and (
            self.samples.ndim != 3 or self.samples.shape[1:] != self.data.shape
        ):
            raise ValueError(
                f"CoefData.samples must have shape (n_samples, {n_times}, "
                f"{n_channels}); got shape {self.samples.shape}."
            )

    @property
    def n_times(self):
        """Number of time points (frames)."""
        return self.data.shape[0]

    @property
    def n_channels(self):
        """Number of channels."""
        return self.data.shape[1]

    def __repr__(self):
        extra = (
            "" if self.samples is None else f", {len(self.samples)} {self.sample_dim}"
        )
        return (
            f"<CoefData | {self.kind}, {self.n_times} times x {self.n_channels} "
            f"channels, transform={self.transform}{extra}>"
        )


def _read_only(values):
    out = np.array(values, dtype=np.float64)  # always a copy
    out.flags.writeable = False
    return out


DIM_NAMES = ("subjects", "folds", "times", "channels")
# a frequency axis is not averaged like the others: each frequency becomes a
# row of maps (scene/_freqs.py), so it is named but kept out of DIM_NAMES
FREQ_DIM = "freqs"
# MNE's singular names and common aliases (xarray's dims), mapped to DIM_NAMES
DIM_ALIASES = {
    **{name: name for name in DIM_NAMES},
    **{name[:-1]: name for name in DIM_NAMES},
    "ch": "channels",
    FREQ_DIM: FREQ_DIM,
    "freq": FREQ_DIM,
}
DEFAULT_DIMS = {
    2: ("times", "channels"),
    3: ("subjects", "times", "channels"),
    4: ("subjects", "folds", "times", "channels"),
}


def normalize_dims(dims, name="dims"):
    """Return axis names as a tuple of ``DIM_NAMES`` (or ``'freqs'``).

    Names may be plural, MNE's singular, ``'ch'`` or ``'freq'``; a str is split
    at its commas (as ``--dims``). Repeats and missing names are the caller's.
    """
    if isinstance(dims, str):
        if "," not in dims:  # one name cannot name both times and channels
            raise TypeError(
                f"{name} must be a tuple of axis names, or a comma-separated "
                f"str such as 'times,channels'; got str ({dims!r:.60})."
            )
        dims = [part.strip() for part in dims.split(",")]
    check_type(name, dims, list | tuple, "a tuple of axis names")
    unknown = [n for n in dims if not (isinstance(n, str) and n in DIM_ALIASES)]
    if unknown:
        allowed = ", ".join(repr(alias) for alias in DIM_ALIASES)
        raise ValueError(
            f"{name} may only contain {allowed}; got {tuple(dims)} with unknown "
            f"name(s) {unknown}."
        )
    return tuple(DIM_ALIASES[n] for n in dims)


def guessed_dims(dims, shape):
    """Return (and log) the default dims of an unnamed 3-D or 4-D array."""
    if dims is not None or len(shape) < 3 or len(shape) not in DEFAULT_DIMS:
        return None
    guessed = DEFAULT_DIMS[len(shape)]
    logger.info(
        f"data of shape {tuple(shape)} read as {guessed} (the default for "
        f"{len(shape)}-D arrays; the first axis could as well hold "
        f"cross-validation folds). This decides only the averaging, the same "
        f"either way; a test across the first axis (mask, consistency, "
        f"score_params['stats']) needs the axes named with dims."
    )
    return guessed


def check_dims(dims, shape):
    """Return the axis names of an array of ``shape``: ``dims``, or the default."""
    if dims is None:
        if len(shape) not in DEFAULT_DIMS:
            raise ValueError(
                f"data must be 2-D (n_times, n_channels), 3-D (n_subjects, "
                f"n_times, n_channels) or 4-D (n_subjects, n_folds, n_times, "
                f"n_channels), got shape {shape}; name the axes of other "
                f"layouts with dims, e.g. dims=('times', 'channels') after "
                f"data[np.newaxis] for a single time point."
            )
        return DEFAULT_DIMS[len(shape)]
    dims = normalize_dims(dims)
    if len(set(dims)) != len(dims):
        raise ValueError(
            f"dims must name each axis once; got repeated names in {dims}."
        )
    if FREQ_DIM in dims:  # one map per time point here: rows are the scene's
        raise ValueError(
            f"dims {dims} has a frequency axis, which as_coef_data cannot "
            f"hold (one map per time point): pass the array to animate_coefs "
            f"with coef_params=dict(freqs=...) (one row of maps per frequency), "
            f"or take one frequency first (np.take(data, k, "
            f"axis={dims.index(FREQ_DIM)})"
            f"; the command line takes no frequency axis yet)."
        )
    if "times" not in dims or "channels" not in dims:
        raise ValueError(
            f"dims must contain 'times' and 'channels'; got {dims}. For a "
            f"single time point pass data[np.newaxis] with 'times' added."
        )
    if len(dims) != len(shape):
        raise ValueError(
            f"data must be {len(dims)}-D with dims {dims}, got shape {shape}; "
            f"give dims one name per axis of data."
        )
    return dims


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


def _finish(stack, has, times, ch_names, transform, units, kind, **extra):
    """Average folds, then subjects, then transform; several rows end as their norm."""
    fields = dict(times=times, ch_names=ch_names, kind=kind, **extra)
    if stack.ndim == 5 and stack.shape[3] > 1:  # the norm of the averaged rows:
        mean = stack.mean(axis=1).mean(axis=0)  # no per-fold noise floor
        logger.info(
            f"Showing the norm across {stack.shape[3]} classes (rows) of the "
            f"averaged {kind}; pass coef_params=dict(class_idx=...) to show one class."
        )
        data = np.linalg.norm(mean, axis=1)
        fields["reduction"] = "the norm across classes"
    else:
        stack = stack[:, :, :, 0] if stack.ndim == 5 else stack
        per_subject = stack.mean(axis=1)
        data = per_subject.mean(axis=0)
        if has["subjects"]:
            fields.update(samples=per_subject, sample_dim="subjects")
        elif has["folds"]:
            fields.update(samples=stack[0], sample_dim="folds")
    if transform == "zscore" and units in (None, PER_SD, PER_COMPONENT):
        units = "z"
    if transform == "abs":  # no sign left: no class is positive
        fields["positive"] = None
    return CoefData(
        data=_apply_transform(data, transform), units=units, transform=transform,
        **fields,
    )  # fmt: skip


def _apply_transform(data, transform):
    """Apply ``transform`` to (n_times, n_channels) values."""
    if transform is None:
        return data
    if transform == "abs":
        return np.abs(data)
    centered = data - data.mean(axis=1, keepdims=True)
    std = data.std(axis=1, keepdims=True)
    # A constant time point has std ~ rounding error, not 0: treat it as 0.
    tiny = 1e3 * np.finfo(np.float64).eps * np.abs(data).max(axis=1, keepdims=True)
    out = np.zeros_like(centered)
    np.divide(centered, std, out=out, where=std > tiny)
    return out


def _transform_existing(coef, transform, units, kind):
    """Return a CoefData with ``transform`` applied once (and metadata set)."""
    if transform is not None and transform != coef.transform:
        if coef.transform is not None:
            raise ValueError(
                f"coef_params=dict(transform={transform!r}) cannot be applied: "
                f"data is a CoefData already transformed with {coef.transform!r}. "
                f"Pass coef_params=dict(transform=None), or build it again from "
                f"the original values."
            )
        units = units or ("z" if transform == "zscore" else coef.units)
        coef = dataclasses.replace(
            coef, data=_apply_transform(coef.data, transform), transform=transform,
            positive=None if transform == "abs" else coef.positive,
        )  # fmt: skip
    changes = dict(units=units, kind=kind)
    changes = {key: value for key, value in changes.items() if value is not None}
    return dataclasses.replace(coef, **changes) if changes else coef
