"""Haufe activation patterns from one spatial filter per time point.

:func:`patterns_from_filters` turns the filters of a time-resolved decoder
and the epochs it was trained on into the activation patterns of Haufe et al.
(2014), the quantity that may be read as "where the signal is", on arrays laid
out ``(n_times, [n_outputs,] n_channels)`` like the rest of the package.
"""

import mne
import numpy as np
from mne.utils import logger, verbose

from .._checks import as_float_array, check_finite, check_type
from ..inputs._estimators import standardised_patterns


@verbose
def patterns_from_filters(filters, X, *, normalize_patterns=False, verbose=None):
    """Turn one spatial filter per time point into activation patterns.

    A decoder trained at time ``t`` on ``X[:, :, t]`` has weights ``w_t``
    (its filter). Weights are not interpretable: a channel that only carries
    noise can get a large weight because it helps cancel that noise. The
    activation pattern [1]_ ``a_t = Sigma_x(t) w_t``,
    with ``Sigma_x(t)`` the covariance of ``X[:, :, t]`` across epochs, shows
    instead how the decoded signal is expressed on the channels.

    Parameters
    ----------
    filters : array, shape (n_times, n_channels) | (n_times, n_outputs, n_channels)
        One spatial filter (``coef_`` of a binary classifier or
        single-output regressor) per time point, or several (one per output
        of a multi-class or multi-output model).
    X : array, shape (n_epochs, n_channels, n_times) | mne.Epochs
        The data the filters were trained on (the training data of one
        fold, or all epochs). For :class:`mne.Epochs`, all of its channels
        are used; pick them first (``epochs.copy().pick('eeg')``) so that
        they match the filters.
    normalize_patterns : bool
        If False (default), return ``Sigma_x(t) w_t``, exactly the
        ``patterns_`` of :class:`mne.decoding.LinearModel` fitted at each
        time point (for classifiers and single-output regressors). Its size
        follows the filter's: a filter ``c`` times larger (a weaker
        penalty, another subject) gives a pattern ``c`` times larger.
        If True, Haufe's ``A = Sigma_x W (W^T Sigma_x W)^-1`` for the
        decoder outputs standardised to unit variance: the least-squares
        reconstruction of the data from all outputs jointly, in data units
        per standard deviation of each output. It does not change when the
        filters are multiplied by any positive factor, so subjects and
        regularisations can be compared and averaged. For a single filter
        it is ``Sigma_x w / sqrt(w^T Sigma_x w)``.
    verbose : bool | str | int | None
        Control verbosity of the logging output (see :func:`mne.verbose`).

    Returns
    -------
    patterns : array, same shape as ``filters``
        The activation pattern at each time point (and of each output). With
        ``normalize_patterns=True``, outputs with zero variance (a zero
        filter, or flat data) get a zero pattern.

    Notes
    -----
    The covariance is the unbiased one (``ddof=1``) of the epochs centred
    at each time point, as in :class:`mne.decoding.LinearModel`. It is
    never formed: ``Sigma_x W = X_c^T (X_c W) / (n_epochs - 1)`` for all
    time points at once, and ``W^T Sigma_x W`` is the covariance of the
    outputs ``X_c W``. When the outputs are linearly dependent (the class
    scores of a multinomial model sum to zero), the inverse is a
    pseudo-inverse.

    References
    ----------
    .. [1] Haufe S, Meinecke F, Görgen K, Dähne S, Haynes J-D, Blankertz B,
       Bießmann F (2014). On the interpretation of weight vectors of linear
       models in multivariate neuroimaging. NeuroImage 87:96-110.
       doi:10.1016/j.neuroimage.2013.10.067
    """
    filters = as_float_array("filters", filters, "an array of real numbers")
    X = _epochs_array(X)
    _check_filter_shapes(filters, X)
    check_type("normalize_patterns", normalize_patterns, bool, "a bool")
    rows = filters if filters.ndim == 3 else filters[:, np.newaxis]
    check_finite("filters", np.swapaxes(rows, 0, 1))  # (n_outputs, times, chans)
    check_finite("X", np.moveaxis(X, 1, 2))
    centred = X - X.mean(axis=0, keepdims=True)
    # decoder outputs s[e, t, o] = w_to . x_e(t); then Cov W = X_c^T s / (n - 1)
    output = np.einsum("ect,toc->eto", centred, rows)
    patterns = np.einsum("ect,eto->toc", centred, output) / (X.shape[0] - 1)
    if normalize_patterns:
        output_cov = np.einsum("eto,etp->top", output, output) / (X.shape[0] - 1)
        patterns = standardised_patterns(patterns, output_cov)
    logger.info(
        f"Computed {'normalized ' if normalize_patterns else ''}patterns for "
        f"{patterns.shape[0]} time points from {X.shape[0]} epochs."
    )
    return patterns if filters.ndim == 3 else patterns[:, 0]


# --- helpers -----------------------------------------------------------------


def _epochs_array(X):
    if isinstance(X, mne.BaseEpochs):
        return X.get_data(copy=False).astype(float)
    X = as_float_array("X", X, "an array of real numbers")
    if X.ndim != 3:
        raise ValueError(
            "X must be 3-D with shape (n_epochs, n_channels, n_times) or an "
            f"mne.Epochs, got shape {X.shape}."
        )
    return X


def _check_filter_shapes(filters, X):
    if filters.ndim not in (2, 3):
        raise ValueError(
            "filters must have shape (n_times, n_channels) or (n_times, "
            f"n_outputs, n_channels), got shape {filters.shape}; for several "
            "folds or subjects call patterns_from_filters once per fold."
        )
    n_epochs, n_channels, n_times = X.shape
    if filters.ndim == 3:
        if filters.shape[0] != n_times or filters.shape[2] != n_channels:
            raise ValueError(
                f"filters has shape {filters.shape} but X has {n_channels} "
                f"channels and {n_times} times, so filters must have shape "
                f"({n_times}, n_outputs, {n_channels})."
            )
    elif filters.shape != (n_times, n_channels):
        hint = ""
        if filters.shape == (n_channels, n_times):
            hint = "; filters looks transposed: pass filters.T"
        raise ValueError(
            f"filters has shape {filters.shape} but X has {n_channels} channels "
            f"and {n_times} times (shape (n_epochs, n_channels, n_times) = "
            f"{X.shape}), so filters must have shape ({n_times}, {n_channels})"
            f"{hint}."
        )
    if n_epochs < 2:
        raise ValueError(
            f"X must hold at least 2 epochs to estimate a covariance, got {n_epochs}."
        )
