"""How much subjects agree, which samples may be tested, and activation patterns.

A mean map hides whether three subjects or thirty carry it. Each measure is
computed per (time, channel) across the first axis of ``samples``, which
must index independent samples (subjects, never folds): ``'t'``, the
one-sample t against 0 (as :func:`scipy.stats.ttest_1samp`); ``'sign'``, the
fraction of samples whose sign agrees with the mean's; ``'sem'``, the
standard error of the mean (``ddof=1``). :func:`agreement_weights` turns a
measure into how fully the mean should be shown, for a graded fade.

:func:`refuse_untestable` says, in each caller's words, why samples cannot
be tested (folds share most of their training epochs; maps one-signed by
construction differ from 0 even for noise): for the masks, the agreement
and the score tests alike. :func:`patterns_from_filters` turns one spatial
filter per time point into the activation patterns of Haufe et al. (2014).
"""

from dataclasses import dataclass

import mne
import numpy as np
from mne.utils import logger, verbose

from .._checks import as_float_array, check_finite, check_type
from ..inputs._estimators import standardised_patterns

AGREEMENT_MEASURES = ("t", "sign", "sem")
# the fade of 'sem' shows the mean fully once it lies this many standard
# errors away from 0: the classic "mean +/- 2 SEM excludes 0"
SEM_MULTIPLE = 2.0


def agreement(samples, measure):
    """Return the agreement (n_times, n_channels) of samples (n_samples, ...).

    For ``'t'``, a cell where every sample is 0 gets ``t = 0`` and one
    where all are equal and non-zero ``+/-inf`` (scipy: NaN and +/-inf).
    """
    samples = np.asarray(samples, float)
    mean = samples.mean(axis=0)
    if measure == "sign":
        return (np.sign(samples) == np.sign(mean)).mean(axis=0)
    sem = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))  # ddof=1 as scipy
    if measure == "sem":
        return sem
    with np.errstate(divide="ignore", invalid="ignore"):
        t = mean / sem
    t[(sem == 0) & (mean == 0)] = 0.0
    return t


def t_threshold(n_samples, alpha):
    """Return the two-sided critical t at ``alpha`` with ``n_samples - 1`` df."""
    from scipy import stats  # scipy.stats loads slowly: only when needed

    return float(stats.t.ppf(1 - alpha / 2, n_samples - 1))


