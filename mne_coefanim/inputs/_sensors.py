"""Sensor positions for topomaps, computed the way MNE computes them.

MNE flattens each sensor's 3-D location onto the plane with an
azimuthal-equidistant projection about the centre of a head sphere, and
draws the head outline from that sphere. This module reproduces that
geometry with MNE's public API and a few lines of numpy, so that our maps
line up pixel for pixel with ``mne.viz.plot_topomap``; channels are chosen
as MNE chooses them (``picks``, ``exclude``, ``ch_type``), for an Info or
the rows of an array. Everything downstream receives a :class:`Sensors`
and never looks at an ``Info`` again.
"""

from dataclasses import dataclass
from numbers import Integral

import mne
import numpy as np
from mne.utils import logger, verbose

from .._checks import check_option
from ._head import (
    _check_enough,
    _check_finite_positions,
    _check_have_positions,
    _check_names,
    _check_no_overlap,
    _check_unique,
    _listed,
    _project,
    _resolve_sphere,
    _sphere_to_device,
    check_sphere_reach,
    fit_positions,
)

# Types a DigMontage can position through Info.set_montage.
MONTAGE_CH_TYPES = ("eeg", "seeg", "ecog", "dbs")


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
    %(verbose)s

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
    %(verbose)s

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
        info, ch_names = _info_from_montage(info, ch_names, ch_type), None
    if isinstance(getattr(info, "info", None), mne.Info):  # Raw, Epochs, Evoked
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


def _sensors_from_info(info, ch_type, picks, sphere, exclude):
    """Pick channels, resolve the sphere and project, as MNE's topomaps do."""
    types = info.get_channel_types()
    candidates, explicit = _resolve_picks(
        info["ch_names"], picks, exclude, info["bads"], types
    )
    if len(candidates) == 0:
        raise ValueError(
            f"No channels left to pick: picks={picks!r:.80} leaves none once "
            f"{exclude!r:.80} are left out (bads: {_listed(info['bads'])}). Name "
            "bad channels in picks to keep them (picks=[...])."
        )
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
    logger.debug(f"Topomap positions of {len(names)} {ch_type} channels, sphere "
                 f"{np.round(sphere, 4).tolist()} m")  # fmt: skip
    return _make_sensors(pos, names, ch_type, sphere, mne.pick_info(info, picks), picks)


def _info_from_montage(montage, ch_names, ch_type):
    """Apply ``montage`` to a new Info of ``ch_names`` (positions in head)."""
    ch_names = _check_names(montage.ch_names if ch_names is None else ch_names, None)
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
    return mne.create_info(ch_names, 1000.0, ch_type).set_montage(montage)


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
    rows, _ = _resolve_picks(names, picks, exclude)
    names = [names[i] for i in rows]
    given_sphere, sphere = sphere is not None, _resolve_sphere(sphere, None)
    # fitted on every row, so that picking channels never moves them
    pos = fit_positions(given.astype(float), sphere if given_sphere else None)[rows]
    _check_no_overlap(pos, names)
    _check_enough(names)
    check_sphere_reach(pos, sphere, names)
    return _make_sensors(pos, names, ch_type, sphere, None,
                         None if picks is None else rows)  # fmt: skip


def merge_grad_pairs(sensors):
    """Group gradiometers sharing a position into one sensor ``'A/B'`` per pair.

    Returns the merged Sensors and each one's channel indices (shown as RMS).
    """
    _, first, inverse = np.unique(
        np.round(sensors.pos, 12), axis=0, return_index=True, return_inverse=True
    )
    order = np.argsort(first)  # keep the channels' order
    groups = [np.flatnonzero(inverse.ravel() == k) for k in order]
    names = ["/".join(sensors.ch_names[i] for i in group) for group in groups]
    keep = [group[0] for group in groups]
    info = None if sensors.info is None else mne.pick_info(sensors.info, keep)
    picks = None if sensors.picks is None else sensors.picks[keep]
    merged = _make_sensors(sensors.pos[keep], names, sensors.ch_type,
                           sensors.sphere, info, picks)  # fmt: skip
    return merged, groups


def _make_sensors(pos, names, ch_type, sphere, info, picks):
    """Freeze arrays so a Sensors can be shared safely between frames."""
    pos, sphere = np.array(pos, np.float64), np.array(sphere, np.float64)
    picks = None if picks is None else np.array(picks, dtype=np.int64)
    for array in (pos, sphere, picks):
        if array is not None:
            array.setflags(write=False)
    return Sensors(pos, list(names), ch_type, sphere, info, picks)


# Channel types that carry a scalp (or cortical) position a topomap can use.
TOPOMAP_CH_TYPES = ("eeg", "mag", "grad", "seeg", "ecog", "dbs", "csd", "hbo", "hbr",
                    "fnirs_cw_amplitude", "fnirs_fd_ac_amplitude", "fnirs_fd_phase",
                    "fnirs_od")  # fmt: skip
MEG_CH_TYPES = ("mag", "grad")
# Generic picks, and groups of types, that MNE accepts as strings.
GENERIC_PICKS = ("all", "data")
FNIRS_CH_TYPES = tuple(t for t in TOPOMAP_CH_TYPES if t.startswith(("hb", "fnirs")))
TYPE_GROUPS = {"meg": MEG_CH_TYPES, "fnirs": FNIRS_CH_TYPES}


