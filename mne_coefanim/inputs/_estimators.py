"""Fitted decoders as coefficients in data units, and frequency features.

Reads ``patterns_`` or ``filters_`` from the :class:`~mne.decoding.LinearModel`
of every fitted :class:`~mne.decoding.SlidingEstimator` (or
``GeneralizingEstimator``) of every fold and subject, optionally normalised
(Haufe's patterns of unit-variance outputs), maps them back through the
pipeline's scalers and PCA without adding offsets, and stacks them as
``(n_subjects, n_folds, n_times, n_rows, n_channels)``. A frequency axis
(maps per frequency or band) is split here too, from arrays or from a
decoder's ``(n_channels, n_freqs)`` features (flattened by
:class:`mne.decoding.Vectorizer` in C order: feature ``c * n_freqs + f``).
"""

import dataclasses

import numpy as np
from mne.utils import logger

from .._checks import check_int, check_real
from ._csp import align_maps, entries
from ._data import SUPPORTED_TYPES, DecoderFacts, _resolve_times


def _is_estimator(obj):
    return hasattr(obj, "fit") and hasattr(obj, "get_params")


def estimator_grid(data):
    """Return ``(subjects, has)``: estimators as lists (subjects) of folds, or None.

    ``data`` is an estimator, a list of them (folds) or a list of such lists
    (subjects); None when it holds no estimator, a TypeError when it mixes.
    """
    if _is_estimator(data):
        return [[data]], dict(subjects=False, folds=False)
    if not isinstance(data, list | tuple) or not data:
        return None
    # an estimator, or a non-empty list of them (an empty one: [None], none)
    flags = [all(map(_is_estimator, entries(item) or [None])) for item in data]
    if not any(flags):
        return None
    if not all(flags):
        raise TypeError(
            "data mixes fitted estimators with other objects; pass only "
            "estimators (one per fold), or lists of them (one list per subject)."
        )
    if all(_is_estimator(item) for item in data):
        return [list(data)], dict(subjects=False, folds=True)
    return [list(folds) for folds in data], dict(subjects=True, folds=False)


def _estimator_stack(
    data, times, sfreq, tmin, attr, class_idx, train_time, normalize, align=False
):
    """Coefficients of fitted sliding estimators as a 5-D stack.

    Returns ``(stack, has, times, extra)``: stack (subjects, folds, times,
    rows, channels), ``extra`` the CoefData's fields the decoder gives.
    """
    subjects, has = estimator_grid(data)
    flat = [est for folds in subjects for est in folds]
    times, are_samples = _resolve_times(times, sfreq, tmin, _check_sliding(flat))
    picked = slice(None)  # the models of every training time
    if train_time is not None:
        index = _train_time_index(train_time, times)
        picked, times = slice(index, index + 1), times[[index]]
    coefs = [
        [_sliding_coefs(est, attr, class_idx, picked, normalize) for est in folds]
        for folds in subjects
    ]
    _check_rows(coefs)
    if align:  # before any average: flipped folds would cancel in it
        counts = [len(folds) for folds in coefs]  # may differ between subjects
        maps = np.stack([fold for folds in coefs for fold in folds])
        has_folds = dict(has, folds=max(counts) > 1)
        maps = align_maps(maps, has_folds, align, len(coefs))
        coefs = np.split(maps, np.cumsum(counts)[:-1])
    if has["subjects"]:
        # average folds within each subject here: fold counts may differ
        stack = np.stack([np.mean(folds, 0) for folds in coefs])[:, None]
    else:
        stack = np.stack(coefs[0])[np.newaxis]
    decoder = _decoder_facts(flat[0])
    positive = _positive_class(decoder, stack.shape[3], class_idx, align)
    extra = dict(times_are_samples=are_samples, decoder=decoder, positive=positive)
    return stack, has, times, extra


