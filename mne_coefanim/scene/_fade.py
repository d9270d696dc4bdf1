"""A graded fade of the mean map: paler where the subjects agree less.

``consistency_display='fade'`` shows the mean map only, faded toward white
in a few steps by a per-channel weight (1: shown fully, 0: fully faded).
The weights are interpolated over the scalp like the map itself, so the
fade is smooth rather than one patch per channel, and quantised to the
steps. Each step has its own faded twin of every colour table; the tables
and their twins share the palette's map colours (so each gets fewer levels,
as with ``mask_dim``).
"""

from dataclasses import replace

import numpy as np

from ..interp._interp import scalp_interpolator
from ..viz._colors import N_LEVELS
from ._tables import MIN_PANEL_LEVELS

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
