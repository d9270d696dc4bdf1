"""Channel selection as MNE does it: ``picks``, ``exclude`` and ``ch_type``.

Resolves them to channel indices, for an Info or for the rows of a plain
array of positions, and says what to fix when they select nothing sensible.
"""

from numbers import Integral

import numpy as np

from .._checks import check_option

# Channel types that carry a scalp (or cortical) position a topomap can use.
TOPOMAP_CH_TYPES = (
    "eeg",
    "mag",
    "grad",
    "seeg",
    "ecog",
    "dbs",
    "csd",
    "hbo",
    "hbr",
    "fnirs_cw_amplitude",
    "fnirs_fd_ac_amplitude",
    "fnirs_fd_phase",
    "fnirs_od",
)
MEG_CH_TYPES = ("mag", "grad")
# Generic picks, and groups of types, that MNE accepts as strings.
GENERIC_PICKS = ("all", "data")
TYPE_GROUPS = {
    "meg": MEG_CH_TYPES,
    "fnirs": tuple(t for t in TOPOMAP_CH_TYPES if t.startswith(("hb", "fnirs"))),
}
MAX_LISTED = 10  # names listed in an error message before "..."


def _resolve_picks(info, picks, exclude):
    """Return (indices, explicit); ``explicit`` is False for type/None picks."""
    n_channels = len(info["ch_names"])
    excluded = set(_resolve_exclude(info["bads"], exclude))
    if picks is None or (isinstance(picks, str) and picks in GENERIC_PICKS):
        keep = [i for i, n in enumerate(info["ch_names"]) if n not in excluded]
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
        return _picks_from_strings(info, items, excluded)
    if all(isinstance(p, Integral) and not isinstance(p, bool) for p in items):
        return _picks_from_ints(items, n_channels), True
    raise TypeError(
        "picks must be all channel names (str) or all indices (int); got "
        f"{picks!r:.80}."
    )


def _picks_from_strings(info, items, excluded):
    """Names keep their order and ignore ``exclude``; types honour it."""
    names = info["ch_names"]
    if all(item in names for item in items):
        _check_unique("picks", items)
        return np.array([names.index(item) for item in items], dtype=int), True
    types = info.get_channel_types()
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
    wanted = set()
    for item in items:
        wanted.update(TYPE_GROUPS.get(item, (item,)))
    keep = [
        i
        for i, (name, kind) in enumerate(zip(names, types, strict=True))
        if kind in wanted and name not in excluded
    ]
    return np.array(keep, dtype=int), False


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


def _array_rows(names, picks, exclude):
    """Rows of a plain array selected by names or indices."""
    n_rows = len(names)
    if picks is None:
        excluded = set(_resolve_exclude([], exclude))
        return np.array([i for i, n in enumerate(names) if n not in excluded], int)
    if isinstance(picks, str):
        picks = [picks]
    if isinstance(picks, slice):
        return np.arange(n_rows)[picks]
    if not isinstance(picks, list | tuple | np.ndarray) or len(picks) == 0:
        raise TypeError(
            "picks for an array must be None, names, indices or a slice; got "
            f"{picks!r:.80}."
        )
    if all(isinstance(p, str) for p in picks):
        unknown = [p for p in picks if p not in names]
        if unknown:
            raise ValueError(f"picks names unknown channels: {_listed(unknown)}.")
        _check_unique("picks", list(picks))
        return np.array([names.index(p) for p in picks], dtype=int)
    if all(isinstance(p, Integral) and not isinstance(p, bool) for p in picks):
        return _picks_from_ints(list(picks), n_rows)
    raise TypeError(f"picks must be all names or all indices; got {picks!r:.80}.")


def _check_unique(name, items):
    seen, repeated = set(), []
    for item in items:
        if item in seen:
            repeated.append(item)
        seen.add(item)
    if repeated:
        raise ValueError(
            f"{name} must not repeat entries; repeated: {_listed(repeated)}."
        )


def _listed(items):
    """Comma-separated, cut after MAX_LISTED entries."""
    items = [str(i) for i in items]
    more = f", ... ({len(items)} in total)" if len(items) > MAX_LISTED else ""
    return ", ".join(items[:MAX_LISTED]) + more
