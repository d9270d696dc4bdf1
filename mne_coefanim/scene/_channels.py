"""Match the data's channels to the sensors, scale them, split frequencies into rows.

Plain arrays get the sensors' names, labelled data are selected by name,
gradiometer pairs are merged (RMS), and SI values are scaled for display
(µV, fT, ...), as MNE plots them. Data with a frequency axis (``dims``
naming ``'freqs'``, or a decoder fitted on ``(n_channels, n_freqs)``
features) becomes one row of panels per frequency shown, the highest on
top; a decoder's coefficients are read once, then split by frequency, and
``transform`` applies to each frequency's maps.
"""

from dataclasses import replace
from numbers import Real
from typing import NamedTuple

import numpy as np
from mne.utils import logger

from .._checks import check_real
from ..inputs._coefs import as_coef_data, is_evoked
from ..inputs._data import FREQ_DIM, PER_COMPONENT, PER_SD, normalize_dims
from ..inputs._estimators import (
    decoder_feature_freqs,
    estimator_grid,
    split_features,
)
from ..inputs._labelled import (
    OrientationError,
    check_orientation,
    coordinate,
    dims_in_effect,
    freq_axis,
    read_labelled,
    split_freq_axis,
)
from ..inputs._sensors import merge_grad_pairs

# the channel types whose SI values are shown scaled, as MNE shows them: MNE's
# default scalings and units (mne.defaults, which is not public API)
SI_SCALINGS = {
    "eeg": (1e6, "µV"), "ecog": (1e6, "µV"), "seeg": (1e3, "mV"),
    "dbs": (1e6, "µV"), "mag": (1e15, "fT"), "grad": (1e13, "fT/cm"),
}  # fmt: skip


def used_channels(entry, sensors, info):
    """Return the entry (:class:`Labelled`) with only the channels the map shows.

    A plain array with one value per shown channel, or per channel of
    ``info``, gets the sensors' names (and loses the channels not shown), and
    so does an array whose labels name every shown channel. An Evoked holding
    NaN or inf loses the channels not shown. An array whose times and
    channels axes look swapped is refused. Anything else is returned as is,
    for :func:`as_coef_data` to check.
    """
    item, names = entry.data, list(sensors.ch_names)
    if is_evoked(item):
        if not np.isfinite(item.data).all() and set(names) <= set(item.ch_names):
            return entry._replace(data=item.copy().pick(names, verbose=False))
        return entry
    dims = array_dims(item, entry.dims)
    if dims is None:
        return entry
    axis, values = dims.index("channels"), np.asarray(item)
    if entry.ch_names is not None:  # labelled: select by name
        if not set(names) <= set(entry.ch_names):
            return entry  # align_channels names the missing ones
        order = [entry.ch_names.index(name) for name in names]
        return entry._replace(data=np.take(values, order, axis), ch_names=names)
    n_info = n_info_channels(info)
    if values.shape[axis] == len(names):
        return entry._replace(data=values, ch_names=names)
    if sensors.picks is not None and values.shape[axis] == n_info:
        values = np.take(values, sensors.picks, axis=axis)
        return entry._replace(data=values, ch_names=names)
    if entry.source is None:  # labels name the axes: nothing to guess
        check_orientation(values.shape, dims, times=entry.times,
                          n_channels=(len(names), n_info))  # fmt: skip
    return entry


def array_dims(item, dims):
    """Return the axis names of a plain array of numbers, else None.

    None also when ``dims`` is invalid (:func:`as_coef_data` explains).
    """
    first = item
    while isinstance(first, list | tuple) and len(first):
        first = first[0]
    if not isinstance(first, np.ndarray | Real):  # estimators, strings, ...
        return None
    try:
        values = np.asarray(item)
    except (TypeError, ValueError):  # ragged lists: as_coef_data explains
        return None
    if values.dtype.kind not in "biuf":
        return None
    return dims_in_effect(dims, values.shape)


def align_channels(panel, sensors, info):
    """Reorder/select the panel's channels to match the sensors."""
    n_data, n_sens = panel.n_channels, len(sensors.ch_names)
    if panel.ch_names is not None:
        # a dict: thousands of channels, one look-up each (list.index is quadratic)
        position = {}
        for k, name in enumerate(panel.ch_names):
            position.setdefault(name, k)  # the first, as list.index gave
        missing = [ch for ch in sensors.ch_names if ch not in position]
        if missing:
            raise ValueError(
                f"data has no values for {len(missing)} channel(s) of info: "
                f"{', '.join(missing[:10])}. Pick matching channels with picks= "
                "or mark them bad."
            )
        order = [position[ch] for ch in sensors.ch_names]
    elif n_data == n_sens:
        order = np.arange(n_sens)
    elif sensors.picks is not None and n_data == n_info_channels(info):
        order = sensors.picks
    else:
        n_info = n_info_channels(info)
        if panel.kind == "values" and panel.n_times in (n_sens, n_info):
            raise OrientationError(
                f"data has {n_data} channels and {panel.n_times} time points, "
                f"as many as the channels of info ({n_info}, {n_sens} used "
                "here): it looks like (n_channels, n_times), the order MNE uses "
                "(Evoked.data, get_coef).",
                None,
                "Build it from data.T, or name the axes with dims, e.g. "
                "dims=('channels', 'times').",
            )
        raise ValueError(
            f"data has {n_data} channels, but info has {n_info} channel(s), "
            f"{n_sens} of them used here (after picks/ch_type/bads). Give data "
            "with one value per used channel (in info's order), or pass "
            "channel names (e.g. an Evoked) so channels can be matched."
        )
    return replace(panel, data=panel.data[:, order],
                 samples=None if panel.samples is None else panel.samples[..., order],
                 ch_names=list(sensors.ch_names))  # fmt: skip


