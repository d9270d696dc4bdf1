"""``extrapolated``: how the map is drawn beyond the sensors.

Outside the convex hull of the sensors, a scalp map is extrapolated: its
values come from MNE's extra points, not from any channel, and the cubic
interpolation can overshoot there beyond every channel's value. MNE draws
it like the rest; so does ``extrapolated='show'`` (the default).
``'fade'`` lightens those pixels (the faded twin colours of ``mask_dim``) and
``'hide'`` leaves them blank (the interpolator gives them no value, so every
output shows the background there). The colour limits never depend on it:
they come from the channels' values.
"""

import numpy as np
from mne.utils import logger

# how far toward white 'fade' moves the colours (without mask_dim)
EXTRAPOLATED_FADE = 0.6


def _check_fades(extrapolated, stats):
    """Refuse two fades that one map could not tell apart.

    ``consistency_display='fade'`` grades the whole map by the subjects'
    agreement; a lightened rim would read as disagreement.
    """
    graded = stats.consistency is not None and stats.consistency_display == "fade"
    if extrapolated == "fade" and graded:
        raise ValueError(
            "extrapolated='fade' and consistency_display='fade' would both "
            "lighten the map, and a faded pixel could not say why; pass "
            "extrapolated='hide' (blank beyond the sensors) or "
            "consistency_display='panel'."
        )


def extrapolated_pixels(interp, stats):
    """Return the pixels drawn that are extrapolated (logged); None unless 'fade'.

    Parameters
    ----------
    interp : ScalpInterpolator
        The scene's interpolator (its ``extrapolated`` says what to do).
    stats : StatOptions
        The other fades asked for (``consistency_display``).

    Returns
    -------
    outside : array of bool, shape (n_inside,) | None
        Per pixel drawn (``interp.inside``), whether it lies outside the
        sensors' convex hull: faded in every frame.
    """
    _check_fades(interp.extrapolated, stats)
    if interp.extrapolated == "show":
        return None
    disc = _head_disc(interp)
    share = (disc & ~interp.hull).sum() / max(disc.sum(), 1)
    done = "faded" if interp.extrapolated == "fade" else "left blank"
    logger.info(
        f"extrapolated={interp.extrapolated!r}: {share:.0%} of the head disc lies "
        f"outside the convex hull of the {interp.n_channels} sensors; its pixels "
        f"are {done}."
    )
    if interp.extrapolated == "hide":
        return None
    return ~interp.hull[interp.inside]


def twin_fade(mask_dim, outside):
    """How far the faded twins fade: ``mask_dim``'s, else 'fade''s own."""
    if mask_dim is not None:
        return mask_dim  # one set of twins: not significant, or extrapolated
    return None if outside is None else EXTRAPOLATED_FADE


def _head_disc(interp):
    """Return the pixels of the disc the map covers (before any hiding)."""
    xx, yy = np.meshgrid(interp.xi, interp.yi)
    centre = interp.sphere[:2]
    return np.hypot(xx - centre[0], yy - centre[1]) <= interp.clip_radius
