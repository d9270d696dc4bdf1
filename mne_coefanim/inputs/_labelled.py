"""Read inputs by their labels, or refuse them with a reason.

A :class:`pandas.DataFrame` names its channels (columns) and times (index),
an xarray-like object names its axes (``dims``) and their coordinates: the
values are read by those labels, never by position. A numpy masked array is
refused (its mask would silently be dropped), and so are arrays whose axes
look swapped ((n_channels, n_times), MNE's order), with the ``dims`` that
fit. Objects are recognised by what they have (no pandas or xarray import).
A frequency axis (``freqs``: one value per frequency in Hz, or one ``(low,
high)`` pair per band, kept within ``fmin``-``fmax``) is labelled too: each
frequency kept becomes one row of maps.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .._checks import as_float_array, check_real
from ._data import FREQ_DIM, check_dims, normalize_dims

TIMES_ATOL = 1e-6  # s: times given twice must agree to a microsecond


class Labelled(NamedTuple):
    """One input: a plain array with its dims, times, ch_names and source."""

    data: object
    dims: object
    times: object
    ch_names: object
    source: str | None = None


class OrientationError(ValueError):
    """Data whose times and channels axes look swapped; ``dims`` would fit."""

    def __init__(self, evidence, dims, advice):
        super().__init__(f"{evidence} {advice}")
        self.evidence, self.dims = evidence, dims


def read_labelled(data, *, times=None, dims=None, ch_names=None):
    """Read a DataFrame or an xarray-like object by its labels.

    Refuses a masked array; returns other objects with the given ``times``,
    ``dims`` and ``ch_names``, which labelled data refuse unless they agree.
    """
    if isinstance(data, np.ma.MaskedArray):
        raise TypeError(_MASKED_MESSAGE)
    _refuse_labels_in_lists(data)
    if _is_data_frame(data):
        entry = _read_data_frame(data)
    elif _is_xarray_like(data):
        entry = _read_xarray(data)
    else:
        return Labelled(data, dims, times, ch_names)
    return Labelled(
        entry.data,
        _agree("dims", entry, dims, lambda d: normalize_dims(d) == entry.dims),
        _agree("times", entry, times, lambda t: _same_times(t, entry.times)),
        _agree("ch_names", entry, ch_names, lambda c: list(c) == entry.ch_names),
        entry.source,
    )


_MASKED_MESSAGE = (
    "data is a numpy masked array, which is refused: its mask would be "
    "ignored (the masked entries drawn with whatever values they hold, and a "
    "masked 1e6 would set the colour limits). np.ma.filled(data, np.nan) does "
    "not help, as NaN is refused too: fill the masked values with 0 "
    "(np.ma.filled(data, 0)) or drop the channels they are in (and leave them "
    "out of info, e.g. with picks), then pass a plain array; to mark "
    "significant channels per frame, pass mask= (a boolean array, shape "
    "(n_times, n_channels))."
)


def _refuse_labels_in_lists(data):
    """Refuse lists of labelled or masked arrays: np.asarray drops the labels."""
    if not isinstance(data, list | tuple):
        return
    if any(isinstance(item, np.ma.MaskedArray) for item in data):
        raise TypeError(_MASKED_MESSAGE.replace("data is", "data holds", 1))
    if any(_is_data_frame(item) or _is_xarray_like(item) for item in data):
        raise TypeError(
            "data is a list of DataFrames or xarray-like objects, whose labels "
            "(channel names, times) a list would lose; combine them into one "
            "xarray-like object with a 'folds' or 'subjects' axis, or give one "
            "panel each in a dict ({title: DataFrame})."
        )


ARTICLE = {"DataFrame": "a DataFrame", "xarray": "an xarray-like object"}
CARRIED = {
    ("DataFrame", "dims"): "names its axes ('times', 'channels'): rows, columns",
    ("DataFrame", "times"): "carries the times in its index",
    ("DataFrame", "ch_names"): "carries the channel names in its columns",
    ("xarray", "dims"): "names its axes in data.dims",
    ("xarray", "times"): "carries the times in its time coordinate",
    ("xarray", "ch_names"): "carries the channel names in its channel coordinate",
}


def _agree(name, entry, given, equal):
    """Return the labels' value, refusing a different one given alongside."""
    own = getattr(entry, name)
    if given is None or own is None:  # own None: e.g. a default index
        return given if own is None else own
    try:
        same = equal(given)
    except (TypeError, ValueError):
        same = False
    if not same:
        raise ValueError(
            f"{name} cannot differ from the labels of data: {ARTICLE[entry.source]} "
            f"{CARRIED[entry.source, name]}, and {name}={given!r:.80} differs. "
            f"Leave {name} at None (or pass exactly what the labels say)."
        )
    return own


