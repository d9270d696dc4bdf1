"""Sensor positions for topomaps, computed the way MNE computes them.

MNE draws a topomap by flattening each sensor's 3-D location onto the plane
with an azimuthal-equidistant projection about the centre of a head sphere,
and draws the head outline from that sphere. This module reproduces that
geometry with MNE's public API and a few lines of numpy, so that our maps
line up pixel for pixel with ``mne.viz.plot_topomap``.

Everything downstream (interpolation, rendering) receives a :class:`Sensors`
and never looks at an ``Info`` again.
"""

from dataclasses import dataclass

import mne
import numpy as np
from mne.utils import logger, verbose
from scipy.spatial import cKDTree

from .._checks import MIN_CHANNELS, check_option
from ._fit_positions import fit_positions
from ._picks import (
    MEG_CH_TYPES,
    TOPOMAP_CH_TYPES,
    _array_rows,
    _check_unique,
    _listed,
    _resolve_ch_type,
    _resolve_picks,
)
from ._sphere import _resolve_sphere, _sphere_to_device, check_sphere_reach

# Types a DigMontage can position through Info.set_montage.
MONTAGE_CH_TYPES = ("eeg", "seeg", "ecog", "dbs")
OVERLAP_TOL = 1e-10  # metres; MNE's threshold for "same position"


@dataclass(frozen=True, eq=False)
class Sensors:
    """Where the sensors of a topomap sit, and the head sphere around them.

    Parameters
    ----------
    pos : array, shape (n_channels, 2)
        2-D topomap positions in metres (MNE's convention), read-only.
    ch_names : list of str, length n_channels
        Channel names, in the order of ``pos``.
    ch_type : str | None
        The channel type, e.g. ``'eeg'``; None for plain 2-D positions.
    sphere : array, shape (4,)
        Head sphere ``(x, y, z, radius)`` in metres, in the frame of ``pos``
        (for MEG, MNE moves it to device coordinates with ``z = 0``).
    info : mne.Info | None
        The Info restricted to the picked channels; None for 2-D positions.
    picks : array of int, shape (n_channels,) | None
        Indices of the picked channels in the original Info (or array rows);
        None when every row of a plain array is used.
    """

    pos: np.ndarray
    ch_names: list
    ch_type: str | None
    sphere: np.ndarray
    info: mne.Info | None
    picks: np.ndarray | None


@verbose
def topomap_positions(
    info, *, ch_type=None, picks=None, sphere=None, exclude="bads", verbose=None
):
    """Compute 2-D topomap positions exactly as MNE's topomaps do.

    A thin wrapper over :func:`resolve_sensors` returning only the positions.

    Parameters
    ----------
    info : mne.Info | instance with ``.info`` | DigMontage | array-like
        Measurement info with sensor locations; anything
        :func:`resolve_sensors` accepts, including 2-D positions of shape
        (n_channels, 2) in metres, centimetres, millimetres, pixels or a 0-1
        layout (y towards the nose), which are brought to metres.
    ch_type : str | None
        Channel type to plot (``'eeg'``, ``'mag'``, ``'grad'``, ...). None
        uses the single type with positions among ``picks``.
    picks : str | list of str | list of int | slice | None
        Channels to use, as in MNE. None means all channels of ``ch_type``.
    sphere : float | array-like, shape (4,) | str | None
        Head sphere, as in MNE: a radius, ``(x, y, z, radius)`` in metres,
        ``'auto'`` (fit to head-shape points), ``'eeglab'``, or None.
    exclude : 'bads' | list of str
        Channels to leave out when ``picks`` is None or a channel type.
    verbose : bool | str | int | None
        Control verbosity of the logging output, as in MNE.

    Returns
    -------
    pos : array, shape (n_channels, 2)
        Positions in metres, float64.
    """
    return resolve_sensors(
        info, ch_type=ch_type, picks=picks, sphere=sphere, exclude=exclude
    ).pos


