"""Colour limits, the lookup tables shared by every frame, and their faded twins.

Values become palette indices by arithmetic, once per pixel, instead of
``cmap(norm(x))`` per frame: the GIF palette, the matplotlib image and the
colour bar all use the same ``n_levels`` colours, so what is saved is what
the figure shows. One table serves all panels, or with ``vlim='each'`` (or
agreement panels) one per panel; dimmed twins show non-significant
(``mask_dim``) or extrapolated pixels, and ``consistency_display='fade'``
grades the map through several steps of twins.
"""

import copy
from dataclasses import dataclass, replace
from numbers import Real

import matplotlib as mpl
import numpy as np
from matplotlib.colors import ListedColormap, Normalize

from ..interp._interp import scalp_interpolator
from ..stats._agreement import FADE_STEPS

N_LEVELS = 192  # map colours; the rest of the 256-colour palette is chrome
MIN_SPAN = 1e-300  # narrower colour ranges overflow n_levels / (vmax - vmin)


def resolve_vlim(values, vlim=(None, None), cnorm=None):
    """Colour limits ``(vmin, vmax)`` fixed across all frames, from all ``values``.

    None entries of ``vlim`` are filled in as MNE does: from 0 to the
    maximum for non-negative data, from the minimum to 0 for non-positive
    data, and symmetric around 0 for signed data. Signed data (values on
    both sides of 0, drawn with a diverging map by :func:`default_cmap`)
    with one limit given get it mirrored, so that the map's centre stays at
    0: ``(None, 5)`` gives ``(-5, 5)`` and ``(-3, None)`` gives ``(-3, 3)``.
    A limit on the data's wrong side (``(None, -1)``), or a ``cnorm``, takes
    the other limit from the data instead: its minimum or maximum, or 0 for
    one-signed data. A ``cnorm`` (a matplotlib Normalize) with its own
    ``vmin``/``vmax`` wins. The limits have ``vmin < vmax``: a constant field
    gets a unit range around its value, so nothing divides by zero, and a
    range narrower than ``MIN_SPAN`` (values near 1e-300) is widened to it.
    """
    vmin, vmax = check_vlim(vlim)
    if cnorm is not None:
        if not isinstance(cnorm, Normalize):
            raise TypeError(
                "cnorm must be a matplotlib.colors.Normalize (e.g. TwoSlopeNorm) "
                f"or None; got {type(cnorm).__name__}."
            )
        vmin = cnorm.vmin if cnorm.vmin is not None else vmin
        vmax = cnorm.vmax if cnorm.vmax is not None else vmax
    lo, hi = float(np.min(values)), float(np.max(values))
    # signed: the data on both sides of 0, what default_cmap draws diverging
    mirror = cnorm is None and lo < 0 < hi
    if vmin is None and vmax is None:
        if lo >= 0:
            vmin, vmax = 0.0, hi
        elif hi <= 0:
            vmin, vmax = lo, 0.0
        else:
            vmax = max(abs(lo), abs(hi))
            vmin = -vmax
    elif vmin is None:
        if mirror and vmax > 0:  # white stays at 0
            vmin = -vmax
        else:
            vmin = min(lo, vmax - 1.0) if lo < 0 else min(0.0, vmax - 1.0)
    elif vmax is None:
        if mirror and vmin < 0:
            vmax = -vmin
        else:
            vmax = max(hi, vmin + 1.0) if hi > 0 else max(0.0, vmin + 1.0)
    if vmin == vmax:  # a constant field: still a valid colour scale
        vmin, vmax = (vmin - 1.0, vmax + 1.0) if vmin != 0 else (0.0, 1.0)
    if not vmin < vmax:
        raise ValueError(f"vlim must have vmin < vmax; got vlim=({vmin}, {vmax}).")
    span = float(vmax) - float(vmin)
    if not np.isfinite(span):  # e.g. values near 1e308
        raise ValueError(
            f"The colour range {vmin:g} to {vmax:g} overflows float64; rescale "
            "the values (animate_coefs(..., scalings=...)) or pass a narrower vlim."
        )
    if span < MIN_SPAN:  # n_levels / span would overflow: widen, keeping a 0 end
        vmin, vmax = _widen(float(vmin), float(vmax))
    return float(vmin), float(vmax)