def _same_times(given, own):
    given = as_float_array("times", given, "an array of times in seconds")
    return given.shape == own.shape and np.allclose(given, own, rtol=0, atol=TIMES_ATOL)


def _is_data_frame(data):
    return all(hasattr(data, name) for name in ("columns", "index", "to_numpy"))


def _read_data_frame(frame):
    """Return the DataFrame's values, channel names (columns) and times (index)."""
    for axis in ("index", "columns"):
        if getattr(getattr(frame, axis), "nlevels", 1) != 1:
            raise ValueError(
                f"data is a DataFrame with a MultiIndex as {axis}; give one row "
                "per time point and one column per channel (e.g. average or "
                "select the other levels first)."
            )
    columns, index = np.asarray(frame.columns), np.asarray(frame.index)
    if _all_str(index):
        raise ValueError(
            f"data is a DataFrame whose index holds text ({index[0]!r}, ...): "
            "its rows must be the time points (the index their times in "
            "seconds) and its columns the channels; if its rows are channels, "
            "i.e. (n_channels, n_times), pass data.T."
        )
    if not _is_range(columns) and not _all_str(columns):
        raise ValueError(
            f"data is a DataFrame whose columns are not channel names "
            f"({columns[0]}, ...): if they are the times and its rows the "
            "channels, i.e. (n_channels, n_times), pass data.T; for unnamed "
            "channels in info's order pass data.to_numpy()."
        )
    _check_columns(frame, columns)
    return Labelled(
        np.asarray(frame.to_numpy()),
        ("times", "channels"),
        _index_times(index),
        None if _is_range(columns) else [str(name) for name in columns],
        "DataFrame",
    )


def _check_columns(frame, columns):
    """Refuse a 'time' column, repeated names and columns that are not numbers."""
    repeated = sorted({str(name) for name in columns if list(columns).count(name) > 1})
    if repeated:
        raise ValueError(
            f"data is a DataFrame with repeated column names ({', '.join(repeated)});"
            " give one column per channel."
        )
    named_time = [name for name in columns if str(name).lower() in ("time", "times")]
    if named_time:
        raise ValueError(
            f"data is a DataFrame with a column {named_time[0]!r} (as from "
            "Evoked.to_data_frame()): the times must be its index, in seconds; "
            f"pass data.set_index({named_time[0]!r})."
        )
    kinds = [getattr(dtype, "kind", "O") for dtype in frame.dtypes]
    bad = [str(name) for name, kind in zip(columns, kinds, strict=True)
           if kind not in "biuf"]  # fmt: skip
    if bad:
        raise TypeError(
            f"data is a DataFrame with {len(bad)} column(s) that are not real "
            f"numbers ({', '.join(bad[:5])}); keep one numeric column per "
            "channel."
        )


def _index_times(index):
    """Return the times in seconds of an index (None for a default 0..n-1)."""
    if _is_range(index):
        return None
    if index.dtype.kind == "m":  # timedelta
        return index / np.timedelta64(1, "s")
    return as_float_array(
        "the index of data (a DataFrame)", index, "the times in seconds"
    )


def _is_range(values):
    """Tell whether labels are a default 0..n-1 range (labels unknown)."""
    return values.dtype.kind in "iu" and np.array_equal(values, np.arange(len(values)))


def _all_str(values):
    return len(values) > 0 and all(isinstance(value, str) for value in values)


def _is_xarray_like(data):
    return isinstance(getattr(data, "dims", None), tuple) and hasattr(data, "coords")


def _read_xarray(array):
    """Return the values, dims, times and channel names of an xarray-like."""
    names = array.dims
    dims = normalize_dims(names, name="data.dims (the names of its axes)")
    coords = array.coords
    times = ch_names = None
    if "times" in dims:
        times = coordinate(coords, names[dims.index("times")])
        if times is not None:  # a default 0..n-1 range: times unknown
            times = None if _is_range(times) else as_float_array(
                "the time coordinate of data", times, "the times in seconds"
            )
    if "channels" in dims:
        labels = coordinate(coords, names[dims.index("channels")])
        if labels is not None and not _is_range(labels):
            ch_names = [str(name) for name in labels]
    values = np.asarray(getattr(array, "values", array))
    return Labelled(values, dims, times, ch_names, "xarray")


