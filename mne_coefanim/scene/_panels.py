"""The score panel's data: a curve, a generalization matrix or a time-frequency map.

* **curve or matrix**: a generalization matrix (training x testing times) is
  recognised by its trailing axes, both of length ``n_times``, or by a
  :class:`~mne.decoding.GeneralizingEstimator` as data; a time-frequency map
  (``(n_freqs, n_times)``) only when ``freqs`` is given and nothing else
  fits, or ``score_matrix='freqs'`` says so.
* **the band**: mean +/- SEM, labelled with what it was computed across.
* **chance**: taken from what is known (the decoder's scoring and classes, a
  ``scoring`` argument, or a ``score_label`` naming a known score), or not
  drawn at all.
"""

from dataclasses import dataclass

import numpy as np
from mne.utils import logger

from .._checks import MAX_SCORE, as_float_array, check_type

# scoring names (scikit-learn's, and the words used for them) -> canonical
SCORING_ALIASES = {
    "roc_auc": "roc_auc", "roc_auc_ovr": "roc_auc", "roc_auc_ovo": "roc_auc",
    "roc_auc_ovr_weighted": "roc_auc", "roc_auc_ovo_weighted": "roc_auc",
    "auc": "roc_auc", "roc": "roc_auc", "accuracy": "accuracy", "acc": "accuracy",
    "balanced_accuracy": "balanced_accuracy", "r2": "r2", "r²": "r2",
    "pearson": "pearson", "pearson_r": "pearson", "pearsonr": "pearson", "r": "pearson",
}  # fmt: skip
SCORE_LABELS = {
    "roc_auc": "AUC", "accuracy": "Accuracy", "balanced_accuracy": "Balanced accuracy",
    "r2": "R²", "pearson": "Pearson r",
}  # fmt: skip
PER_CLASS = ("accuracy", "balanced_accuracy")  # chance is 1 / n_classes
FIXED_CHANCE = {"roc_auc": 0.5, "r2": 0.0, "pearson": 0.0}
CHANCE_HINT = (
    "pass score_params=dict(chance=<number>), or score_params=dict(scoring=<name>) "
    "with <name> one of 'roc_auc', 'accuracy', 'balanced_accuracy', 'r2', 'pearson' "
    "(with a fitted classifier as data for the accuracies' number of classes)"
)


@dataclass(frozen=True)
class ScorePanel:
    """A decoding score over time, drawn under the maps.

    ``mean`` is the curve (a generalization matrix's diagonal, or a
    time-frequency map's mean across its rows), ``low``/``high`` its band
    (mean -/+ SEM, ``band`` saying across what); ``rows`` (for
    ``score_stats``) are ``rows_are`` (``'subjects'``, ``'folds of one
    subject'``, ``'score rows'`` or None: one curve); ``significant`` is
    where the test found the score above chance (``significance`` says how);
    ``chance_note`` says when accuracy's chance 1 / n_classes assumes
    balanced classes. The curve keeps every sample, also with ``decim``.
    """

    mean: np.ndarray  # (n_samples,): every sample from tmin to tmax
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    chance: float | None = None  # a dashed line; None draws none
    label: str = "Score"  # the y-axis label, e.g. 'AUC'
    matrix: np.ndarray | None = None  # (n_train, n_test), instead of the curve
    band: str | None = None  # e.g. '± SEM across 8 subjects'
    tf_matrix: np.ndarray | None = None  # (n_freqs, n_times), instead of the curve
    tf_labels: tuple = ()  # each tf_matrix row's frequency, e.g. '8–12 Hz'
    rows: np.ndarray | None = None  # (n_rows, n_all_times), not cropped
    rows_are: str | None = None
    significant: np.ndarray | None = None  # (n_samples,) bool: the test's bar
    significance: str | None = None
    chance_note: str | None = None
    times: np.ndarray | None = None  # (n_samples,) the curve's times
    frames: np.ndarray | None = None  # (n_frames,) int: each frame's sample


