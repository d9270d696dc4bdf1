"""Agreement maps: how consistently the subjects carry the mean map.

``consistency='t' | 'sign' | 'sem'`` measures, per time and channel, how the
subjects agree with their mean (:mod:`mne_coefanim.stats._agreement`), and
shows it as a panel beside each mean (``consistency_display='panel'``), with
its own colour table and bar, or as a graded fade of the mean map
(``'fade'``): paler where the subjects agree less, the weights interpolated
over the scalp like the map and quantised to ``FADE_STEPS``, each step with
its own faded twin of every table. As with the masks, only subjects are
independent samples, and the measures cover the data's whole time range.
"""

from dataclasses import dataclass, replace

import numpy as np
from mne.utils import logger

from .._checks import check_option
from ..interp._interp import scalp_interpolator
from ..stats._agreement import (
    AGREEMENT_MEASURES,
    PER_SUBJECT_HINT,
    SEM_MULTIPLE,
    agreement,
    agreement_weights,
    one_sided_data,
    refuse_untestable,
    t_threshold,
)
from ._channels import with_changes
from ._colors import (
    MIN_PANEL_LEVELS,
    N_LEVELS,
    ColorTable,
    default_cmap,
    faded_twins,
    resolve_vlim,
    twin_fade,
)

DISPLAYS = ("panel", "fade")
PANEL_CMAPS = {"t": "RdBu_r", "sign": "viridis", "sem": "viridis"}
PANEL_UNITS = {"t": "t", "sign": "fraction of subjects"}  # sem: the data's
PANEL_LABELS = {"t": "t vs 0", "sign": "Sign agreement", "sem": "SEM"}
_FOLDS_HARM = "they agree with each other even on pure noise"


@dataclass(frozen=True)
class Measured:
    """One panel's agreement: the measure, the fade weights, across how many."""

    values: np.ndarray  # (n_times, n_channels), every time of the data
    weights: np.ndarray  # (n_times, n_channels), in [0, 1]
    n_subjects: int


def add_agreement(scene, options, time_sel):
    """Return the scene with its agreement panels or fade, as the options ask.

    Parameters
    ----------
    scene : Scene
        The scene of the means.
    options : SceneOptions
        All options; ``options.stats`` holds ``consistency``,
        ``consistency_display``, ``mask_dim`` and ``alpha``.
    time_sel : array of int
        The frames shown.

    Returns
    -------
    scene : Scene
        Unchanged when ``consistency`` is None.
    """
    stats = options.stats
    measure = check_consistency(stats)
    if measure is None:
        return scene
    measured = [_measure(panel, measure, stats.alpha, stats.consistency_display)
                for panel in scene.panels]  # fmt: skip
    _log(measure, stats.consistency_display, measured, stats.alpha)
    if stats.consistency_display == "fade":
        weights = np.stack([m.weights[time_sel] for m in measured])
        titles = [_fade_title(title, measure, m, stats.alpha)
                  for title, m in zip(scene.titles, measured, strict=True)]  # fmt: skip
        return graded_fade(scene, weights, titles)
    return _with_panels(scene, measure, measured, options, time_sel)


def check_consistency(stats):
    """Return the measure asked for (or None), or raise naming what to change.

    Parameters
    ----------
    stats : StatOptions
        With ``consistency``, ``consistency_display`` and ``mask_dim``.
    """
    consistency, display = stats.consistency, stats.consistency_display
    check_option("consistency", consistency, (None, *AGREEMENT_MEASURES))
    check_option("consistency_display", display, DISPLAYS)
    if consistency is None and display != "panel":
        raise ValueError(
            f"consistency_display={display!r} needs a measure: pass "
            "consistency='t', 'sign' or 'sem' as well."
        )
    if display == "fade" and stats.mask_dim is not None:
        raise ValueError(
            "consistency_display='fade' and mask_dim both fade the map; pass one "
            "of them (e.g. consistency_display='panel' beside mask_dim, or "
            "mask_dim=None)."
        )
    return consistency


