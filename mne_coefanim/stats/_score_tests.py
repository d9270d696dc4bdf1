"""One-sample tests across subjects (shared by the masks), ``score_stats``, peaks.

:func:`score_significance` tests per-subject score curves against chance
at every time point, corrected by a temporal cluster permutation test (as
mne-bids-pipeline tests its group decoding scores) or the FDR;
:func:`tested_scores` applies it to the score panel under the masks' rules
(only subjects are independent samples; a known chance level; the data's
whole time range). :func:`find_peaks` picks a curve's peaks for a sheet.
"""

import inspect
import warnings
from dataclasses import dataclass, replace
from numbers import Integral

import mne
import numpy as np
from mne.utils import logger, warn

from .._checks import check_int, check_option, check_real
from ._agreement import FOLDS_NOT_INDEPENDENT, unnamed_axes_message

# MNE's automatic cluster-forming threshold is a t value at this p (halved
# when two-sided); we mirror it when we supply our own t statistic.
_CLUSTER_FORMING_P = 0.05


def _check_n_permutations(n_permutations):
    if isinstance(n_permutations, str):
        return check_option("n_permutations", n_permutations, ("all",))
    return check_int("n_permutations", n_permutations, minimum=1)


def _t_values(X):
    """One-sample t of ``X`` against 0 along the first axis; 0 where flat."""
    mean = X.mean(axis=0)
    sem = np.sqrt(X.var(axis=0, ddof=1) / X.shape[0])
    return np.divide(mean, sem, out=np.zeros_like(mean), where=sem > 0)


def _t_p_values(X, tail):
    """One-sample t-test p-values against 0 along the first axis (tail: -1, 0, 1)."""
    from scipy import stats  # loads slowly: only when a test runs

    t_values, df = _t_values(X), X.shape[0] - 1
    if tail == 0:
        return 2 * stats.t.sf(np.abs(t_values), df)
    return stats.t.sf(tail * t_values, df)  # tail -1: sf(-t) is cdf(t)


def _default_threshold(n_subjects, tail):
    """MNE's automatic threshold, which it only computes for its own t."""
    from scipy import stats

    p_threshold = _CLUSTER_FORMING_P / (2 if tail == 0 else 1)
    threshold = stats.t.isf(p_threshold, n_subjects - 1)
    return -threshold if tail == -1 else threshold


def cluster_significance(X, *, alpha, tail, threshold, n_permutations, seed,
                         unreachable, **kwargs):  # fmt: skip
    """Run MNE's sign-flip cluster test of ``X`` against 0 with our t.

    ``unreachable`` is the warning (``n``, ``p``, ``needed`` filled) when no
    p-value can fall below ``alpha``; ``kwargs`` go to
    :func:`mne.stats.permutation_cluster_1samp_test` (e.g. the channel
    ``adjacency``). Returns the cells of the clusters with p < ``alpha``, the
    cluster-forming threshold, the clusters (index tuples) and their p-values.
    """
    random_kwarg = _random_kwarg(seed)
    smallest = _smallest_p(len(X), n_permutations, tail)
    if smallest >= alpha:
        warn(unreachable.format(n=len(X), p=smallest,
                                needed=_subjects_needed(alpha, tail)))  # fmt: skip
    if threshold is None:
        threshold = _default_threshold(len(X), tail)
    # our t handles flat cells (MNE's default divides by 0 there); index tuples
    # rather than masks: one full-size mask per cluster would cost n_tests**2
    # booleans with TFCE
    _, clusters, cluster_p, _ = mne.stats.permutation_cluster_1samp_test(
        X, threshold=threshold, n_permutations=n_permutations, tail=tail,
        stat_fun=_t_values, out_type="indices", **random_kwarg, **kwargs,
    )  # fmt: skip
    significant = np.zeros(X.shape[1:], bool)
    for cluster, p_value in zip(clusters, cluster_p, strict=True):
        if p_value < alpha:
            significant[cluster] = True
    return significant, threshold, clusters, np.asarray(cluster_p, float)


def _random_kwarg(seed):
    """Pass the seed the way this MNE wants it (``rng`` replaced ``seed``)."""
    if seed is not None and not isinstance(seed, Integral | np.random.Generator):
        raise TypeError(
            "seed must be None, an int or a numpy.random.Generator; "
            f"got {type(seed).__name__}."
        )
    params = inspect.signature(mne.stats.permutation_cluster_1samp_test)
    if "rng" in params.parameters:
        return {"rng": np.random.default_rng(seed)}
    return {"seed": seed}


