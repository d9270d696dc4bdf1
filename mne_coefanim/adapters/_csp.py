"""Fitted :class:`mne.decoding.CSP` objects as coefficient stacks.

A CSP has no time axis and one pattern (and filter) per component: the rows
of ``patterns_`` and ``filters_``, shape ``(n_channels, n_channels)``. Three
layouts are read:

* one CSP: a static map (one frame) per component;
* a list of CSPs fitted on successive time windows: one frame per window,
  at the window centres given as ``times`` (a CSP does not store its window);
* a list of lists: per window, one CSP per cross-validation fold, averaged
  over the folds of each window.

A fitted pipeline whose first step is a CSP (``make_pipeline(CSP(), LDA())``,
e.g. from ``cross_validate(..., return_estimator=True)``) counts as its CSP.
Each chosen component becomes its own panel (:func:`split_csp_panels`), held
as a :class:`CSPComponent` until :func:`as_coef_data` reads it.

MNE scales the filters so that the components' variances in the two classes
sum to 1; the patterns (``pinv(filters_).T``) are then in data units (volts
for EEG, shown in µV) per unit of the component, and keep units None here.

A CSP pattern's sign is arbitrary (an eigenvector's): with ``align_signs``,
the folds of each window are aligned to their leading pattern, then each
window to the previous one, so that the animation does not flicker.
"""

import sys
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from ._signs import align_each_time, log_flips, window_signs
from ._times import _resolve_times


@dataclass(frozen=True, eq=False)
class CSPComponent:
    """One component of a CSP input: what one panel shows.

    Parameters
    ----------
    csps : object
        What the user passed: a fitted CSP, a list of them (windows) or a
        list of lists (windows x folds).
    index : int
        The component (row of ``patterns_``), 0-based.
    """

    csps: object
    index: int


def is_csp_input(data):
    """Tell whether ``data`` is a CSP, a list of CSPs or a list of such lists."""
    if isinstance(data, CSPComponent) or _as_csp(data) is not None:
        return True
    if not isinstance(data, list | tuple) or not data:
        return False
    first = _entries(data[0])
    if not first or _as_csp(first[0]) is None:  # e.g. numbers: stop here
        return False
    inner = [item for entry in data for item in _entries(entry)]
    return all(_as_csp(item) is not None for item in inner)


def _entries(entry):
    return list(entry) if isinstance(entry, list | tuple) else [entry]


def _as_csp(obj):
    """Return the CSP itself, the CSP first step of a pipeline, or None."""
    # a fitted CSP means its module is loaded; importing it (and scikit-learn)
    # just to look at an array would slow every animation down
    module = sys.modules.get("mne.decoding.csp")
    if module is None:
        return None
    CSP = module.CSP
    if isinstance(obj, CSP):
        return obj
    steps = [s for _, s in getattr(obj, "steps", []) if s not in (None, "passthrough")]
    if steps and isinstance(steps[0], CSP):
        return steps[0]
    if any(isinstance(step, CSP) for step in steps):
        raise ValueError(
            f"data holds a pipeline whose CSP is not its first step (steps: "
            f"{', '.join(type(s).__name__ for s in steps)}): its patterns live "
            f"in the space of the steps before it, not on the sensors. Put the "
            f"CSP first, or pass the patterns as an array."
        )
    return None


def csp_grid(data):
    """Return the CSPs as a list (windows) of lists (folds), and if nested."""
    if _as_csp(data) is not None:
        grid = [[_as_csp(data)]]
        _check_fitted(grid)
        return grid, False
    nested = any(isinstance(entry, list | tuple) for entry in data)
    if nested and not all(isinstance(entry, list | tuple) for entry in data):
        raise ValueError(
            "data mixes CSPs and lists of CSPs; pass a list of CSPs (one per "
            "time window) or a list of lists (per window, one CSP per fold)."
        )
    grid = [[_as_csp(item) for item in _entries(entry)] for entry in data]
    if len({len(folds) for folds in grid}) > 1:
        raise ValueError(
            f"every time window must have the same number of fold CSPs; got "
            f"{sorted({len(folds) for folds in grid})}. Use the same "
            f"cross-validation splitter for every window."
        )
    _check_fitted(grid)
    return grid, nested


def _check_fitted(grid):
    n_channels = set()
    for csp in (csp for folds in grid for csp in folds):
        if not hasattr(csp, "patterns_"):
            raise RuntimeError("This CSP is not fitted; call .fit(X, y) first.")
        n_channels.add(csp.patterns_.shape[1])
    if len(n_channels) > 1:
        raise ValueError(
            f"all CSPs in data must be fitted on the same channels; got "
            f"{sorted(n_channels)} channels."
        )