def coordinate(coords, name):
    if name not in coords:
        return None
    return np.asarray(getattr(coords[name], "values", coords[name]))


def check_orientation(
    shape, dims, *, times=None, n_channels=(), of="the channels of info", name="data"
):
    """Refuse an array whose times and channels axes look swapped (OrientationError).

    Swapped: the channels axis fits no count of ``n_channels`` (nor the times
    axis ``times``) while the times axis fits one, or the channels axis fits
    ``times``. ``of`` and ``name`` word the message.
    """
    dims = dims_in_effect(dims, shape)
    if dims is None:
        return
    n_t, n_c = shape[dims.index("times")], shape[dims.index("channels")]
    n_given = _n_times(times)
    if n_given == n_t or (n_channels and n_c in n_channels):
        return
    clues = []
    if n_t in n_channels:
        clues.append(f"its times axis has as many entries ({n_t}) as {of}")
    if n_given is not None and n_c == n_given:
        clues.append(f"its channels axis has as many ({n_c}) as times")
    if not clues:
        return
    swapped = tuple(
        {"times": "channels", "channels": "times"}.get(axis, axis) for axis in dims
    )
    evidence = (
        f"{name} (shape {shape}, read as ({', '.join(dims)}): {n_t} time points "
        f"of {n_c} channels) looks like (n_channels, n_times), the order MNE uses "
        f"(Evoked.data, get_coef): {'; '.join(clues)}."
    )
    advice = f"Pass dims={swapped!r}" + (" or data.T." if len(dims) == 2 else ".")
    raise OrientationError(evidence, swapped, advice)


def dims_in_effect(dims, shape):
    """Return the valid (or default) dims of an array of ``shape``, else None."""
    try:
        return check_dims(dims, shape)
    except (TypeError, ValueError):
        return None  # as_coef_data explains


def _n_times(times):
    """Return the number of times given, if they are a 1-D array of numbers."""
    try:
        values = np.asarray(times)
    except (TypeError, ValueError):
        return None
    ok = values.ndim == 1 and values.dtype.kind in "biuf"
    return len(values) if ok else None


ATOL_HZ = 1e-9  # fmin/fmax equal to a frequency keep it despite rounding


@dataclass(frozen=True)
class FreqAxis:
    """The frequencies of the data (Hz, or band edges) and the ones ``selected``."""

    values: np.ndarray
    selected: np.ndarray

    @property
    def n_freqs(self):
        """Number of frequencies in the data (shown or not)."""
        return len(self.values)

    @property
    def labels(self):
        """The label of each frequency shown, e.g. ``'10 Hz'`` or ``'8–12 Hz'``."""
        return [
            "–".join(f"{edge:g}" for edge in np.atleast_1d(self.values[k])) + " Hz"
            for k in self.selected
        ]


def freq_axis(freqs, fmin=None, fmax=None):
    """Check ``freqs``, ``fmin``, ``fmax``: a FreqAxis, or None without freqs."""
    if freqs is None:
        for name, value in (("fmin", fmin), ("fmax", fmax)):
            if value is not None:
                raise ValueError(
                    f"{name} selects frequencies, but freqs is None; got "
                    f"coef_params=dict({name}={value!r}). Pass its freqs (the "
                    "frequency of each entry of the data's 'freqs' axis, in Hz) "
                    "as well."
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
    low, high = (values, values) if values.ndim == 1 else values.T
    keep = np.ones(len(values), bool)
    if fmin is not None:
        keep &= low >= check_real("fmin", fmin) - ATOL_HZ
    if fmax is not None:
        keep &= high <= check_real("fmax", fmax) + ATOL_HZ
    if fmin is not None and fmax is not None and fmin > fmax:
        raise ValueError(
            f"fmin must be <= fmax; got coef_params=dict(fmin={fmin}, fmax={fmax})."
        )
    if not keep.any():
        span = f"{low.min():g} to {high.max():g} Hz"
        whole = " (whole bands only)" if values.ndim == 2 else ""
        raise ValueError(
            f"coef_params=dict(fmin={fmin}, fmax={fmax}) select no frequency"
            f"{whole}; freqs span {span}."
        )
    return np.flatnonzero(keep)


def split_freq_axis(values, dims, axis):
    """Return one array per frequency shown, and ``dims`` without ``'freqs'``."""
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
