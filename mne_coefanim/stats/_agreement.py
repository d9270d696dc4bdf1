"""How much the subjects agree with their mean, channel by channel.

A mean map hides whether three subjects or thirty carry it. Each measure
here is computed per (time, channel) across the first axis of ``samples``,
which must index independent samples (subjects, never folds):

* ``'t'``: the one-sample t against 0 (as :func:`scipy.stats.ttest_1samp`);
* ``'sign'``: the fraction of samples whose sign agrees with the mean's;
* ``'sem'``: the standard error of the mean (``ddof=1``).

:func:`agreement_weights` turns a measure into how fully the mean should be
shown (1: fully, 0: fully faded), for a graded fade of the mean map.
"""

import numpy as np

AGREEMENT_MEASURES = ("t", "sign", "sem")
# the fade of 'sem' shows the mean fully once it lies this many standard
# errors away from 0: the classic "mean +/- 2 SEM excludes 0"
SEM_MULTIPLE = 2.0


def agreement(samples, measure):
    """Return the agreement of the samples with their mean.

    Parameters
    ----------
    samples : array, shape (n_samples, n_times, n_channels)
        One map per independent sample (subject); at least 2.
    measure : 't' | 'sign' | 'sem'
        What to compute, per time and channel (see the module's docstring).

    Returns
    -------
    values : array, shape (n_times, n_channels)
        The measure. For ``'t'``, a cell where every sample is 0 gets
        ``t = 0`` and a cell where all samples are equal and non-zero gets
        ``+/-inf`` (scipy gives NaN and +/-inf).
    """
    samples = np.asarray(samples, float)
    mean = samples.mean(axis=0)
    if measure == "sign":
        agree = np.sign(samples) == np.sign(mean)
        return agree.mean(axis=0)
    sem = standard_error(samples)
    if measure == "sem":
        return sem
    return t_values(mean, sem)


def standard_error(samples):
    """Return the standard error of the mean across the first axis (``ddof=1``)."""
    return samples.std(axis=0, ddof=1) / np.sqrt(len(samples))


def t_values(mean, sem):
    """``mean / sem``, 0 where both are 0 and +/-inf where only sem is."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = mean / sem
    t[(sem == 0) & (mean == 0)] = 0.0
    return t


def t_threshold(n_samples, alpha):
    """Return the two-sided critical t at ``alpha`` with ``n_samples - 1`` df."""
    from scipy import stats  # scipy.stats loads slowly: only when needed

    return float(stats.t.ppf(1 - alpha / 2, n_samples - 1))


def agreement_weights(values, measure, *, mean, n_samples, alpha):
    """How fully to show the mean where the subjects agree this much.

    Parameters
    ----------
    values : array, shape (n_times, n_channels)
        The measure, from :func:`agreement`.
    measure : 't' | 'sign' | 'sem'
        Which measure ``values`` holds.
    mean : array, shape (n_times, n_channels)
        The mean across samples (needed for ``'sem'``).
    n_samples : int
        How many samples the measure was computed across.
    alpha : float
        For ``'t'``: the mean is shown fully from the two-sided critical t
        at this level (uncorrected; a display threshold, not a test).

    Returns
    -------
    weights : array, shape (n_times, n_channels)
        In [0, 1]. ``'sign'``: ``2 * fraction - 1`` (half the samples: 0,
        all of them: 1); ``'t'``: ``|t| / t_crit``; ``'sem'``:
        ``|mean| / (2 * sem)``; each clipped to [0, 1].
    """
    if measure == "sign":
        weights = 2.0 * values - 1.0
    elif measure == "t":
        weights = np.abs(values) / t_threshold(n_samples, alpha)
    else:
        weights = np.ones_like(values)  # sem 0 and a non-zero mean: certain
        np.divide(np.abs(mean), SEM_MULTIPLE * values, out=weights,
                  where=values > 0)  # fmt: skip
        weights[(values == 0) & (mean == 0)] = 0.0
    return np.clip(np.nan_to_num(weights, posinf=1.0), 0.0, 1.0)
