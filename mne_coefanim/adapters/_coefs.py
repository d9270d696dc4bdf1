"""Coefficient adapters: turn what users have into one :class:`CoefData`.

Users arrive with coefficient arrays in many layouts, with fitted MNE
sliding estimators (one per cross-validation fold, or one per subject and
fold), or with an :class:`mne.Evoked`. Everything downstream sees a single
small object holding ``data`` of shape ``(n_times, n_channels)``.

Internally every route first builds a "stack" of shape
``(n_subjects, n_folds, n_times, n_channels)`` (absent axes have length 1),
then averages folds within subjects, then subjects, and only then applies
the optional transform, so that e.g. ``'abs'`` of the average is shown,
never the average of ``'abs'`` (which would turn sign flips across folds
into spurious effects).
"""

import dataclasses
from dataclasses import dataclass

import mne
import numpy as np
from mne.utils import logger, verbose, warn

from .._checks import (
    as_float_array,
    check_finite,
    check_int,
    check_option,
    check_real,
    check_type,
)
from .._dims import DEFAULT_DIMS, DIM_NAMES, normalize_dims
from ._haufe import standardised_patterns
from ._labelled import check_orientation, read_labelled

KINDS = ("patterns", "filters", "evoked", "values")
TRANSFORMS = (None, "abs", "zscore")
ATTRS = ("patterns_", "filters_")
SUPPORTED_TYPES = (
    "an array-like, an mne.Evoked, a CoefData, a fitted "
    "mne.decoding.SlidingEstimator / GeneralizingEstimator, or a list of "
    "them (one per fold; or a list of such lists, one per subject)"
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
    """

    scoring: str | None = None
    n_classes: int | None = None
    generalizing: bool = False


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
        unknown.
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


@verbose
def as_coef_data(
    data,
    *,
    times=None,
    ch_names=None,
    dims=None,
    transform=None,
    attr="patterns_",
    class_idx=None,
    train_time=None,
    normalize_patterns=False,
    sfreq=None,
    tmin=0.0,
    units=None,
    kind=None,
    verbose=None,
):
    """Turn coefficients, fitted estimators or an Evoked into a CoefData.

    Parameters
    ----------
    data : array-like | Evoked | SlidingEstimator | list | CoefData | DataFrame
        What to animate:

        * an array. Its axes are named by ``dims``; by default a 2-D array is
          ``(n_times, n_channels)``, a 3-D array
          ``(n_subjects, n_times, n_channels)`` and a 4-D array
          ``(n_subjects, n_folds, n_times, n_channels)``.
        * a fitted :class:`mne.decoding.SlidingEstimator` or
          :class:`mne.decoding.GeneralizingEstimator` whose base estimator
          ends in an :class:`mne.decoding.LinearModel` (see Notes).
        * a list of such estimators, one per cross-validation fold (e.g.
          ``cross_validate(..., return_estimator=True)['estimator']``), or a
          list of such lists, one per subject (fold counts may differ).
        * an :class:`mne.Evoked` (including :class:`mne.EvokedArray`, e.g.
          patterns wrapped as in MNE's decoding tutorial).
        * a :class:`CoefData`, returned as is (or with ``transform``
          applied when it has none yet).
        * a :class:`pandas.DataFrame`: one column per channel, named (they
          give ``ch_names``), and the times in seconds as its index (a
          default index ``0 .. n - 1`` means times unknown).
        * an xarray-like object (e.g. :class:`xarray.DataArray`): its
          ``dims`` give ``dims`` and its channel and time coordinates give
          ``ch_names`` and ``times``.

        A numpy masked array is refused: its mask would be ignored.
    times : array-like, shape (n_times,) | None
        Time of each sample in seconds, strictly increasing. For estimators,
        one per estimator (training time). If None, built from ``sfreq`` and
        ``tmin``; if ``sfreq`` is None too, the times are the sample indices
        ``tmin + np.arange(n_times)``, flagged as such
        (``times_are_samples``) so that frames are labelled "sample k", not
        seconds. Times spanning more than a minute give a warning: they are
        likely milliseconds passed as seconds.
    ch_names : list of str | None
        Channel names, one per channel, for arrays and estimators.
    dims : tuple of str | str | None
        For arrays: the name of each axis, one of ``'subjects'``,
        ``'folds'``, ``'times'``, ``'channels'`` or MNE's singular
        ``'subject'``, ``'fold'``, ``'time'``, ``'channel'`` (``'ch'``
        too), each axis at most once, ``'times'`` and ``'channels'``
        required; e.g. ``('subjects', 'channels', 'times', 'folds')``, or
        a comma-separated str such as ``'fold, time, channel'``. None uses
        the defaults listed under ``data``. MNE stores ``(n_channels,
        n_times)`` (``Evoked.data``, ``get_coef``): name such arrays
        ``('channels', 'times')``. A DataFrame or an xarray-like object
        names its own axes (see ``data``).
    transform : None | 'abs' | 'zscore'
        Applied AFTER averaging over folds and subjects. ``'zscore'``
        standardises each time point across channels:
        ``(x - mean) / std`` over channels, a constant time point giving 0.
    attr : 'patterns_' | 'filters_'
        For estimators: which coefficients to take.
    class_idx : int | None
        For estimators with several rows of coefficients (multi-class, or
        multi-output regression): the row to take. None takes the Euclidean
        norm across rows, after averaging over folds and subjects (a norm
        per fold would add a noise floor). The norm is non-negative by
        construction, so it is never tested for significance. Binary models
        have a single row.
    train_time : float | None
        For estimators: take only the model trained at this time (seconds,
        the nearest of ``times``), giving data of shape ``(1, n_channels)``.
        None takes every training time (for a GeneralizingEstimator, its
        diagonal).
    normalize_patterns : bool
        For estimators with ``attr='patterns_'``. If False (default), the
        patterns are :class:`~mne.decoding.LinearModel`'s ``Σx W``: their size
        follows the weights' scale (it changes with the regularisation, and
        differs between subjects), so they get the units ``'a.u.'``. If True,
        Haufe's ``Σx W (Wᵀ Σx W)⁻¹`` for the decoder outputs standardised to
        unit variance (jointly for several outputs): data units per standard
        deviation of the decoder output, invariant to the weights' scale, so
        that every subject counts equally in a group average. Their units are
        the data's (volts for EEG, shown in µV). See
        :func:`mne_coefanim.patterns_from_filters`.
    sfreq : float | None
        Sampling frequency (Hz) used to build ``times`` when it is None.
    tmin : float
        Time of the first sample (s) used with ``sfreq``.
    units : str | None
        Units of the values, e.g. ``'a.u.'`` or ``'µV'``. None (default) means
        unknown, except after ``transform='zscore'`` where it becomes
        ``'z'``.
    kind : 'patterns' | 'filters' | 'evoked' | 'values' | None
        Overrides the kind derived from ``data`` (``attr`` without the
        underscore for estimators, ``'evoked'`` for Evoked, ``'values'`` for
        arrays).
    %(verbose)s

    Returns
    -------
    coef_data : CoefData
        ``coef_data.data`` has shape ``(n_times, n_channels)``.

    Notes
    -----
    **Patterns without the average response.** MNE's
    ``get_coef(..., inverse_transform=True)`` calls each scaler's
    ``inverse_transform``, which multiplies by the scale AND adds the channel
    means back. A channel carrying only a response common to all classes
    (the ERP) then looks like the strongest pattern. Here each step before
    the :class:`~mne.decoding.LinearModel` is undone as the linear map
    ``z = M (x - m)`` it is, without the offset ``m``:

    * scalers (:class:`sklearn.preprocessing.StandardScaler`,
      ``RobustScaler``, ``MaxAbsScaler``, :class:`mne.decoding.Scaler`):
      ``M = diag(1 / scale)``, so patterns ``a_x = scale * a_z`` (data
      units) and filters ``w_x = w_z / scale`` (so that
      ``w_x @ x = w_z @ z`` up to a constant);
    * :class:`sklearn.decomposition.PCA`: ``M = components_`` (divided row
      by row by ``sqrt(explained_variance_)`` if ``whiten``): filters
      ``w_x = M.T @ w_z``, patterns ``a_x = pinv(M) @ a_z``, which is exact
      because the components are eigenvectors of the training covariance;
    * :class:`mne.decoding.Vectorizer`: nothing to undo.

    The patterns obtained equal Haufe's ``cov(X) @ w_x`` computed on the
    unscaled data. Other transformer steps raise a ValueError. The
    normalisation of ``normalize_patterns`` is done before mapping back: the
    decoder outputs are the same in every space.

    Multi-class norms are taken after averaging the rows over folds and
    subjects; ``samples`` is then None (a norm cannot be tested against 0).
    """
    check_option("transform", transform, TRANSFORMS)
    check_option("attr", attr, ATTRS)
    if kind is not None:
        check_option("kind", kind, KINDS)
    if units is not None:
        check_type("units", units, str, "a str or None")
    check_type("normalize_patterns", normalize_patterns, bool, "a bool")
    if normalize_patterns and attr != "patterns_":
        raise ValueError(
            f"normalize_patterns=True needs attr='patterns_'; got attr={attr!r}. "
            "Filters (weights) have no normalised form."
        )

    # a DataFrame or xarray-like object becomes an array with its labels
    data, dims, times, ch_names, _ = read_labelled(
        data, times=times, dims=dims, ch_names=ch_names
    )
    # arguments for bare arrays: data that carries its own refuses them
    not_for_data = dict(
        times=times,
        ch_names=ch_names,
        dims=dims,
        class_idx=class_idx,
        train_time=train_time,
        sfreq=sfreq,
    )
    if isinstance(data, CoefData):
        _reject("a CoefData", **not_for_data)
        return _transform_existing(data, transform, units, kind)
    source = _source_of(data)
    if source == "evoked":
        _reject(
            "an Evoked",
            **not_for_data,
            tmin=tmin or None,
            attr=_non_default_attr(attr),
            normalize_patterns=normalize_patterns or None,
        )
        # MNE stores (n_channels, n_times): transpose exactly once, here.
        stack = data.data.T[np.newaxis, np.newaxis]
        has = dict(subjects=False, folds=False)
        times, ch_names, default_kind = data.times, data.ch_names, "evoked"
        extra = {}
    elif source == "estimators":
        _reject("an estimator", dims=dims)
        stack, has, extra = _estimator_stack(
            data, times, sfreq, tmin, attr, class_idx, train_time, normalize_patterns
        )
        times = extra.pop("times")
        default_kind = attr.rstrip("_")
        if attr == "patterns_" and not normalize_patterns and units is None:
            units = "a.u."  # Σx W: its size follows the weights' scale
    else:
        _reject(
            "an array",
            class_idx=class_idx,
            train_time=train_time,
            attr=_non_default_attr(attr),
            normalize_patterns=normalize_patterns or None,
        )
        stack, has = _array_stack(data, dims)
        named = (len(ch_names),) if isinstance(ch_names, list | tuple) else ()
        check_orientation(np.shape(data), dims, times=times, n_channels=named,
                          of="ch_names")  # fmt: skip
        times, are_samples = _resolve_times(times, sfreq, tmin, stack.shape[2])
        default_kind, extra = "values", dict(times_are_samples=are_samples)
    ch_names = _check_ch_names(ch_names, stack.shape[-1])
    check_finite("data", stack, ch_names=ch_names, times=times)
    return _finish(
        stack, has, times, ch_names, transform, units, kind or default_kind, **extra
    )


def _non_default_attr(attr):
    return None if attr == "patterns_" else attr


def _reject(what, **params):
    """Raise if a parameter that means nothing for this input was given."""
    for name, value in params.items():
        if value is not None:
            raise ValueError(
                f"{name} cannot be used when data is {what}; got {name}="
                f"{value!r}. Leave {name} at its default (it is either carried "
                f"by the data already or only meaningful for other inputs)."
            )


def _source_of(data):
    """Say which route handles ``data``: 'evoked', 'estimators' or 'array'."""
    if isinstance(data, mne.Evoked):
        return "evoked"
    if _is_estimator(data):
        return "estimators"
    if isinstance(data, list | tuple) and len(data) and _holds_estimators(data):
        return "estimators"
    if isinstance(data, np.ndarray | list | tuple) or hasattr(data, "__array__"):
        return "array"
    hint = (
        " (average epochs first: epochs.average())"
        if isinstance(data, mne.BaseEpochs)
        else ""
    )
    raise TypeError(f"data must be {SUPPORTED_TYPES}; got {type(data).__name__}{hint}.")


def _is_estimator(obj):
    return hasattr(obj, "fit") and hasattr(obj, "get_params")


def _holds_estimators(items):
    """Tell whether ``items`` are estimators (folds) or lists of them (subjects)."""
    flags = [
        _is_estimator(item)
        or (
            isinstance(item, list | tuple)
            and len(item) > 0
            and all(_is_estimator(inner) for inner in item)
        )
        for item in items
    ]
    if any(flags) and not all(flags):
        raise TypeError(
            "data mixes fitted estimators with other objects; pass only "
            "estimators (one per fold), or lists of them (one list per subject)."
        )
    return all(flags)


# ---------------------------------------------------------------- arrays


def _array_stack(data, dims):
    """Return (stack, has) with stack shaped (subjects, folds, times, chans)."""
    values = np.asarray(data)
    if values.dtype.kind not in "biuf":
        raise TypeError(
            f"data must be {SUPPORTED_TYPES}; got an array of dtype "
            f"{values.dtype} (shape {values.shape}). Pass real numbers."
        )
    dims = _check_dims(dims, values.shape)
    present = [name for name in DIM_NAMES if name in dims]
    values = np.transpose(values, [dims.index(name) for name in present])
    for axis, name in enumerate(DIM_NAMES):
        if name not in dims:
            values = np.expand_dims(values, axis)
    # an empty axis would average nothing (NaN and a warning): refuse it
    for name, size in zip(DIM_NAMES, values.shape, strict=True):
        if size == 0:
            what = "time points" if name == "times" else name
            raise ValueError(
                f"data has 0 {what} (shape {np.shape(data)} with dims {dims}); "
                f"pass at least one {what.rstrip('s')}."
            )
    has = dict(subjects="subjects" in dims, folds="folds" in dims)
    return values.astype(np.float64, copy=False), has


def _check_dims(dims, shape):
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


# ------------------------------------------------------------ estimators


def _estimator_stack(data, times, sfreq, tmin, attr, class_idx, train_time, normalize):
    """Coefficients of fitted sliding estimators as a 5-D stack.

    Returns ``(stack, has, extra)``: the stack is shaped ``(n_subjects,
    n_folds, n_times, n_rows, n_channels)``, rows being the classes (or
    outputs) that ``class_idx=None`` keeps for a norm after averaging;
    ``extra`` holds the times and what is known of the decoder.
    """
    if _is_estimator(data):
        subjects, has = [[data]], dict(subjects=False, folds=False)
    elif all(_is_estimator(item) for item in data):
        subjects, has = [list(data)], dict(subjects=False, folds=True)
    else:
        subjects, has = (
            [list(folds) for folds in data],
            dict(subjects=True, folds=False),
        )
    flat = [est for folds in subjects for est in folds]
    n_times = _check_sliding(flat)
    times, are_samples = _resolve_times(times, sfreq, tmin, n_times)
    index = None
    if train_time is not None:
        index = _train_time_index(train_time, times)
        times = times[[index]]
    coefs = [
        [_sliding_coefs(est, attr, class_idx, index, normalize) for est in folds]
        for folds in subjects
    ]
    _check_rows(coefs)
    extra = dict(
        times=times, times_are_samples=are_samples, decoder=_decoder_facts(flat[0])
    )
    if has["subjects"]:
        # average folds within each subject here: fold counts may differ
        return np.stack([np.mean(folds, 0) for folds in coefs])[:, None], has, extra
    return np.stack(coefs[0])[np.newaxis], has, extra


def _check_rows(coefs):
    counts = {fold.shape[1] for folds in coefs for fold in folds}
    if len(counts) > 1:
        raise ValueError(
            f"all estimators in data must have the same number of coefficient "
            f"rows (classes); got {sorted(counts)}. Fit every fold on the same "
            f"classes, or pick one with class_idx."
        )


def _decoder_facts(sliding):
    """Return the scoring and number of classes of a fitted sliding estimator."""
    # a pipeline exposes its final step's classes_; regressors have none
    classes = getattr(sliding.estimators_[0], "classes_", None)
    n_classes = None if classes is None else len(classes)
    scoring = sliding.scoring
    if scoring is None:  # the estimator's own score()
        scoring = "r2" if n_classes is None else "accuracy"
    elif not isinstance(scoring, str):
        scoring = None  # a callable or scorer: nothing known
    from mne.decoding import GeneralizingEstimator

    generalizing = isinstance(sliding, GeneralizingEstimator)
    return DecoderFacts(scoring, n_classes, generalizing)


def _check_sliding(estimators):
    """Check types and fit; return the common number of training times."""
    from mne.decoding import SlidingEstimator

    counts = set()
    for est in estimators:
        if not isinstance(est, SlidingEstimator):
            raise TypeError(
                f"data must be {SUPPORTED_TYPES}; got {type(est).__name__}. "
                f"For a time-resolved decoder wrap the pipeline: "
                f"SlidingEstimator(make_pipeline(StandardScaler(), "
                f"LinearModel(LogisticRegression())))."
            )
        if not hasattr(est, "estimators_"):
            raise RuntimeError(
                f"This {type(est).__name__} is not fitted; call .fit(X, y) first."
            )
        counts.add(len(est.estimators_))
    if len(counts) > 1:
        raise ValueError(
            f"all estimators in data must be fitted on the same number of time "
            f"points; got {sorted(counts)}. Fit every fold on the same epochs."
        )
    return counts.pop()


def _train_time_index(train_time, times):
    train_time = check_real("train_time", train_time)
    half_step = np.diff(times).max() / 2 if len(times) > 1 else 0.0
    if not times[0] - half_step <= train_time <= times[-1] + half_step:
        raise ValueError(
            f"train_time must lie within the training times ({times[0]:.3f} s "
            f"to {times[-1]:.3f} s); got {train_time} s."
        )
    index = int(np.argmin(np.abs(times - train_time)))
    logger.info(f"Using the model trained at {times[index]:.3f} s.")
    return index


def _sliding_coefs(sliding, attr, class_idx, index, normalize):
    """Coefficients of one fitted sliding estimator, (n_times, n_rows, n_chans)."""
    models = sliding.estimators_ if index is None else [sliding.estimators_[index]]
    return np.stack(
        [_model_coefs(model, attr, class_idx, normalize) for model in models]
    )


def _model_coefs(model, attr, class_idx, normalize):
    """Coefficients of one fitted pipeline, in data units, (n_rows, n_channels)."""
    steps = _flatten_steps(model)
    position, coefs = _linear_step(steps, attr)
    coefs = np.atleast_2d(np.asarray(coefs, dtype=np.float64))
    if normalize:
        coefs = _normalized_patterns(steps[position], coefs)
    for step in reversed(steps[:position]):
        coefs = _undo_step(step, coefs, attr)
    return _pick_rows(coefs, class_idx)


def _normalized_patterns(linear, patterns):
    """Haufe patterns of the standardised outputs, in the model's input space."""
    filters = np.atleast_2d(np.asarray(linear.filters_, dtype=np.float64))
    if len(filters) > 1 and not hasattr(linear, "classes_"):
        # LinearModel multiplies the patterns of a multi-output regression by
        # the targets' precision, which is not stored: W Σx Wᵀ is out of reach
        raise ValueError(
            "normalize_patterns=True is not possible for a multi-output "
            "regression (its patterns_ include the targets' precision); pass "
            "normalize_patterns=False, or compute them from the epochs with "
            "mne_coefanim.patterns_from_filters(..., normalize_patterns=True)."
        )
    # the decoder outputs' covariance, W Σx Wᵀ, since patterns_ = W Σx
    return standardised_patterns(patterns, filters @ patterns.T)


def _flatten_steps(model):
    """List the steps of (nested) pipelines, dropping 'passthrough' steps."""
    if not hasattr(model, "steps"):
        return [model]
    return [
        inner
        for _, step in model.steps
        if step not in (None, "passthrough")
        for inner in _flatten_steps(step)
    ]


def _linear_step(steps, attr):
    """Return (position, coefficients) of the linear model in ``steps``."""
    from mne.decoding import LinearModel

    for position in range(len(steps) - 1, -1, -1):
        if isinstance(steps[position], LinearModel):
            return position, getattr(steps[position], attr)
    final = steps[-1]
    name = type(final).__name__
    if attr == "filters_" and hasattr(final, "coef_"):
        return len(steps) - 1, final.coef_
    if hasattr(final, "coef_"):
        reason, model = "patterns_ are only computed by mne.decoding.LinearModel", name
    else:
        # wrapping a non-linear model would not help: suggest a linear one
        reason, model = "it has no coef_ (not a linear model)", "LogisticRegression"
    raise ValueError(
        f"Cannot get {attr} from the final step {name}: {reason}. Wrap a "
        f"linear model in mne.decoding.LinearModel, e.g. make_pipeline("
        f"StandardScaler(), LinearModel({model}(...))), and fit again."
    )


def _undo_step(step, coefs, attr):
    """Map coefficients of a step's output back to its input (no offsets)."""
    from mne.decoding import Scaler, Vectorizer
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import MaxAbsScaler, RobustScaler, StandardScaler

    if isinstance(step, Vectorizer):
        return coefs  # a reshape; sliding estimators see (n_epochs, n_channels)
    if isinstance(step, StandardScaler | RobustScaler | MaxAbsScaler | Scaler):
        scale = _scale_of(step)
        if scale is None:
            return coefs
        return coefs * scale if attr == "patterns_" else coefs / scale
    if isinstance(step, PCA):
        # z = M (x - mean) with M = components_ (/ sqrt(variance) if whitened)
        root_var = np.sqrt(step.explained_variance_)[:, np.newaxis]
        if not step.whiten:
            return coefs @ step.components_
        if attr == "patterns_":  # a_x = pinv(M) a_z = C.T sqrt(var) a_z
            return coefs @ (step.components_ * root_var)
        return coefs @ (step.components_ / root_var)  # w_x = M.T w_z
    raise ValueError(
        f"Cannot map {attr} back through the pipeline step "
        f"{type(step).__name__}: only StandardScaler, RobustScaler, "
        f"MaxAbsScaler, mne.decoding.Scaler, mne.decoding.Vectorizer and PCA "
        f"are supported before the LinearModel. Move other steps out of the "
        f"pipeline, or animate the coefficients in the transformed space by "
        f"passing an array."
    )


def _scale_of(step):
    """Per-feature divisor of a fitted scaler (None if it does not scale)."""
    from mne.decoding import Scaler

    if not isinstance(step, Scaler):
        return step.scale_
    # MNE's Scaler wraps a StandardScaler / RobustScaler (scale_) or, for
    # channel-type scalings, an object dividing by std_.
    inner = step.scaler_
    return inner.scale_ if hasattr(inner, "scale_") else inner.std_


def _pick_rows(coefs, class_idx):
    """Keep the row ``class_idx`` of (n_rows, n_channels), or all of them."""
    n_rows = coefs.shape[0]
    if class_idx is not None:
        class_idx = check_int("class_idx", class_idx)
        if not 0 <= class_idx < n_rows:
            raise ValueError(
                f"class_idx must be in 0..{n_rows - 1} for this model with "
                f"{n_rows} row(s) of coefficients; got {class_idx}. Binary "
                f"models have a single row; use None for the norm across rows."
            )
        return coefs[[class_idx]]
    return coefs


# ------------------------------------------------------- shared pieces


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
        return _warn_long(tmin + np.arange(n_times) / sfreq), False
    times = as_float_array("times", times, "an array of times in seconds")
    if times.shape != (n_times,):
        raise ValueError(
            f"times must have shape ({n_times},), one per time point of data; "
            f"got shape {times.shape}."
        )
    if not np.isfinite(times).all() or np.any(np.diff(times) <= 0):
        raise ValueError(
            f"times must be finite and strictly increasing; got {times[:5]}"
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


def _check_ch_names(ch_names, n_channels):
    if ch_names is None:
        return None
    check_type("ch_names", ch_names, list | tuple, "a list of str")
    if len(ch_names) != n_channels:
        raise ValueError(
            f"ch_names must have one name per channel ({n_channels}); got "
            f"{len(ch_names)} names."
        )
    return [str(name) for name in ch_names]


def _finish(stack, has, times, ch_names, transform, units, kind, **extra):
    """Average folds, then subjects, then transform; build the CoefData.

    A 5-D stack carries rows (classes or outputs) before the channels: one
    row is dropped, several are reduced to their norm after averaging.
    """
    if stack.ndim == 5 and stack.shape[3] > 1:
        return _finish_rows(stack, times, ch_names, transform, units, kind, **extra)
    if stack.ndim == 5:
        stack = stack[:, :, :, 0]
    per_subject = stack.mean(axis=1)
    if has["subjects"]:
        samples, sample_dim = per_subject, "subjects"
    elif has["folds"]:
        samples, sample_dim = stack[0], "folds"
    else:
        samples, sample_dim = None, None
    data = _apply_transform(per_subject.mean(axis=0), transform)
    if transform == "zscore" and units is None:
        units = "z"
    return CoefData(
        data=data,
        times=times,
        ch_names=ch_names,
        kind=kind,
        units=units,
        samples=samples,
        sample_dim=sample_dim,
        transform=transform,
        **extra,
    )


def _finish_rows(stack, times, ch_names, transform, units, kind, **extra):
    """Norm across rows of the averaged rows: no per-fold noise floor."""
    mean = stack.mean(axis=1).mean(axis=0)  # (n_times, n_rows, n_channels)
    logger.info(
        f"Showing the norm across {stack.shape[3]} classes (rows) of the "
        f"averaged {kind}; pass class_idx to show one class."
    )
    data = _apply_transform(np.linalg.norm(mean, axis=1), transform)
    if transform == "zscore" and units is None:
        units = "z"
    return CoefData(
        data=data,
        times=times,
        ch_names=ch_names,
        kind=kind,
        units=units,
        transform=transform,
        reduction="the norm across classes",
        **extra,
    )


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
                f"transform={transform!r} cannot be applied: data is a CoefData "
                f"already transformed with {coef.transform!r}. Pass "
                f"transform=None, or build it again from the original values."
            )
        units = units or ("z" if transform == "zscore" else coef.units)
        coef = dataclasses.replace(
            coef, data=_apply_transform(coef.data, transform), transform=transform
        )
    changes = dict(units=units, kind=kind)
    changes = {key: value for key, value in changes.items() if value is not None}
    return dataclasses.replace(coef, **changes) if changes else coef
