"""Validate the user's input once and precompute what all frames share.

The adapters' outputs (sensors, coefficient data) are aligned channel by
channel, scaled for display, cropped in time, and joined with the colour
tables, masks and score panel into one :class:`Scene`, which the figure,
the frame compositor and the writers then trust.
"""

from dataclasses import dataclass, field
from numbers import Real

import mne
import numpy as np
from mne.utils import logger

from .._checks import check_real
from .._dims import DEFAULT_DIMS, normalize_dims
from ..adapters._coefs import CoefData, as_coef_data
from ..adapters._labelled import OrientationError, check_orientation, read_labelled
from ..adapters._positions import merge_grad_pairs, resolve_sensors
from ..interp._interp import ScalpInterpolator
from ..viz._colors import N_LEVELS, ColorTable, default_cmap, resolve_vlim
from ._masks import resolve_masks
from ._options import as_kwargs
from ._scores import ScorePanel, score_panel

SI_SCALINGS = {
    "eeg": (1e6, "µV"),
    "ecog": (1e6, "µV"),
    "seeg": (1e3, "mV"),
    "dbs": (1e6, "µV"),
    "mag": (1e15, "fT"),
    "grad": (1e13, "fT/cm"),
}
MIN_PANEL_LEVELS = 8  # with vlim='each', the fewest colours a panel may get


@dataclass(frozen=True)
class Scene:
    """Everything validated and precomputed before anything is drawn."""

    panels: list  # CoefData per panel, channels aligned with sensors
    titles: list
    values: np.ndarray  # (n_panels, n_times, n_channels)
    masks: np.ndarray | None  # (n_panels, n_times, n_channels) bool
    times: np.ndarray
    sensors: object
    interp: ScalpInterpolator
    tables: list  # ColorTable: one for all panels, or one per panel
    scores: ScorePanel | None
    units: str | list | None  # a list (one per panel) with vlim='each'
    vlim_each: bool = False
    faded: list = field(default_factory=list)  # dimmed twins of the tables
    times_are_samples: bool = False  # no times given: label frames by sample

    @property
    def panel_tables(self):
        """The colour table of each panel."""
        if len(self.tables) == len(self.panels):
            return self.tables
        return self.tables * len(self.panels)


def prepare_scene(data, info, options):
    """Validate everything once and precompute what all frames share.

    Parameters
    ----------
    data, info
        As in :func:`mne_coefanim.animate_coefs`.
    options : SceneOptions
        The options, grouped by stage.

    Returns
    -------
    scene : Scene
        What the figure, the compositor and the writers trust.
    """
    titles, items = _split_panels(data)
    info = _default_info(info, items)
    sensors = resolve_sensors(info, **as_kwargs(options.sensors))
    panels = _read_panels(items, sensors, info, options.data)
    sensors, panels = _match_sensors(panels, sensors, info, options.data)
    time_sel = _time_selection(panels, options.data.tmin, options.data.tmax)
    values = np.stack([panel.data[time_sel] for panel in panels])
    stats = options.stats
    masks = resolve_masks(
        stats.mask, panels, sensors, time_sel, alpha=stats.alpha, seed=stats.seed
    )
    interp = ScalpInterpolator(
        sensors.pos, **as_kwargs(options.map), sphere=sensors.sphere,
        ch_type=sensors.ch_type,
    )  # fmt: skip
    mask_dim = _check_mask_dim(stats.mask_dim, masks)
    colors = options.colors
    tables = _color_tables(values, colors.vlim, colors.cmap, colors.cnorm,
                           halve=mask_dim is not None)  # fmt: skip
    vlim_each = isinstance(colors.vlim, str)
    first, units = panels[0], options.data.units
    return Scene(
        panels=panels, titles=titles, values=values, masks=masks,
        times=first.times[time_sel], sensors=sensors, interp=interp,
        tables=tables, scores=_scores(options.scores, first, time_sel),
        vlim_each=vlim_each, faded=_faded_twins(tables, mask_dim),
        times_are_samples=first.times_are_samples,
        units=[units or p.units for p in panels] if vlim_each
        else units or first.units,
    )  # fmt: skip


def _read_panels(items, sensors, info, data_options):
    """Each panel's values, restricted to the channels the map shows.

    Only the channels shown are kept, named, before the values are checked:
    a NaN in a dropped channel (picks, bads) then does no harm, and one in a
    shown channel is reported by name. A DataFrame or xarray-like item
    brings its own dims, times and names.
    """
    opts = data_options
    panels = []
    for item in items:
        labelled = read_labelled(item, times=opts.times, dims=opts.dims)
        item, dims, times, ch_names, _ = _used_channels(labelled, sensors, info)
        panels.append(as_coef_data(
            item, ch_names=ch_names, times=times, dims=dims,
            transform=opts.transform, attr=opts.attr, class_idx=opts.class_idx,
            train_time=opts.train_time,
            normalize_patterns=opts.normalize_patterns, units=opts.units,
        ))  # fmt: skip
    _note_filters(panels)
    return panels


