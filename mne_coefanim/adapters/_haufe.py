"""Normalised Haufe patterns: data units per standard deviation of the output.

A linear decoder with weights ``W`` (one row per output) has the activation
patterns ``A = Σx Wᵀ`` (Haufe et al. 2014, as :class:`mne.decoding.LinearModel`
stores them in ``patterns_``). Their size follows the weights' scale: the same
decoder fitted with a stronger penalty has smaller weights and smaller
patterns, and in a group average a subject with larger weights counts more.

Haufe's full formula ``Σx W (Wᵀ Σx W)⁻¹`` reconstructs the data from the
decoder outputs jointly (each output's pattern with the others held fixed).
Applied to outputs standardised to unit variance, it gives patterns in data
units per standard deviation of each output, which do not change when the
weights are multiplied by any factor. This module computes that, on the rows
layout used everywhere here (one row per output).
"""

import numpy as np

RANK_TOL = 1e-10  # relative eigenvalue below which an output direction is void


def standardised_patterns(patterns, output_cov):
    """Turn patterns ``Σx W`` into Haufe patterns of unit-variance outputs.

    Parameters
    ----------
    patterns : array, shape (..., n_outputs, n_channels)
        The unnormalised patterns, one row per output (``W Σx``).
    output_cov : array, shape (..., n_outputs, n_outputs)
        The covariance of the decoder outputs, ``W Σx Wᵀ``.

    Returns
    -------
    normalised : array, shape (..., n_outputs, n_channels)
        ``D (W Σx Wᵀ)⁺ W Σx`` with ``D`` the outputs' standard deviations: the
        rows of ``Σx W (Wᵀ Σx W)⁻¹`` for the standardised outputs. The
        pseudo-inverse handles outputs that are linearly dependent (the
        class scores of a multinomial model sum to zero); an output without
        variance gets a zero pattern.
    """
    output_cov = (output_cov + np.swapaxes(output_cov, -1, -2)) / 2
    sd = np.sqrt(np.clip(np.diagonal(output_cov, axis1=-2, axis2=-1), 0, None))
    return sd[..., np.newaxis] * (_pinv_psd(output_cov) @ patterns)


def _pinv_psd(matrix):
    """Pseudo-inverse of symmetric positive semi-definite matrices."""
    values, vectors = np.linalg.eigh(matrix)
    top = values.max(axis=-1, keepdims=True)
    keep = values > RANK_TOL * np.where(top > 0, top, np.inf)
    inverse = np.divide(1.0, values, out=np.zeros_like(values), where=keep)
    return (vectors * inverse[..., np.newaxis, :]) @ np.swapaxes(vectors, -1, -2)