def _smallest_p(n_subjects, n_permutations, tail):
    """Return the smallest p-value MNE's sign-flip cluster test can give.

    With every flip (an exact test), MNE's one-tailed test counts the data's
    own signs twice (its list of flips holds them, and leaves out the flip
    of every subject), so that its p-values are at least ``2 / 2**n``.
    """
    n_flips = 2 ** (n_subjects - (tail == 0))
    if n_permutations == "all" or n_permutations >= n_flips:
        return (1 if tail == 0 else 2) / n_flips
    return 1 / n_permutations


def _subjects_needed(alpha, tail):
    """Fewest subjects whose sign flips can give a p-value below alpha."""
    n_subjects = 2
    while _smallest_p(n_subjects, "all", tail) >= alpha:
        n_subjects += 1
    return n_subjects


def _check_alpha(alpha):
    alpha = check_real("alpha", alpha)
    if not 0 < alpha < 1:
        raise ValueError(
            f"alpha must be between 0 and 1 (exclusive), got {alpha}; e.g. alpha=0.05."
        )
    return alpha


SCORE_METHODS = ("cluster", "fdr")
TAIL_WORDS = {1: "above chance", 0: "different from chance", -1: "below chance"}


@dataclass(frozen=True)
class ScoreTest:
    """The outcome of a test of score curves against chance.

    ``clusters`` holds each cluster's (``'fdr'``: each run of significant
    time points') first and last time index, ``p_values`` its permutation
    p-value (``'fdr'``: the run's smallest adjusted p-value).
    """

    significant: np.ndarray  # (n_times,) bool
    method: str  # 'cluster' | 'fdr'
    n_subjects: int
    alpha: float
    tail: int  # 1: score > chance, -1: score < chance, 0: both
    clusters: list
    p_values: np.ndarray
    settings: str  # how the test was run, for the log

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
            f"score_params=dict(stats={self.method!r}): scores "
            f"{TAIL_WORDS[self.tail]} across {self.n_subjects} subjects at "
            f"{len(times)} time points ({self.settings}, alpha={self.alpha:g}); "
            f"{unit}: {listing}; "
            f"{int(self.significant.sum())} time points significant."
        )


def score_significance(rows, chance, *, method="cluster", alpha=0.05, tail=1,
                       n_permutations=1024, threshold=None, seed=None):  # fmt: skip
    """Test per-subject score curves against chance at every time point.

    ``rows`` (n_subjects, n_times) hold one curve per subject (folds
    averaged), ``chance`` the score under the null hypothesis (e.g. 0.5 for
    ROC AUC). ``method`` corrects for the many time points at ``alpha`` (of
    each cluster's p-value, or the FDR); ``tail`` 1 asks whether the score
    is above chance, 0 whether it differs from it. ``'cluster'`` flips signs
    ``n_permutations`` times (an int or 'all'; exact when at least ``2 **
    n_subjects``) from ``seed`` (None, an int or a Generator), with the
    cluster-forming t ``threshold`` (None: MNE's default, t at p < 0.05,
    one-sided for ``tail=1``, with ``n_subjects - 1`` degrees of freedom).
    Returns the :class:`ScoreTest`: the significant time points, with the
    clusters' p-values.
    """
    alpha = _check_alpha(alpha)  # method: checked by tested_scores
    centred = np.asarray(rows, float) - float(chance)
    if method == "fdr":
        return _fdr_test(centred, alpha=alpha, tail=tail)
    return _cluster_test(
        centred, alpha=alpha, tail=tail, threshold=threshold, seed=seed,
        n_permutations=_check_n_permutations(n_permutations),
    )  # fmt: skip


def _cluster_test(X, *, alpha, tail, threshold, seed, n_permutations):
    n_subjects = len(X)
    if n_permutations == "all":  # every flip: MNE's exact test
        n_permutations = 2**n_subjects
    unreachable = (
        f"score_params=dict(stats='cluster') with {{n}} subjects can reach p = "
        f"{{p:.3g}} at best, not below alpha={alpha}: no time point can be "
        "significant. It needs at least {needed} subjects; or use "
        "score_params=dict(stats='fdr')."
    )
    with warnings.catch_warnings():  # no cluster at all: said in the log
        warnings.filterwarnings("ignore", "No clusters found", RuntimeWarning)
        significant, threshold, clusters, cluster_p = cluster_significance(
            X, alpha=alpha, tail=tail, threshold=threshold, seed=seed,
            n_permutations=n_permutations, unreachable=unreachable, verbose=False,
        )  # fmt: skip
    spans = [(int(cluster.min()), int(cluster.max())) for (cluster,) in clusters]
    flips = 2 ** (n_subjects - (tail == 0))
    flipped = f"all {flips}" if n_permutations >= flips else f"{n_permutations}"
    settings = f"cluster-forming t = {threshold:.3g}, {flipped} sign flips"
    return ScoreTest(significant, "cluster", n_subjects, alpha, tail, spans,
                     cluster_p, settings)  # fmt: skip


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
    from scipy import ndimage

    runs = ndimage.find_objects(ndimage.label(flags)[0])
    return [(run.start, run.stop - 1) for (run,) in runs]


