"""Validate the user's input once and precompute what all frames share.

The inputs' outputs (sensors, coefficient data) are aligned channel by
channel, scaled for display, cropped in time and decimated (``_frames``),
and joined with the colour tables, masks and score panel into one
:class:`Scene`, which the figure, the frame compositor and the writers then
trust; :class:`FrameLevels` gives each frame's colour indices.
"""

import functools
import threading
from dataclasses import dataclass, field, replace

import numpy as np
from mne.utils import logger

from .._checks import MIN_CHANNELS, check_option
from .._params import as_kwargs
from ..inputs._coefs import as_coef_data
from ..inputs._csp import is_csp_input, split_csp_panels
from ..inputs._labelled import read_labelled
from ..inputs._sensors import resolve_sensors
from ..interp._interp import ScalpInterpolator, extrapolated_pixels, scalp_interpolator
from ..stats._agreement import AGREEMENT_MEASURES, fade_title, measure_agreement
from ..stats._masks import check_mask_dim, resolve_masks, row_masks
from ..stats._score_tests import tested_scores
from ._channels import (
    ReadPanel,
    align_channels,
    expand_freqs,
    merge_gradiometers,
    positive_classes,
    scale_for_display,
    shared_positive,
    used_channels,
)
from ._colors import color_tables, faded_twins, graded_fade, panel_tables
from ._frames import select_frames
from ._panels import ScorePanel, score_panel


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
    positive: str | list | None = None  # the class positive values point to
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

    ``data`` and ``info`` as in :func:`mne_coefanim.animate_coefs`,
    ``options`` the SceneOptions; returns the :class:`Scene` that the
    figure, the compositor and the writers trust.
    """
    titles, items = _split_panels(data)
    check_consistency(options.stats, options.map.extrapolated)  # before slow tests
    # one panel per CSP component
    titles, items = split_csp_panels(titles, items, options.data.components)
    info = _default_info(info, items)
    sensors = resolve_sensors(info, **as_kwargs(options.sensors))
    # one row per frequency
    titles, items, data_options, freqs = expand_freqs(titles, items, options.data)
    panels = _read_panels(items, sensors, info, data_options)
    sensors, panels = _match_sensors(panels, sensors, info, options.data)
    csp = [is_csp_input(item) for item in items]
    positive = positive_classes(panels, csp, options.data.class_names)
    when = options.data  # tmin, tmax, then decim
    crop = select_frames(panels, when.tmin, when.tmax, when.decim)
    time_sel = crop[:: when.decim]  # each frame's sample
    values = np.stack([panel.data[time_sel] for panel in panels])
    stats = options.stats
    mask, alpha = row_masks(stats.mask, stats.alpha, freqs, len(panels))
    # tests run on every sample: a frame's mask is the mask at its sample
    masks = resolve_masks(mask, panels, sensors, time_sel, alpha=alpha,
                          seed=stats.seed)  # fmt: skip
    interp = scalp_interpolator(  # built once per geometry, then shared
        sensors.pos, **as_kwargs(options.map), sphere=sensors.sphere,
        ch_type=sensors.ch_type,
    )  # fmt: skip
    mask_dim = check_mask_dim(stats.mask_dim, masks)
    outside = extrapolated_pixels(interp)  # extrapolated='fade'
    halve = mask_dim is not None or outside is not None  # room for faded twins
    tables = color_tables(values, options.colors, halve=halve)
    vlim_each = isinstance(options.colors.vlim, str)
    first, units = panels[0], options.data.units
    scene = Scene(
        panels=panels, titles=titles, values=values, masks=masks,
        times=first.times[time_sel], sensors=sensors, interp=interp,
        tables=tables, scores=_scores(options, first, crop, freqs),
        vlim_each=vlim_each, faded=faded_twins(tables, mask_dim, outside),
        mask_dim=mask_dim, extrapolated=outside,
        times_are_samples=first.times_are_samples,
        n_rows=1 if freqs is None else len(freqs.selected),
        units=[units or p.units for p in panels] if vlim_each
        else units or first.units,
        positive=positive if vlim_each else shared_positive(positive),
    )  # fmt: skip
    return add_agreement(scene, options, time_sel)  # consistency=...


def _read_panels(items, sensors, info, opts):
    """Each panel's values, restricted (and named) to the channels the map shows.

    A NaN in a dropped channel (picks, bads) does no harm then; ``opts``
    are the DataOptions to read them with.
    """
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
    panels = [align_channels(panel, sensors, info) for panel in panels]
    if sensors.ch_type == "grad":
        sensors, panels = merge_gradiometers(sensors, panels)
    if len(sensors.ch_names) < MIN_CHANNELS:  # gradiometer pairs merged
        raise ValueError(
            f"info must place at least {MIN_CHANNELS} channels to interpolate a "
            f"map; got {len(sensors.ch_names)} ({', '.join(sensors.ch_names)}). "
            f"Pick more channels (check picks and info['bads'])."
        )
    _check_spread(sensors)
    scalings, units = data_options.scalings, data_options.units
    panels = [
        scale_for_display(panel, scalings, sensors.ch_type, units) for panel in panels
    ]
    return sensors, panels


def _scores(options, first, crop, freqs=None):
    """Build the score panel (every sample from tmin to tmax, ``crop``); test it."""
    panel = score_panel(
        **as_kwargs(options.scores), decoder=first.decoder,
        sample_dim=first.sample_dim,
        n_samples=None if first.samples is None else len(first.samples),
        time_sel=crop, n_times=len(first.times), freqs=freqs,
    )  # fmt: skip
    stats = options.stats  # score_stats=...: a bar where above chance
    # 2-D scores are subjects only if data says so: not when its axes are guessed
    guessed = first.guessed_dims if np.ndim(options.scores.scores) == 2 else None
    panel = tested_scores(panel, stats.score_stats, first.times, crop,
                          alpha=stats.alpha, seed=stats.seed,
                          guessed_dims=guessed)  # fmt: skip
    if panel is None:
        return None
    on_crop = np.arange(0, len(crop), options.data.decim)  # each frame's sample
    return replace(panel, times=first.times[crop], frames=on_crop)


_FILTERS_NOTE = (
    "Animating filters (decoder weights). Weights are not activity maps: a "
    "channel can get a large weight because it helps cancel noise, not because "
    "it carries the signal (Haufe et al. 2014, NeuroImage 87:96-110). Prefer "
    "coef_params=dict(attr='patterns_') or "
    "mne_coefanim.patterns_from_filters(filters, epochs)."
)
_FILTERS_NOTED = threading.Event()  # set once; Event is thread-safe


def _note_filters(panels):
    """Log, once per session, why weights are not activity maps."""
    if _FILTERS_NOTED.is_set() or not any(p.kind == "filters" for p in panels):
        return
    _FILTERS_NOTED.set()
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


def _check_spread(sensors):
    """Raise a ValueError naming the channels if they lie on one line."""
    centred = sensors.pos - sensors.pos.mean(axis=0)
    (a, b), (_, c) = np.einsum("ni,nj->ij", centred, centred)  # no LAPACK: tiny
    # the 2x2 scatter matrix's eigenvalues: the smaller is ~0 on a line
    half_gap = np.hypot((a - c) / 2, b)
    if (a + c) / 2 - half_gap <= 1e-12 * ((a + c) / 2 + half_gap):
        raise ValueError(f"The channels {', '.join(sensors.ch_names)} lie on one "
                         "line: a scalp map needs channels spread in two "
                         "dimensions. Pick more channels (check picks and "
                         "info['bads']).")  # fmt: skip


CHUNK_FRAMES = 64  # frames interpolated at once: bounds memory at any length


class FrameLevels:
    """Each frame's colour indices (and with ``images``, values on the full grid).

    The figure and the compositor ask for one frame at a time; a chunk of
    frames is interpolated in one product, turned into colour indices, the
    pixels to fade moved to their twin colours, and kept until a frame
    outside it is asked for.
    """

    def __init__(self, scene, *, images):
        self._scene = scene
        self._images = images
        self._chunk = (0, 0, None)  # frames start..stop, computed

    def reset(self):
        """Free the chunk held."""
        self._chunk = (0, 0, None)

    def frame(self, index, chunk=CHUNK_FRAMES):
        """Levels, masks and images of frame ``index``, through the chunk cache.

        Per panel: the colour index (uint8) of each pixel inside the head,
        each channel's significance (or None), and the values on the full
        grid, NaN outside (or None without ``images``).
        """
        start, stop, data = self._chunk
        if not start <= index < stop:
            start = index - index % chunk
            stop = min(start + chunk, len(self._scene.times))
            data = self._chunk_levels(start, stop)
            self._chunk = (start, stop, data)
        levels, maps = data
        masks, k = self._scene.masks, index - start
        return (
            [panel[k] for panel in levels],
            None if masks is None else [mask[index] for mask in masks],
            None if maps is None else [panel[k] for panel in maps],
        )

    def _chunk_levels(self, start, stop):
        """Colour indices (and optionally values) of frames start..stop."""
        scene, images = self._scene, self._images
        levels, maps = [], []
        for values, table in zip(scene.values, scene.panel_tables, strict=True):
            pixels = scene.interp.interpolate_inside(
                values[start:stop], dtype=np.float64 if images else self.level_dtype
            )
            # levels computed on the (n_inside, n_frames) buffer, then one
            # cheap uint8 transpose: each frame's row is contiguous for the
            # compositor's gathers
            panel_levels = np.ascontiguousarray(table.levels(pixels.T).T)
            self._dim(panel_levels, len(levels), table, start, stop)
            levels.append(panel_levels)
            if images:
                full = np.full((stop - start, scene.interp.res**2), np.nan)
                full[:, scene.interp.inside.ravel()] = pixels
                maps.append(full.reshape(-1, scene.interp.res, scene.interp.res))
        return levels, (maps if images else None)

    def _dim(self, levels, panel, table, start, stop):
        """Move to the twin pixels not significant (mask_dim) or extrapolated."""
        scene = self._scene
        if scene.fade is not None:  # consistency_display='fade': graded instead
            scene.fade.apply(levels, panel, start, stop)
            return
        if not scene.faded:
            return
        twin = scene.faded[min(panel, len(scene.faded) - 1)]
        faded = np.zeros(levels.shape, bool)
        if scene.mask_dim is not None:
            nearest = scene.interp.nearest_channel
            faded |= ~scene.masks[panel, start:stop][:, nearest]
        if scene.extrapolated is not None:  # extrapolated='fade'
            faded[:, scene.extrapolated] = True
        levels[faded] += np.uint8(twin.offset - table.offset)

    @functools.cached_property
    def level_dtype(self):
        """float32 (half the per-frame work) unless it would blur or overflow.

        float32 keeps about 7 digits: enough for the colour levels while the
        values are within 1e4 times the colour range; and its range ends at
        3e38, so the colour range must not be tiny (n_levels / span) either.
        """
        scene = self._scene
        span = max(t.vmax - t.vmin for t in scene.panel_tables)
        border = scene.interp.border
        peak = max(
            float(np.abs(scene.values).max()),
            *(abs(v) for t in scene.panel_tables for v in (t.vmin, t.vmax)),
            abs(border) if isinstance(border, float) else 0.0,
        )
        fits = span >= 1e-30 and peak <= min(1e4 * span, 1e30)
        return np.float32 if fits else np.float64


# -- consistency=: agreement panels, or a graded fade -------------------------

DISPLAYS = ("panel", "fade")
PANEL_UNITS = {"t": "t", "sign": "fraction of subjects"}  # sem: the data's
PANEL_LABELS = {"t": "t vs 0", "sign": "Sign agreement", "sem": "SEM"}


def add_agreement(scene, options, time_sel):
    """Return the scene with its agreement panels or fade (``consistency=``)."""
    stats = options.stats
    measure = stats.consistency  # checked by check_consistency, first
    if measure is None:
        return scene
    measured = measure_agreement(scene.panels, measure, stats.alpha,
                                 stats.consistency_display)  # fmt: skip
    if stats.consistency_display == "fade":
        weights = np.stack([m.weights[time_sel] for m in measured])
        titles = [fade_title(title, measure, m, stats.alpha)
                  for title, m in zip(scene.titles, measured, strict=True)]  # fmt: skip
        return graded_fade(scene, weights, titles)
    return _with_panels(scene, measure, measured, options, time_sel)


def check_consistency(stats, extrapolated):
    """Refuse a ``consistency`` that cannot be shown, naming what to change.

    Its display ``'fade'`` must not meet another fade (``mask_params['dim']``,
    ``beyond_sensors='fade'``): one map could not tell them apart.
    """
    consistency, display = stats.consistency, stats.consistency_display
    check_option("consistency", consistency, (None, *AGREEMENT_MEASURES))
    check_option("consistency['display']", display, DISPLAYS)
    if consistency is None and display != "panel":
        raise ValueError(
            f"consistency=dict(display={display!r}) needs a measure: pass "
            "consistency=dict(kind='t', 'sign' or 'sem') as well."
        )
    if display == "fade" and stats.mask_dim is not None:
        raise ValueError(
            "consistency=dict(display='fade') and mask_params['dim'] both fade "
            "the map; pass one of them (e.g. consistency=dict(display='panel') "
            "beside mask_params['dim'], or mask_params=dict(dim=None))."
        )
    if display == "fade" and extrapolated == "fade":  # a pixel could not say why
        raise ValueError(
            "beyond_sensors='fade' and consistency=dict(display='fade') would "
            "both lighten the map, and a faded pixel could not say why; pass "
            "beyond_sensors='hide' (blank beyond the sensors) or "
            "consistency=dict(display='panel')."
        )


def _with_panels(scene, measure, measured, options, time_sel):
    """Interleave an agreement panel after each mean, each with its own bar."""
    means = scene.panels
    mean_units, mean_positive = (
        value if isinstance(value, list) else [value] * len(means)
        for value in (scene.units, scene.positive)
    )  # fmt: skip
    panels, titles, units, positive = [], [], [], []
    rows = zip(means, scene.titles, mean_units, measured, mean_positive, strict=True)
    for mean, title, unit, m, pos in rows:
        label = f"{PANEL_LABELS[measure]} across {m.n_subjects} subjects"
        measure_unit = PANEL_UNITS.get(measure, unit)
        panels += [mean, replace(
            mean, data=m.values, samples=None, sample_dim=None, kind="values",
            units=measure_unit, transform=None,
        )]  # fmt: skip
        titles += [title or f"Mean of {m.n_subjects} subjects",
                   f"{title}: {label}" if title else label]  # fmt: skip
        units += [unit, measure_unit]
        positive += [pos, pos if measure == "t" else None]  # t has the mean's sign
    values = np.stack([panel.data[time_sel] for panel in panels])
    masks = None if scene.masks is None else np.repeat(scene.masks, 2, axis=0)
    # faded twins for mask_dim and for extrapolated='fade', as without panels
    tables = panel_tables(values[0::2], values[1::2], measure, options.colors,
                           halve=bool(scene.faded))  # fmt: skip
    faded = faded_twins(tables, scene.mask_dim, scene.extrapolated)
    return replace(
        scene, panels=panels, titles=titles, values=values, masks=masks,
        tables=tables, faded=faded, units=units,
        positive=positive, vlim_each=True,
    )  # fmt: skip

