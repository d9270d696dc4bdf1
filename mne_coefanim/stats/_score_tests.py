"""``score_stats``: is the decoding score above chance, and when.

:func:`score_significance` tests per-subject score curves against the chance
level at every time point, corrected either with a temporal cluster
permutation test (:func:`mne.stats.permutation_cluster_1samp_test`, as
mne-bids-pipeline tests its group decoding scores) or with the
Benjamini-Hochberg FDR over the time points. :func:`tested_scores` applies
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
