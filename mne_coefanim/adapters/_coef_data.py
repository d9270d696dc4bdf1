"""The object every coefficient adapter returns: :class:`CoefData`.

Time-resolved values per channel with their times, names, kind and units,
the samples they average (for statistics) and what is known of the decoder
(:class:`DecoderFacts`), frozen and validated on creation.
"""

from dataclasses import dataclass

import numpy as np

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

    Parameters
    ----------
    scoring : str | None
        The estimator's ``scoring`` when it is a string; for ``None`` the
        estimator's own ``score``: ``'accuracy'`` for classifiers, ``'r2'``
        for regressors. None when unknown (e.g. a callable).
    n_classes : int | None
        The number of classes of a classifier, None for a regressor.
    generalizing : bool
        True for a :class:`~mne.decoding.GeneralizingEstimator`, whose scores
        are a training x testing time matrix.
    classes : tuple of str | None
        The classifier's ``classes_``, as text; None for a regressor.
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
        n_times, n_channels = _shape_2d(self.data)
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


def _shape_2d(data):
    if data.ndim != 2:
        raise ValueError(
            f"CoefData.data must be 2-D (n_times, n_channels); got shape {data.shape}."
        )
    return data.shape