def _check_rows(coefs):
    counts = {fold.shape[1] for folds in coefs for fold in folds}
    if len(counts) > 1:
        raise ValueError(
            f"all estimators in data must have the same number of coefficient "
            f"rows (classes); got {sorted(counts)}. Fit every fold on the same "
            f"classes, or pick one with coef_params=dict(class_idx=...)."
        )


def _decoder_facts(sliding):
    """Return the scoring and number of classes of a fitted sliding estimator."""
    # a pipeline exposes its final step's classes_; regressors have none
    classes = getattr(sliding.estimators_[0], "classes_", None)
    n_classes = None if classes is None else len(classes)
    scoring = sliding.scoring
    if scoring is None:  # the estimator's own score()
        scoring = "r2" if n_classes is None else "accuracy"
    elif not isinstance(scoring, str):
        scoring = None  # a callable or scorer: nothing known
    from mne.decoding import GeneralizingEstimator

    generalizing = isinstance(sliding, GeneralizingEstimator)
    names = None if classes is None else tuple(str(c) for c in classes)
    return DecoderFacts(scoring, n_classes, generalizing, names)


def _positive_class(decoder, n_rows, class_idx, aligned):
    """Index (into the classes) of the class positive values point to."""
    n_classes = decoder.n_classes
    if aligned or not n_classes or n_rows != 1:  # no sign, or a norm
        return None
    if n_classes == 2:  # one row: classes_[1] against classes_[0]
        return 1
    return None if class_idx is None else int(class_idx) % n_classes


def _check_sliding(estimators):
    """Check types and fit; return the common number of training times."""
    from mne.decoding import SlidingEstimator

    counts = set()
    for est in estimators:
        if not isinstance(est, SlidingEstimator):
            raise TypeError(
                f"data must be {SUPPORTED_TYPES}; got {type(est).__name__}. "
                f"For a time-resolved decoder wrap the pipeline: "
                f"SlidingEstimator(make_pipeline(StandardScaler(), "
                f"LinearModel(LogisticRegression())))."
            )
        if not hasattr(est, "estimators_"):
            raise RuntimeError(
                f"This {type(est).__name__} is not fitted; call .fit(X, y) first."
            )
        counts.add(len(est.estimators_))
    if len(counts) > 1:
        raise ValueError(
            f"all estimators in data must be fitted on the same number of time "
            f"points; got {sorted(counts)}. Fit every fold on the same epochs."
        )
    return counts.pop()


def _train_time_index(train_time, times):
    train_time = check_real("train_time", train_time)
    half_step = np.diff(times).max() / 2 if len(times) > 1 else 0.0
    if not times[0] - half_step <= train_time <= times[-1] + half_step:
        raise ValueError(
            f"train_time must lie within the training times ({times[0]:.3f} s "
            f"to {times[-1]:.3f} s); got {train_time} s."
        )
    index = int(np.argmin(np.abs(times - train_time)))
    logger.info(f"Using the model trained at {times[index]:.3f} s.")
    return index


def _sliding_coefs(sliding, attr, class_idx, picked, normalize):
    """Coefficients of one fitted sliding estimator, (n_times, n_rows, n_chans)."""
    models = sliding.estimators_[picked]
    return np.stack(
        [_model_coefs(model, attr, class_idx, normalize) for model in models]
    )


def _model_coefs(model, attr, class_idx, normalize):
    """Coefficients of one fitted pipeline, in data units, (n_rows, n_channels)."""
    steps = _flatten_steps(model)
    position, coefs = _linear_step(steps, attr)
    coefs = np.atleast_2d(np.asarray(coefs, dtype=np.float64))
    if normalize:
        coefs = _normalized_patterns(steps[position], coefs)
    for step in reversed(steps[:position]):
        coefs = _undo_step(step, coefs, attr)
    return _pick_rows(coefs, class_idx)