def score_panel(scores, *, chance, score_label, scoring, score_matrix, decoder,
                sample_dim, n_samples, time_sel, n_times, freqs=None):  # fmt: skip
    """Build the score panel, cropped to ``time_sel``; None without scores.

    ``decoder`` (a DecoderFacts or None), ``sample_dim`` and ``n_samples``
    describe the animated data, to say what the scores' rows are; ``freqs``
    (a FreqAxis or None) its frequency rows, for a time-frequency map.
    """
    if scores is None:
        return None
    scores = as_float_array("scores", scores)
    _check_plottable(scores)
    if scoring is not None:
        check_type("score_params['scoring']", scoring, str,
                   "a str (a scikit-learn scoring name)")
    name = _scoring_name(scoring, decoder, score_label)
    label = SCORE_LABELS.get(name, "Score") if score_label is None else str(score_label)
    chance, chance_note = _chance(chance, name, decoder)
    said = dict(chance=chance, label=label, chance_note=chance_note)
    tf = tf_scores(scores, score_matrix, freqs, n_times=n_times, time_sel=time_sel,
                   sample_dim=sample_dim, n_samples=n_samples)  # fmt: skip
    if tf is not None:
        matrix, band = tf
        return ScorePanel(matrix.mean(axis=0), **said, band=band, tf_matrix=matrix,
                          tf_labels=tuple(freqs.labels))  # fmt: skip
    if _is_matrix(scores, score_matrix, decoder, n_times):
        matrix = _mean_matrix(scores, n_times)[np.ix_(time_sel, time_sel)]
        return ScorePanel(np.diag(matrix).copy(), **said,
                          matrix=matrix)  # fmt: skip
    # maps from one subject's decoders (no subjects axis): scores are its folds
    one_subject = sample_dim == "folds" or (decoder is not None and sample_dim is None)
    rows, what = _score_rows(scores, n_times, one_subject, sample_dim, n_samples)
    tested = dict(rows=rows, rows_are=what)  # all times, for score_stats
    shown = rows[:, time_sel]
    if len(shown) == 1:
        return ScorePanel(shown[0], **said, **tested)
    mean = shown.mean(axis=0)
    sem = shown.std(axis=0, ddof=1) / np.sqrt(len(shown))
    return ScorePanel(mean, mean - sem, mean + sem, **said,
                      band=f"± SEM across {len(rows)} {what}", **tested)  # fmt: skip


def _check_plottable(scores):
    if not np.isfinite(scores).all():
        raise ValueError("scores must be finite; got NaN or inf.")
    if scores.size and np.abs(scores).max() > MAX_SCORE:
        raise ValueError(
            f"scores must lie within +-{MAX_SCORE:g} for an axis to show them; "
            f"got {np.abs(scores).max():g}."
        )


# -- curve or matrix ----------------------------------------------------------


def _is_matrix(scores, score_matrix, decoder, n_times):
    if score_matrix is not None:
        check_type("score_params['matrix']", score_matrix, bool, "None, True or False")
        return score_matrix
    square = scores.ndim in (2, 3) and scores.shape[-2:] == (n_times, n_times)
    if not square or n_times == 1:
        return False
    generalizing = getattr(decoder, "generalizing", False)
    source = "a GeneralizingEstimator's" if generalizing else "the"
    logger.info(
        f"scores of shape {scores.shape} read as {source} generalization matrix "
        f"(training x testing times); pass score_params=dict(matrix=False) if "
        f"they are curves."
    )
    return True


def _mean_matrix(scores, n_times):
    """Return the (n_train, n_test) matrix, averaged over samples if any."""
    if scores.ndim == 3:
        scores = scores.mean(axis=0)
    if scores.shape != (n_times, n_times):
        raise ValueError(
            "with score_params=dict(matrix=True), scores must have shape "
            f"(n_times, n_times) or (n_samples, n_times, n_times) with "
            f"n_times={n_times}; got {scores.shape}."
        )
    return scores


# -- curve rows and what they are ---------------------------------------------


def _score_rows(scores, n_times, one_subject, sample_dim, n_samples):
    """Return rows (n_rows, n_times) and what they are (None: one curve)."""
    if scores.ndim not in (1, 2, 3) or scores.shape[-1] != n_times:
        raise ValueError(
            f"scores must have shape (n_times,), (n_samples, n_times) or "
            f"(n_subjects, n_folds, n_times) with n_times={n_times}; got "
            f"{scores.shape}."
        )
    if scores.ndim == 1:
        return scores[np.newaxis], None
    if scores.ndim == 3 and len(scores) > 1:  # folds averaged within subjects
        return scores.mean(axis=1), "subjects"
    rows = scores.reshape(-1, n_times)
    what = "folds of one subject" if scores.ndim == 3 or one_subject else None
    if what is None and sample_dim == "subjects" and n_samples == len(rows):
        what = "subjects"
    if what is None:
        what = "score rows"
        logger.info(
            f"The score band is the SEM across the {len(rows)} rows of scores; "
            "to say what they are, pass scores[:, np.newaxis] (subjects) or "
            "scores[np.newaxis] (folds of one subject), shaped (n_subjects, "
            "n_folds, n_times)."
        )
    return rows, what


