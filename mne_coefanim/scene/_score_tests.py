"""``score_stats``: is the decoding score above chance, and when.

The score panel's per-subject curves are tested against the chance level
with :func:`~mne_coefanim.stats._score_stats.score_significance`, under the
rules of the maps' significance masks (:mod:`._masks`):

* only subjects are independent samples: scores whose rows are the folds
  of one subject (they share most of their training epochs), a single
  curve, or rows nobody said are subjects are refused, saying what to pass;
* there must be something to test against: a known chance level;
* the test covers the data's whole time range, whatever ``tmin`` and
  ``tmax`` crop from the display.
"""

from dataclasses import replace

import numpy as np

from ._masks import unnamed_axes_message

SCORE_METHODS = ("cluster", "fdr")
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
    from ..stats._score_stats import log_score_test, score_significance

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
            f"their {n_rows} rows are cross-validation folds of one subject. Folds "
            "are not independent samples (they share most of their training "
            "epochs), so a test across them marks pure noise as significant"
        )
    return (
        f"nothing says what their {n_rows} rows are (subjects, or folds of one subject)"
    )