def _widen(vmin, vmax):
    """Stretch a range narrower than MIN_SPAN (tiny values) to MIN_SPAN."""
    if vmin >= 0:
        return vmin, vmin + MIN_SPAN
    if vmax <= 0:
        return vmax - MIN_SPAN, vmax
    centre = (vmin + vmax) / 2
    return centre - MIN_SPAN / 2, centre + MIN_SPAN / 2


def check_cmap(cmap):
    """Return ``cmap`` as a Colormap, from a matplotlib name or a Colormap."""
    if isinstance(cmap, str):
        if cmap not in mpl.colormaps:
            raise ValueError(
                f"cmap {cmap!r} is not a matplotlib colour map; see "
                "matplotlib.colormaps for the names (e.g. 'RdBu_r', 'Reds')."
            )
        return mpl.colormaps[cmap]
    if not isinstance(cmap, mpl.colors.Colormap):
        raise TypeError(
            f"cmap must be a colour map name or a Colormap; got {type(cmap)}."
        )
    return cmap


def check_vlim(vlim):
    """Return ``vlim`` as ``(vmin, vmax)``, numbers or None, with vmin < vmax."""
    if vlim is None:
        return None, None
    try:
        vmin, vmax = vlim
    except (TypeError, ValueError):
        raise TypeError(
            f"vlim must be a tuple (vmin, vmax) of numbers or None; got {vlim!r:.60}."
        ) from None
    for name, value in (("vmin", vmin), ("vmax", vmax)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(
                f"vlim {name} must be a number or None; got "
                f"{type(value).__name__} ({value!r:.60})."
            )
        if not np.isfinite(value):
            raise ValueError(f"vlim {name} must be finite or None; got {value}.")
    if vmin is not None and vmax is not None and not vmin < vmax:
        raise ValueError(
            f"vlim must have vmin < vmax; got vlim=({vmin}, {vmax}). Swap them or "
            "pass None for a limit to take it from the data."
        )
    return vmin, vmax


def default_cmap(vmin, vmax):
    """MNE's default colour map: sequential for one-signed data, else diverging."""
    if vmin >= 0:
        return "Reds"
    if vmax <= 0:
        return "Blues_r"
    return "RdBu_r"


@dataclass(frozen=True)
class ColorTable:
    """Map values to palette indices with fixed limits.

    ``n_levels`` colours are sampled from ``cmap``, at palette indices from
    ``offset`` on (several tables share one palette); ``fade`` moves them
    toward white by that fraction (a dimmed twin).
    """

    cmap: mpl.colors.Colormap
    vmin: float
    vmax: float
    cnorm: Normalize | None = None
    n_levels: int = N_LEVELS
    offset: int = 0
    fade: float = 0.0

    @classmethod
    def create(cls, cmap, vmin, vmax, cnorm=None, n_levels=N_LEVELS, offset=0):
        """Build a table from a colour map name or object."""
        cmap = check_cmap(cmap)
        if cnorm is not None and (cnorm.vmin is None or cnorm.vmax is None):
            # a norm without limits would scale itself to the first values it
            # sees (one chunk of frames); give a copy the limits of all frames
            cnorm = copy.deepcopy(cnorm)
            cnorm.vmin = vmin if cnorm.vmin is None else cnorm.vmin
            cnorm.vmax = vmax if cnorm.vmax is None else cnorm.vmax
        return cls(cmap, vmin, vmax, cnorm, n_levels, offset)

    @property
    def colors(self):
        """Colours of the levels, uint8, shape (n_levels, 3)."""
        centres = (np.arange(self.n_levels) + 0.5) / self.n_levels
        rgb = self.cmap(centres)[:, :3]
        rgb = rgb + self.fade * (1.0 - rgb)  # toward white (dimmed twins)
        return np.round(rgb * 255).astype(np.uint8)

    def faded(self, fade, offset):
        """Return a twin table faded toward white (1: white) at ``offset``.

        ``twin.levels(v) - twin.offset == self.levels(v) - self.offset``.
        """
        return replace(self, fade=float(fade), offset=int(offset))

    @property
    def listed_cmap(self):
        """The quantised colour map, for the colour bar and the figure."""
        return ListedColormap(self.colors / 255.0, name=f"{self.cmap.name}_levels")

    @property
    def norm(self):
        """The normalisation the colour bar uses."""
        if self.cnorm is not None:
            return self.cnorm
        return Normalize(self.vmin, self.vmax)

    def levels(self, values):
        """Level index of each value, uint8 (values outside the limits clip)."""
        if self.cnorm is None:
            values = np.asarray(values)
            dtype = np.dtype(np.float32 if values.dtype == np.float32 else np.float64)
            # values far outside the limits may overflow to inf: clipped below
            with np.errstate(over="ignore"):
                scaled = values - dtype.type(self.vmin)  # a new array, in place
                scaled *= dtype.type(self.n_levels / (self.vmax - self.vmin))
        else:
            scaled = np.ma.getdata(self.cnorm(values)) * self.n_levels
        np.clip(scaled, 0, self.n_levels - 1, out=scaled)
        return scaled.astype(np.uint8) + np.uint8(self.offset)


def palette_with(tables, chrome):
    """Return the 256-colour palette: map levels first, then the figure's own colours.

    ``tables`` (one or a list) must follow each other by ``offset``;
    ``chrome`` holds the other colours (background, text, outlines), (n, 3).
    """
    tables = [tables] if isinstance(tables, ColorTable) else list(tables)
    start = 0
    for table in tables:  # a level index must point at its own colour
        if table.offset != start:
            raise ValueError(
                f"tables must follow each other in the palette: expected a table "
                f"with offset={start}, got offset={table.offset}."
            )
        start += table.n_levels
    colors = [table.colors for table in tables]
    palette = np.concatenate([*colors, np.asarray(chrome, np.uint8).reshape(-1, 3)])
    if len(palette) > 256:
        raise ValueError(f"a GIF palette holds 256 colours; got {len(palette)}.")
    return palette


MIN_PANEL_LEVELS = 8  # with vlim='each', the fewest colours a panel may get
# how far toward white 'fade' moves the colours (without mask_dim)
EXTRAPOLATED_FADE = 0.6


def faded_twins(tables, mask_dim, outside):
    """Dimmed copies of the tables, their levels after all of the tables'.

    One set serves both fades (``mask_dim``, and ``outside``: extrapolated
    pixels); it fades by ``mask_dim``, else by ``EXTRAPOLATED_FADE``.
    """
    if mask_dim is None and outside is None:
        return []
    fade = EXTRAPOLATED_FADE if mask_dim is None else mask_dim
    start = sum(table.n_levels for table in tables)  # they follow each other
    return [table.faded(fade, start + table.offset) for table in tables]


def color_tables(values, colors, halve=False):
    """One colour table for all panels, or with ``vlim='each'`` one per panel.

    Per-panel tables split the palette's map colours between them, each
    starting where the previous one ends.
    """
    vlim, cnorm = colors.vlim, colors.cnorm
    each = isinstance(vlim, str)
    if each and vlim != "each":
        raise ValueError(
            f"vlim must be a tuple (vmin, vmax) of numbers or None, or 'each' "
            f"(limits per panel); got {vlim!r}."
        )
    n_levels = N_LEVELS // (len(values) if each else 1) // (2 if halve else 1)
    if n_levels < MIN_PANEL_LEVELS:  # only with 'each': shared limits get 96+
        raise ValueError(
            f"vlim='each' splits {N_LEVELS} colours between the panels, at least "
            f"{MIN_PANEL_LEVELS} each; {len(values)} panels are too many. Use at "
            f"most {N_LEVELS // MIN_PANEL_LEVELS} panels or shared limits."
        )
    if each:
        limits = [resolve_vlim(panel, (None, None), cnorm) for panel in values]
    else:
        limits = [resolve_vlim(values, vlim, cnorm)]
    specs = [(colors.cmap, vmin, vmax, cnorm) for vmin, vmax in limits]
    return _tables(specs, n_levels)


def _tables(specs, n_levels):
    """Tables of ``(cmap, vmin, vmax, cnorm)``, one after another in the palette.

    A ``cmap`` of None is MNE's default for the limits (:func:`default_cmap`).
    """
    return [
        ColorTable.create(default_cmap(vmin, vmax) if cmap is None else cmap,
                          vmin, vmax, norm, n_levels=n_levels,
                          offset=k * n_levels)  # fmt: skip
        for k, (cmap, vmin, vmax, norm) in enumerate(specs)
    ]


# -- consistency=: agreement panels' tables, the graded fade -------------------

PANEL_CMAPS = {"t": "RdBu_r", "sign": "viridis", "sem": "viridis"}


def panel_tables(means, measures, measure, colors, halve):
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
            "or consistency=dict(display='fade')."
        )
    cnorm = colors.cnorm
    if isinstance(colors.vlim, str):  # 'each' (checked with the scene)
        mean_limits = [resolve_vlim(v, (None, None), cnorm) for v in means]
        measure_limits = [_measure_limits(v, measure) for v in measures]
    else:
        mean_limits = [resolve_vlim(means, colors.vlim, cnorm)] * len(means)
        measure_limits = [_measure_limits(measures, measure)] * len(means)
    specs, measure_cmap = [], PANEL_CMAPS[measure]
    for (vmin, vmax), (lo, hi) in zip(mean_limits, measure_limits, strict=True):
        specs += [(colors.cmap, vmin, vmax, cnorm), (measure_cmap, lo, hi, None)]
    return _tables(specs, n_levels)


