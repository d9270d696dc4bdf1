"""Match the data's channels to the sensors the map shows, and scale them.

Plain arrays get the sensors' names, labelled data are selected by name,
gradiometer pairs are merged (RMS), and SI values are scaled for display
(µV, fT, ...), as MNE plots them.
"""

from numbers import Real

import mne
import numpy as np
from mne.utils import logger

from .._checks import check_real
from ..inputs._coefs import CoefData
from ..inputs._data import DEFAULT_DIMS, PER_COMPONENT, PER_SD, normalize_dims
from ..inputs._labelled import OrientationError, check_orientation
from ..inputs._sensors import merge_grad_pairs

SI_SCALINGS = {
    "eeg": (1e6, "µV"),
    "ecog": (1e6, "µV"),
    "seeg": (1e3, "mV"),
    "dbs": (1e6, "µV"),
    "mag": (1e15, "fT"),
    "grad": (1e13, "fT/cm"),
}


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
    if isinstance(item, mne.Evoked):
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
    if dims is None:
        return DEFAULT_DIMS.get(values.ndim)
    try:
        dims = normalize_dims(dims)
    except (TypeError, ValueError):
        return None
    if len(dims) == values.ndim and dims.count("channels") == 1:
        return dims if dims.count("times") == 1 else None
    return None


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
    return with_changes(panel, data=panel.data[:, order],
                 samples=None if panel.samples is None else panel.samples[..., order],
                 ch_names=list(sensors.ch_names))  # fmt: skip


def display_units(kind, data_units, ch_type, scalings, units):
    """Decide how values are scaled for display and what their unit reads.

    The one place that decides the colour bar's unit, for the animation and
    the sheet alike:

    * ``units`` (the user's) reads as given; the values are scaled by
      ``scalings`` when given, else left as they are;
    * values in the SI unit of their channel type (patterns and Evoked
      with unknown units, normalised patterns ``'SI / SD'``, CSP patterns
      ``'SI / component'``) are scaled as MNE does (``SI_SCALINGS``, or
      ``scalings``) and read "µV" (or "fT", ...), "µV / SD", and "a.u." (as
      MNE labels CSP patterns, per unit of a normalised component);
    * other values read their own units, scaled by ``scalings`` if given.

    Parameters
    ----------
    kind : str
        What the values are (``CoefData.kind``).
    data_units : str | None
        Their units (``CoefData.units``).
    ch_type : str
        The channel type shown.
    scalings : float | None
        The user's display scaling.
    units : str | None
        The user's label.

    Returns
    -------
    factor : float
        What the values are multiplied by.
    label : str | None
        The unit the colour bar reads (None: nothing known).
    """
    factor = 1.0 if scalings is None else check_real("scalings", scalings)
    per = {PER_SD: " / SD", PER_COMPONENT: None}
    si_data = data_units in per or (
        data_units is None and kind in ("patterns", "evoked")
    )  # fmt: skip
    if units is not None:
        return factor, units
    if not si_data:
        return factor, data_units
    if scalings is None and ch_type in SI_SCALINGS:
        factor, unit = SI_SCALINGS[ch_type]
    else:  # scaled by the user, or a channel type without MNE's scaling
        unit = None
    if data_units == PER_COMPONENT:
        return factor, "a.u."
    if data_units == PER_SD:
        return factor, "per SD of the decoder output" if unit is None \
            else f"{unit} / SD"  # fmt: skip
    return factor, unit


def scale_for_display(panel, scalings, ch_type, units):
    """Apply the display scaling and unit of :func:`display_units`."""
    factor, label = display_units(panel.kind, panel.units, ch_type, scalings, units)
    if factor == 1.0 and label == panel.units:
        return panel
    samples = None if panel.samples is None else panel.samples * factor
    return with_changes(panel, data=panel.data * factor, samples=samples,
                        units=label)  # fmt: skip


def merge_gradiometers(sensors, panels):
    """One value per gradiometer pair: the RMS of its two channels (MNE's way)."""
    merged, groups = merge_grad_pairs(sensors)

    def rms(values):
        return np.stack(
            [np.sqrt(np.mean(values[..., g] ** 2, axis=-1)) for g in groups], axis=-1
        )

    panels = [
        with_changes(panel, data=rms(panel.data), ch_names=list(merged.ch_names),
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


def with_changes(panel, **changes):
    fields = {f: getattr(panel, f) for f in CoefData.__dataclass_fields__}
    return CoefData(**{**fields, **changes})
