"""Decoders whose sign is arbitrary: fitted CSPs, and sign alignment.

A CSP has no time axis and one pattern (and filter) per component, the rows
of ``patterns_``. Read are one CSP (a static map per component), a list of
CSPs fitted on successive time windows (one frame per window, at the window
centres given as ``times``) and a list of lists (per window, one CSP per
fold, averaged). A pipeline whose first step is a CSP counts as its CSP.
Each chosen component becomes its own panel (:func:`split_csp_panels`).
MNE scales the filters so that the components' variances in the two classes
sum to 1: the patterns are in data units per unit of the component.

A CSP pattern, a principal component or an eigenvector means the same map
whatever its sign, so subjects (or folds) can give the same topography with
opposite signs, which cancel in their average: ``align_signs`` flips them
(:func:`align_once`, :func:`align_per_time`, :func:`window_signs`).
"""

import sys
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from mne.utils import logger

from ._data import _resolve_times


@dataclass(frozen=True, eq=False)
class CSPComponent:
    """One component ``index`` (a row of ``patterns_``) of a CSP input."""

    csps: object
    index: int


def is_csp_input(data):
    """Tell whether ``data`` is a CSP, a list of CSPs or a list of such lists."""
    if isinstance(data, CSPComponent) or _as_csp(data) is not None:
        return True
    if not isinstance(data, list | tuple) or not data:
        return False
    first = entries(data[0])
    if not first or _as_csp(first[0]) is None:  # e.g. numbers: stop here
        return False
    inner = [item for entry in data for item in entries(entry)]
    return all(_as_csp(item) is not None for item in inner)