def agreement_weights(values, measure, *, mean, n_samples, alpha):
    """How fully (in [0, 1]) to show the mean where the subjects agree this much.

    ``'sign'``: ``2 * fraction - 1``; ``'t'``: ``|t| / t_crit``, the
    two-sided critical t at ``alpha`` (uncorrected: a display threshold, not
    a test); ``'sem'``: ``|mean| / (2 * sem)``; each clipped to [0, 1].
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


# -- which samples may be tested: only subjects, signed ------------------------


def one_sided_data(samples, popmean):
    """Say if every value lies on one side of ``popmean`` by its sign alone.

    Returns ``'non-negative'`` when no value is negative and ``popmean <=
    0``, ``'non-positive'`` when no value is positive and ``popmean >= 0``,
    else None (all zeros: None, nothing can be marked). Such maps (e.g.
    per-subject ``np.abs``) differ from ``popmean`` even for pure noise.
    """
    low, high = float(np.min(samples)), float(np.max(samples))
    if low == high == 0.0:
        return None
    if low >= 0.0 and popmean <= 0.0:
        return "non-negative"
    if high <= 0.0 and popmean >= 0.0:
        return "non-positive"
    return None


def unnamed_axes_message(what, dims):
    """Why ``what`` refuses samples whose axes were guessed (``dims``), and how."""
    return (
        f"{what} tests across the first axis of data, but its axes were not "
        f"named: a {len(dims)}-D array is read as {dims} by default, and its "
        f"first axis could as well hold cross-validation folds ({_TEST_HARM}"
        f", as folds share most of their training epochs). Name the axes: "
        f"dims={dims!r} if the first axis holds subjects; folds "
        f"(dims={('folds',) + dims[1:]!r}) are never tested."
    )


def one_sided_message(what, side, popmean):
    """Why ``what`` refuses maps all on one side of the null level, what to do."""
    tail, beyond = (1, "above") if side == "non-negative" else (-1, "below")
    return (
        f"{what} cannot test these maps against {popmean:g}: every subject's "
        f"map is {side} at every time and channel (e.g. made with np.abs, a "
        f"norm or a power), so their mean lies {beyond} {popmean:g} even for "
        f"pure noise and the test marks noise as significant. Pass a signed "
        f"quantity (e.g. the patterns before np.abs), or state the level the "
        f"maps take under the null hypothesis and test one-sided {beyond} it: "
        f"mask=dict(method='cluster' or 'fdr', tail={tail}, popmean=<null "
        f"level>) (command line: --tail {tail} --popmean LEVEL), the null level "
        f"measured e.g. on label-permuted decoders or before the stimulus."
    )


_TEST_HARM = "a test across them marks pure noise as significant"
FOLDS_NOT_INDEPENDENT = (
    "Folds are not independent samples (they share most of their training epochs), so "
)
PER_SUBJECT_HINT = (
    "Pass per-subject data (an array with a 'subjects' axis named in dims, or "
    "one list of fold estimators per subject)"
)


def refuse_untestable(panel, what, words):
    """Raise unless ``panel`` holds signed per-subject maps, in the caller's words.

    ``words`` holds the caller's phrases: ``act`` and ``noise`` (one-signed
    maps), ``hints`` (for one class, for gradiometers), ``aligned``,
    ``across`` and ``instead`` (not subjects), and optionally ``harm``.
    """
    if panel.reduction is not None:
        hint = words["hints"][0 if "class" in panel.reduction else 1]
        raise ValueError(
            f"{what} cannot {words['act']} {panel.reduction}: it is non-negative "
            f"by construction, so {words['noise']}. {hint}"
        )
    if panel.signs_aligned:
        raise ValueError(words["aligned"])
    if panel.sample_dim != "subjects":
        if panel.sample_dim == "folds":
            reason = (
                f"data has {len(panel.samples)} cross-validation folds and no "
                f"subjects axis. {FOLDS_NOT_INDEPENDENT}{words.get('harm', _TEST_HARM)}"
            )
        else:
            reason = "data holds a single map, with no subjects axis"
        raise ValueError(f"{what} {words['across']} across subjects, but {reason}. "
                         f"{PER_SUBJECT_HINT}{words['instead']}.")  # fmt: skip
    if panel.guessed_dims is not None:
        raise ValueError(unnamed_axes_message(what, panel.guessed_dims))


# -- consistency=: each panel measured across its subjects ---------------------

_FOLDS_HARM = "they agree with each other even on pure noise"


# how far toward white each step fades: the first is the unfaded table
FADE_STEPS = (0.0, 0.3, 0.6, 0.9)


@dataclass(frozen=True)
class Measured:
    """One panel's agreement: the measure, the fade weights, across how many."""

    values: np.ndarray  # (n_times, n_channels), every time of the data
    weights: np.ndarray  # (n_times, n_channels), in [0, 1]
    n_subjects: int