def _measure_limits(values, measure):
    """Colour limits of a measure: t symmetric about 0, a fraction 0 to 1."""
    if measure == "sign":
        return 0.0, 1.0
    if measure == "t":
        peak = float(np.abs(values).max())
        return (-peak, peak) if peak > 0 else (-1.0, 1.0)
    return resolve_vlim(values)  # sem: 0 to its largest


class GradedFade:
    """Move each pixel's colour to the twin of its fade step.

    ``weights`` (n_panels, n_times, n_channels) say how fully to show the
    map, in [0, 1]; ``interp`` puts them on the pixels; ``shift`` is the
    palette distance between two steps (all the tables of one step).
    """

    def __init__(self, weights, interp, shift):
        self.weights = np.ascontiguousarray(weights, float)
        self.interp = interp
        self.shift = int(shift)

    def apply(self, levels, panel, start, stop):
        """Fade a panel's levels (n_frames, n_inside), frames start..stop, in place."""
        weights = self.interp.interpolate_inside(self.weights[panel, start:stop])
        levels += self.steps(weights) * np.uint8(self.shift)

    @staticmethod
    def steps(weights):
        """Return the fade step (0: none) of each weight, uint8."""
        faded = 1.0 - np.clip(weights, 0.0, 1.0)
        return np.rint(faded * (len(FADE_STEPS) - 1)).astype(np.uint8)


def graded_fade(scene, weights, titles):
    """Return the scene with its maps faded by ``weights`` (n_panels, n_shown, n_ch).

    The tables' levels are split between the fade steps, each with faded
    twins; ``titles`` say what the fade means.
    """
    tables = list(scene.tables)
    n_levels = N_LEVELS // len(tables) // len(FADE_STEPS)
    if n_levels < MIN_PANEL_LEVELS:
        raise ValueError(
            f"consistency=dict(display='fade') splits {N_LEVELS} colours between "
            f"{len(tables)} colour tables and {len(FADE_STEPS)} fade steps, at "
            f"least {MIN_PANEL_LEVELS} each; use fewer panels with vlim='each' "
            f"(at most {N_LEVELS // len(FADE_STEPS) // MIN_PANEL_LEVELS}), shared "
            "limits, or consistency=dict(display='panel')."
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