def _measure(panel, measure, alpha, display):
    """Measure one panel's agreement across its subjects, or say why not."""
    name = f"consistency={measure!r}"
    refuse_untestable(panel, name, dict(
        act="measure agreement on",
        noise="every subject agrees in sign and t against 0 is large even for "
        "pure noise",
        hints=("Pass class_idx to measure one class's signed pattern.",
               "Use the magnetometers (ch_type='mag')."),
        aligned=f"{name} cannot measure the agreement of sign-aligned samples "
        f"(align_signs=True): alignment makes every subject agree with their "
        f"leading pattern, so even pure noise would look consistent. Pass "
        f"align_signs=False for maps whose sign is meaningful.",
        across="measures agreement", instead="", harm=_FOLDS_HARM,
    ))  # fmt: skip
    _refuse_one_sided(panel, measure, display)
    n_subjects = len(panel.samples)
    if n_subjects < 2:
        raise ValueError(
            f"{name} needs at least 2 subjects to measure their agreement; data "
            f"has {n_subjects}. {PER_SUBJECT_HINT}."
        )
    if measure == "sem" and panel.transform == "zscore":
        raise ValueError(
            "consistency='sem' is in the data's units, but transform='zscore' "
            "shows z-scores: the two would not share a scale. Pass "
            "consistency='t' or 'sign', or transform=None."
        )
    values = agreement(panel.samples, measure)
    weights = agreement_weights(values, measure, mean=panel.samples.mean(axis=0),
                                n_samples=n_subjects, alpha=alpha)  # fmt: skip
    if measure == "t":
        values = _finite_t(values)
    return Measured(values=values, weights=weights, n_subjects=n_subjects)


def _refuse_one_sided(panel, measure, display):
    """Refuse measures against 0 of maps that are all on one side of 0.

    't' and 'sign' measure agreement with 0 and the fade of 'sem' shows
    ``|mean| / (2 SEM)``: all large for per-subject maps that are
    non-negative (e.g. ``np.abs``) even when they are pure noise. The SEM
    shown as a panel is the spread only, and stays allowed.
    """
    if measure == "sem" and display == "panel":
        return
    side = one_sided_data(panel.samples, 0.0)
    if side is not None:
        raise ValueError(
            f"consistency={measure!r} measures agreement against 0, but every "
            f"subject's map is {side} at every time and channel (e.g. made with "
            f"np.abs, a norm or a power): all subjects agree in sign, and their "
            f"mean lies away from 0, even for pure noise. Pass a signed quantity "
            f"(e.g. the patterns before np.abs), or consistency='sem' with "
            f"consistency_display='panel' to show the subjects' spread only."
        )


def _finite_t(t):
    """Show an infinite t (identical non-zero subjects) at the largest finite."""
    infinite = np.isinf(t)
    if not infinite.any():
        return t
    finite = np.abs(t[~infinite])
    cap = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    logger.info(
        f"t is infinite at {int(infinite.sum())} (time, channel) cells, where all "
        f"subjects have the same non-zero value; shown as +/-{cap:.3g}, the "
        "largest finite |t|."
    )
    return np.where(infinite, np.sign(t) * cap, t)


def _log(measure, display, measured, alpha):
    """Say what was computed, across how many subjects, and how it is shown."""
    counts = sorted({m.n_subjects for m in measured})
    across = f"across {' / '.join(map(str, counts))} subjects"
    what = {
        "t": f"one-sample t against 0 {across}",
        "sign": f"fraction of subjects whose sign agrees with the mean's, {across}",
        "sem": f"standard error of the mean {across}",
    }[measure]
    logger.info(
        f"consistency={measure!r}: the {what}, per channel and time point, over "
        "the data's whole time range (on the per-subject values, before any "
        "transform)."
    )
    if display == "fade":
        logger.info(
            f"consistency_display='fade': the mean map fades toward white in "
            f"{len(FADE_STEPS)} steps (up to {FADE_STEPS[-1]:.0%}) as "
            f"{_fade_rule(measure, measured[0], alpha)}."
        )