def scale_for_display(panel, scalings, ch_type, units):
    """Scale the panel for display and name its colour bar's unit (None: unknown).

    The one place that decides the unit, for the animation and the sheet:
    the user's ``units`` read as given (values scaled by ``scalings`` if
    given); values in the SI unit of their channel type (patterns and Evoked
    of unknown units, ``'SI / SD'``, ``'SI / component'``) are scaled as MNE
    does (MNE's default scalings, or ``scalings``) and read "µV" (or "fT",
    ...), "µV / SD", and "a.u." (as MNE labels CSP patterns); other values
    read their own units, scaled by ``scalings`` if given.
    """
    factor = 1.0 if scalings is None else check_real("scalings", scalings)
    label = panel.units if units is None else units
    si_data = panel.units in (PER_SD, PER_COMPONENT) or (
        panel.units is None and panel.kind in ("patterns", "evoked")
    )  # fmt: skip
    if units is None and si_data:
        unit = None  # scaled by the user, or a channel type without MNE's scaling
        if scalings is None and ch_type in SI_SCALINGS:
            factor, unit = SI_SCALINGS[ch_type]
        label = unit
        if panel.units == PER_COMPONENT:
            label = "a.u."
        elif panel.units == PER_SD:
            label = "per SD of the decoder output" if unit is None else f"{unit} / SD"
    if factor == 1.0 and label == panel.units:
        return panel
    samples = None if panel.samples is None else panel.samples * factor
    return replace(panel, data=panel.data * factor, samples=samples,
                        units=label)  # fmt: skip


def merge_gradiometers(sensors, panels):
    """One value per gradiometer pair: the RMS of its two channels (MNE's way)."""
    merged, groups = merge_grad_pairs(sensors)

    def rms(values):
        return np.stack(
            [np.sqrt(np.mean(values[..., g] ** 2, axis=-1)) for g in groups], axis=-1
        )

    panels = [
        replace(panel, data=rms(panel.data), ch_names=list(merged.ch_names),
              samples=None if panel.samples is None else rms(panel.samples),
              reduction="the RMS of gradiometer pairs")
        for panel in panels
    ]  # fmt: skip
    logger.info(f"Merged {len(sensors.ch_names)} gradiometers into "
                f"{len(merged.ch_names)} pairs (root mean square).")  # fmt: skip
    return merged, panels


def n_info_channels(info):
    if hasattr(info, "ch_names"):
        return len(info.ch_names)
    return len(np.asarray(info))


class ReadPanel(NamedTuple):
    """A panel read already (one frequency of a decoder): used as is."""

    coef: object


def expand_freqs(titles, items, opts):
    """Split each item's frequency axis into rows of panels (``opts``: DataOptions).

    Returns the panels' titles and items, the DataOptions to read the items
    with, and the FreqAxis (None: one row, unchanged, without a frequency axis).
    """
    found = [_freq_source(item, opts.dims) for item in items]
    axis = freq_axis(_given_freqs(opts.freqs, items, found), opts.fmin, opts.fmax)
    if not any(found):
        if axis is not None:
            raise ValueError(
                "freqs is given, but data has no frequency axis: name it in "
                "dims (e.g. dims=('times', 'channels', 'freqs')), or pass a "
                "decoder whose Vectorizer saw (n_channels, n_freqs) features; "
                "else leave freqs and coef_params' fmin and fmax at None."
            )
        return titles, items, opts, None
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
    logger.info(f"One row of maps per frequency: {', '.join(axis.labels)}.")
    dims = None if opts.dims is None else tuple(
        name for name in normalize_dims(opts.dims) if name != FREQ_DIM
    )
    return new_titles, new_items, replace(opts, dims=dims), axis


