"""``score_stats``: is the decoding score above chance, and when.

:func:`score_significance` tests per-subject score curves against the chance
level at every time point, corrected either with a temporal cluster
permutation test (:func:`mne.stats.permutation_cluster_1samp_test`, as
mne-bids-pipeline tests its group decoding scores) or with the
Benjamini-Hochberg FDR over the time points; :func:`find_peaks` picks a
curve's peaks for a sheet of maps. :func:`tested_scores` applies
it to the score panel under the rules of the maps' masks: only subjects are
independent samples (folds, a single curve, or rows nobody said are
subjects are refused, saying what to pass); there must be a known chance
level; the test covers the data's whole time range.
"""

import warnings
from dataclasses import dataclass, replace

import mne
import numpy as np
from mne.utils import logger

from .._checks import check_option
from ._agreement import FOLDS_NOT_INDEPENDENT, unnamed_axes_message
from ._masks import (
    _check_alpha,
    _check_n_permutations,
    _default_threshold,
    _random_kwarg,
    _t_p_values,
    _t_values,
    warn_if_unreachable,
)

SCORE_METHODS = ("cluster", "fdr")
TAIL_WORDS = {1: "above chance", 0: "different from chance", -1: "below chance"}


@dataclass(frozen=True)
class ScoreTest:
    """The outcome of a test of score curves against chance.

    Attributes
    ----------
    significant : array of bool, shape (n_times,)
        True at the time points found different from chance.
    method : 'cluster' | 'fdr'
        The correction for the many time points.
    n_subjects : int
        The number of independent rows tested across.
    alpha : float
        The significance level.
    tail : -1 | 0 | 1
        1 tests ``score > chance``, -1 ``score < chance``, 0 both.
    clusters : list of (int, int)
        ``'cluster'``: each cluster's first and last time index; ``'fdr'``:
        each run of consecutive significant time points.
    p_values : array, shape (n_clusters,)
        ``'cluster'``: each cluster's permutation p-value; ``'fdr'``: each
        run's smallest FDR-adjusted p-value.
    settings : str
        How the test was run, for the log (threshold, permutations).
    """

    significant: np.ndarray
    method: str
    n_subjects: int
    alpha: float
    tail: int
    clusters: list
    p_values: np.ndarray
    settings: str

    @property
    def label(self):
        """A short description for the figure: what the bar means."""
        test = "cluster test" if self.method == "cluster" else "t-tests, FDR"
        return (
            f"bar: {TAIL_WORDS[self.tail]}, {test} across {self.n_subjects} "
            f"subjects, p < {self.alpha:g}"
        )

    def describe(self, times):
        """Say what was tested and what was found, with times in seconds."""
        found = [
            f"{_span(times, a, b)} (p = {p:.3g})"
            for (a, b), p in zip(self.clusters, self.p_values, strict=True)
        ]
        unit = "clusters" if self.method == "cluster" else "runs of time points"
        listing = "; ".join(found) if found else "none"
        return (
            f"score_stats={self.method!r}: scores {TAIL_WORDS[self.tail]} across "
            f"{self.n_subjects} subjects at {len(times)} time points "
            f"({self.settings}, alpha={self.alpha:g}); {unit}: {listing}; "
            f"{int(self.significant.sum())} time points significant."
        )


