"""Fit 2-D positions given in any unit to MNE's head, in metres.

MNE draws topomaps in metres: the head circle has a radius of 0.095 m
around the origin, and 2-D sensor positions from an Info sit in and around
it. Positions given as a plain ``(n_channels, 2)`` array may instead be in
centimetres, millimetres, pixels or a 0-1 layout (e.g.
``mne.channels.Layout.pos[:, :2]``); drawn as metres they would fill a huge
map around a tiny head. The rule, decided on all the given rows (so picking
channels never moves them):

1. Refused, whatever the units: positions whose spread (half the diagonal
   of their bounding box) is at most ``sqrt(eps)`` (1.5e-8) times their
   largest coordinate (an offset that leaves the layout fewer than half of
   float64's digits; all positions at one point included), coordinates
   beyond 1e100 or a spread below 1e-100, and strips (more than 10 times
   longer than wide along their principal axes, or on one line).
2. With an explicit ``sphere``, the positions are taken in its frame and
   units, unchanged, unless they reach more than 10 radii from its centre
   or spread over less than a hundredth of its radius.
3. Positions around the origin (the origin lies in the middle half of
   their x range or of their y range, as it does for any cap or part of a
   cap; a layout with its origin at a corner, like pixels or a 0-1 layout,
   never qualifies) whose farthest sensor lies 0.03 to 0.25 from the
   origin are metres and used unchanged (the same array). After a unit
   change, 3 to 25 (centimetres) or 30 to 250 (millimetres), they are
   divided by 100 or 1000: the three ranges do not overlap, so the choice
   is never ambiguous, and ``pos * 100`` draws the same map as ``pos``.
4. Anything else is centred on the middle of its bounding box and scaled
   so that the farthest sensor lies on the head circle. The y axis must
   point up, towards the nose (flip image rows first: ``height - y``).

Every change is reported with ``mne.utils.logger.info``. An explicit
``sphere`` (e.g. ``sphere=0.095`` for metres) keeps positions as given.

Why this rule: the farthest sensor of a cap in metres lies 0.075 to 0.15 m
from the origin (every montage MNE ships; parts of caps from 0.03 m), and
nothing else plausible falls in that range, so metres are recognised from
their size alone; the origin test only keeps corner-origin drawings out.
A drawing carries no head, so the fit can only use the sensors' own
extent; an MNE ``Layout`` is a uniformly scaled, shifted copy of the
topomap positions, so it fits to them up to that scale and offset.
Limits: a part of a cap in metres lying in one quadrant only (e.g. left
posterior channels) is fitted as a drawing (pass ``sphere=0.095`` to keep
it); a drawing in centimetres or millimetres with its origin at the middle
of one edge is taken as centred.
"""

from typing import NamedTuple

import numpy as np
from mne.defaults import HEAD_SIZE_DEFAULT
from mne.utils import logger

METRE_RANGE = (0.03, 0.25)  # distance of the farthest sensor, in metres
UNITS = ((1, "metres"), (100, "centimetres"), (1000, "millimetres"))
CENTRE_TOL = 0.5  # the origin must lie in the middle half of the x or y range
MAX_ASPECT = 10.0  # longer than wide by more than this: a strip
MIN_PRECISION = float(np.sqrt(np.finfo(np.float64).eps))  # spread / coordinates
MAX_COORD = 1e100  # no drawing unit needs larger coordinates
MIN_SPREAD = 1e-100  # nor a smaller spread (its scale would overflow)
SPHERE_RANGE = (0.01, 10.0)  # spread / radius, reach / radius
MIN_ROWS = 3  # fewer positions make no map; the caller refuses them


class FittedPositions(NamedTuple):
    """Positions in metres and how they were obtained from the given ones.

    Attributes
    ----------
    pos : array, shape (n_channels, 2)
        ``(given - offset) * scale``, in metres (in the sphere's units with
        an explicit sphere); the given array itself when unchanged.
    scale : float
        The factor applied (1.0 when unchanged).
    offset : array, shape (2,)
        The point moved to the origin (zeros unless fitted).
    description : str
        What was done, in words.
    """

    pos: np.ndarray
    scale: float
    offset: np.ndarray
    description: str


def fit_positions(pos, sphere=None):
    """Bring 2-D positions in any unit to MNE's head, in metres.

    Parameters
    ----------
    pos : array of float, shape (n_channels, 2)
        Finite 2-D positions, y pointing towards the nose.
    sphere : array, shape (4,) | None
        The user's explicit head sphere ``(x, y, z, radius)``, in the units
        of ``pos``; None when the user gave none.

    Returns
    -------
    fitted : FittedPositions
        The positions in metres, with the scale, offset and a description.
    """
    if len(pos) < MIN_ROWS:
        return _unchanged(pos, "too few positions to fit: used as given")
    _check_layout(pos)
    if sphere is not None:
        _check_against_sphere(pos, sphere)
        return _unchanged(pos, "explicit sphere: positions used as given")
    if _around_origin(pos):
        reach = np.hypot(pos[:, 0], pos[:, 1]).max()
        for divisor, unit in UNITS:
            if METRE_RANGE[0] <= reach / divisor <= METRE_RANGE[1]:
                return _to_metres(pos, divisor, unit, reach)
    return _fit_to_head(pos)


