"""The head: MNE's sphere, and 2-D positions in any unit fitted to it.

The sphere is resolved as MNE resolves ``sphere``: a radius, ``(x, y, z,
radius)``, a spherical ConductorModel, a fit to digitisation points,
EEGLAB's head circle through Fpz, Oz, T7 and T8, or MNE's default; for MEG
it is moved into the device frame. Plain ``(n_channels, 2)`` positions may
be in metres, centimetres, millimetres, pixels or a 0-1 layout:
:func:`fit_positions` brings them to metres (its docstring gives the rule).
The projection to the plane and the checks of the positions live here too.
"""

from collections import Counter
from numbers import Real

import mne
import numpy as np
from mne.defaults import HEAD_SIZE_DEFAULT
from mne.utils import logger
from scipy.spatial import cKDTree

from .._checks import MIN_CHANNELS, as_float_array, check_option

SPHERE_STRINGS = ("auto", "eeglab", "extra", "eeg", "cardinal", "hpi")  # MNE's
EEGLAB_HORIZON = ("Fpz", "Oz", "T7", "T8")
# where the farthest channel may lie from the sphere's centre on the map, in
# head radii: a cap reaches 0.3 (a few central channels) to 1.6 (a full cap
# below the ears); beyond 10 the head is a dot among the channels, below 0.1
# the channels a dot in the head (e.g. sphere=9.5 for channels in metres)
SPHERE_REACH = (0.1, 10.0)


def _resolve_sphere(sphere, info):
    """Return MNE's head sphere ``(x, y, z, radius)`` in metres, shape (4,)."""
    if sphere is None:
        sphere = _default_sphere(info)
    if isinstance(sphere, mne.bem.ConductorModel):
        return _sphere_from_model(sphere)
    if isinstance(sphere, str) or (
        isinstance(sphere, list | tuple)
        and len(sphere) > 0
        and all(isinstance(s, str) for s in sphere)
    ):
        return _sphere_from_dig(sphere, info)
    if isinstance(sphere, Real) and not isinstance(sphere, bool):
        sphere = (0.0, 0.0, 0.0, sphere)
    if not isinstance(sphere, list | tuple | np.ndarray):
        raise TypeError(
            "sphere must be None, a float (radius), an array of shape (4,) "
            "(x, y, z, radius), a str or a ConductorModel; got "
            f"{type(sphere).__name__}."
        )
    return _check_sphere_array(sphere)


def _default_sphere(info):
    """Fit to extra head-shape points when there are enough, like MNE."""
    if info is None:
        return HEAD_SIZE_DEFAULT
    try:  # get_fitting_dig raises when there are too few points
        mne.bem.get_fitting_dig(info, "extra", verbose="error")
    except (RuntimeError, ValueError):
        return HEAD_SIZE_DEFAULT
    return "auto"


def _check_sphere_array(sphere):
    """Validate a user sphere ``(x, y, z, radius)``."""
    sphere = as_float_array("sphere", sphere, "numbers (x, y, z, radius)")
    if sphere.shape != (4,):
        raise ValueError(
            "sphere must be a float (radius) or an array of shape (4,) "
            f"(x, y, z, radius) in metres; got an array of shape {sphere.shape}."
        )
    if not np.isfinite(sphere).all() or sphere[3] <= 0:
        raise ValueError(
            "sphere must be finite with a positive radius, in metres (e.g. "
            f"(0, 0, 0, 0.095)); got {sphere.tolist()}."
        )
    return sphere


def _sphere_from_model(model):
    """Take the centre and outer radius of a spherical ConductorModel."""
    if not model["is_sphere"] or len(model["layers"]) == 0:
        raise ValueError(
            "sphere, as a ConductorModel, must be a sphere model with layers "
            "(mne.make_sphere_model), not a BEM or a single-layer sphere."
        )
    return np.array([*model["r0"], model["layers"][0]["rad"]], dtype=float)