def _measure(panel, measure, alpha, display):
    """Measure one panel's agreement across its subjects, or say why not."""
    name = f"consistency={measure!r}"
    refuse_untestable(panel, name, dict(
        act="measure agreement on",
        noise="every subject agrees in sign and t against 0 is large even for "
        "pure noise",
        hints=("Pass coef_params=dict(class_idx=...) to measure one class's "
               "signed pattern.",
               "Use the magnetometers (ch_type='mag')."),
        aligned=f"{name} cannot measure the agreement of sign-aligned samples "
        f"(coef_params=dict(align_signs=True)): alignment makes every subject "
        f"agree with their leading pattern, so even pure noise would look "
        f"consistent. Pass coef_params=dict(align_signs=False) for maps whose "
        f"sign is meaningful.",
        across="measures agreement", instead="", harm=_FOLDS_HARM,
    ))  # fmt: skip
    # maps all on one side of 0 are large against 0 even for noise; the SEM
    # shown as a panel is the spread only, and stays allowed
    spread_only = measure == "sem" and display == "panel"
    side = None if spread_only else one_sided_data(panel.samples, 0.0)
    if side is not None:
        raise ValueError(
            f"{name} measures agreement against 0, but every subject's map is "
            f"{side} at every time and channel (e.g. made with np.abs, a norm or "
            f"a power): all subjects agree in sign, and their mean lies away "
            f"from 0, even for pure noise. Pass a signed quantity (e.g. the "
            f"patterns before np.abs), or consistency=dict(kind='sem', "
            f"display='panel') to show the subjects' spread only."
        )
    n_subjects = len(panel.samples)
    if n_subjects < 2:
        raise ValueError(
            f"{name} needs at least 2 subjects to measure their agreement; data "
            f"has {n_subjects}. {PER_SUBJECT_HINT}."
        )
    if measure == "sem" and panel.transform == "zscore":
        raise ValueError(
            "consistency='sem' is in the data's units, but "
            "coef_params=dict(transform='zscore') shows z-scores: the two would "
            "not share a scale. Pass consistency='t' or 'sign', or "
            "coef_params=dict(transform=None)."
        )
    values = agreement(panel.samples, measure)
    weights = agreement_weights(values, measure, mean=panel.samples.mean(axis=0),
                                n_samples=n_subjects, alpha=alpha)  # fmt: skip
    if measure == "t":
        values = _finite_t(values)
    return Measured(values=values, weights=weights, n_subjects=n_subjects)


def _finite_t(t):
    """Show an infinite t (identical non-zero subjects) at the largest finite."""
    infinite = np.isinf(t)
    if not infinite.any():
        return t
    finite = np.abs(t[~infinite])
    cap = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    logger.info(
        f"t is infinite at {int(infinite.sum())} (time, channel) cells, where all "
        f"subjects have the same non-zero value; shown as +/-{cap:.3g}, the "
        "largest finite |t|."
    )
    return np.where(infinite, np.sign(t) * cap, t)


def _log(measure, display, measured, alpha):
    """Say what was computed, across how many subjects, and how it is shown."""
    counts = sorted({m.n_subjects for m in measured})
    across = f"across {' / '.join(map(str, counts))} subjects"
    what = {
        "t": f"one-sample t against 0 {across}",
        "sign": f"fraction of subjects whose sign agrees with the mean's, {across}",
        "sem": f"standard error of the mean {across}",
    }[measure]
    logger.info(
        f"consistency={measure!r}: the {what}, per channel and time point, over "
        "the data's whole time range (on the per-subject values, before any "
        "transform)."
    )
    if display == "fade":
        logger.info(
            f"consistency=dict(display='fade'): the mean map fades toward white in "
            f"{len(FADE_STEPS)} steps (up to {FADE_STEPS[-1]:.0%}) as "
            f"{_fade_words(measure, measured[0].n_subjects, alpha)[0]}."
        )


def _fade_words(measure, n_subjects, alpha):
    """Say what the fade follows: in the log's words, and in the title's."""
    if measure == "t":
        crit = t_threshold(n_subjects, alpha)
        return (
            f"|t| falls from {crit:.2f} (p = {alpha:g}, two-sided, uncorrected, "
            f"{n_subjects} subjects) to 0",
            f"faded where |t| < {crit:.2f} (uncorrected)",
        )
    if measure == "sign":
        return (
            "the fraction of subjects agreeing in sign falls from 1 to 0.5",
            "faded as sign agreement falls",
        )
    return (
        f"|mean| falls from {SEM_MULTIPLE:g} SEM to 0",
        f"faded where |mean| < {SEM_MULTIPLE:g} SEM",
    )


def fade_title(title, measure, measured, alpha):
    n = measured.n_subjects
    head = f"{title} ({n} subjects)" if title else f"Mean of {n} subjects"
    return f"{head}, {_fade_words(measure, n, alpha)[1]}"


def measure_agreement(panels, measure, alpha, display):
    """Measure each panel's agreement across its subjects (logged), or say why not."""
    measured = [_measure(panel, measure, alpha, display) for panel in panels]
    _log(measure, display, measured, alpha)
    return measured
