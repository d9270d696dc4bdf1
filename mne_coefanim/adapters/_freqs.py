"""A frequency axis: its values, their labels, the rows kept, and the splits.

Time-frequency decoding gives maps per frequency (or band) and time. The
frequencies are given as ``freqs``: one value per frequency in Hz, or one
``(low, high)`` pair per band. ``fmin`` and ``fmax`` keep the frequencies
(whole bands) within a range. Each kept frequency becomes one row of maps;
this module checks the axis and takes one frequency out of an array, or out
of a decoder's ``(n_channels, n_freqs)`` features (flattened by
:class:`mne.decoding.Vectorizer` in C order: feature ``c * n_freqs + f`` is
channel ``c`` at frequency ``f``).
"""

import dataclasses
from dataclasses import dataclass

import numpy as np

from .._checks import as_float_array, check_real
from .._dims import FREQ_DIM

ATOL_HZ = 1e-9  # fmin/fmax equal to a frequency keep it despite rounding


@dataclass(frozen=True)
class FreqAxis:
    """The frequencies of the data and the ones shown, one row of maps each.

    Attributes
    ----------
    values : array, shape (n_freqs,) | (n_freqs, 2)
        Every frequency of the data in Hz, or the ``(low, high)`` edges of
        every band.
    selected : array of int
        The indices of the frequencies shown (``fmin`` to ``fmax``).
    """

    values: np.ndarray
    selected: np.ndarray

    @property
    def n_freqs(self):
        """Number of frequencies in the data (shown or not)."""
        return len(self.values)

    @property
    def labels(self):
        """The label of each frequency shown, e.g. ``'10 Hz'`` or ``'8–12 Hz'``."""
        return [freq_label(self.values[k]) for k in self.selected]

    def describe(self):
        """Say which frequencies the rows are, for the log."""
        return ", ".join(self.labels)


def freq_label(value):
    """Return ``'10 Hz'`` for a frequency, ``'8–12 Hz'`` for a band."""
    value = np.atleast_1d(value)
    if len(value) == 2:
        return f"{value[0]:g}–{value[1]:g} Hz"
    return f"{value[0]:g} Hz"


def freq_axis(freqs, fmin=None, fmax=None):
    """Check ``freqs``, ``fmin`` and ``fmax``; None when no ``freqs`` is given.

    Parameters
    ----------
    freqs : array-like, shape (n_freqs,) | (n_freqs, 2) | None
        The frequencies (Hz, strictly increasing), or the bands' edges.
    fmin, fmax : float | None
        Keep the frequencies (whole bands) within this range (Hz, inclusive).

    Returns
    -------
    axis : FreqAxis | None
        The axis, or None without ``freqs``.
    """
    if freqs is None:
        for name, value in (("fmin", fmin), ("fmax", fmax)):
            if value is not None:
                raise ValueError(
                    f"{name} selects frequencies, but freqs is None; got "
                    f"{name}={value!r}. Pass freqs= (the frequency of each "
                    "entry of the data's 'freqs' axis, in Hz) as well."
                )
        return None
    values = _check_values(freqs)
    return FreqAxis(values, _selection(values, fmin, fmax))


def _check_values(freqs):
    what = "an array of frequencies in Hz, shape (n_freqs,) or (n_freqs, 2)"
    values = as_float_array("freqs", freqs, what)
    if values.ndim not in (1, 2) or (values.ndim == 2 and values.shape[1] != 2):
        raise ValueError(
            f"freqs must have shape (n_freqs,) (frequencies) or (n_freqs, 2) "
            f"(bands: low and high edge); got shape {values.shape}."
        )
    if not len(values):
        raise ValueError("freqs must hold at least one frequency; got none.")
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError(f"freqs must be finite and >= 0 Hz; got {values.tolist()}.")
    starts = values if values.ndim == 1 else values[:, 0]
    if (np.diff(starts) <= 0).any():
        raise ValueError(
            f"freqs must be strictly increasing (one row of maps each, in "
            f"order); got {values.tolist()}."
        )
    if values.ndim == 2 and (values[:, 1] <= values[:, 0]).any():
        raise ValueError(
            f"each band of freqs must be (low, high) with low < high; got "
            f"{values.tolist()}."
        )
    return values