def _sphere_from_dig(kind, info):
    """Fit a sphere to digitisation points, or use EEGLAB's horizon."""
    kinds = [kind] if isinstance(kind, str) else list(kind)
    for k in kinds:
        check_option("sphere (as a str)", k, SPHERE_STRINGS)
    if info is None:
        raise ValueError(
            f"sphere={kind!r} needs an Info with digitisation points; with 2-D "
            "positions pass a radius or (x, y, z, radius) in metres instead."
        )
    if kind == "eeglab":
        return _eeglab_sphere(info)
    if "eeglab" in kinds:
        raise ValueError("sphere='eeglab' cannot be combined with other kinds.")
    try:
        radius, origin, _ = mne.bem.fit_sphere_to_headshape(
            info, dig_kinds=kind, units="m", verbose=False
        )
    except (RuntimeError, ValueError) as err:
        raise ValueError(
            f"sphere={kind!r} fits a sphere to the digitisation points in "
            f"info['dig'], but that failed ({err}). Add head-shape points (e.g. "
            "make_dig_montage(..., hsp=...)) or pass sphere as a radius or "
            "(x, y, z, radius)."
        ) from err
    return np.array([*origin, radius], dtype=float)


def _eeglab_sphere(info):
    """Put the head circle through Fpz, Oz, T7 and T8, as EEGLAB does."""
    montage = info.get_montage()
    if montage is None:
        raise ValueError(
            "sphere='eeglab' needs the positions of Fpz, Oz, T7 and T8, but the "
            "Info has no montage; call info.set_montage(...) first."
        )
    ch_pos = dict(montage.get_positions()["ch_pos"])
    if "FPz" in ch_pos:  # a common spelling
        ch_pos["Fpz"] = ch_pos.pop("FPz")
    elif "Fpz" not in ch_pos and "Oz" in ch_pos:
        # Many caps lack Fpz; assume it mirrors Oz front to back (same z).
        logger.info("Approximating Fpz location by mirroring Oz along X and Y.")
        ch_pos["Fpz"] = ch_pos["Oz"] * np.array([-1.0, -1.0, 1.0])
    missing = [name for name in EEGLAB_HORIZON if name not in ch_pos]
    if missing:
        raise ValueError(
            "sphere='eeglab' needs the positions of Fpz (or FPz), Oz, T7 and T8, "
            f"but the montage lacks: {', '.join(missing)}. Pass a numeric sphere "
            "(x, y, z, radius) or sphere=None instead."
        )
    fpz, oz, t7, t8 = (np.asarray(ch_pos[name], float) for name in EEGLAB_HORIZON)
    radius = np.abs([t7[0], t8[0], fpz[1], oz[1]]).mean()
    origin = np.array([t7, t8, fpz, oz]).mean(axis=0)
    return np.array([*origin, radius], dtype=float)


def check_sphere_reach(pos, sphere, names):
    """Refuse a sphere that cannot be the head of channels at ``pos``."""
    distances = np.hypot(*(pos - sphere[:2]).T)
    farthest = int(np.argmax(distances))
    reach = distances[farthest] / sphere[3]
    low, high = SPHERE_REACH
    if low <= reach <= high:
        return
    raise ValueError(
        f"sphere {np.round(sphere, 6).tolist()} (x, y, z, radius) is not a "
        f"plausible head for these channels: the farthest, "
        f"{names[farthest]}, lies {reach:.3g} head radii from its centre on "
        f"the map, where a head's channels lie {low:g} to {high:g} radii away. "
        "Give sphere in the unit of the channels' positions (metres in an "
        f"Info: MNE's head radius is {HEAD_SIZE_DEFAULT}), around the head, or "
        "pass sphere=None for MNE's default."
    )


def _sphere_to_device(sphere, info):
    """Move the sphere centre to MEG device coordinates, flattened to z = 0."""
    if info["dev_head_t"] is None:
        return sphere
    head_dev_t = mne.transforms.invert_transform(info["dev_head_t"])
    sphere = sphere.copy()
    sphere[:3] = mne.transforms.apply_trans(head_dev_t, sphere[:3])
    # The depth only changes how much the helmet is flattened; MNE fixes it.
    sphere[2] = 0.0
    return sphere