def score_significance(rows, chance, *, method="cluster", alpha=0.05, tail=1,
                       n_permutations=1024, threshold=None, seed=None):  # fmt: skip
    """Test per-subject score curves against chance at every time point.

    Parameters
    ----------
    rows : array, shape (n_subjects, n_times)
        One score curve per subject (folds already averaged).
    chance : float
        The score under the null hypothesis (e.g. 0.5 for ROC AUC).
    method : 'cluster' | 'fdr'
        The correction for the many time points.
    alpha : float
        The significance level (of each cluster's p-value, or the FDR).
    tail : -1 | 0 | 1
        1 (default): is the score above chance? 0: different from it.
    n_permutations : int | 'all'
        Sign flips for ``'cluster'``; exact when at least ``2 ** n_subjects``.
    threshold : float | None
        The cluster-forming t value; None is MNE's default (t at p < 0.05,
        one-sided for ``tail=1``, with ``n_subjects - 1`` degrees of freedom).
    seed : None | int | numpy.random.Generator
        Seed of the permutations.

    Returns
    -------
    test : ScoreTest
        Which time points are significant, with the clusters' p-values.
    """
    method = check_option("score_stats", method, SCORE_METHODS)
    alpha = _check_alpha(alpha)
    centred = np.asarray(rows, float) - float(chance)
    if method == "fdr":
        return _fdr_test(centred, alpha=alpha, tail=tail)
    return _cluster_test(
        centred, alpha=alpha, tail=tail, threshold=threshold, seed=seed,
        n_permutations=_check_n_permutations(n_permutations),
    )  # fmt: skip


def log_score_test(test, times):
    """Log what :func:`score_significance` found, times in seconds."""
    logger.info(test.describe(np.asarray(times)))


def _cluster_test(X, *, alpha, tail, threshold, seed, n_permutations):
    n_subjects = len(X)
    if n_permutations == "all":  # every flip: MNE's exact test
        n_permutations = 2**n_subjects
    warn_if_unreachable(  # before MNE
        n_subjects, n_permutations, alpha, tail,
        f"score_stats='cluster' with {{n}} subjects can reach p = {{p:.3g}} at "
        f"best, not below alpha={alpha}: no time point can be significant. It "
        "needs at least {needed} subjects; or use score_stats='fdr'.",
    )  # fmt: skip
    if threshold is None:
        threshold = _default_threshold(n_subjects, tail)
    with warnings.catch_warnings():  # no cluster at all: said in the log
        warnings.filterwarnings("ignore", "No clusters found", RuntimeWarning)
        _, clusters, cluster_p, _ = mne.stats.permutation_cluster_1samp_test(
            X, threshold=threshold, n_permutations=n_permutations, tail=tail,
            stat_fun=_t_values,  # 0 where subjects agree exactly (no 0 / 0)
            out_type="indices", verbose=False, **_random_kwarg(seed),
        )  # fmt: skip
    significant = np.zeros(X.shape[1], bool)
    spans = []
    for (cluster,), p_value in zip(clusters, cluster_p, strict=True):
        spans.append((int(cluster.min()), int(cluster.max())))
        if p_value < alpha:
            significant[cluster] = True
    flips = 2 ** (n_subjects - (tail == 0))
    flipped = f"all {flips}" if n_permutations >= flips else f"{n_permutations}"
    settings = f"cluster-forming t = {threshold:.3g}, {flipped} sign flips"
    return ScoreTest(significant, "cluster", n_subjects, alpha, tail, spans,
                     np.asarray(cluster_p, float), settings)  # fmt: skip


def _fdr_test(X, *, alpha, tail):
    p_values = _t_p_values(X, tail)
    significant, adjusted = mne.stats.fdr_correction(p_values, alpha=alpha)
    spans = _runs(significant)
    best = np.array([adjusted[a : b + 1].min() for a, b in spans], float)
    settings = "one-sample t-tests, Benjamini-Hochberg FDR over time points"
    return ScoreTest(significant, "fdr", len(X), alpha, tail, spans, best, settings)


def _span(times, first, last):
    if first == last:
        return f"{times[first]:.3f} s"
    return f"{times[first]:.3f} to {times[last]:.3f} s"