def _selection(values, fmin, fmax):
    """Return the indices of the frequencies (whole bands) in [fmin, fmax]."""
    low = values if values.ndim == 1 else values[:, 0]
    high = values if values.ndim == 1 else values[:, 1]
    keep = np.ones(len(values), bool)
    if fmin is not None:
        keep &= low >= check_real("fmin", fmin) - ATOL_HZ
    if fmax is not None:
        keep &= high <= check_real("fmax", fmax) + ATOL_HZ
    if fmin is not None and fmax is not None and fmin > fmax:
        raise ValueError(f"fmin must be <= fmax; got fmin={fmin}, fmax={fmax}.")
    if not keep.any():
        span = f"{low.min():g} to {high.max():g} Hz"
        whole = " (whole bands only)" if values.ndim == 2 else ""
        raise ValueError(
            f"fmin={fmin}, fmax={fmax} select no frequency{whole}; freqs span {span}."
        )
    return np.flatnonzero(keep)


# -- taking one frequency out -------------------------------------------------


def split_freq_axis(values, dims, axis):
    """Return one array per frequency shown, and the dims without ``'freqs'``.

    ``values`` is a plain array whose axes ``dims`` (normalised) name,
    ``'freqs'`` among them; its length must equal ``axis.n_freqs``.
    """
    if values.ndim != len(dims):
        raise ValueError(
            f"data must be {len(dims)}-D with dims {dims}, got shape "
            f"{values.shape}; give dims one name per axis of data."
        )
    position = dims.index(FREQ_DIM)
    if values.shape[position] != axis.n_freqs:
        raise ValueError(
            f"freqs must give one value per entry of the data's 'freqs' axis: "
            f"data (shape {values.shape}, dims {dims}) has "
            f"{values.shape[position]} frequencies, freqs has {axis.n_freqs}."
        )
    rest = tuple(name for name in dims if name != FREQ_DIM)
    return [np.take(values, k, axis=position) for k in axis.selected], rest


def decoder_feature_freqs(data):
    """Return the n_freqs of a decoder fitted on (channels x freqs) features.

    Read from the :class:`~mne.decoding.Vectorizer` of each fitted pipeline
    (its ``features_shape_``). None when the features are one value per
    channel (no Vectorizer, or one fitted on 2-D epochs).
    """
    from ._estimators import _flatten_steps

    shapes = {_feature_shape(_flatten_steps(model)) for model in _models(data)}
    if len(shapes) > 1:
        raise ValueError(
            f"all estimators in data must be fitted on features of the same "
            f"shape; their Vectorizers saw {sorted(map(str, shapes))}."
        )
    shape = shapes.pop() if shapes else None  # none fitted: _coefs explains
    return None if shape is None else shape[1]


def _models(data):
    """Return the first fitted pipeline of each sliding estimator in ``data``."""
    items = data if isinstance(data, list | tuple) else [data]
    flat = []
    for item in items:  # estimators (folds), or lists of them (subjects)
        flat.extend(item if isinstance(item, list | tuple) else [item])
    return [est.estimators_[0] for est in flat if hasattr(est, "estimators_")]


def _feature_shape(steps):
    """``features_shape_`` of the pipeline's Vectorizer when 2-D, else None."""
    from mne.decoding import Vectorizer

    for position, step in enumerate(steps):
        if not isinstance(step, Vectorizer):
            continue
        shape = tuple(getattr(step, "features_shape_", ()))
        if len(shape) < 2:
            return None
        if len(shape) > 2:
            raise ValueError(
                f"the decoder's Vectorizer saw features of shape {shape}; only "
                f"(n_channels, n_freqs) can be shown as maps per frequency."
            )
        if position:  # a scaler before it would scale (channels, freqs) blocks
            names = ", ".join(type(s).__name__ for s in steps[:position])
            raise ValueError(
                f"the decoder's pipeline has {names} before its Vectorizer: "
                f"with (channels x freqs) features, put every step after the "
                f"Vectorizer, e.g. make_pipeline(Vectorizer(), StandardScaler(), "
                f"LinearModel(LogisticRegression()))."
            )
        return shape
    return None


def split_features(coef, n_freqs, axis):
    """One CoefData per frequency shown, from (channels x freqs) features."""
    n_features = coef.n_channels
    if n_features % n_freqs:
        raise ValueError(
            f"the decoder has {n_features} features, not a multiple of its "
            f"{n_freqs} frequencies."
        )
    if n_freqs != axis.n_freqs:
        raise ValueError(
            f"freqs must give one value per frequency of the decoder's "
            f"features: its Vectorizer saw (n_channels, n_freqs) = "
            f"({n_features // n_freqs}, {n_freqs}), freqs has {axis.n_freqs}."
        )
    parts = []
    for k in axis.selected:  # C order: feature c * n_freqs + k
        columns = np.arange(k, n_features, n_freqs)
        samples = None if coef.samples is None else coef.samples[..., columns]
        names = None if coef.ch_names is None else coef.ch_names[k::n_freqs]
        parts.append(
            dataclasses.replace(
                coef, data=coef.data[:, columns], samples=samples, ch_names=names
            )
        )
    return parts