def _fade_rule(measure, measured, alpha):
    if measure == "t":
        crit = t_threshold(measured.n_subjects, alpha)
        return (
            f"|t| falls from {crit:.2f} (p = {alpha:g}, two-sided, uncorrected, "
            f"{measured.n_subjects} subjects) to 0"
        )
    if measure == "sign":
        return "the fraction of subjects agreeing in sign falls from 1 to 0.5"
    return f"|mean| falls from {SEM_MULTIPLE:g} SEM to 0"


def _fade_title(title, measure, measured, alpha):
    n = measured.n_subjects
    head = f"{title} ({n} subjects)" if title else f"Mean of {n} subjects"
    if measure == "t":
        tail = f"faded where |t| < {t_threshold(n, alpha):.2f} (uncorrected)"
    elif measure == "sign":
        tail = "faded as sign agreement falls"
    else:
        tail = f"faded where |mean| < {SEM_MULTIPLE:g} SEM"
    return f"{head}, {tail}"


def _with_panels(scene, measure, measured, options, time_sel):
    """Interleave an agreement panel after each mean, each with its own bar."""
    means = scene.panels
    n_means = len(means)
    mean_units = (
        scene.units if isinstance(scene.units, list) else [scene.units] * n_means
    )
    mean_positive = (
        scene.positive if isinstance(scene.positive, list)
        else [scene.positive] * n_means
    )  # fmt: skip
    panels, titles, units, positive = [], [], [], []
    rows = zip(means, scene.titles, mean_units, measured, mean_positive, strict=True)
    for mean, title, unit, m, pos in rows:
        label = f"{PANEL_LABELS[measure]} across {m.n_subjects} subjects"
        measure_unit = PANEL_UNITS.get(measure, unit)
        panels += [mean, with_changes(
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
    fade = twin_fade(scene.mask_dim, scene.extrapolated)
    tables = _panel_tables(values[0::2], values[1::2], measure, options.colors,
                           halve=fade is not None)  # fmt: skip
    return replace(
        scene, panels=panels, titles=titles, values=values, masks=masks,
        tables=tables, faded=faded_twins(tables, fade), units=units,
        positive=positive, vlim_each=True,
    )  # fmt: skip


def _panel_tables(means, measures, measure, colors, halve):
    """One colour table per panel: the means' limits as asked, the measure's own."""
    n_panels = 2 * len(means)
    n_levels = N_LEVELS // n_panels // (2 if halve else 1)
    if n_levels < MIN_PANEL_LEVELS:
        raise ValueError(
            f"consistency adds a panel beside each of the {len(means)} panels; "
            f"{N_LEVELS} colours split between {n_panels} panels"
            f"{' and their faded twins' if halve else ''} leave fewer "
            f"than {MIN_PANEL_LEVELS} each. Show at most "
            f"{N_LEVELS // (2 if halve else 1) // MIN_PANEL_LEVELS // 2} panels, "
            "or consistency_display='fade'."
        )
    cnorm = colors.cnorm
    if isinstance(colors.vlim, str):  # 'each' (checked with the scene)
        mean_limits = [resolve_vlim(v, (None, None), cnorm) for v in means]
        measure_limits = [_measure_limits(v, measure) for v in measures]
    else:
        mean_limits = [resolve_vlim(means, colors.vlim, cnorm)] * len(means)
        measure_limits = [_measure_limits(measures, measure)] * len(means)
    specs = []
    for (vmin, vmax), (lo, hi) in zip(mean_limits, measure_limits, strict=True):
        cmap = default_cmap(vmin, vmax) if colors.cmap is None else colors.cmap
        specs += [(cmap, vmin, vmax, cnorm), (PANEL_CMAPS[measure], lo, hi, None)]
    return [
        ColorTable.create(
            cmap, vmin, vmax, norm, n_levels=n_levels, offset=k * n_levels
        )  # fmt: skip
        for k, (cmap, vmin, vmax, norm) in enumerate(specs)
    ]


def _measure_limits(values, measure):
    """Colour limits of a measure: t symmetric about 0, a fraction 0 to 1."""
    if measure == "sign":
        return 0.0, 1.0
    if measure == "t":
        peak = float(np.abs(values).max())
        return (-peak, peak) if peak > 0 else (-1.0, 1.0)
    return resolve_vlim(values)  # sem: 0 to its largest


# how far toward white each step fades: the first is the unfaded table
FADE_STEPS = (0.0, 0.3, 0.6, 0.9)


class GradedFade:
    """Move each pixel's colour to the twin of its fade step.

    Parameters
    ----------
    weights : array, shape (n_panels, n_times, n_channels)
        Per panel, frame and channel, how fully to show the map, in [0, 1].
    interp : ScalpInterpolator
        Interpolates the weights onto the pixels.
    shift : int
        How far apart in the palette two consecutive steps' colours are
        (the levels of all the tables of one step).
    """

    def __init__(self, weights, interp, shift):
        self.weights = np.ascontiguousarray(weights, float)
        self.interp = interp
        self.shift = int(shift)

    def apply(self, levels, panel, start, stop):
        """Fade the colour levels of frames ``start..stop`` of a panel, in place.

        Parameters
        ----------
        levels : array of uint8, shape (n_frames, n_inside)
            The unfaded colour indices (the first table's step).
        panel : int
            The panel whose weights apply.
        start, stop : int
            The frames.
        """
        weights = self.interp.interpolate_inside(self.weights[panel, start:stop])
        levels += self.steps(weights) * np.uint8(self.shift)

    @staticmethod
    def steps(weights):
        """Return the fade step (0: none) of each weight, uint8."""
        faded = 1.0 - np.clip(weights, 0.0, 1.0)
        return np.rint(faded * (len(FADE_STEPS) - 1)).astype(np.uint8)


def graded_fade(scene, weights, titles):
    """Return the scene with its maps faded by ``weights``.

    Parameters
    ----------
    scene : Scene
        The scene of the means (one table, or one per panel).
    weights : array, shape (n_panels, n_shown, n_channels)
        How fully to show each panel's map, per frame shown and channel.
    titles : list of str
        The panels' titles, saying what the fade means.

    Returns
    -------
    scene : Scene
        With the tables' levels split between the fade steps, their faded
        twins, and the fade to apply per frame.
    """
    tables = list(scene.tables)
    n_levels = N_LEVELS // len(tables) // len(FADE_STEPS)
    if n_levels < MIN_PANEL_LEVELS:
        raise ValueError(
            f"consistency_display='fade' splits {N_LEVELS} colours between "
            f"{len(tables)} colour tables and {len(FADE_STEPS)} fade steps, at "
            f"least {MIN_PANEL_LEVELS} each; use fewer panels with vlim='each' "
            f"(at most {N_LEVELS // len(FADE_STEPS) // MIN_PANEL_LEVELS}), shared "
            "limits, or consistency_display='panel'."
        )
    base = [
        replace(table, n_levels=n_levels, offset=k * n_levels)
        for k, table in enumerate(tables)
    ]
    shift = n_levels * len(base)
    twins = [
        table.faded(fade, table.offset + step * shift)
        for step, fade in enumerate(FADE_STEPS[1:], start=1)
        for table in base
    ]
    fade = GradedFade(weights, _weight_interpolator(scene.interp), shift)
    return replace(scene, tables=base, faded=twins, fade=fade, titles=titles)


def _weight_interpolator(interp):
    """Return the scene's interpolator, or its twin with ``border='mean'``.

    A numeric ``border`` is a value for the map; as a weight it would fade
    (or light up) the head's rim whatever the subjects do, so the weights
    take their neighbours' mean there instead.
    """
    if interp.border == "mean":
        return interp
    return scalp_interpolator(  # built once per geometry, as the scene's
        interp.pos, image_interp=interp.image_interp,
        extrapolate=interp.extrapolate, border="mean", res=interp.res,
        sphere=interp.sphere, extrapolated=interp.extrapolated,  # same pixels
    )  # fmt: skip