@verbose
def resolve_sensors(
    info,
    *,
    ch_names=None,
    ch_type=None,
    picks=None,
    sphere=None,
    exclude="bads",
    verbose=None,
):
    """Turn an Info, a montage or 2-D positions into topomap :class:`Sensors`.

    Parameters
    ----------
    info : mne.Info | Raw | Epochs | Evoked | DigMontage | array-like
        Where the sensors are. An Info (or any object with an ``.info``)
        gives MNE's topomap positions of its channels. A DigMontage is
        applied to a new Info of ``ch_names`` (all of its channels if None).
        An array-like of shape (n_channels, 2) gives 2-D topomap positions,
        y pointing up (towards the nose), in any unit: metres around the head
        centre (MNE's convention: head radius 0.095 m, farthest sensor 0.03
        to 0.25 m from the origin) are used unchanged; centimetres and
        millimetres around the origin are divided by 100 or 1000; anything
        else (pixels, a 0-1 layout, offset positions) is centred on the
        middle of its bounding box and scaled so that its farthest sensor
        lies on the head circle. Both changes are logged at info level. The
        fit uses every row, so ``picks`` and ``exclude`` do not move the
        channels. With an explicit ``sphere``, positions are taken as they
        are, in the sphere's units. Positions on one point, along a strip,
        or absurdly large or small for the sphere raise a ValueError.
    ch_names : list of str | None
        Channel names for a DigMontage or an array; not used with an Info
        (select its channels with ``picks``). Arrays default to
        ``'ch0', 'ch1', ...``.
    ch_type : str | None
        Channel type to plot: one of ``'eeg'``, ``'mag'``, ``'grad'``,
        ``'seeg'``, ``'ecog'``, ``'dbs'``, ``'csd'`` or an fNIRS type. None
        uses the single type with positions among ``picks`` (an error if
        there are several). For a DigMontage it is the type given to the new
        channels (default ``'eeg'``); for an array it is only a label.
    picks : str | list of str | list of int | slice | None
        Channels to use, as in MNE: names, indices, a channel type or
        ``'all'``/``'data'``. None means all channels of ``ch_type``.
    sphere : float | array-like, shape (4,) | str | ConductorModel | None
        Head sphere, as in MNE. None: fit to the Info's extra head-shape
        points if it has enough, else ``(0, 0, 0, 0.095)``. A float is a
        radius centred at the origin; ``(x, y, z, radius)`` is used as is;
        ``'auto'``, ``'extra'``, ``'eeg'``, ``'cardinal'``, ``'hpi'`` fit a
        sphere to those digitisation points; ``'eeglab'`` puts the head
        circle through Fpz, Oz, T7 and T8. With array positions, a sphere in
        their units (e.g. ``0.095`` for metres, ``9.5`` for centimetres)
        keeps them exactly as given.
    exclude : 'bads' | list of str
        Channels to leave out when ``picks`` is None or a channel type;
        ``'bads'`` means ``info['bads']``. Explicit picks are kept, as in MNE.
    verbose : bool | str | int | None
        Control verbosity of the logging output, as in MNE.

    Returns
    -------
    sensors : Sensors
        Positions, names, type, sphere, picked Info and picks.

    Notes
    -----
    For MEG (``'mag'``, ``'grad'``) the positions are the coil locations in
    device coordinates and the sphere centre is moved into the device frame
    with ``info['dev_head_t']`` and its ``z`` set to 0, as MNE does.
    Planar gradiometer pairs share one location, so with ``ch_type='grad'``
    the two channels of a pair get the same position (the only overlap
    allowed). MNE merges each pair's values (root mean square) and plots one
    point per pair; do the same before interpolating. Unlike MNE, a
    gradiometer whose partner is excluded is kept, alone at its position.
    """
    if isinstance(info, mne.channels.DigMontage):
        montage_info = _info_from_montage(info, ch_names, ch_type)
        return _sensors_from_info(montage_info, ch_type, picks, sphere, exclude)
    if not isinstance(info, mne.Info) and isinstance(
        getattr(info, "info", None), mne.Info
    ):
        info = info.info
    if isinstance(info, mne.Info):
        if ch_names is not None:
            raise ValueError(
                "ch_names is only used with a DigMontage or an array of positions; "
                "to choose channels of an Info pass picks=[...] instead."
            )
        return _sensors_from_info(info, ch_type, picks, sphere, exclude)
    if isinstance(info, np.ndarray | list | tuple):
        return _sensors_from_array(info, ch_names, ch_type, picks, sphere, exclude)
    raise TypeError(
        "info must be an mne.Info, an object with .info (Raw, Epochs, Evoked), "
        f"a DigMontage or an array of shape (n_channels, 2); got "
        f"{type(info).__name__}."
    )


# -- Info route ---------------------------------------------------------------


def _sensors_from_info(info, ch_type, picks, sphere, exclude):
    """Pick channels, resolve the sphere and project, as MNE's topomaps do."""
    candidates, explicit = _resolve_picks(info, picks, exclude)
    if len(candidates) == 0:
        raise ValueError(
            f"No channels left to pick: picks={picks!r:.80} with exclude="
            f"{exclude!r:.80} leaves none (bads: {_listed(info['bads'])}). Pass "
            "exclude=() to keep bad channels."
        )
    types = info.get_channel_types()
    ch_type = _resolve_ch_type(info, types, candidates, ch_type, explicit)
    picks = np.array([p for p in candidates if types[p] == ch_type], dtype=int)
    names = [info["ch_names"][p] for p in picks]
    # MNE resolves the sphere on the whole Info (head shape, full montage).
    sphere = _resolve_sphere(sphere, info)
    if ch_type in MEG_CH_TYPES:
        sphere = _sphere_to_device(sphere, info)
    locs = np.array([info["chs"][p]["loc"][:3] for p in picks], dtype=float)
    _check_have_positions(locs, names)
    _check_no_overlap(locs, names, pairs_allowed=ch_type == "grad")
    _check_enough(names)
    pos = _project(locs, sphere)
    check_sphere_reach(pos, sphere, names)
    logger.debug(
        f"Topomap positions of {len(names)} {ch_type} channels, sphere "
        f"{np.round(sphere, 4).tolist()} m"
    )
    return _make_sensors(pos, names, ch_type, sphere, mne.pick_info(info, picks), picks)