# -- chance ---------------------------------------------------------------------


def _scoring_name(scoring, decoder, score_label):
    """Return the canonical name of the score, from the first source that tells."""
    for source in (scoring, getattr(decoder, "scoring", None), score_label):
        if source is not None:
            key = str(source).strip().lower().replace(" ", "_").replace("-", "_")
            return SCORING_ALIASES.get(key, key)
    return None


def _chance(chance, name, decoder):
    """Return the chance level and the panel's note on it (or None).

    ``chance`` was checked by the table's validator.
    """
    if chance is None or chance != "auto":
        return chance, None
    n_classes = getattr(decoder, "n_classes", None)
    if name in FIXED_CHANCE:
        value = FIXED_CHANCE[name]
    elif name in PER_CLASS and n_classes:
        value = 1.0 / n_classes
    else:
        need = " needs the number of classes" if name in PER_CLASS else " is unknown"
        logger.info(f"No chance line: the chance level of {name or 'these scores'}"
                    f"{need}; {CHANCE_HINT}.")  # fmt: skip
        return None, None
    classes = f" with {n_classes} classes" if name in PER_CLASS else ""
    logger.info(f"Chance level {value:.3g} ({name}{classes}); pass "
                f"score_params=dict(chance=...) to change it.")  # fmt: skip
    if name == "accuracy":  # 1 / n_classes
        return value, f"chance 1/{n_classes} if classes are balanced"
    return value, None


TF = "freqs"  # the value of score_matrix that names a time-frequency map


def tf_scores(scores, score_matrix, freqs, *, n_times, time_sel, sample_dim, n_samples):
    """Return the TF map of ``scores`` and what it averages, or None if not one.

    The map is (n_freqs shown, n_times shown); what it averages is a str
    (e.g. ``'mean across 5 folds of one subject'``) or None. ``freqs`` is the
    data's FreqAxis (or None); ``sample_dim`` and ``n_samples`` say what the
    animated data averages, to name what a 3-D ``scores`` is averaged across.
    """
    explicit = isinstance(score_matrix, str) and score_matrix == TF
    if isinstance(score_matrix, str) and not explicit:
        raise ValueError(
            f"score_params['matrix'] must be None, True, False or 'freqs'; got "
            f"{score_matrix!r}."
        )
    if explicit and freqs is None:
        raise ValueError(
            "score_params=dict(matrix='freqs') reads scores as a time-frequency "
            "map, which needs coef_params=dict(freqs=...) (the frequency of each "
            "row of scores) as well."
        )
    if freqs is None or not (explicit or score_matrix is None):
        return None
    shape, expected = scores.shape, (freqs.n_freqs, n_times)
    fits = len(shape) in (2, 3) and shape[-2:] == expected
    if explicit and not fits:
        raise ValueError(
            f"with score_params=dict(matrix='freqs'), scores must have shape (n_freqs, "
            f"n_times) or (n_samples, n_freqs, n_times) with (n_freqs, "
            f"n_times) = {expected}; got {shape}."
        )
    if not (explicit or (fits and _read_as_tf(shape, expected, n_samples))):
        return None
    matrix, band = scores, None
    if scores.ndim == 3:
        matrix = scores.mean(axis=0)
        what = sample_dim if len(scores) == n_samples and sample_dim else "maps"
        what = "folds of one subject" if what == sample_dim == "folds" else what
        band = f"mean across {len(scores)} {what}"
    return matrix[np.ix_(freqs.selected, time_sel)], band


def _read_as_tf(shape, expected, n_samples):
    """Tell whether auto-detection reads ``scores`` (of a TF map's shape) as one."""
    n_freqs, n_times = expected
    others = []
    if len(shape) == 3:
        others.append(
            "(n_subjects, n_folds, n_times) curves (score_params=dict(matrix=False))"
        )
    if n_freqs == n_times:
        others.append("a generalization matrix (score_params=dict(matrix=True))")
    if len(shape) == 2 and n_samples == n_freqs:
        others.append(
            f"one curve per each of the data's {n_samples} folds or subjects "
            "(score_params=dict(matrix=False))"
        )
    if others:
        raise ValueError(
            f"scores of shape {shape} could be a time-frequency map "
            f"(score_params=dict(matrix='freqs')) or {' or '.join(others)}; pass "
            "score_params=dict(matrix=...) to say which."
        )
    logger.info(
        f"scores of shape {shape} read as a time-frequency map ({n_freqs} "
        "frequencies x times); pass score_params=dict(matrix=False) if they are "
        "curves."
    )
    return True