def entries(entry):
    """Return a list or tuple as a list, anything else as a list of one."""
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
    data = [data] if _as_csp(data) is not None else data  # one window, one fold
    nested = any(isinstance(entry, list | tuple) for entry in data)
    if nested and not all(isinstance(entry, list | tuple) for entry in data):
        raise ValueError(
            "data mixes CSPs and lists of CSPs; pass a list of CSPs (one per "
            "time window) or a list of lists (per window, one CSP per fold)."
        )
    grid = [[_as_csp(item) for item in entries(entry)] for entry in data]
    if len({len(folds) for folds in grid}) > 1:
        raise ValueError(
            f"every time window must have the same number of fold CSPs; got "
            f"{sorted({len(folds) for folds in grid})}. Use the same "
            f"cross-validation splitter for every window."
        )
    if not all(hasattr(csp, "patterns_") for folds in grid for csp in folds):
        raise RuntimeError("This CSP is not fitted; call .fit(X, y) first.")
    n_channels = {csp.patterns_.shape[1] for folds in grid for csp in folds}
    if len(n_channels) > 1:
        raise ValueError(
            f"all CSPs in data must be fitted on the same channels; got "
            f"{sorted(n_channels)} channels."
        )
    return grid, nested


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
    """Replace each CSP item by one panel per chosen component, titled ``'CSP k'``."""
    if not any(is_csp_input(item) for item in items):
        if components is not None:
            raise ValueError(
                f"components is only for CSP inputs (mne.decoding.CSP, or "
                f"lists of them); got coef_params=dict(components={components!r}) "
                f"with data that holds no CSP. Leave coef_params=dict(components=None)."
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
    if isinstance(data, CSPComponent):  # split_csp_panels chose it
        data, index = data.csps, data.index
    else:
        chosen = resolve_components(data, components)
        if len(chosen) != 1:
            raise ValueError(
                f"as_coef_data gives one map per time, but {len(chosen)} CSP "
                f"components are chosen ({chosen}); pass one, e.g. components="
                f"{chosen[0]}. animate_coefs shows several, one panel each."
            )
        index = chosen[0]
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


def check_align_signs(align_signs):
    """Return ``align_signs`` (False, True or 'per_time'), or say what is allowed."""
    if not isinstance(align_signs, bool | np.bool_ | str):
        raise TypeError(
            f"align_signs must be a bool or 'per_time'; got "
            f"{type(align_signs).__name__} ({align_signs!r:.60})."
        )
    if isinstance(align_signs, str) and align_signs != "per_time":
        raise ValueError(
            f"align_signs must be False, True (one sign per subject or fold, "
            f"over the whole time course) or 'per_time' (a sign per time point, "
            f"chained); got {align_signs!r:.60}."
        )
    return align_signs if isinstance(align_signs, str) else bool(align_signs)


def align_once(samples):
    """Give each sample one sign for its whole time course (``align_signs=True``).

    The sign of its projection on the leading right singular vector of the
    flattened samples (uncentred), oriented so most keep their sign (tie: the
    first). Returns the aligned samples and which were flipped.
    """
    samples = np.asarray(samples, dtype=np.float64)
    flat = samples.reshape(len(samples), -1)
    # the leading right singular vector v of flat: flat @ v is proportional to
    # the leading eigenvector of the small Gram matrix (n_samples x n_samples)
    _, vectors = np.linalg.eigh(flat @ flat.T)
    signs = np.where(vectors[:, -1] < 0, -1.0, 1.0)
    signs *= _orientation(signs, first=signs[0])
    flipped = signs < 0
    shape = (len(samples),) + (1,) * (samples.ndim - 1)
    return samples * signs.reshape(shape), flipped


def _orientation(signs, first):
    """+1 or -1: the one that lets most signs stay +1; on a tie, ``first``."""
    n_positive, n_negative = int((signs > 0).sum()), int((signs < 0).sum())
    if n_positive == n_negative:
        return float(first)
    return 1.0 if n_positive > n_negative else -1.0


def align_each_time(samples):
    """Flip samples to agree with their leading pattern, per time (and row) cell.

    Each cell is oriented so that most samples keep their sign (tie: agreement
    with the plain mean). Returns the aligned samples and how many maps flipped.
    """
    samples = np.asarray(samples, dtype=np.float64)
    n_samples, n_channels = samples.shape[0], samples.shape[-1]
    # (cells, samples, channels): one small SVD per cell, batched
    cells = np.moveaxis(samples.reshape(n_samples, -1, n_channels), 0, 1)
    _, _, vh = np.linalg.svd(cells, full_matrices=False)  # vh[:, 0]: leading
    dots = np.einsum("ksc,kc->ks", cells, vh[:, 0, :])
    flip = dots < 0
    # orient each leading pattern so that most samples keep their sign
    n_flip, n_keep = flip.sum(1), (~flip).sum(1)
    tie_against_mean = (n_flip == n_keep) & (dots.sum(1) < 0)
    reverse = (n_flip > n_keep) | tie_against_mean
    flip[reverse] = dots[reverse] > 0
    signs = np.where(flip, -1.0, 1.0).T.reshape(samples.shape[:-1] + (1,))
    return samples * signs, int(flip.sum())


def align_per_time(samples):
    """Align each time on its own, then chain the times (``align_signs='per_time'``).

    The course is oriented so most maps keep their sign; where the group
    pattern is weak the group map's polarity may change between frames.
    """
    samples = np.asarray(samples, dtype=np.float64)
    aligned, _ = align_each_time(samples)
    n_samples, n_times, n_channels = samples.shape[:2] + samples.shape[-1:]
    # (n_samples, n_times, n_rows, n_channels): chain each row along time
    rows = aligned.reshape(n_samples, n_times, -1, n_channels)
    original = samples.reshape(rows.shape)
    for row in range(rows.shape[2]):
        chain = window_signs(rows[:, :, row].mean(axis=0))
        rows[:, :, row] *= chain[None, :, None]
        kept = np.einsum("stc,stc->st", rows[:, :, row], original[:, :, row])
        signs = np.where(kept < 0, -1.0, 1.0).ravel()
        rows[:, :, row] *= _orientation(signs, first=signs[0])
    aligned = rows.reshape(samples.shape)
    same = np.einsum("...c,...c->...", aligned, samples) >= 0
    return aligned, int((~same).sum())


def window_signs(maps):
    """Return the signs that make each map agree with the previous one."""
    maps = np.asarray(maps, dtype=np.float64)
    signs = np.ones(len(maps))
    for k in range(1, len(maps)):
        if signs[k - 1] * (maps[k] @ maps[k - 1]) < 0:
            signs[k] = -1.0
    return signs


def align_maps(flat, has, mode, n_subjects):
    """Align (n_samples, n_times, ..., n_channels) maps, and log; one map: as is."""
    if len(flat) < 2:
        logger.info("align_signs: nothing to align (a single map per time).")
        return flat
    what = "subjects" if has["subjects"] else "folds"
    if has["subjects"] and has["folds"]:
        what = f"folds (of {n_subjects} subjects)"
    n_times = flat.shape[1]
    if mode == "per_time":
        aligned, n_flipped = align_per_time(flat)
        logger.info(
            f"coef_params=dict(align_signs='per_time'): flipped {n_flipped} of "
            f"{flat[..., 0].size} maps ({len(flat)} {what} x {n_times} times "
            f"and rows), each time aligned on its own, then to agree with the "
            f"previous time; the group map's polarity may change between "
            f"frames where its pattern is weak."
        )
        return aligned
    aligned, flipped = align_once(flat)
    logger.info(
        f"align_signs: flipped {int(flipped.sum())} of {len(flat)} {what}, "
        f"each once over its whole time course ({n_times} time"
        f"{'s' if n_times > 1 else ''}), to agree with the group's leading "
        f"spatio-temporal pattern."
    )
    return aligned


def log_flips(n_flipped, n_total, what):
    """Log how many maps sign alignment flipped, and across what."""
    logger.info(f"align_signs: flipped {n_flipped} of {n_total} patterns ({what}).")


def aligned_test_refusal(what):
    """Why ``what`` (a test against 0) refuses sign-aligned samples."""
    return (
        f"{what} cannot test sign-aligned samples "
        f"(coef_params=dict(align_signs=True)) against 0: alignment makes every "
        f"subject agree with their leading pattern, so even pure noise comes out "
        f"significant (and a sign-flip permutation test is blind, as alignment "
        f"undoes the flips). Pass coef_params=dict(align_signs=False) to test "
        f"maps whose sign is meaningful, or a boolean mask computed "
        f"elsewhere (e.g. from a label-permutation test of the decoder)."
    )