def _info_from_montage(montage, ch_names, ch_type):
    """Apply ``montage`` to a new Info of ``ch_names`` (positions in head)."""
    if ch_names is None:
        ch_names = list(montage.ch_names)
    ch_names = _check_names(ch_names, None)
    missing = [name for name in ch_names if name not in montage.ch_names]
    if missing:
        raise ValueError(
            f"ch_names has {len(missing)} channel(s) missing from the montage: "
            f"{_listed(missing)}. The montage has {len(montage.ch_names)} "
            f"channels ({_listed(montage.ch_names)}); fix the spelling (names are "
            "case-sensitive) or drop those channels."
        )
    ch_type = "eeg" if ch_type is None else ch_type
    check_option("ch_type (with a DigMontage)", ch_type, MONTAGE_CH_TYPES)
    # set_montage moves the montage to head coordinates via its fiducials,
    # exactly as it would for the user's own Info.
    info = mne.create_info(ch_names, 1000.0, ch_type)
    info.set_montage(montage)
    return info


# -- geometry -----------------------------------------------------------------


def _project(locs, sphere):
    """Flatten 3-D locations with an azimuthal-equidistant projection.

    Each point keeps its azimuth about the sphere centre; its distance from
    the centre on the map is its polar angle from +z, scaled so that the
    equator (pi / 2) lands at its own 3-D distance from the centre.
    """
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
            "Pick more channels (check picks and exclude)."
        )


# -- array route --------------------------------------------------------------


def _sensors_from_array(pos, ch_names, ch_type, picks, sphere, exclude):
    """Pass 2-D positions through after the same checks as an Info."""
    given = np.asarray(pos)
    if given.dtype.kind not in "iuf":
        raise TypeError(
            "info as an array must hold numbers (2-D positions); got "
            f"dtype {given.dtype}."
        )
    if given.ndim != 2 or given.shape[1] != 2:
        raise ValueError(
            "info as an array must have shape (n_channels, 2) (2-D topomap "
            f"positions); got shape {given.shape}. For 3-D locations "
            "build an Info and call info.set_montage(...)."
        )
    names = _check_names(ch_names, len(given))
    _check_finite_positions(given, names)
    if ch_type is not None:
        check_option("ch_type", ch_type, TOPOMAP_CH_TYPES)
    rows = _array_rows(names, picks, exclude)
    names = [names[i] for i in rows]
    resolved = _resolve_sphere(sphere, None)
    # fitted on every row, so that picking channels never moves them
    fitted = fit_positions(given.astype(float), None if sphere is None else resolved)
    pos, sphere = fitted.pos[rows], resolved
    _check_no_overlap(pos, names)
    _check_enough(names)
    check_sphere_reach(pos, sphere, names)
    return _make_sensors(
        pos, names, ch_type, sphere, None, None if picks is None else rows
    )


def _check_finite_positions(pos, names):
    bad = ~np.isfinite(pos).all(axis=1)
    if bad.any():
        listed = _listed([names[i] for i in np.flatnonzero(bad)])
        raise ValueError(
            f"info holds NaN or inf positions for {bad.sum()} channel(s): "
            f"{listed}. Fill them in or drop those rows."
        )


# -- shared helpers -----------------------------------------------------------


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


def merge_grad_pairs(sensors):
    """Group planar gradiometers that share a position into pairs.

    MNE's topomaps show gradiometers as one value per pair, the root mean
    square of its two channels; this gives the geometry for that.

    Parameters
    ----------
    sensors : Sensors
        Sensors of type ``'grad'`` (a pair shares one position).

    Returns
    -------
    merged : Sensors
        One sensor per position, named ``'A/B'`` after its channels.
    groups : list of array of int
        For each merged sensor, the indices of its channels in ``sensors``.
    """
    _, first, inverse = np.unique(
        np.round(sensors.pos, 12), axis=0, return_index=True, return_inverse=True
    )
    order = np.argsort(first)  # keep the channels' order
    groups = [np.flatnonzero(inverse.ravel() == k) for k in order]
    names = ["/".join(sensors.ch_names[i] for i in group) for group in groups]
    keep = [group[0] for group in groups]
    info = None
    if sensors.info is not None:
        info = mne.pick_info(sensors.info, keep)
    picks = None if sensors.picks is None else sensors.picks[keep]
    merged = _make_sensors(sensors.pos[keep], names, sensors.ch_type,
                           sensors.sphere, info, picks)  # fmt: skip
    return merged, groups


def _make_sensors(pos, names, ch_type, sphere, info, picks):
    """Freeze arrays so a Sensors can be shared safely between frames."""
    pos = np.array(pos, dtype=np.float64)
    sphere = np.array(sphere, dtype=np.float64)
    for array in (pos, sphere):
        array.setflags(write=False)
    if picks is not None:
        picks = np.array(picks, dtype=np.int64)
        picks.setflags(write=False)
    return Sensors(pos, list(names), ch_type, sphere, info, picks)