def _freq_source(item, dims):
    """``'array'`` or ``'decoder'`` when ``item`` has a frequency axis, else None."""
    if estimator_grid(item) is not None:
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
    for item, source in zip(items, found, strict=True):
        if source != "labelled":
            continue
        names = normalize_dims(item.dims)
        name = item.dims[names.index(FREQ_DIM)]
        own = coordinate(item.coords, name)
        if own is None:
            continue
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
            f"data is {what}, but freqs is None: pass coef_params=dict(freqs=...) "
            "(one value in Hz per frequency, or one (low, high) pair per band), "
            "so that each row of maps says its frequency."
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
            f"coef_params=dict(align_signs=True) with a frequency axis takes a "
            f"plain array, e.g. (subjects, times, channels, freqs) with dims; "
            f"data is {what[source]}. Pass its values as an array (for decoders: their "
            f"patterns_, stacked), or coef_params=dict(align_signs=False)."
        )
    if source == "decoder":  # its coefficients read once, then split
        coef = as_coef_data(
            item, times=opts.times, dims=opts.dims, attr=opts.attr,
            class_idx=opts.class_idx, train_time=opts.train_time,
            normalize_patterns=opts.normalize_patterns, units=opts.units,
        )  # fmt: skip
        parts = split_features(coef, decoder_feature_freqs(item), axis)
        # the transform of each frequency's maps, after the split
        return [ReadPanel(as_coef_data(part, transform=opts.transform))
                for part in parts]  # fmt: skip
    entry = read_labelled(item, times=opts.times, dims=opts.dims)
    values = np.asarray(entry.data)
    parts, dims = split_freq_axis(values, normalize_dims(entry.dims), axis)
    if source == "array":
        return parts  # read as any array, with dims without 'freqs'
    # xarray-like: read here, while the labels of the whole array are known
    return [ReadPanel(as_coef_data(
        part, times=entry.times, ch_names=entry.ch_names, dims=dims,
        transform=opts.transform, units=opts.units,
    )) for part in parts]  # fmt: skip


# -- which class positive values point to ------------------------------------

def positive_classes(panels, csp, class_names):
    """Name, per panel, the class its positive values point to (or None).

    A classifier's panel names its ``classes_`` entry (see
    ``CoefData.positive``), or the entry of ``class_names`` in the same
    place; other signed values (arrays, an Evoked) name the second of two
    ``class_names``, as a binary decoder's positive side.
    """
    if class_names is None:  # not for values without a sign (gradiometers' RMS)
        return [None if p.positive is None or p.reduction
                else p.decoder.classes[p.positive] for p in panels]  # fmt: skip
    if not isinstance(class_names, list | tuple) or not all(
        isinstance(name, str) for name in class_names
    ):  # fmt: skip
        raise TypeError(
            f"class_names must be a list of str, the decoder's classes in the "
            f"order of its classes_ (e.g. ['left', 'right']); got "
            f"{class_names!r:.80}."
        )
    if len(class_names) < 2 or len(set(class_names)) < len(class_names):
        raise ValueError(
            f"class_names must name at least two classes, each once; got "
            f"{list(class_names)}."
        )
    names = list(class_names)
    pairs = zip(panels, csp, strict=True)
    return [_named_class(panel, is_csp, names) for panel, is_csp in pairs]


def _named_class(panel, is_csp, names):
    """Return the entry of ``class_names`` that ``panel``'s positive values point to."""
    decoder = panel.decoder
    unsigned = panel.transform == "abs" or panel.reduction or panel.signs_aligned
    if is_csp or unsigned or (decoder is not None and panel.positive is None):
        pick = "; coef_params=dict(class_idx=...) picks one class"
        why = (
            "a CSP component's sign is arbitrary" if is_csp
            else f"these values have no sign ({panel.reduction}"
            f"{pick * ('class' in panel.reduction)})" if panel.reduction
            else "coef_params=dict(transform='abs') leaves no sign"
            if panel.transform == "abs"
            else "aligned signs follow the data, not a class" if panel.signs_aligned
            else "a regressor has no classes"
        )  # fmt: skip
        raise ValueError(
            f"class_names says which class positive values point to, but {why}; "
            f"got coef_params=dict(class_names={names}). Leave "
            f"coef_params=dict(class_names=None)."
        )
    if panel.positive is not None:  # a classifier: its classes_, renamed
        if len(names) != decoder.n_classes:
            raise ValueError(
                f"class_names must name the decoder's {decoder.n_classes} "
                f"classes in the order of its classes_ {list(decoder.classes)}; "
                f"got {len(names)}: {names}."
            )
        return names[panel.positive]
    if len(names) != 2:  # values with no decoder: a binary contrast
        raise ValueError(
            f"class_names names the two classes of a binary decoder (positive "
            f"values point to the second) when data holds values rather than "
            f"estimators; got {len(names)}: {names}. For one class of a "
            f"multi-class decoder, pass its estimators with "
            f"coef_params=dict(class_idx=...)."
        )
    return names[1]


def shared_positive(positive):
    """One colour bar for all panels: their positive class, if all agree."""
    if len(set(positive)) == 1:
        return positive[0]
    logger.info(f"The panels' positive classes differ ({positive}); pass "
                f"vlim='each' for a colour bar (and label) per panel.")  # fmt: skip
    return None