def _runs(flags):
    """First and last index of each run of True values."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


SUBJECTS_HINT = (
    "pass per-subject scores shaped (n_subjects, n_folds, n_times) (folds are "
    "averaged within each subject), or (n_subjects, n_times) with data that has "
    "a 'subjects' axis of the same length"
)


def tested_scores(panel, score_stats, times, time_sel, *, alpha, seed,
                  guessed_dims=None):  # fmt: skip
    """Return the panel with its significant times, or refuse to test it.

    Parameters
    ----------
    panel : ScorePanel | None
        The score panel (None without scores).
    score_stats : None | 'cluster' | 'fdr'
        As in :func:`mne_coefanim.animate_coefs`.
    times : array, shape (n_all_times,)
        The data's times (all of them), for the log.
    time_sel : array of int
        The frames shown (after ``tmin``/``tmax``).
    alpha, seed
        The significance level and the permutations' seed.
    guessed_dims : tuple of str | None
        The default axis names the data's rows (that 2-D scores follow)
        were read with; not None refuses the test (they could be folds).

    Returns
    -------
    panel : ScorePanel | None
        With ``significant`` and ``significance`` set when tested.
    """
    if score_stats is None:
        return panel
    if not isinstance(score_stats, str) or score_stats not in SCORE_METHODS:
        raise ValueError(
            f"score_stats must be 'cluster', 'fdr' or None; got {score_stats!r}."
        )
    _check_testable(panel, score_stats)
    if guessed_dims is not None and panel.rows_are == "subjects":
        raise ValueError(unnamed_axes_message(
            f"score_stats={score_stats!r} (its {len(panel.rows)} rows of scores "
            f"taken as data's)", guessed_dims))  # fmt: skip
    # scipy.stats loads slowly: only when a test is asked for

    test = score_significance(panel.rows, panel.chance, method=score_stats,
                              alpha=alpha, seed=seed)  # fmt: skip
    log_score_test(test, times)
    significant = np.ascontiguousarray(test.significant[time_sel])
    return replace(panel, significant=significant, significance=test.label)


def _check_testable(panel, method):
    """Refuse what cannot be tested across subjects against chance."""
    asked = f"score_stats={method!r} tests per-subject scores against chance"
    if panel is None:
        raise ValueError(f"{asked}, but no scores were given; pass scores=.")
    if panel.matrix is not None:
        raise ValueError(
            f"{asked} along a score curve, but the scores are a generalization "
            "matrix. Test its diagonal: pass scores=np.diagonal(scores, "
            "axis1=-2, axis2=-1) (per subject) with score_matrix=False."
        )
    if panel.rows is None:  # a time-frequency map
        raise ValueError(
            f"{asked} along a score curve, but the scores are a time-frequency "
            "map; pass one frequency's per-subject scores, (n_subjects, n_folds, "
            "n_times), to test them."
        )
    if panel.chance is None:
        raise ValueError(
            f"{asked}, but the chance level is unknown (or chance=None): pass "
            "chance=<number>, or scoring= (e.g. 'roc_auc') for chance='auto'."
        )
    if panel.rows_are != "subjects" or len(panel.rows) < 2:
        raise ValueError(f"{asked}, but {_what_rows(panel)}; {SUBJECTS_HINT}.")


def _what_rows(panel):
    n_rows = len(panel.rows)
    if panel.rows_are is None or n_rows < 2:
        return "the scores are a single curve"
    if panel.rows_are == "folds of one subject":
        return (
            f"their {n_rows} rows are cross-validation folds of one subject. "
            f"{FOLDS_NOT_INDEPENDENT}a test across them marks pure noise as significant"
        )
    return (
        f"nothing says what their {n_rows} rows are (subjects, or folds of one subject)"
    )


# -- the peaks a sheet shows ----------------------------------------------------

MAX_PEAKS = 5  # as many as MNE's plot_joint shows at most
MIN_PROMINENCE = 0.3  # of the curve's range: a smaller bump is noise
PEAK_SPACING = 20  # peaks at least n_times // PEAK_SPACING frames apart
SMOOTHING = 1.0  # frames (a Gaussian's SD): finds bumps, does not place them


def find_peaks(curve, *, times=None, significant=None, max_peaks=MAX_PEAKS):
    """Frames of the curve's peaks that stand out, at most ``max_peaks``.

    Bumps are found on the curve seen through a Gaussian of ``SMOOTHING``
    frames' SD (one noisy frame is not a bump): a local maximum (not the
    first or last frame) rising at least ``MIN_PROMINENCE`` of the curve's
    range above the lowest point between it and any higher bump (its
    prominence), at least ``n_times // PEAK_SPACING`` frames from a higher
    one. Each bump's peak is then the sample where the curve itself (not
    smoothed) is highest within the bump (from the low point before it to
    the one after): a local maximum of the curve, at its exact time. It must
    also stand out from what the curve does without an effect:

    * with ``times`` reaching before 0 (a baseline) and after, it lies after
      0, above the curve's highest pre-stimulus value, and its bump rises by
      more than the pre-stimulus curve spans (its peak-to-peak);
    * with ``significant`` (``score_stats`` ran), the test found the curve
      above chance at that frame.

    The ``max_peaks`` highest are kept, in time order. When none qualifies
    (a flat curve, one rising to an end, or noise), the curve's maximum
    (after 0 when there is a baseline) is returned, and ``rule`` says so.

    Parameters
    ----------
    curve : array, shape (n_times,)
        The curve.
    times : array, shape (n_times,) | None
        The frames' times in seconds; None when unknown (sample indices).
    significant : array of bool, shape (n_times,) | None
        Where ``score_stats`` found the curve above chance; None without a
        test.
    max_peaks : int
        The most peaks returned.

    Returns
    -------
    frames : array of int
        The peaks' frames, in time order (at least one).
    rule : str
        What chose them, for the log and the sheet's note.
    """
    from scipy.ndimage import gaussian_filter1d
    from scipy.signal import find_peaks as local_maxima

    curve = np.asarray(curve, dtype=np.float64)
    spread = float(np.ptp(curve))
    if spread == 0:  # flat: no peak, every frame as high as any
        return np.array([0]), "a flat curve: no peak, its first frame"
    spacing = max(1, len(curve) // PEAK_SPACING)
    # which bumps are peaks: seen through one frame of smoothing (one noisy
    # frame is not a peak); where: the curve's own highest sample in the bump
    smooth = gaussian_filter1d(curve, SMOOTHING, mode="nearest")
    prominence = MIN_PROMINENCE * float(np.ptp(smooth))
    rules = [f"maxima of bumps rising {MIN_PROMINENCE:.0%} of the range"]
    allowed = np.ones(len(curve), bool)
    has_baseline = times is not None and times[0] < 0 <= times[-1]
    if has_baseline:  # what the curve does before anything happens
        before = times < 0
        prominence = max(prominence, float(np.ptp(smooth[before])))
        baseline = float(curve[before].max())
        allowed &= ~before & (curve > baseline)
        rules = [
            f"maxima of bumps rising {MIN_PROMINENCE:.0%} of the range and more "
            f"than the pre-stimulus spread, above the pre-stimulus maximum "
            f"({baseline:.3g})"
        ]  # fmt: skip
    bumps, _ = local_maxima(smooth, distance=spacing, prominence=prominence)
    peaks = np.unique([
        left + int(np.argmax(curve[left : right + 1]))
        for left, right in _bump_extents(smooth, bumps)
    ]).astype(int)  # fmt: skip
    if significant is not None:
        allowed &= np.asarray(significant, bool)
        rules.append("significant (score_stats)")
    peaks = peaks[allowed[peaks]]
    if not peaks.size:
        after = np.flatnonzero(times >= 0) if has_baseline else np.arange(len(curve))
        best = after[np.argmax(curve[after])]
        return np.array([best]), (
            f"no peak stands out ({', '.join(rules)}): the maximum is shown"
        )
    highest = peaks[np.argsort(curve[peaks], kind="stable")[::-1][:max_peaks]]
    return np.sort(highest), ", ".join(rules)


def _bump_extents(smooth, bumps):
    """Each bump's frames: from the low point before its top to the one after."""
    extents = []
    for top in bumps:
        left = top
        while left > 0 and smooth[left - 1] <= smooth[left]:
            left -= 1
        right = top
        while right < len(smooth) - 1 and smooth[right + 1] <= smooth[right]:
            right += 1
        extents.append((left, right))
    return extents
