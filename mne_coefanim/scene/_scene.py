"""Validate the user's input once and precompute what all frames share.

The adapters' outputs (sensors, coefficient data) are aligned channel by
channel, scaled for display, cropped in time, and joined with the colour
tables, masks and score panel into one :class:`Scene`, which the figure,
the frame compositor and the writers then trust.
"""

from dataclasses import dataclass, field

import numpy as np
from mne.utils import logger

from .._checks import check_real
from .._defaults import MIN_CHANNELS
from ..adapters._coefs import as_coef_data
from ..adapters._csp import split_csp_panels
from ..adapters._labelled import read_labelled
from ..adapters._positions import resolve_sensors
from ..interp._cache import scalp_interpolator
from ..interp._interp import ScalpInterpolator
from ._agreement import add_agreement, check_consistency
from ._channels import (
    align_channels,
    merge_gradiometers,
    scale_for_display,
    used_channels,
)
from ._extrapolated import extrapolated_pixels, twin_fade
from ._freq_masks import row_masks
from ._freqs import ReadPanel, expand_freqs
from ._masks import resolve_masks
from ._options import as_kwargs
from ._score_tests import tested_scores
from ._scores import ScorePanel, score_panel
from ._tables import check_mask_dim, color_tables, faded_twins


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
    n_rows: int = 1  # rows of maps (one per frequency shown), panels row-major
    fade: object = None  # GradedFade: consistency_display='fade'
    mask_dim: float | None = None  # fade pixels whose channel is not significant
    extrapolated: np.ndarray | None = None  # (n_inside,) bool: faded pixels

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
    check_consistency(options.stats)  # before any slow test
    # one panel per CSP component
    titles, items = split_csp_panels(titles, items, options.data.components)
    info = _default_info(info, items)
    sensors = resolve_sensors(info, **as_kwargs(options.sensors))
    rows = expand_freqs(titles, items, options.data)  # one row per frequency
    titles = rows.titles
    panels = _read_panels(rows.items, sensors, info, rows.data_options)
    sensors, panels = _match_sensors(panels, sensors, info, options.data)
    time_sel = _time_selection(panels, options.data.tmin, options.data.tmax)
    values = np.stack([panel.data[time_sel] for panel in panels])
    stats = options.stats
    mask, alpha = row_masks(stats.mask, stats.alpha, rows.axis, len(panels))
    masks = resolve_masks(mask, panels, sensors, time_sel, alpha=alpha,
                          seed=stats.seed)  # fmt: skip
    interp = scalp_interpolator(  # built once per geometry, then shared
        sensors.pos, **as_kwargs(options.map), sphere=sensors.sphere,
        ch_type=sensors.ch_type,
    )  # fmt: skip
    mask_dim = check_mask_dim(stats.mask_dim, masks)
    outside = extrapolated_pixels(interp, stats)  # extrapolated='fade'
    colors = options.colors
    halve = mask_dim is not None or outside is not None  # room for faded twins
    tables = color_tables(values, colors.vlim, colors.cmap, colors.cnorm,
                           halve=halve)  # fmt: skip
    vlim_each = isinstance(colors.vlim, str)
    first, units = panels[0], options.data.units
    scene = Scene(
        panels=panels, titles=titles, values=values, masks=masks,
        times=first.times[time_sel], sensors=sensors, interp=interp,
        tables=tables, scores=_scores(options, first, time_sel, rows.axis),
        vlim_each=vlim_each, faded=faded_twins(tables, twin_fade(mask_dim, outside)),
        mask_dim=mask_dim, extrapolated=outside,
        times_are_samples=first.times_are_samples, n_rows=rows.n_rows,
        units=[units or p.units for p in panels] if vlim_each
        else units or first.units,
    )  # fmt: skip
    return add_agreement(scene, options, time_sel)  # consistency=...


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
        if isinstance(item, ReadPanel):  # a decoder's frequency, read in _freqs
            panels.append(item.coef)
            continue
        labelled = read_labelled(item, times=opts.times, dims=opts.dims)
        item, dims, times, ch_names, _ = used_channels(labelled, sensors, info)
        panels.append(as_coef_data(
            item, ch_names=ch_names, times=times, dims=dims,
            transform=opts.transform, attr=opts.attr, class_idx=opts.class_idx,
            train_time=opts.train_time,
            normalize_patterns=opts.normalize_patterns, units=opts.units,
            align_signs=opts.align_signs,
        ))  # fmt: skip
    _note_filters(panels)
    return panels


def _match_sensors(panels, sensors, info, data_options):
    """Check the sensors, align the panels' channels to them, scale for display."""
    if len(sensors.ch_names) < MIN_CHANNELS:  # e.g. gradiometer pairs merged
        raise ValueError(
            f"info must place at least {MIN_CHANNELS} channels to interpolate a "
            f"map; got "
            f"{len(sensors.ch_names)} ({', '.join(sensors.ch_names)}). Pick more "
            f"channels (check picks and exclude)."
        )
    _check_spread(sensors)
    panels = [align_channels(panel, sensors, info) for panel in panels]
    if sensors.ch_type == "grad":
        sensors, panels = merge_gradiometers(sensors, panels)
    scalings, units = data_options.scalings, data_options.units
    panels = [
        scale_for_display(panel, scalings, sensors.ch_type, units) for panel in panels
    ]
    return sensors, panels


def _scores(options, first, time_sel, freqs=None):
    """Build the score panel, told what the first panel's data are; test it."""
    panel = score_panel(
        **as_kwargs(options.scores), decoder=first.decoder,
        sample_dim=first.sample_dim,
        n_samples=None if first.samples is None else len(first.samples),
        time_sel=time_sel, n_times=len(first.times), freqs=freqs,
    )  # fmt: skip
    stats = options.stats  # score_stats=...: a bar where above chance
    return tested_scores(panel, stats.score_stats, first.times, time_sel,
                         alpha=stats.alpha, seed=stats.seed)  # fmt: skip


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
