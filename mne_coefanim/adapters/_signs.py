"""Sign alignment for decoders whose sign is arbitrary (CSP, PCA, ...).

A CSP pattern, a principal component or an eigenvector means the same map
whatever its sign, so two subjects (or folds) can return the same topography
with opposite signs, and their average cancels it.

:func:`align_once` (``align_signs=True``) gives each sample (subject or
fold) ONE sign for its whole time course: the sign of its projection onto
the group's leading spatio-temporal pattern (the first right singular vector
of the samples, each flattened over times, rows and channels, without
centring, so that the common pattern itself is found, not the spread around
it). The group map then changes sign between frames only where the samples'
own maps do. That leading pattern's own sign is arbitrary too: it is
oriented so that most samples keep their sign, and on a tie (8 subjects
against 8) so that the first sample keeps its sign, so data without sign
problems are left untouched and the result never depends on rounding.

:func:`align_per_time` (``align_signs='per_time'``) is for samples whose
sign is arbitrary at every time point (e.g. a decomposition refitted at each
time): each time (and row) is aligned on its own (:func:`align_each_time`),
each time's result is then flipped as a whole to agree with the previous
time (the group mean's dot product), and the whole time course is finally
oriented so that most maps keep their sign (tie: the first sample's first
map keeps it). Where the group pattern is weak (before the stimulus) or
truly reverses, that chaining can flip the group map's polarity between
frames.

:func:`window_signs` handles one map per time window (a list of CSPs fitted
on sliding windows): each window's map is flipped to agree with the
previous, already aligned window.
"""

import numpy as np
from mne.utils import logger

ALIGN_MODES = (False, True, "per_time")


def check_align_signs(align_signs):
    """Return ``align_signs`` (False, True or 'per_time'), or say what is allowed."""
    if not isinstance(align_signs, bool | np.bool_ | str):
        raise TypeError(
            f"align_signs must be a bool or 'per_time'; got "
            f"{type(align_signs).__name__} ({align_signs!r:.60})."
        )
    if isinstance(align_signs, str) and align_signs not in ALIGN_MODES:
        raise ValueError(
            f"align_signs must be False, True (one sign per subject or fold, "
            f"over the whole time course) or 'per_time' (a sign per time point, "
            f"chained); got {align_signs!r:.60}."
        )
    return align_signs if isinstance(align_signs, str) else bool(align_signs)


def align_once(samples):
    """Give each sample one sign, that of its projection on the leading pattern.

    Parameters
    ----------
    samples : array, shape (n_samples, n_times, ..., n_channels)
        One map per sample (subject or fold), time point and any further
        axes (e.g. classes).

    Returns
    -------
    aligned : array, same shape
        The samples, some multiplied by -1 (over their whole time course).
    flipped : array of bool, shape (n_samples,)
        Which samples were flipped.
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
    """Flip samples to agree with their leading pattern, per time (and row).

    Each cell is oriented on its own (most samples keep their sign; ties:
    agreement with the plain mean), so two neighbouring times can come out
    with opposite polarities: :func:`align_per_time` chains them.

    Parameters
    ----------
    samples : array, shape (n_samples, n_times, ..., n_channels)
        One map per sample (subject or fold), time point and any number of
        further axes (e.g. classes); every (time, ...) cell is aligned on
        its own.

    Returns
    -------
    aligned : array, same shape
        The samples, some multiplied by -1.
    n_flipped : int
        How many (sample, time, ...) maps were flipped.
    """
    samples = np.asarray(samples, dtype=np.float64)
    n_samples, n_channels = samples.shape[0], samples.shape[-1]
    # (cells, samples, channels): one small SVD per cell, batched
    cells = np.moveaxis(samples.reshape(n_samples, -1, n_channels), 0, 1)
    leading = _leading_patterns(cells)
    dots = np.einsum("ksc,kc->ks", cells, leading)
    flip = dots < 0
    # orient each leading pattern so that most samples keep their sign
    n_flip, n_keep = flip.sum(1), (~flip).sum(1)
    tie_against_mean = (n_flip == n_keep) & (dots.sum(1) < 0)
    reverse = (n_flip > n_keep) | tie_against_mean
    flip[reverse] = dots[reverse] > 0
    signs = np.where(flip, -1.0, 1.0).T.reshape(samples.shape[:-1] + (1,))
    return samples * signs, int(flip.sum())


def _leading_patterns(cells):
    """First right singular vector of each (samples x channels) cell."""
    _, _, vh = np.linalg.svd(cells, full_matrices=False)
    return vh[:, 0, :]


def align_per_time(samples):
    """Align each time (and row) on its own, then chain the times.

    Parameters
    ----------
    samples : array, shape (n_samples, n_times, ..., n_channels)
        One map per sample, time point and any further axes.

    Returns
    -------
    aligned : array, same shape
        The samples, some maps multiplied by -1.
    n_flipped : int
        How many (sample, time, ...) maps end up flipped.
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
    """Signs that make each window's map agree with the previous (aligned) one.

    Parameters
    ----------
    maps : array, shape (n_windows, n_channels)
        One map per window, in time order.

    Returns
    -------
    signs : array of float, shape (n_windows,)
        +1 or -1 per window; the first window keeps its sign. ``maps *
        signs[:, None]`` has non-negative dot products between neighbours.
    """
    maps = np.asarray(maps, dtype=np.float64)
    signs = np.ones(len(maps))
    for k in range(1, len(maps)):
        if signs[k - 1] * (maps[k] @ maps[k - 1]) < 0:
            signs[k] = -1.0
    return signs