METRE_RANGE = (0.03, 0.25)  # distance of the farthest sensor, in metres
UNITS = ((1, "metres"), (100, "centimetres"), (1000, "millimetres"))
CENTRE_TOL = 0.5  # the origin must lie in the middle half of the x or y range
MAX_ASPECT = 10.0  # longer than wide by more than this: a strip
MIN_PRECISION = float(np.sqrt(np.finfo(np.float64).eps))  # spread / coordinates
MAX_COORD = 1e100  # no drawing unit needs larger coordinates
MIN_SPREAD = 1e-100  # nor a smaller spread (its scale would overflow)
SPHERE_RANGE = (0.01, 10.0)  # spread / radius, reach / radius
MIN_ROWS = 3  # fewer positions make no map; the caller refuses them


def fit_positions(pos, sphere=None):
    """Bring finite 2-D positions (n_channels, 2) in any unit to MNE's head, in metres.

    Decided on all rows (picking never moves them), each change logged:
    1. refused: one point (spread <= sqrt(eps) x the largest coordinate),
       coordinates beyond 1e100, a spread below 1e-100, strips (aspect > 10);
    2. with a ``sphere`` (units of ``pos``): unchanged, unless beyond 10 radii
       from its centre or spread over less than a hundredth of its radius;
    3. origin in the middle half of the x or y range: a farthest sensor 0.03
       to 0.25 from it means metres (the same array), 3-25 or 30-250 cm or mm;
    4. else centred on the bounding box, the farthest sensor on the circle.
    """
    if len(pos) < MIN_ROWS:
        return pos  # too few positions to fit: used as given
    _check_layout(pos)
    if sphere is not None:
        _check_against_sphere(pos, sphere)
        return pos
    middle, half = _box(pos)
    if (np.abs(middle) <= CENTRE_TOL * half).any():  # around the origin
        reach = np.hypot(pos[:, 0], pos[:, 1]).max()
        for divisor, unit in UNITS:
            if METRE_RANGE[0] <= reach / divisor <= METRE_RANGE[1]:
                if divisor == 1:
                    return pos  # metres: the same array, bit-identical
                logger.info(
                    f"info (positions array): positions look like {unit} (farthest "
                    f"sensor {reach:.3g} from the origin): scaled by {1 / divisor:g} "
                    "to metres."
                )
                return pos / divisor
    return _fit_to_head(pos)


def _fit_to_head(pos):
    """Centre the bounding box and put the farthest sensor on the circle."""
    offset, _ = _box(pos)
    centred = pos - offset
    scale = HEAD_SIZE_DEFAULT / np.hypot(centred[:, 0], centred[:, 1]).max()
    logger.info(
        "info (positions array): positions are not in metres around the origin "
        "(nor in centimetres or millimetres), so they were fitted to the head: "
        f"centred on ({offset[0]:.4g}, {offset[1]:.4g}), the middle of their "
        f"bounding box, and scaled by {scale:.4g} so that the farthest sensor "
        f"lies on the head circle (radius {HEAD_SIZE_DEFAULT} m). y must point "
        "towards the nose. Pass metres around the head centre, or a sphere in "
        "the positions' units, to place them yourself."
    )
    return centred * scale


def _box(pos):
    """Return the middle and the half-size of the bounding box (no overflow)."""
    low, high = pos.min(axis=0), pos.max(axis=0)
    return low / 2 + high / 2, high / 2 - low / 2


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


MAX_LISTED = 10  # names listed in an error message before "..."


def _listed(items):
    """Comma-separated, cut after MAX_LISTED entries."""
    items = [str(i) for i in items]
    more = f", ... ({len(items)} in total)" if len(items) > MAX_LISTED else ""
    return ", ".join(items[:MAX_LISTED]) + more


