"""Coefficients in any form users have, as one :class:`CoefData`.

Every route (array, Evoked, sliding estimators, CSP) first builds a stack of
shape ``(n_subjects, n_folds, n_times, n_channels)`` (absent axes have length
1), then averages folds within subjects, then subjects, and only then applies
the transform: ``'abs'`` of the average, never the average of ``'abs'``
(which would turn sign flips across folds into spurious effects).
"""

import sys

import mne
import numpy as np
from mne.utils import verbose

from .._checks import check_finite, check_option, check_type
from .._docs import fill_doc
from .._params import DICTS
from ._csp import align_maps, check_align_signs, csp_stack, is_csp_input
from ._data import (
    DIM_NAMES,
    PER_COMPONENT,
    PER_SD,
    SUPPORTED_TYPES,
    CoefData,
    _finish,
    _resolve_times,
    _transform_existing,
    check_dims,
    guessed_dims,
)
from ._estimators import _estimator_stack, estimator_grid
from ._labelled import check_orientation, read_labelled

COEF_KEYS = DICTS["coef_params"]  # the options set in coef_params


@verbose
@fill_doc
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
    components=None,
    align_signs=False,
    sfreq=None,
    tmin=0.0,
    units=None,
    kind=None,
    verbose=None,
):
    """Turn coefficients, fitted estimators or an Evoked into a CoefData.

    Parameters
    ----------
    data : array-like | Evoked | SlidingEstimator | CSP | list | CoefData | DataFrame
        What to animate:

        * an array. Its axes are named by ``dims``; by default a 2-D array is
          ``(n_times, n_channels)``, a 3-D array
          ``(n_subjects, n_times, n_channels)`` and a 4-D array
          ``(n_subjects, n_folds, n_times, n_channels)``.
        * a fitted :class:`mne.decoding.SlidingEstimator` or
          :class:`mne.decoding.GeneralizingEstimator` whose base estimator
          ends in an :class:`mne.decoding.LinearModel` (see Notes).
        * a list of such estimators, one per cross-validation fold (a clone
          fitted on each split: scikit-learn's ``cross_validate(...,
          return_estimator=True)`` does not work with a SlidingEstimator), or
          a list of such lists, one per subject (fold counts may differ).
        * an :class:`mne.Evoked` (including :class:`mne.EvokedArray`, e.g.
          patterns wrapped as in MNE's decoding tutorial).
        * a fitted :class:`mne.decoding.CSP` (or a pipeline starting with
          one), a list of them fitted on time windows (``times`` gives the
          window centres) or a list (windows) of lists (folds); see
          ``components``.
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
        names its own axes (see ``data``). The defaults are logged and kept
        in ``guessed_dims``: such data are averaged, never tested.
    transform : None | 'abs' | 'zscore'
        Applied AFTER averaging over folds and subjects. ``'zscore'``
        standardises each time point across channels:
        ``(x - mean) / std`` over channels, a constant time point giving 0.
    attr : ``'patterns_'`` | ``'filters_'``
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
        that every subject counts equally in a group average. Their
        ``units`` are ``'SI / SD'``: the data's SI unit (V for EEG) per
        standard deviation of the decoder output, shown as MNE scales the
        channel type (e.g. "µV / SD" for EEG). See
        :func:`mne_coefanim.patterns_from_filters`.
    components : int | list of int | None
        For a CSP: the component to take (0-based row of ``patterns_``); a
        single one, as the result holds one map per time. None takes the
        CSP's only component if it was fitted with ``n_components=1``.
    %(align_signs)s
    sfreq : float | None
        Sampling frequency (Hz) used to build ``times`` when it is None.
    tmin : float
        Time of the first sample (s) used with ``sfreq``.
    units : str | None
        Units of the values, e.g. ``'a.u.'`` or ``'µV'``. None (default)
        takes them from the values: ``'a.u.'`` for patterns ``Σx W``, ``'SI
        / SD'`` if normalised, ``'SI / component'`` for CSP patterns (shown
        "a.u." as MNE does), ``'z'`` after ``transform='zscore'``, else None
        (unknown; for an Evoked its channel type's SI unit).
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
    check_option("transform", transform, (None, "abs", "zscore"))
    check_option("attr", attr, ("patterns_", "filters_"))
    if kind is not None:
        check_option("kind", kind, ("patterns", "filters", "evoked", "values"))
    if units is not None:
        check_type("units", units, str, "a str or None")
    check_type("normalize_patterns", normalize_patterns, bool, "a bool")
    align_signs = check_align_signs(align_signs)
    if normalize_patterns and attr != "patterns_":
        raise ValueError(
            f"coef_params=dict(normalize_patterns=True) needs "
            f"coef_params=dict(attr='patterns_'); got attr={attr!r}. "
            "Filters (weights) have no normalised form."
        )

    # a DataFrame or xarray-like object becomes an array with its labels
    data, dims, times, ch_names, _ = read_labelled(
        data, times=times, dims=dims, ch_names=ch_names
    )
    # the arguments not at their defaults, for the inputs that refuse them
    given = dict(
        times=times, ch_names=ch_names, dims=dims, class_idx=class_idx,
        train_time=train_time, sfreq=sfreq, tmin=tmin or None,
        attr=None if attr == "patterns_" else attr,
        normalize_patterns=normalize_patterns or None, components=components,
        align_signs=align_signs or None,
    )  # fmt: skip
    source = _source_of(data)
    _reject(source, given)
    if source == "a CoefData":
        return _transform_existing(data, transform, units, kind)
    if source == "an Evoked":
        # MNE stores (n_channels, n_times): transpose exactly once, here.
        stack = data.data.T[np.newaxis, np.newaxis]
        has = dict(subjects=False, folds=False)
        times, ch_names, default_kind = data.times, data.ch_names, "evoked"
        extra = {}
    elif source == "an estimator":
        stack, has, times, extra = _estimator_stack(
            data, times, sfreq, tmin, attr, class_idx, train_time,
            normalize_patterns, align_signs,
        )  # fmt: skip
        default_kind = attr.rstrip("_")
        if attr == "patterns_" and units is None and transform != "zscore":
            # Σx W follows the weights' scale; Haufe's normalised form is in
            # data units per SD of the decoder output
            units = PER_SD if normalize_patterns else "a.u."
    elif source == "a CSP":
        stack, has, times, are_samples = csp_stack(
            data, components, times, attr, align_signs
        )
        default_kind, extra = attr.rstrip("_"), dict(times_are_samples=are_samples)
        if attr == "patterns_" and units is None and transform != "zscore":
            units = PER_COMPONENT  # MNE's "AU": per unit of the component
    else:
        stack, has, guessed = _array_stack(data, dims)
        if align_signs:  # before any average: flipped maps would cancel in it
            flat = stack.reshape((-1,) + stack.shape[2:])
            stack = align_maps(flat, has, align_signs, len(stack)).reshape(stack.shape)
        named = (len(ch_names),) if isinstance(ch_names, list | tuple) else ()
        check_orientation(np.shape(data), dims, times=times, n_channels=named,
                          of="ch_names")  # fmt: skip
        times, are_samples = _resolve_times(times, sfreq, tmin, stack.shape[2])
        default_kind = "values"
        extra = dict(times_are_samples=are_samples, guessed_dims=guessed)
    ch_names = _check_ch_names(ch_names, stack.shape[-1])
    check_finite("data", stack, ch_names=ch_names, times=times)
    return _finish(
        stack, has, times, ch_names, transform, units, kind or default_kind,
        signs_aligned=bool(align_signs), **extra,
    )  # fmt: skip


# per input, the arguments it carries itself or has no use for (checked in order)
REFUSED = {
    "a CoefData": ("times", "ch_names", "dims", "class_idx", "train_time", "sfreq",
                   "components", "align_signs"),
    "an Evoked": ("times", "ch_names", "dims", "class_idx", "train_time", "sfreq",
                  "tmin", "attr", "normalize_patterns", "components", "align_signs"),
    "an estimator": ("dims", "components"),
    "a CSP": ("dims", "class_idx", "train_time", "sfreq", "tmin",
              "normalize_patterns"),
    "an array": ("class_idx", "train_time", "attr", "normalize_patterns",
                 "components"),
}  # fmt: skip


def _reject(what, given):
    """Raise if a parameter that means nothing for this input was given."""
    for name in REFUSED[what]:
        value = given[name]
        if value is not None:
            got = f"{name}={value!r}"  # coef_params' keys as 0.2 spells them
            got = f"coef_params=dict({got})" if name in COEF_KEYS else got
            raise ValueError(
                f"{name} cannot be used when data is {what}; got {got}. Leave "
                f"{name} at its default (it is either carried by the data already "
                f"or only meaningful for other inputs)."
            )


def is_evoked(data):
    """Whether ``data`` is an :class:`mne.Evoked`, without importing ``mne.evoked``.

    Only an imported ``mne.evoked`` made an Evoked; ``mne.Evoked`` imports it (0.08 s).
    """
    evoked = sys.modules.get("mne.evoked")
    return evoked is not None and isinstance(data, evoked.Evoked)


def _source_of(data):
    """Say which route (a key of REFUSED) handles ``data``."""
    if isinstance(data, CoefData):
        return "a CoefData"
    if is_evoked(data):
        return "an Evoked"
    if is_csp_input(data):
        return "a CSP"
    if estimator_grid(data) is not None:
        return "an estimator"
    if isinstance(data, np.ndarray | list | tuple) or hasattr(data, "__array__"):
        return "an array"
    hint = (
        " (average epochs first: epochs.average())"
        if isinstance(data, mne.BaseEpochs)
        else ""
    )
    raise TypeError(f"data must be {SUPPORTED_TYPES}; got {type(data).__name__}{hint}.")


def _array_stack(data, dims):
    """Return (stack, has, guessed); ``guessed``: the default dims taken, or None."""
    values = _as_regular_array(data)
    if values.dtype.kind not in "biuf":
        raise TypeError(
            f"data must be {SUPPORTED_TYPES}; got an array of dtype "
            f"{values.dtype} (shape {values.shape}). Pass real numbers."
        )
    guessed = guessed_dims(dims, values.shape)
    dims = check_dims(dims, values.shape)
    order = [dims.index(name) for name in DIM_NAMES if name in dims]
    absent = [axis for axis, name in enumerate(DIM_NAMES) if name not in dims]
    values = np.expand_dims(np.transpose(values, order), absent)
    # an empty axis would average nothing (NaN and a warning): refuse it
    for name, size in zip(DIM_NAMES, values.shape, strict=True):
        if size == 0:
            what = "time points" if name == "times" else name
            raise ValueError(
                f"data has 0 {what} (shape {np.shape(data)} with dims {dims}); "
                f"pass at least one {what.rstrip('s')}."
            )
    has = dict(subjects="subjects" in dims, folds="folds" in dims)
    return values.astype(np.float64, copy=False), has, guessed


def _as_regular_array(data):
    """Return ``data`` as an array, or say which of its rows differ in length."""
    try:
        return np.asarray(data)
    except ValueError as exc:  # numpy refuses ragged nested sequences
        if not isinstance(data, list | tuple):
            raise
        shapes = []
        for item in data[:6]:
            try:
                shapes.append(str(np.shape(item)))
            except ValueError:
                shapes.append("ragged")
        listing = ", ".join(shapes) + (", ..." if len(data) > 6 else "")
        raise ValueError(
            f"data must be a regular array, but it is a {type(data).__name__} "
            f"whose rows differ in length (shapes {listing}); give every item "
            "the same shape (e.g. crop all to the same times), or pass them as "
            "separate panels in a dict {title: array}."
        ) from exc


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