SUBJECTS_HINT = (
    "pass per-subject scores shaped (n_subjects, n_folds, n_times) (folds are "
    "averaged within each subject), or (n_subjects, n_times) with data that has "
    "a 'subjects' axis of the same length"
)


def tested_scores(panel, score_stats, times, time_sel, *, alpha, seed,
                  guessed_dims=None):  # fmt: skip
    """Return the panel with its significant times, or refuse to test it.

    ``times`` are all the data's times (for the log), ``time_sel`` the
    frames shown; ``guessed_dims``, the default axis names the data's rows
    (that 2-D scores follow) were read with, refuses the test (they could
    be folds).
    """
    if score_stats is None:
        return panel
    if not isinstance(score_stats, str) or score_stats not in SCORE_METHODS:
        raise ValueError(
            f"score_params['stats'] must be 'cluster', 'fdr' or None; got "
            f"{score_stats!r}."
        )
    _check_testable(panel, score_stats)
    if guessed_dims is not None and panel.rows_are == "subjects":
        raise ValueError(unnamed_axes_message(
            f"score_params=dict(stats={score_stats!r}) (its {len(panel.rows)} "
            f"rows of scores taken as data's)", guessed_dims))  # fmt: skip
    test = score_significance(panel.rows, panel.chance, method=score_stats,
                              alpha=alpha, seed=seed)  # fmt: skip
    logger.info(test.describe(np.asarray(times)))
    significant = np.ascontiguousarray(test.significant[time_sel])
    return replace(panel, significant=significant, significance=test.label)


def _check_testable(panel, method):
    """Refuse what cannot be tested across subjects against chance."""
    asked = (f"score_params=dict(stats={method!r}) tests per-subject scores "
             "against chance")
    if panel is None:
        raise ValueError(f"{asked}, but no scores were given; pass scores=.")
    if panel.matrix is not None:
        raise ValueError(
            f"{asked} along a score curve, but the scores are a generalization "
            "matrix. Test its diagonal: pass scores=np.diagonal(scores, "
            "axis1=-2, axis2=-1) (per subject) with "
            "score_params=dict(matrix=False)."
        )
    if panel.rows is None:  # a time-frequency map
        raise ValueError(
            f"{asked} along a score curve, but the scores are a time-frequency "
            "map; pass one frequency's per-subject scores, (n_subjects, n_folds, "
            "n_times), to test them."
        )
    if panel.chance is None:
        raise ValueError(
            f"{asked}, but the chance level is unknown (or "
            "score_params=dict(chance=None)): pass "
            "score_params=dict(chance=<number>), or "
            "score_params=dict(scoring=<name>) (e.g. 'roc_auc') for chance='auto'."
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
    ``times`` are in seconds (None: unknown, sample indices). Returns the
    peaks' frames (at least one, in time order) and ``rule``, what chose
    them, for the log and the sheet's note.
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
    rule = f"maxima of bumps rising {MIN_PROMINENCE:.0%} of the range"
    allowed = np.ones(len(curve), bool)
    has_baseline = times is not None and times[0] < 0 <= times[-1]
    if has_baseline:  # what the curve does before anything happens
        before = times < 0
        prominence = max(prominence, float(np.ptp(smooth[before])))
        baseline = float(curve[before].max())
        allowed &= ~before & (curve > baseline)
        rule += (
            " and more than the pre-stimulus spread, above the pre-stimulus "
            f"maximum ({baseline:.3g})"
        )
    rules = [rule]
    bumps, _ = local_maxima(smooth, distance=spacing, prominence=prominence)
    peaks = np.unique([
        left + int(np.argmax(curve[left : right + 1]))
        for left, right in _bump_extents(smooth, bumps)
    ]).astype(int)  # fmt: skip
    if significant is not None:
        allowed &= np.asarray(significant, bool)
        rules.append("significant (score_params['stats'])")
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
    step = np.diff(smooth)
    # low points: where the curve rises again, leftward (before) or rightward
    before = np.concatenate([[0], np.flatnonzero(step < 0) + 1])
    after = np.concatenate([np.flatnonzero(step > 0), [len(smooth) - 1]])
    lefts = before[np.searchsorted(before, bumps, "right") - 1]
    return zip(lefts, after[np.searchsorted(after, bumps)], strict=True)