def resolve_components(data, components):
    """Return the chosen components (0-based) of a CSP input, as a list.

    None gives the first ``n_components`` the CSP was fitted with.
    """
    grid, _ = csp_grid(data)
    first = grid[0][0]
    n_rows = first.patterns_.shape[0]
    if components is None:
        return list(range(min(first.n_components, n_rows)))
    chosen = [components] if isinstance(components, Integral) else components
    if (
        not isinstance(chosen, list | tuple | range | np.ndarray)
        or not len(chosen)
        or not all(isinstance(k, Integral) and not isinstance(k, bool) for k in chosen)
    ):
        raise TypeError(
            f"components must be an int or a list of int (0-based rows of the "
            f"CSP's patterns_), or None; got {components!r}."
        )
    chosen = [int(k) for k in chosen]
    bad = [k for k in chosen if not 0 <= k < n_rows]
    if bad or len(set(chosen)) != len(chosen):
        raise ValueError(
            f"components must be distinct integers in 0..{n_rows - 1} (this CSP "
            f"has {n_rows} components, {first.n_components} used by its "
            f"transform); got {components!r}."
        )
    return chosen


def split_csp_panels(titles, items, components):
    """Replace each CSP item by one panel per chosen component.

    Panels are titled ``'CSP 1'``, ``'CSP 2'``, ... (component index + 1),
    after the item's own title if it has one.
    """
    if not any(is_csp_input(item) for item in items):
        if components is not None:
            raise ValueError(
                f"components is only for CSP inputs (mne.decoding.CSP, or "
                f"lists of them); got components={components!r} with data "
                f"that holds no CSP. Leave components=None."
            )
        return titles, items
    new_titles, new_items = [], []
    for title, item in zip(titles, items, strict=True):
        if not is_csp_input(item) or isinstance(item, CSPComponent):
            new_titles.append(title)
            new_items.append(item)
            continue
        for index in resolve_components(item, components):
            name = f"CSP {index + 1}"
            new_titles.append(f"{title}: {name}" if title else name)
            new_items.append(CSPComponent(item, index))
    return new_titles, new_items


def csp_stack(data, components, times, attr, align):
    """One component of a CSP input as a stack (1, n_folds, n_windows, n_chans).

    Returns ``(stack, has, times, times_are_samples)``.
    """
    if isinstance(data, CSPComponent):
        if components is not None:
            raise ValueError(
                f"components cannot be used when data is a CSPComponent (it "
                f"holds its component already); got components={components!r}."
            )
        data, index = data.csps, data.index
    else:
        index = _single_component(data, components)
    grid, nested = csp_grid(data)
    # (n_folds, n_windows, n_channels): a fold axis even for a single CSP
    maps = np.array(
        [[getattr(csp, attr)[index] for csp in folds] for folds in grid],
        dtype=np.float64,
    ).transpose(1, 0, 2)
    times, are_samples = _csp_times(times, len(grid))
    if align:
        maps = _aligned(maps)
    has = dict(subjects=False, folds=nested)
    return maps[np.newaxis], has, times, are_samples


def _single_component(data, components):
    chosen = resolve_components(data, components)
    if len(chosen) != 1:
        raise ValueError(
            f"as_coef_data gives one map per time, but {len(chosen)} CSP "
            f"components are chosen ({chosen}); pass one, e.g. components="
            f"{chosen[0]}. animate_coefs shows several, one panel each."
        )
    return chosen[0]


def _csp_times(times, n_windows):
    if times is None and n_windows > 1:
        raise ValueError(
            f"times is needed for a list of {n_windows} CSPs fitted on time "
            f"windows: a CSP does not store its window. Pass times= the window "
            f"centres in seconds, one per CSP, e.g. times=[(start + stop) / 2 "
            f"for start, stop in windows]. If they are the cross-validation "
            f"folds of one window instead, pass them as one list in a list, "
            f"[csps], to average them."
        )
    if times is None:  # a single CSP has no time: one frame, no seconds
        return np.zeros(1), True
    return _resolve_times(times, None, 0.0, n_windows)


def _aligned(maps):
    """Align the folds of each window, then each window to the previous."""
    n_folds, n_windows, _ = maps.shape
    if n_folds > 1:
        maps, n_flipped = align_each_time(maps)
        log_flips(n_flipped, maps[..., 0].size, "per fold, per window")
    if n_windows > 1:
        signs = window_signs(maps.mean(axis=0))
        maps = maps * signs[np.newaxis, :, np.newaxis]
        n_flipped = int((signs < 0).sum())
        log_flips(n_flipped, n_windows, "each window to agree with the previous")
    return maps