def _normalized_patterns(linear, patterns):
    """Haufe patterns of the standardised outputs, in the model's input space."""
    filters = np.atleast_2d(np.asarray(linear.filters_, dtype=np.float64))
    if len(filters) > 1 and not hasattr(linear, "classes_"):
        # LinearModel multiplies the patterns of a multi-output regression by
        # the targets' precision, which is not stored: W Σx Wᵀ is out of reach
        raise ValueError(
            "coef_params=dict(normalize_patterns=True) is not possible for a "
            "multi-output regression (its patterns_ include the targets' "
            "precision); pass coef_params=dict(normalize_patterns=False), or "
            "compute them from the epochs with "
            "mne_coefanim.patterns_from_filters(..., normalize_patterns=True)."
        )
    # the decoder outputs' covariance, W Σx Wᵀ, since patterns_ = W Σx
    return standardised_patterns(patterns, filters @ patterns.T)


def _flatten_steps(model):
    """List the steps of (nested) pipelines, dropping 'passthrough' steps."""
    if not hasattr(model, "steps"):
        return [model]
    return [
        inner
        for _, step in model.steps
        if step not in (None, "passthrough")
        for inner in _flatten_steps(step)
    ]


def _linear_step(steps, attr):
    """Return (position, coefficients) of the linear model in ``steps``."""
    from mne.decoding import LinearModel

    for position in range(len(steps) - 1, -1, -1):
        if isinstance(steps[position], LinearModel):
            return position, getattr(steps[position], attr)
    final = steps[-1]
    name = type(final).__name__
    if attr == "filters_" and hasattr(final, "coef_"):
        return len(steps) - 1, final.coef_
    if hasattr(final, "coef_"):
        reason, model = "patterns_ are only computed by mne.decoding.LinearModel", name
    else:
        # wrapping a non-linear model would not help: suggest a linear one
        reason, model = "it has no coef_ (not a linear model)", "LogisticRegression"
    raise ValueError(
        f"Cannot get {attr} from the final step {name}: {reason}. Wrap a "
        f"linear model in mne.decoding.LinearModel, e.g. make_pipeline("
        f"StandardScaler(), LinearModel({model}(...))), and fit again."
    )


def _undo_step(step, coefs, attr):
    """Map coefficients of a step's output back to its input (no offsets)."""
    from mne.decoding import Scaler, Vectorizer
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import MaxAbsScaler, RobustScaler, StandardScaler

    if isinstance(step, Vectorizer):
        return coefs  # a reshape; sliding estimators see (n_epochs, n_channels)
    if isinstance(step, StandardScaler | RobustScaler | MaxAbsScaler | Scaler):
        # MNE's Scaler wraps a StandardScaler / RobustScaler (scale_) or, for
        # channel-type scalings, an object dividing by std_.
        inner = step.scaler_ if isinstance(step, Scaler) else step
        scale = inner.scale_ if hasattr(inner, "scale_") else inner.std_
        if scale is None:  # e.g. StandardScaler(with_std=False)
            return coefs
        return coefs * scale if attr == "patterns_" else coefs / scale
    if isinstance(step, PCA):
        # z = M (x - mean) with M = components_ (/ sqrt(variance) if whitened)
        root_var = np.sqrt(step.explained_variance_)[:, np.newaxis]
        if not step.whiten:
            return coefs @ step.components_
        if attr == "patterns_":  # a_x = pinv(M) a_z = C.T sqrt(var) a_z
            return coefs @ (step.components_ * root_var)
        return coefs @ (step.components_ / root_var)  # w_x = M.T w_z
    raise ValueError(
        f"Cannot map {attr} back through the pipeline step "
        f"{type(step).__name__}: only StandardScaler, RobustScaler, "
        f"MaxAbsScaler, mne.decoding.Scaler, mne.decoding.Vectorizer and PCA "
        f"are supported before the LinearModel. Move other steps out of the "
        f"pipeline, or animate the coefficients in the transformed space by "
        f"passing an array."
    )


