"""Significance markers of rows of maps, one row per frequency.

A boolean mask may be given per frequency; a test (``mask='cluster'`` or
``'fdr'``) runs on each row, at ``alpha`` divided by the number of
frequencies, so that markers anywhere on null data stay at ``alpha``.
"""

import numpy as np
from mne.utils import logger


def row_masks(mask, alpha, axis, n_panels):
    """Return ``mask`` and ``alpha`` for the rows of maps, one per frequency.

    A boolean mask of shape ``(n_freqs, n_times, n_channels)`` gives one
    mask per frequency of the data: it is put in the panels' order.
    """
    if axis is None or mask is None or isinstance(mask, str | dict):
        return row_test_alpha(mask, alpha, axis)
    values = np.asarray(mask)
    if values.ndim != 3:
        return mask, alpha  # (n_times, n_channels): every row (or refused)
    if len(values) != axis.n_freqs:
        raise ValueError(
            f"with freqs, mask must have shape (n_times, n_channels) (the same "
            f"for every row) or (n_freqs, n_times, n_channels) with n_freqs = "
            f"{axis.n_freqs}; got {values.shape}."
        )
    n_cols = n_panels // len(axis.selected)
    return values[[k for k in axis.selected[::-1] for _ in range(n_cols)]], alpha


def row_test_alpha(mask, alpha, axis):
    """Return ``mask`` and ``alpha`` for testing each row: Bonferroni.

    Each row of maps is tested on its own (over all channels and times), so
    that without a correction the chance of markers somewhere on null data
    would grow with the number of rows. Each row is tested at ``alpha /
    n_freqs``, counting every frequency of the data (as the test covers all
    times whatever ``tmin``/``tmax`` show, the markers do not change with
    ``fmin``/``fmax``), which keeps that chance at most ``alpha``.
    """
    if axis is None or axis.n_freqs == 1 or not isinstance(mask, str | dict):
        return mask, alpha
    from ..stats._stats import _check_alpha  # scipy.stats: only when needed

    given = mask.get("alpha", alpha) if isinstance(mask, dict) else alpha
    corrected = _check_alpha(given) / axis.n_freqs
    logger.info(
        f"Significance markers: each of the {axis.n_freqs} frequency rows is "
        f"tested across subjects at alpha = {given:g} / {axis.n_freqs} = "
        f"{corrected:.4g} (Bonferroni across frequencies)."
    )
    if isinstance(mask, dict) and "alpha" in mask:
        return {**mask, "alpha": corrected}, alpha
    return mask, corrected
