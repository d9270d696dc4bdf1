"""Rows of maps, one per frequency: the panels of time-frequency data.

An array whose ``dims`` name a ``'freqs'`` axis, or a decoder fitted on
``(n_channels, n_freqs)`` features (a :class:`mne.decoding.Vectorizer` after
time-frequency epochs), holds one map per frequency and time. Each frequency
shown becomes a row of panels (one column per entry of a dict), titled by its
frequency, the highest on top (as on a time-frequency plot's axis), all on
one colour scale unless ``vlim='each'``.

A decoder's coefficients are read once for all its features (so averaging,
class norms and ``normalize_patterns`` see the whole decoder), then split by
frequency; ``transform`` is applied afterwards to each frequency's maps
(``'zscore'`` standardises across the channels of one frequency).
"""

import dataclasses
from typing import NamedTuple

import numpy as np
from mne.utils import logger

from ..inputs._coefs import _holds_estimators, as_coef_data
from ..inputs._data import FREQ_DIM, normalize_dims
from ..inputs._estimators import _is_estimator, decoder_feature_freqs, split_features
from ..inputs._labelled import freq_axis, read_labelled, split_freq_axis


class ReadPanel(NamedTuple):
    """A panel read already (one frequency of a decoder): used as is."""

    coef: object


class FreqPanels(NamedTuple):
    """The panels after the frequency axis was split into rows."""

    titles: list
    items: list
    data_options: object  # DataOptions for reading the items
    n_rows: int
    axis: object  # FreqAxis | None


def expand_freqs(titles, items, data_options):
    """Split each item's frequency axis into rows of panels.

    Parameters
    ----------
    titles : list of str
        One per item (``''`` for a single item).
    items : list
        What the user passed, one per panel.
    data_options : DataOptions
        With ``freqs``, ``fmin`` and ``fmax``.

    Returns
    -------
    panels : FreqPanels
        Unchanged (one row) when the data has no frequency axis.
    """
    opts = data_options
    found = [_freq_source(item, opts.dims) for item in items]
    axis = freq_axis(_given_freqs(opts.freqs, items, found), opts.fmin, opts.fmax)
    if not any(found):
        if axis is not None:
            raise ValueError(
                "freqs is given, but data has no frequency axis: name it in "
                "dims (e.g. dims=('times', 'channels', 'freqs')), or pass a "
                "decoder whose Vectorizer saw (n_channels, n_freqs) features; "
                "else leave freqs, fmin and fmax at None."
            )
        return FreqPanels(titles, items, opts, 1, None)
    _check_found(found, axis, titles)
    columns = [
        _split(item, source, axis, opts)
        for item, source in zip(items, found, strict=True)
    ]
    new_titles, new_items = [], []
    # the highest frequency on top, as on the frequency axis of a TF plot
    # (row_masks puts the masks given per frequency in this order too)
    for row, label in reversed(list(enumerate(axis.labels))):
        for title, parts in zip(titles, columns, strict=True):
            new_titles.append(f"{title}, {label}" if title else label)
            new_items.append(parts[row])
    logger.info(f"One row of maps per frequency: {axis.describe()}.")
    dims = _dims_without_freqs(opts.dims)
    return FreqPanels(
        new_titles,
        new_items,
        dataclasses.replace(opts, dims=dims),
        len(axis.selected),
        axis,
    )


def _freq_source(item, dims):
    """``'array'`` or ``'decoder'`` when ``item`` has a frequency axis, else None."""
    if _is_estimator(item) or (
        isinstance(item, list | tuple) and item and _holds_estimators(item)
    ):
        return "decoder" if decoder_feature_freqs(item) else None
    labelled = isinstance(getattr(item, "dims", None), tuple)  # xarray-like
    dims = item.dims if labelled else dims
    if dims is None:
        return None
    try:
        names = normalize_dims(dims)
    except (TypeError, ValueError):
        return None  # as_coef_data explains
    if FREQ_DIM not in names:
        return None
    return "labelled" if labelled else "array"


def _given_freqs(freqs, items, found):
    """``freqs``, or the frequency coordinate of xarray-like data (they agree)."""
    labelled = [
        item for item, source in zip(items, found, strict=True) if source == "labelled"
    ]
    for item in labelled:
        names = normalize_dims(item.dims)
        name = item.dims[names.index(FREQ_DIM)]
        if name not in item.coords:
            continue
        own = np.asarray(getattr(item.coords[name], "values", item.coords[name]))
        if freqs is None:
            freqs = own
        elif np.shape(freqs) != own.shape or not np.allclose(freqs, own):
            raise ValueError(
                f"freqs must equal the frequency coordinate {name!r} of data "
                f"({own.tolist()}), or be None to use it; got {np.ravel(freqs)}."
            )
    return freqs


def _check_found(found, axis, titles):
    if axis is None:
        what = (
            "a decoder fitted on (channels x freqs) features"
            if ("decoder" in found)
            else "an array whose dims name 'freqs'"
        )
        raise ValueError(
            f"data is {what}, but freqs is None: pass freqs= (one value in Hz "
            "per frequency, or one (low, high) pair per band), so that each "
            "row of maps says its frequency."
        )
    if not all(found):
        without = [repr(t) for t, f in zip(titles, found, strict=True) if not f]
        raise ValueError(
            f"every panel must have the frequency axis when freqs is given; "
            f"panel(s) {', '.join(without)} have none."
        )


def _split(item, source, axis, opts):
    """Return the item's panels, one per frequency shown."""
    if opts.align_signs and source != "array":
        # the decoder and labelled routes read each frequency's maps after
        # the split: aligning there would flip each frequency on its own
        what = {"decoder": "fitted decoders", "labelled": "a labelled array"}
        raise ValueError(
            f"align_signs=True with a frequency axis takes a plain array, e.g. "
            f"(subjects, times, channels, freqs) with dims; data is "
            f"{what[source]}. Pass its values as an array (for decoders: their "
            f"patterns_, stacked), or align_signs=False."
        )
    if source == "decoder":
        return _split_decoder(item, axis, opts)
    entry = read_labelled(item, times=opts.times, dims=opts.dims)
    values = np.asarray(entry.data)
    parts, dims = split_freq_axis(values, normalize_dims(entry.dims), axis)
    if source == "array":
        return parts  # read as any array, with dims without 'freqs'
    # xarray-like: read here, while the labels of the whole array are known
    return [
        ReadPanel(
            as_coef_data(
                part,
                times=entry.times,
                ch_names=entry.ch_names,
                dims=dims,
                transform=opts.transform,
                units=opts.units,
            )
        )
        for part in parts
    ]


def _split_decoder(item, axis, opts):
    """Read a decoder's coefficients once, then split them by frequency."""
    coef = as_coef_data(
        item,
        times=opts.times,
        dims=opts.dims,
        attr=opts.attr,
        class_idx=opts.class_idx,
        train_time=opts.train_time,
        normalize_patterns=opts.normalize_patterns,
        units=opts.units,
    )
    parts = split_features(coef, decoder_feature_freqs(item), axis)
    # the transform of each frequency's maps, after the split
    return [ReadPanel(as_coef_data(part, transform=opts.transform)) for part in parts]


def _dims_without_freqs(dims):
    if dims is None:
        return None
    names = normalize_dims(dims)
    return tuple(name for name in names if name != FREQ_DIM)