def _match_sensors(panels, sensors, info, data_options):
    """Check the sensors, align the panels' channels to them, scale for display."""
    if len(sensors.ch_names) < 4:  # Qhull's 2-D Delaunay needs four points
        raise ValueError(
            f"info must place at least 4 channels to interpolate a map; got "
            f"{len(sensors.ch_names)} ({', '.join(sensors.ch_names)}). Pick more "
            f"channels (check picks and exclude)."
        )
    _check_spread(sensors)
    panels = [_align_channels(panel, sensors, info) for panel in panels]
    if sensors.ch_type == "grad":
        sensors, panels = _merge_gradiometers(sensors, panels)
    scalings, units = data_options.scalings, data_options.units
    panels = [_scale(panel, scalings, sensors.ch_type, units) for panel in panels]
    return sensors, panels


def _scores(score_options, first, time_sel):
    """Build the score panel, told what the first panel's data are."""
    return score_panel(
        **as_kwargs(score_options), decoder=first.decoder,
        sample_dim=first.sample_dim,
        n_samples=None if first.samples is None else len(first.samples),
        time_sel=time_sel, n_times=len(first.times),
    )  # fmt: skip


def _check_mask_dim(mask_dim, masks):
    if mask_dim is None:
        return None
    if masks is None:
        raise ValueError("mask_dim needs a mask: pass mask= as well.")
    value = check_real("mask_dim", mask_dim)
    if not 0 < value <= 1:
        raise ValueError(f"mask_dim must be in (0, 1]; got {mask_dim}.")
    return value


def _faded_twins(tables, mask_dim):
    """Dimmed copies of the tables, their levels after all of the tables'."""
    if mask_dim is None:
        return []
    start = sum(table.n_levels for table in tables)
    twins, offset = [], start
    for table in tables:
        twins.append(table.faded(mask_dim, offset))
        offset += table.n_levels
    return twins


def _color_tables(values, vlim, cmap, cnorm, halve=False):
    """One colour table for all panels, or with ``vlim='each'`` one per panel.

    Per-panel tables split the palette's map colours between them, each
    starting where the previous one ends.
    """
    if not isinstance(vlim, str):
        vmin, vmax = resolve_vlim(values, vlim, cnorm)
        cmap = default_cmap(vmin, vmax) if cmap is None else cmap
        n_levels = N_LEVELS // 2 if halve else N_LEVELS
        return [ColorTable.create(cmap, vmin, vmax, cnorm, n_levels=n_levels)]
    if vlim != "each":
        raise ValueError(
            f"vlim must be a tuple (vmin, vmax) of numbers or None, or 'each' "
            f"(limits per panel); got {vlim!r}."
        )
    n_levels = N_LEVELS // len(values) // (2 if halve else 1)
    if n_levels < MIN_PANEL_LEVELS:
        raise ValueError(
            f"vlim='each' splits {N_LEVELS} colours between the panels, at least "
            f"{MIN_PANEL_LEVELS} each; {len(values)} panels are too many. Use at "
            f"most {N_LEVELS // MIN_PANEL_LEVELS} panels or shared limits."
        )
    tables = []
    for k, panel_values in enumerate(values):
        vmin, vmax = resolve_vlim(panel_values, (None, None), cnorm)
        panel_cmap = default_cmap(vmin, vmax) if cmap is None else cmap
        table = ColorTable.create(
            panel_cmap, vmin, vmax, cnorm, n_levels=n_levels, offset=k * n_levels
        )
        tables.append(table)
    return tables


_FILTERS_NOTE = (
    "Animating filters (decoder weights). Weights are not activity maps: a "
    "channel can get a large weight because it helps cancel noise, not because "
    "it carries the signal (Haufe et al. 2014, NeuroImage 87:96-110). Prefer "
    "attr='patterns_' or mne_coefanim.patterns_from_filters(filters, epochs)."
)
_said = set()


def _note_filters(panels):
    """Log, once per session, why weights are not activity maps."""
    if "filters" in _said or not any(p.kind == "filters" for p in panels):
        return
    _said.add("filters")
    logger.info(_FILTERS_NOTE)


def _split_panels(data):
    if isinstance(data, dict):
        if not data:
            raise ValueError("data must not be an empty dict; give at least one panel.")
        return [str(k) for k in data], list(data.values())
    return [""], [data]


def _default_info(info, items):
    if info is not None:
        return info
    for item in items:
        if hasattr(item, "info"):
            return item.info
    raise ValueError(
        "info is needed to place the channels: pass an mne.Info with a montage, "
        "a DigMontage, or an array of 2-D positions (n_channels, 2). Only an "
        "Evoked carries its own."
    )


