"""Sign alignment for decoders whose sign is arbitrary (CSP, PCA, ...).

A CSP pattern, a principal component or an eigenvector means the same map
whatever its sign, so two subjects (or folds) can return the same topography
with opposite signs, and their average cancels it. :func:`align_signs`
flips each sample's map, separately at every time point (and row), to have
a non-negative dot product with the leading pattern of all the samples:
their first principal direction (right singular vector, without centring,
so that the common pattern itself is found, not the spread around it).

The leading pattern's own sign is arbitrary too; it is oriented so that
most samples keep their sign (ties: so that it agrees with the plain mean),
so data without sign problems are left (nearly) untouched.

:func:`window_signs` handles the other case: one map per time window
(e.g. a list of CSPs fitted on sliding windows), where each window's map is
flipped to agree with the previous, already aligned window.
"""

import numpy as np
from mne.utils import logger


def align_signs(samples):
    """Flip samples to agree with their leading pattern, per time (and row).

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


def align_stack(stack, has):
    """Align every subject's and fold's maps of a stack, and log the count.

    Parameters
    ----------
    stack : array, shape (n_subjects, n_folds, n_times, ..., n_channels)
        The maps before any averaging.
    has : dict
        Whether the ``'subjects'`` and ``'folds'`` axes are real.

    Returns
    -------
    aligned : array, same shape
        All subjects' folds aligned to one leading pattern per time (and row).
    """
    n_subjects, n_folds = stack.shape[:2]
    flat = stack.reshape((n_subjects * n_folds,) + stack.shape[2:])
    if len(flat) < 2:
        logger.info("align_signs: nothing to align (a single map per time).")
        return stack
    aligned, n_flipped = align_signs(flat)
    log_flips(n_flipped, aligned[..., 0].size, _per_what(has))
    return aligned.reshape(stack.shape)


def align_nested(coefs, has):
    """Align a list (subjects) of lists (folds) of maps, fold counts may differ.

    Each map has shape ``(n_times, ..., n_channels)``; the result has the
    same nesting, every map aligned to one leading pattern per time (and
    row), computed over all folds of all subjects.
    """
    flat = np.stack([fold for folds in coefs for fold in folds])
    if len(flat) < 2:
        logger.info("align_signs: nothing to align (a single map per time).")
        return coefs
    aligned, n_flipped = align_signs(flat)
    has = dict(has, folds=any(len(folds) > 1 for folds in coefs))
    log_flips(n_flipped, aligned[..., 0].size, _per_what(has))
    out, start = [], 0
    for folds in coefs:
        out.append(list(aligned[start : start + len(folds)]))
        start += len(folds)
    return out


def _per_what(has):
    if has["subjects"] and has["folds"]:
        return "per fold of each subject, per time"
    return "per subject, per time" if has["subjects"] else "per fold, per time"


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