OVERLAP_TOL = 1e-10  # metres; MNE's threshold for "same position"


def _project(locs, sphere):
    """Azimuthal-equidistant projection about the sphere centre, as MNE's topomaps."""
    centred = locs - sphere[:3]
    dist = np.sqrt(np.sum(centred * centred, axis=1))
    safe_dist = np.where(dist > 0, dist, 1.0)
    polar = np.arccos(np.clip(centred[:, 2] / safe_dist, -1.0, 1.0))
    azimuth = np.arctan2(centred[:, 1], centred[:, 0])
    pos = polar[:, np.newaxis] * np.column_stack([np.cos(azimuth), np.sin(azimuth)])
    pos *= (dist / (np.pi / 2.0))[:, np.newaxis]
    return pos + sphere[:2]


def _check_have_positions(locs, names):
    """Refuse channels whose location is NaN or all zeros (never set)."""
    missing = ~np.isfinite(locs).all(axis=1) | (locs == 0).all(axis=1)
    if missing.any():
        bad = [names[i] for i in np.flatnonzero(missing)]
        raise ValueError(
            f"{len(bad)} channel(s) have no position: {_listed(bad)}. Set their "
            "locations with info.set_montage(...) (e.g. "
            "mne.channels.make_standard_montage('colin27_1020')), or drop them "
            "(drop_channels([...]) on the data, or picks=...)."
        )


def _check_no_overlap(locs, names, pairs_allowed=False):
    """Refuse channels at the same place (planar gradiometer pairs excepted)."""
    pairs = cKDTree(locs).query_pairs(OVERLAP_TOL, output_type="ndarray")
    if len(pairs) == 0:
        return
    partners = np.bincount(pairs.ravel(), minlength=len(names))
    crowded = partners > (1 if pairs_allowed else 0)
    pairs = pairs[crowded[pairs].any(axis=1)]
    if len(pairs) == 0:
        return
    described = [f"{names[a]} = {names[b]}" for a, b in pairs]
    raise ValueError(
        f"{len(pairs)} pair(s) of channels share a position (within "
        f"{OVERLAP_TOL:g} m), which breaks interpolation: {_listed(described)}. "
        "Drop one of each pair or fix their positions."
    )


def _check_enough(names):
    """Interpolation needs MIN_CHANNELS (4) channels: Qhull's Delaunay does."""
    if len(names) < MIN_CHANNELS:
        raise ValueError(
            f"A topomap needs at least {MIN_CHANNELS} channels with positions to "
            f"interpolate between; got {len(names)} ({_listed(names) or 'none'}). "
            "Pick more channels (check picks and info['bads'])."
        )


def _check_finite_positions(pos, names):
    bad = ~np.isfinite(pos).all(axis=1)
    if bad.any():
        listed = _listed([names[i] for i in np.flatnonzero(bad)])
        raise ValueError(
            f"info holds NaN or inf positions for {bad.sum()} channel(s): "
            f"{listed}. Fill them in or drop those rows."
        )


def _check_names(ch_names, n_expected):
    """Return ``ch_names`` as a list of unique str (default ch0, ch1, ...)."""
    if ch_names is None:
        return [f"ch{i}" for i in range(n_expected)]
    if isinstance(ch_names, str) or not all(isinstance(n, str) for n in ch_names):
        raise TypeError(f"ch_names must be a list of str; got {ch_names!r:.80}.")
    ch_names = list(ch_names)
    if n_expected is not None and len(ch_names) != n_expected:
        raise ValueError(
            f"ch_names has {len(ch_names)} names but the positions have "
            f"{n_expected} rows; give one name per row."
        )
    _check_unique("ch_names", ch_names)
    return ch_names


def _check_unique(name, items):
    repeated = [item for item, count in Counter(items).items() if count > 1]
    if repeated:
        raise ValueError(
            f"{name} must not repeat entries; repeated: {_listed(repeated)}."
        )