def _unchanged(pos, description):
    """Return ``pos`` itself: metres stay bit-identical."""
    return FittedPositions(pos, 1.0, np.zeros(2), description)


def _to_metres(pos, divisor, unit, reach):
    """Divide by a power of ten (exact for the values that round-trip)."""
    if divisor == 1:
        return _unchanged(pos, "positions in metres: used as given")
    description = (
        f"info (positions array): positions look like {unit} (farthest sensor "
        f"{reach:.3g} from the origin): scaled by {1 / divisor:g} to metres."
    )
    logger.info(description)
    return FittedPositions(pos / divisor, 1.0 / divisor, np.zeros(2), description)


def _fit_to_head(pos):
    """Centre the bounding box and put the farthest sensor on the circle."""
    offset, _ = _box(pos)
    centred = pos - offset
    scale = HEAD_SIZE_DEFAULT / np.hypot(centred[:, 0], centred[:, 1]).max()
    description = (
        "info (positions array): positions are not in metres around the origin "
        "(nor in centimetres or millimetres), so they were fitted to the head: "
        f"centred on ({offset[0]:.4g}, {offset[1]:.4g}), the middle of their "
        f"bounding box, and scaled by {scale:.4g} so that the farthest sensor "
        f"lies on the head circle (radius {HEAD_SIZE_DEFAULT} m). y must point "
        "towards the nose. Pass metres around the head centre, or a sphere in "
        "the positions' units, to place them yourself."
    )
    logger.info(description)
    return FittedPositions(centred * scale, float(scale), offset, description)


def _box(pos):
    """Return the middle and the half-size of the bounding box (no overflow)."""
    low, high = pos.min(axis=0), pos.max(axis=0)
    return low / 2 + high / 2, high / 2 - low / 2


def _around_origin(pos):
    """Whether the origin lies in the middle of the x range or the y range."""
    middle, half = _box(pos)
    return bool((np.abs(middle) <= CENTRE_TOL * half).any())


def _check_layout(pos):
    """Refuse positions that cannot be a drawing of channels on a head."""
    largest = np.abs(pos).max()
    if largest > MAX_COORD:
        raise ValueError(
            f"info (positions array) has coordinates up to {largest:.3g}; no unit "
            "of a head drawing is that large. Pass 2-D positions in metres (or "
            "centimetres, millimetres, pixels, a 0-1 layout)."
        )
    middle, half = _box(pos)
    spread = np.hypot(half[0], half[1])
    if spread <= max(MIN_PRECISION * largest, MIN_SPREAD):
        raise ValueError(
            f"info (positions array) places all {len(pos)} channels within "
            f"{spread:.3g} of ({middle[0]:.6g}, {middle[1]:.6g}): too close "
            "together to tell apart on a map. Pass the 2-D positions of the "
            "channels (x, y, y towards the nose), spread over the head."
        )
    aspect = _aspect(pos - pos.mean(axis=0), spread)
    if aspect > MAX_ASPECT:
        raise ValueError(
            f"info (positions array) lies along a strip {aspect:.3g} times longer "
            f"than wide (more than {MAX_ASPECT:g}), not over a head. Check that "
            "its two columns are the x and y of each channel, or pass channels "
            "spread over the scalp."
        )


def _aspect(centred, spread):
    """Length over width along the principal axes (inf on a line)."""
    unit = centred / spread  # no underflow or overflow in the squares
    small, large = np.linalg.eigvalsh(unit.T @ unit)
    if small <= large * MIN_PRECISION**2:
        return np.inf
    return float(np.sqrt(large / small))


def _check_against_sphere(pos, sphere):
    """Refuse positions absurdly large or small for the user's sphere."""
    radius = sphere[3]
    reach = np.hypot(*(pos - sphere[:2]).T).max() / radius
    _, half = _box(pos)
    spread = np.hypot(half[0], half[1]) / radius
    if reach > SPHERE_RANGE[1] or spread < SPHERE_RANGE[0]:
        problem = (
            f"reach {reach:.3g} times its radius from its centre"
            if reach > SPHERE_RANGE[1]
            else f"spread over {spread:.3g} times its radius"
        )
        raise ValueError(
            "info (positions array) must be in the units and frame of sphere "
            f"when sphere is given, but the positions {problem} "
            f"(sphere={np.round(sphere, 6).tolist()}). Give sphere in the "
            "positions' units, or pass sphere=None to fit them to the head."
        )
