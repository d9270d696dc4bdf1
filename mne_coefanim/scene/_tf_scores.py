"""A time-frequency score map: scores per frequency (or band) and time.

Decoding per frequency band and time window (MNE's CSP time-frequency
tutorial, mne-bids-pipeline) gives scores of shape ``(n_freqs, n_times)``.
Such an array has the shape of a generalization matrix when ``n_freqs ==
n_times``, and of one score curve per fold or subject when ``n_freqs`` equals
their number; it is read as a time-frequency map only when ``freqs`` is given
and nothing else fits, or when ``score_matrix='freqs'`` says so.
"""

from typing import NamedTuple

import numpy as np
from mne.utils import logger

TF = "freqs"  # the value of score_matrix that names a time-frequency map


class TFScores(NamedTuple):
    """The time-frequency scores shown, and what they average."""

    matrix: np.ndarray  # (n_freqs shown, n_times shown)
    band: str | None  # e.g. 'mean across 5 folds of one subject', or None


def tf_scores(scores, score_matrix, freqs, *, n_times, time_sel, sample_dim, n_samples):
    """Return the TF map of ``scores``, or None when they are not one.

    ``freqs`` is the data's FreqAxis (or None); ``sample_dim`` and
    ``n_samples`` say what the animated data averages, to name what a 3-D
    ``scores`` is averaged across.
    """
    explicit = isinstance(score_matrix, str) and score_matrix == TF
    if isinstance(score_matrix, str) and not explicit:
        raise ValueError(
            f"score_matrix must be None, True, False or 'freqs'; got {score_matrix!r}."
        )
    if explicit and freqs is None:
        raise ValueError(
            "score_matrix='freqs' reads scores as a time-frequency map, which "
            "needs freqs= (the frequency of each row of scores) as well."
        )
    if freqs is None or not (explicit or score_matrix is None):
        return None
    shape, expected = scores.shape, (freqs.n_freqs, n_times)
    if explicit:
        _check_tf_shape(shape, expected)
    elif not _read_as_tf(shape, expected, n_samples):
        return None
    matrix, band = scores, None
    if scores.ndim == 3:
        matrix = scores.mean(axis=0)
        what = sample_dim if len(scores) == n_samples and sample_dim else "maps"
        band = f"mean across {len(scores)} {_plural(what, sample_dim)}"
    return TFScores(matrix[np.ix_(freqs.selected, time_sel)], band)


def _plural(what, sample_dim):
    if what == "folds" and sample_dim == "folds":
        return "folds of one subject"
    return what


def _check_tf_shape(shape, expected):
    if len(shape) not in (2, 3) or shape[-2:] != expected:
        raise ValueError(
            f"with score_matrix='freqs', scores must have shape (n_freqs, "
            f"n_times) or (n_samples, n_freqs, n_times) with (n_freqs, "
            f"n_times) = {expected}; got {shape}."
        )


def _read_as_tf(shape, expected, n_samples):
    """Tell whether auto-detection reads ``scores`` as a TF map; refuse doubt."""
    if len(shape) not in (2, 3) or shape[-2:] != expected:
        return False
    n_freqs, n_times = expected
    others = []
    if len(shape) == 3:
        others.append("(n_subjects, n_folds, n_times) curves (score_matrix=False)")
    if n_freqs == n_times:
        others.append("a generalization matrix (score_matrix=True)")
    if len(shape) == 2 and n_samples == n_freqs:
        others.append(
            f"one curve per each of the data's {n_samples} folds or subjects "
            "(score_matrix=False)"
        )
    if others:
        raise ValueError(
            f"scores of shape {shape} could be a time-frequency map "
            f"(score_matrix='freqs') or {' or '.join(others)}; pass "
            "score_matrix= to say which."
        )
    logger.info(
        f"scores of shape {shape} read as a time-frequency map ({n_freqs} "
        "frequencies x times); pass score_matrix=False if they are curves."
    )
    return True
