"""Axis names: the package's plural names, MNE's singular ones, and aliases.

Arrays name their axes with ``dims``; xarray objects carry their own. Both
are normalised here, once, to ``DIM_NAMES``.
"""

from mne.utils import logger

from ._checks import check_type

DIM_NAMES = ("subjects", "folds", "times", "channels")
# a frequency axis is not averaged like the others: each frequency becomes a
# row of maps (scene/_channels.py), so it is named but kept out of DIM_NAMES
FREQ_DIM = "freqs"
# MNE's singular names and common aliases (xarray's dims), mapped to DIM_NAMES
DIM_ALIASES = {
    **{name: name for name in DIM_NAMES},
    **{name[:-1]: name for name in DIM_NAMES},
    "ch": "channels",
    FREQ_DIM: FREQ_DIM,
    "freq": FREQ_DIM,
}
DEFAULT_DIMS = {
    2: ("times", "channels"),
    3: ("subjects", "times", "channels"),
    4: ("subjects", "folds", "times", "channels"),
}


def normalize_dims(dims, name="dims"):
    """Return axis names as a tuple of the package's names (``DIM_NAMES``).

    Parameters
    ----------
    dims : tuple of str | list of str | str
        Axis names, plural (``'times'``) or singular as in MNE (``'time'``),
        ``'ch'`` for channels, ``'freq'`` for ``'freqs'``; a str is split at its commas
        (``'fold, time, channel'``), as the command line's ``--dims``.
    name : str
        What to call ``dims`` in error messages.

    Returns
    -------
    dims : tuple of str
        One of ``'subjects'``, ``'folds'``, ``'times'``, ``'channels'`` or
        ``'freqs'`` per axis (repeats and missing names are left to the
        caller).
    """
    if isinstance(dims, str):
        if "," not in dims:  # one name cannot name both times and channels
            raise TypeError(
                f"{name} must be a tuple of axis names, or a comma-separated "
                f"str such as 'times,channels'; got str ({dims!r:.60})."
            )
        dims = [part.strip() for part in dims.split(",")]
    check_type(name, dims, list | tuple, "a tuple of axis names")
    unknown = [n for n in dims if not (isinstance(n, str) and n in DIM_ALIASES)]
    if unknown:
        allowed = ", ".join(repr(alias) for alias in DIM_ALIASES)
        raise ValueError(
            f"{name} may only contain {allowed}; got {tuple(dims)} with unknown "
            f"name(s) {unknown}."
        )
    return tuple(DIM_ALIASES[n] for n in dims)


def guessed_dims(dims, shape):
    """Return the default dims of an unnamed array with a subjects axis, or None.

    A 3-D or 4-D array without ``dims`` is read as ``DEFAULT_DIMS``; its
    first axis could as well hold folds. The guess decides nothing but the
    averaging (the same either way), so it is logged; tests across that axis
    refuse it (they need the axes named).
    """
    if dims is not None or len(shape) < 3 or len(shape) not in DEFAULT_DIMS:
        return None
    guessed = DEFAULT_DIMS[len(shape)]
    logger.info(
        f"data of shape {tuple(shape)} read as {guessed} (the default for "
        f"{len(shape)}-D arrays; the first axis could as well hold "
        f"cross-validation folds). This decides only the averaging, the same "
        f"either way; a test across the first axis (mask, consistency, "
        f"score_stats) needs the axes named with dims."
    )
    return guessed


def check_dims(dims, shape):
    """Return the axis names of an array of ``shape``: ``dims``, or the default.

    Raises a ValueError that says how to name the axes when ``dims`` does
    not fit ``shape`` or lacks a times or channels axis.
    """
    if dims is None:
        if len(shape) not in DEFAULT_DIMS:
            raise ValueError(
                f"data must be 2-D (n_times, n_channels), 3-D (n_subjects, "
                f"n_times, n_channels) or 4-D (n_subjects, n_folds, n_times, "
                f"n_channels), got shape {shape}; name the axes of other "
                f"layouts with dims, e.g. dims=('times', 'channels') after "
                f"data[np.newaxis] for a single time point."
            )
        return DEFAULT_DIMS[len(shape)]
    dims = normalize_dims(dims)
    if len(set(dims)) != len(dims):
        raise ValueError(
            f"dims must name each axis once; got repeated names in {dims}."
        )
    if FREQ_DIM in dims:  # one map per time point here: rows are the scene's
        raise ValueError(
            f"dims {dims} has a frequency axis, which as_coef_data cannot "
            f"hold (one map per time point): pass the array to animate_coefs "
            f"with freqs= (one row of maps per frequency), or take one "
            f"frequency first (np.take(data, k, axis={dims.index(FREQ_DIM)})"
            f"; the command line takes no frequency axis yet)."
        )
    if "times" not in dims or "channels" not in dims:
        raise ValueError(
            f"dims must contain 'times' and 'channels'; got {dims}. For a "
            f"single time point pass data[np.newaxis] with 'times' added."
        )
    if len(dims) != len(shape):
        raise ValueError(
            f"data must be {len(dims)}-D with dims {dims}, got shape {shape}; "
            f"give dims one name per axis of data."
        )
    return dims