def _resolve_picks(names, picks, exclude, bads=(), types=None):
    """Return (indices, explicit) among ``names``; False for type/None picks.

    Without ``types`` (the rows of an array) a str names a channel.
    """
    n_channels = len(names)
    excluded = set(_resolve_exclude(bads, exclude))
    if picks is None or (isinstance(picks, str) and picks in GENERIC_PICKS):
        keep = [i for i, n in enumerate(names) if n not in excluded]
        return np.array(keep, dtype=int), False
    if isinstance(picks, str):
        picks = [picks]
    if isinstance(picks, slice):
        return np.arange(n_channels)[picks], True
    if not isinstance(picks, list | tuple | np.ndarray):
        raise TypeError(
            "picks must be None, a str, a list of str (names or types), a list "
            f"of int or a slice; got {type(picks).__name__}."
        )
    items = list(picks)
    if len(items) == 0:
        raise ValueError("picks is empty; pass None to use all channels.")
    if all(isinstance(p, str) for p in items):
        return _picks_from_strings(names, types, items, excluded)
    if all(isinstance(p, Integral) and not isinstance(p, bool) for p in items):
        return _picks_from_ints(items, n_channels), True
    raise TypeError(
        "picks must be all channel names (str) or all indices (int); got "
        f"{picks!r:.80}."
    )


def _picks_from_ints(items, n_channels):
    """Check bounds, wrap negatives and refuse duplicates."""
    picks = np.array(items, dtype=int)
    out_of_range = picks[(picks < -n_channels) | (picks >= n_channels)]
    if out_of_range.size:
        raise ValueError(
            f"picks must be indices in [{-n_channels}, {n_channels - 1}] for this "
            f"Info of {n_channels} channels; got {_listed(out_of_range.tolist())}."
        )
    picks %= n_channels
    _check_unique("picks", picks.tolist())
    return picks


def _resolve_exclude(bads, exclude):
    """Return the names to leave out of generic and type picks."""
    if isinstance(exclude, str):
        check_option("exclude (as a str)", exclude, ("bads",))
        return list(bads)
    if isinstance(exclude, list | tuple) and all(isinstance(e, str) for e in exclude):
        return list(exclude)
    raise TypeError(
        f"exclude must be 'bads' or a list of channel names; got {exclude!r:.80}."
    )


def _picks_from_strings(names, types, items, excluded):
    """Names keep their order and ignore ``exclude``; types honour it."""
    if all(item in names for item in items):
        _check_unique("picks", items)
        return np.array([names.index(item) for item in items], dtype=int), True
    if types is None:  # the rows of an array have names only
        unknown = [item for item in items if item not in names]
        raise ValueError(f"picks names unknown channels: {_listed(unknown)}.")
    known_types = set(types) | set(TYPE_GROUPS)
    not_types = [item for item in items if item not in known_types]
    if not_types:
        unknown = [item for item in not_types if item not in names]
        problem = (
            f"{_listed(unknown)}, which are neither channel names of the Info "
            "nor channel types present in it"
            if unknown
            else "a mix of channel names and channel types"
        )
        raise ValueError(
            f"picks contains {problem} (types present: "
            f"{_listed(sorted(set(types)))}). Pass only names or only types, "
            "and check the spelling (names are case-sensitive)."
        )
    wanted = {kind for item in items for kind in TYPE_GROUPS.get(item, (item,))}
    keep = [
        i
        for i, (name, kind) in enumerate(zip(names, types, strict=True))
        if kind in wanted and name not in excluded
    ]
    return np.array(keep, dtype=int), False


def _resolve_ch_type(info, types, candidates, ch_type, explicit):
    """Choose the one channel type to plot among the picked channels."""
    present = list(dict.fromkeys(types[p] for p in candidates))
    usable = [t for t in present if t in TOPOMAP_CH_TYPES]
    if ch_type is None:
        if len(usable) == 0:
            raise ValueError(
                "None of the picked channels has a type a topomap can show; "
                f"picked types: {_listed(present)}; allowed: "
                f"{_listed(TOPOMAP_CH_TYPES)}. Set the channel types "
                "(info.set_channel_types) or pick other channels."
            )
        if len(usable) > 1:
            raise ValueError(
                f"The picked channels have several channel types with positions "
                f"({_listed(usable)}); pass ch_type= one of them, e.g. "
                f"ch_type={usable[0]!r}."
            )
        ch_type = usable[0]
    else:
        check_option("ch_type", ch_type, TOPOMAP_CH_TYPES)
        if ch_type not in present:
            raise ValueError(
                f"No channels of type ch_type={ch_type!r} among the picked "
                f"channels; picked types: {_listed(present)}."
            )
    if explicit:
        others = [info["ch_names"][p] for p in candidates if types[p] != ch_type]
        if others:
            raise ValueError(
                f"picks includes {len(others)} channel(s) that are not of type "
                f"{ch_type!r}: {_listed(others)}; drop them from picks or choose "
                "another ch_type."
            )
    return ch_type