def align_stack(stack, has, mode=True):
    """Align every subject's and fold's maps of a stack, and log the count.

    Parameters
    ----------
    stack : array, shape (n_subjects, n_folds, n_times, ..., n_channels)
        The maps before any averaging.
    has : dict
        Whether the ``'subjects'`` and ``'folds'`` axes are real.
    mode : True | 'per_time'
        Once per sample over the whole time course, or per time, chained.

    Returns
    -------
    aligned : array, same shape
        The aligned maps.
    """
    n_subjects, n_folds = stack.shape[:2]
    flat = stack.reshape((n_subjects * n_folds,) + stack.shape[2:])
    aligned = _align_flat(flat, has, mode, n_subjects)
    return stack if aligned is None else aligned.reshape(stack.shape)


def align_nested(coefs, has, mode=True):
    """Align a list (subjects) of lists (folds) of maps, fold counts may differ.

    Each map has shape ``(n_times, ..., n_channels)``; the result has the
    same nesting, every fold aligned with all folds of all subjects.
    """
    flat = np.stack([fold for folds in coefs for fold in folds])
    has = dict(has, folds=any(len(folds) > 1 for folds in coefs))
    aligned = _align_flat(flat, has, mode, len(coefs))
    if aligned is None:
        return coefs
    out, start = [], 0
    for folds in coefs:
        out.append(list(aligned[start : start + len(folds)]))
        start += len(folds)
    return out


def _align_flat(flat, has, mode, n_subjects):
    """Align (n_samples, n_times, ..., n_channels) maps and log; None: nothing."""
    if len(flat) < 2:
        logger.info("align_signs: nothing to align (a single map per time).")
        return None
    what = _samples_name(has, n_subjects)
    n_times = flat.shape[1]
    if mode == "per_time":
        aligned, n_flipped = align_per_time(flat)
        logger.info(
            f"align_signs='per_time': flipped {n_flipped} of "
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


def _samples_name(has, n_subjects):
    if has["subjects"] and has["folds"]:
        return f"folds (of {n_subjects} subjects)"
    return "subjects" if has["subjects"] else "folds"


def log_flips(n_flipped, n_total, what):
    """Log how many maps sign alignment flipped, and across what."""
    logger.info(f"align_signs: flipped {n_flipped} of {n_total} patterns ({what}).")


def aligned_test_refusal(what):
    """Why ``what`` (a test against 0) refuses sign-aligned samples."""
    return (
        f"{what} cannot test sign-aligned samples (align_signs=True) against 0: "
        f"alignment makes every subject agree with their leading pattern, so "
        f"even pure noise comes out significant (and a sign-flip permutation "
        f"test is blind, as alignment undoes the flips). Pass align_signs=False "
        f"to test maps whose sign is meaningful, or a boolean mask computed "
        f"elsewhere (e.g. from a label-permutation test of the decoder)."
    )