def _used_channels(entry, sensors, info):
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
    dims = _array_dims(item, entry.dims)
    if dims is None:
        return entry
    axis, values = dims.index("channels"), np.asarray(item)
    if entry.ch_names is not None:  # labelled: select by name
        if not set(names) <= set(entry.ch_names):
            return entry  # _align_channels names the missing ones
        order = [entry.ch_names.index(name) for name in names]
        return entry._replace(data=np.take(values, order, axis), ch_names=names)
    n_info = _n_info_channels(info)
    if values.shape[axis] == len(names):
        return entry._replace(data=values, ch_names=names)
    if sensors.picks is not None and values.shape[axis] == n_info:
        values = np.take(values, sensors.picks, axis=axis)
        return entry._replace(data=values, ch_names=names)
    if entry.source is None:  # labels name the axes: nothing to guess
        check_orientation(values.shape, dims, times=entry.times,
                          n_channels=(len(names), n_info))  # fmt: skip
    return entry


def _array_dims(item, dims):
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


def _align_channels(panel, sensors, info):
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
    elif sensors.picks is not None and n_data == _n_info_channels(info):
        order = sensors.picks
    else:
        n_info = _n_info_channels(info)
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
    return _with(panel, data=panel.data[:, order],
                 samples=None if panel.samples is None else panel.samples[..., order],
                 ch_names=list(sensors.ch_names))  # fmt: skip


def _scale(panel, scalings, ch_type, units):
    """Apply the display scaling (MNE's for SI data when ``scalings`` is None)."""
    if scalings is None:
        si_data = panel.kind in ("patterns", "evoked") and panel.units is None
        if not si_data or units is not None or ch_type not in SI_SCALINGS:
            return panel
        factor, unit = SI_SCALINGS[ch_type]
    else:
        factor, unit = check_real("scalings", scalings), panel.units
    samples = None if panel.samples is None else panel.samples * factor
    return _with(panel, data=panel.data * factor, samples=samples, units=unit)


def _merge_gradiometers(sensors, panels):
    """One value per gradiometer pair: the RMS of its two channels (MNE's way)."""
    merged, groups = merge_grad_pairs(sensors)

    def rms(values):
        return np.stack(
            [np.sqrt(np.mean(values[..., g] ** 2, axis=-1)) for g in groups], axis=-1
        )

    panels = [
        _with(panel, data=rms(panel.data), ch_names=list(merged.ch_names),
              samples=None if panel.samples is None else rms(panel.samples),
              reduction="the RMS of gradiometer pairs")
        for panel in panels
    ]  # fmt: skip
    logger.info(f"Merged {len(sensors.ch_names)} gradiometers into "
                f"{len(merged.ch_names)} pairs (root mean square).")  # fmt: skip
    return merged, panels


def _n_info_channels(info):
    if hasattr(info, "ch_names"):
        return len(info.ch_names)
    return len(np.asarray(info))


def _with(panel, **changes):
    fields = {f: getattr(panel, f) for f in CoefData.__dataclass_fields__}
    return CoefData(**{**fields, **changes})


def _time_selection(panels, tmin, tmax):
    times = panels[0].times
    for panel in panels[1:]:
        if panel.times.shape != times.shape or not np.allclose(panel.times, times):
            raise ValueError(
                "all panels must share the same times; got "
                f"{len(times)} and {len(panel.times)} time points."
            )
    for name, value in (("tmin", tmin), ("tmax", tmax)):
        if value is not None:
            check_real(name, value)
    lo = times[0] if tmin is None else tmin
    hi = times[-1] if tmax is None else tmax
    eps = 1e-9 * max(1.0, np.ptp(times))
    sel = np.flatnonzero((times >= lo - eps) & (times <= hi + eps))
    if not sel.size:
        raise ValueError(
            f"tmin={tmin}, tmax={tmax} select no time point; the data spans "
            f"{times[0]:0.3f} to {times[-1]:0.3f} s."
        )
    return sel


def _check_spread(sensors):
    """Raise a ValueError naming the channels if they lie on one line."""
    centred = sensors.pos - sensors.pos.mean(axis=0)
    (a, b), (_, c) = np.einsum("ni,nj->ij", centred, centred)  # no LAPACK: tiny
    # the 2x2 scatter matrix's eigenvalues: the smaller is ~0 on a line
    half_gap = np.hypot((a - c) / 2, b)
    if (a + c) / 2 - half_gap <= 1e-12 * ((a + c) / 2 + half_gap):
        raise ValueError(
            f"The channels {', '.join(sensors.ch_names)} lie on one line: a scalp "
            f"map needs channels spread in two dimensions. Pick more channels "
            f"(check picks and exclude)."
        )
