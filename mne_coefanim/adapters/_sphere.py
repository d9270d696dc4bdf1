"""The head sphere of a topomap, resolved as MNE resolves ``sphere``.

A radius, ``(x, y, z, radius)``, a spherical ConductorModel, a sphere fitted
to digitisation points, EEGLAB's head circle through Fpz, Oz, T7 and T8, or
MNE's default; for MEG, moved into the device frame as MNE does.
"""

from numbers import Real

import mne
import numpy as np
from mne.defaults import HEAD_SIZE_DEFAULT
from mne.utils import logger

from .._checks import check_option

DIG_KINDS = ("auto", "extra", "eeg", "cardinal", "hpi")
SPHERE_STRINGS = ("auto", "eeglab") + DIG_KINDS[1:]
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
    try:
        sphere = np.array(sphere, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"sphere must hold numbers (x, y, z, radius); got {sphere!r:.80}."
        ) from err
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
    """Refuse a sphere that cannot be the head of channels at ``pos``.

    Parameters
    ----------
    pos : array, shape (n_channels, 2)
        The channels' topomap positions (the sphere's centre at
        ``sphere[:2]``), in the sphere's units.
    sphere : array, shape (4,)
        The resolved head sphere ``(x, y, z, radius)``.
    names : list of str
        The channels' names, to say which lies farthest.
    """
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