def _pick_rows(coefs, class_idx):
    """Keep the row ``class_idx`` of (n_rows, n_channels), or all of them."""
    n_rows = coefs.shape[0]
    if class_idx is not None:
        class_idx = check_int("class_idx", class_idx)
        if not 0 <= class_idx < n_rows:
            raise ValueError(
                f"class_idx must be in 0..{n_rows - 1} for this model with "
                f"{n_rows} row(s) of coefficients; got {class_idx}. Binary "
                f"models have a single row; use None for the norm across rows."
            )
        return coefs[[class_idx]]
    return coefs


RANK_TOL = 1e-10  # relative eigenvalue below which an output direction is void


def standardised_patterns(patterns, output_cov):
    """Haufe patterns of unit-variance outputs from patterns ``W Σx`` (rows: outputs).

    ``D (W Σx Wᵀ)⁺ W Σx``, ``D`` the outputs' SDs, ``output_cov = W Σx Wᵀ``.
    The pseudo-inverse handles dependent outputs (multinomial scores sum to
    zero); an output without variance gets a zero pattern.
    """
    output_cov = (output_cov + np.swapaxes(output_cov, -1, -2)) / 2
    sd = np.sqrt(np.clip(np.diagonal(output_cov, axis1=-2, axis2=-1), 0, None))
    inverse = np.linalg.pinv(output_cov, rcond=RANK_TOL, hermitian=True)
    return sd[..., np.newaxis] * (inverse @ patterns)


def decoder_feature_freqs(data):
    """Return n_freqs of a decoder whose Vectorizer saw (channels, freqs), else None."""
    subjects, _ = estimator_grid(data)
    fitted = [est for folds in subjects for est in folds if hasattr(est, "estimators_")]
    models = [est.estimators_[0] for est in fitted]  # the first pipeline of each
    shapes = {_feature_shape(_flatten_steps(model)) for model in models}
    if len(shapes) > 1:
        raise ValueError(
            f"all estimators in data must be fitted on features of the same "
            f"shape; their Vectorizers saw {sorted(map(str, shapes))}."
        )
    shape = shapes.pop() if shapes else None  # none fitted: _coefs explains
    return None if shape is None else shape[1]


def _feature_shape(steps):
    """``features_shape_`` of the pipeline's Vectorizer when 2-D, else None."""
    from mne.decoding import Vectorizer

    for position, step in enumerate(steps):
        if not isinstance(step, Vectorizer):
            continue
        shape = tuple(getattr(step, "features_shape_", ()))
        if len(shape) < 2:
            return None
        if len(shape) > 2:
            raise ValueError(
                f"the decoder's Vectorizer saw features of shape {shape}; only "
                f"(n_channels, n_freqs) can be shown as maps per frequency."
            )
        if position:  # a scaler before it would scale (channels, freqs) blocks
            names = ", ".join(type(s).__name__ for s in steps[:position])
            raise ValueError(
                f"the decoder's pipeline has {names} before its Vectorizer: "
                f"with (channels x freqs) features, put every step after the "
                f"Vectorizer, e.g. make_pipeline(Vectorizer(), StandardScaler(), "
                f"LinearModel(LogisticRegression()))."
            )
        return shape
    return None


def split_features(coef, n_freqs, axis):
    """One CoefData per frequency shown, from (channels x freqs) features."""
    n_features = coef.n_channels
    if n_features % n_freqs:
        raise ValueError(
            f"the decoder has {n_features} features, not a multiple of its "
            f"{n_freqs} frequencies."
        )
    if n_freqs != axis.n_freqs:
        raise ValueError(
            f"freqs must give one value per frequency of the decoder's "
            f"features: its Vectorizer saw (n_channels, n_freqs) = "
            f"({n_features // n_freqs}, {n_freqs}), freqs has {axis.n_freqs}."
        )
    parts = []
    for k in axis.selected:  # C order: feature c * n_freqs + k
        columns = np.arange(k, n_features, n_freqs)
        samples = None if coef.samples is None else coef.samples[..., columns]
        names = None if coef.ch_names is None else coef.ch_names[k::n_freqs]
        parts.append(
            dataclasses.replace(
                coef, data=coef.data[:, columns], samples=samples, ch_names=names
            )
        )
    return parts
