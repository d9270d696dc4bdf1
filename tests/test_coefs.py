import dataclasses

import mne
import numpy as np
import pytest
from mne.decoding import (
    GeneralizingEstimator,
    LinearModel,
    Scaler,
    SlidingEstimator,
    Vectorizer,
    get_coef,
)
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler, Normalizer, RobustScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from mne_coefanim.inputs._coefs import CoefData, as_coef_data

N_EPOCHS, N_CHANNELS, N_TIMES = 40, 6, 5
TIMES = np.linspace(-0.1, 0.3, N_TIMES)


def make_epochs(seed=0, n_classes=2, erp_channel=None):
    """Noise epochs; channel 1 carries the class difference from time 1 on."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N_EPOCHS, N_CHANNELS, N_TIMES))
    y = np.arange(N_EPOCHS) % n_classes
    X[:, 1, 1:] += 2.0 * y[:, np.newaxis]
    if n_classes > 2:  # a second informative channel for the third class
        X[:, 2, 1:] += 2.0 * (y == 2)[:, np.newaxis]
    if erp_channel is not None:  # a large response shared by all classes
        X[:, erp_channel, 1:] += 20.0
    return X, y


def fit_sliding(X, y, *steps, model=None, cls=SlidingEstimator):
    model = (
        LinearModel(LogisticRegression(solver="liblinear")) if model is None else model
    )
    return cls(make_pipeline(*steps, model), verbose=False).fit(X, y)


@pytest.fixture(scope="module")
def info():
    """EEG Info without positions (the Evoked route does not need them)."""
    names = ["Fp1", "Fp2", "F3", "F4", "C3", "Cz", "C4", "P3", "Pz", "P4", "O1", "O2"]
    return mne.create_info(names, 100.0, "eeg")


@pytest.fixture(scope="module")
def epochs():
    return make_epochs()


@pytest.fixture(scope="module")
def sliding(epochs):
    return fit_sliding(*epochs, StandardScaler())


def scales(sliding):
    """Per-time StandardScaler scale_, shape (n_times, n_channels)."""
    return np.array([pipe[0].scale_ for pipe in sliding.estimators_])


# ------------------------------------------------------------------ arrays


def test_2d_array_defaults(rng):
    values = rng.standard_normal((N_TIMES, N_CHANNELS))
    coef = as_coef_data(values)
    assert_array_equal(coef.data, values)
    assert_array_equal(coef.times, np.arange(N_TIMES))
    assert (coef.ch_names, coef.kind, coef.units) == (None, "values", None)
    assert (coef.samples, coef.sample_dim, coef.transform) == (None, None, None)
    assert (coef.n_times, coef.n_channels) == (N_TIMES, N_CHANNELS)


def test_times_from_sfreq_and_tmin(rng):
    coef = as_coef_data(rng.standard_normal((4, 3)), sfreq=200.0, tmin=-0.01)
    assert_allclose(coef.times, [-0.01, -0.005, 0.0, 0.005])


def test_times_and_ch_names_attached(rng):
    names = ["Fz", "Cz", "Pz"]
    coef = as_coef_data(rng.standard_normal((4, 3)), times=TIMES[:4], ch_names=names)
    assert_array_equal(coef.times, TIMES[:4])
    assert coef.ch_names == names


def test_axis_order_by_name_matches_default(rng):
    blog = rng.standard_normal((3, 4, N_TIMES, N_CHANNELS))
    dims = ("subjects", "channels", "times", "folds")
    default = as_coef_data(blog, times=TIMES)
    named = as_coef_data(blog.transpose(0, 3, 2, 1), times=TIMES, dims=dims)
    assert_allclose(named.data, default.data)
    assert_allclose(named.samples, default.samples)
    assert_allclose(default.data, blog.mean(axis=(0, 1)))


def test_folds_averaged_within_subjects_then_subjects(rng):
    blog = rng.standard_normal((3, 4, N_TIMES, N_CHANNELS))
    coef = as_coef_data(blog)
    assert coef.sample_dim == "subjects"
    assert_allclose(coef.samples, blog.mean(axis=1))
    folds_only = as_coef_data(blog[0], dims=("folds", "times", "channels"))
    assert folds_only.sample_dim == "folds"
    assert_allclose(folds_only.samples, blog[0])


def test_3d_default_is_subjects(rng):
    values = rng.standard_normal((2, N_TIMES, N_CHANNELS))
    coef = as_coef_data(values)
    assert coef.sample_dim == "subjects"
    assert_allclose(coef.data, values.mean(axis=0))


def test_abs_is_applied_after_averaging():
    # two folds with opposite signs: abs of the mean is 0, mean of abs is 1
    folds = np.stack([np.ones((N_TIMES, N_CHANNELS)), -np.ones((N_TIMES, N_CHANNELS))])
    dims = ("folds", "times", "channels")
    coef = as_coef_data(folds, dims=dims, transform="abs")
    assert_allclose(coef.data, 0.0)
    assert_allclose(np.abs(folds).mean(axis=0), 1.0)  # the wrong order differs
    assert_allclose(coef.samples, folds)  # samples keep the sign
    assert coef.transform == "abs"


def test_zscore_per_time_across_channels(rng):
    values = rng.normal(5.0, 3.0, (N_TIMES, N_CHANNELS))
    values[2] = 0.7  # a constant time point gives zeros, not NaN
    coef = as_coef_data(values, transform="zscore")
    keep = np.arange(N_TIMES) != 2
    assert_allclose(coef.data[keep].mean(axis=1), 0.0, atol=1e-12)
    assert_allclose(coef.data[keep].std(axis=1), 1.0)
    assert_array_equal(coef.data[2], 0.0)
    expected = (values[0] - values[0].mean()) / values[0].std()
    assert_allclose(coef.data[0], expected)
    assert coef.units == "z"
    assert as_coef_data(values, transform="zscore", units="sd").units == "sd"


# ----------------------------------------------------------- estimators


def test_sliding_patterns_are_mne_patterns_without_the_mean(epochs, sliding):
    coef = as_coef_data(sliding, times=TIMES, ch_names=list("ABCDEF"))
    assert (coef.kind, coef.samples, coef.ch_names[0]) == ("patterns", None, "A")
    means = np.array([pipe[0].mean_ for pipe in sliding.estimators_])
    mne_inverse = get_coef(sliding, "patterns_", inverse_transform=True).T
    assert_allclose(coef.data, mne_inverse - means)
    scaled = get_coef(sliding, "patterns_").T * scales(sliding)
    assert_allclose(coef.data, scaled)


def test_sliding_filters_are_divided_by_scale(epochs, sliding):
    X, _ = epochs
    coef = as_coef_data(sliding, attr="filters_", times=TIMES)
    assert coef.kind == "filters"
    assert_allclose(coef.data, get_coef(sliding, "filters_").T / scales(sliding))
    # the filters act on raw data exactly as the pipeline does (up to a constant)
    decision = sliding.decision_function(X)  # (n_epochs, n_times)
    raw_scores = np.einsum("ect,tc->et", X, coef.data)
    assert_allclose(np.ptp(decision - raw_scores, axis=0), 0.0, atol=1e-9)


@pytest.mark.parametrize(
    "steps",
    [
        (),
        (StandardScaler(),),
        (make_pipeline(Scaler(scalings="mean"), Vectorizer()),),
        (RobustScaler(),),
        (MaxAbsScaler(),),
        (StandardScaler(), PCA(n_components=4)),
        (PCA(whiten=True),),
        (StandardScaler(), "passthrough"),
    ],
    ids=["none", "std", "mne-scaler", "robust", "maxabs", "pca4", "whiten", "pass"],
)
def test_patterns_are_haufe_patterns_of_raw_data(epochs, steps):
    # Haufe et al. 2014: patterns = cov(X) @ filters, in the data's own space
    X, y = epochs
    est = fit_sliding(X, y, *steps)
    patterns = as_coef_data(est).data
    filters = as_coef_data(est, attr="filters_").data
    for t in range(N_TIMES):
        assert_allclose(patterns[t], np.cov(X[:, :, t].T) @ filters[t], atol=1e-10)


def test_common_erp_does_not_look_like_a_pattern():
    # Channel 0 carries +20 in every epoch after onset (an ERP shared by both
    # classes, no class information); channel 1 carries the class difference.
    erp, informative = 0, 1
    X, y = make_epochs(seed=1, erp_channel=erp)  # ratio A/B <= 0.34 in 15 seeds
    est = fit_sliding(X, y, StandardScaler())
    ours = np.abs(as_coef_data(est).data[1:])  # after onset
    mne_inverse = np.abs(get_coef(est, "patterns_", inverse_transform=True).T[1:])
    assert np.all(ours[:, informative] > ours[:, erp])
    assert np.all(ours[:, erp] < 0.5 * ours[:, informative])
    assert np.all(ours.argmax(axis=1) == informative)
    # MNE adds the channel means back: the shared ERP dominates
    assert np.all(mne_inverse.argmax(axis=1) == erp)
    assert np.all(mne_inverse[:, erp] > 15)


def test_generalizing_estimator_diagonal_and_train_time(epochs, sliding):
    X, y = epochs
    gen = fit_sliding(X, y, StandardScaler(), cls=GeneralizingEstimator)
    diagonal = as_coef_data(gen, times=TIMES)
    assert_allclose(diagonal.data, as_coef_data(sliding, times=TIMES).data)
    one = as_coef_data(gen, times=TIMES, train_time=0.21)  # nearest: 0.2 s
    assert one.data.shape == (1, N_CHANNELS)
    assert_allclose(one.times, [0.2])
    assert_allclose(one.data[0], diagonal.data[3])


def test_multiclass_norm_and_class_idx():
    X, y = make_epochs(n_classes=3)
    model = LinearModel(LogisticRegression(solver="lbfgs"))
    est = fit_sliding(X, y, StandardScaler(), model=model)
    per_class = np.array(
        [pipe[-1].patterns_ * pipe[0].scale_ for pipe in est.estimators_]
    )  # (n_times, n_classes, n_channels)
    for class_idx in range(3):
        coef = as_coef_data(est, class_idx=class_idx)
        assert_allclose(coef.data, per_class[:, class_idx])
    norm = as_coef_data(est).data
    assert_allclose(norm, np.linalg.norm(per_class, axis=1))
    assert np.all(norm >= 0)


def test_list_of_fold_estimators(epochs, sliding):
    X, y = epochs
    halves = [slice(0, 20), slice(20, 40)]
    folds = [fit_sliding(X[half], y[half], StandardScaler()) for half in halves]
    coef = as_coef_data(folds, times=TIMES)
    singles = np.stack([as_coef_data(fold).data for fold in folds])
    assert coef.sample_dim == "folds"
    assert_allclose(coef.samples, singles)
    assert_allclose(coef.data, singles.mean(axis=0))
    abs_coef = as_coef_data(tuple(folds), transform="abs")
    assert_allclose(abs_coef.data, np.abs(singles.mean(axis=0)))
    # one list per subject: folds averaged within each subject first
    subjects = as_coef_data([folds, [sliding]], times=TIMES)
    assert subjects.sample_dim == "subjects"
    assert_allclose(subjects.samples[0], singles.mean(axis=0))
    assert_allclose(subjects.samples[1], as_coef_data(sliding).data)


def test_filters_from_plain_linear_model(epochs):
    X, y = epochs
    est = fit_sliding(
        X, y, StandardScaler(), model=LogisticRegression(solver="liblinear")
    )
    coef = as_coef_data(est, attr="filters_")
    raw = np.array([pipe[-1].coef_[0] / pipe[0].scale_ for pipe in est.estimators_])
    assert_allclose(coef.data, raw)


# ------------------------------------------------------ Evoked, CoefData


def test_evoked_route(info, rng):
    values = rng.standard_normal((len(info["ch_names"]), N_TIMES))
    evoked = mne.EvokedArray(values, info, tmin=-0.1, verbose=False)
    coef = as_coef_data(evoked)
    assert_array_equal(coef.data, values.T)
    assert_allclose(coef.times, evoked.times)
    assert coef.ch_names == info["ch_names"]
    assert (coef.kind, coef.units, coef.samples) == ("evoked", None, None)
    tutorial = as_coef_data(evoked, kind="patterns", units="a.u.")
    assert (tutorial.kind, tutorial.units) == ("patterns", "a.u.")


def test_coef_data_passthrough_and_transform(rng):
    coef = as_coef_data(rng.standard_normal((N_TIMES, N_CHANNELS)) - 5)
    assert as_coef_data(coef) is coef
    absolute = as_coef_data(coef, transform="abs")
    assert_allclose(absolute.data, np.abs(coef.data))
    assert absolute.transform == "abs"
    assert as_coef_data(absolute, transform="abs") is absolute
    with pytest.raises(ValueError, match="already transformed with 'abs'"):
        as_coef_data(absolute, transform="zscore")


def test_coef_data_is_frozen_and_read_only(rng):
    values = rng.standard_normal((N_TIMES, N_CHANNELS))
    coef = CoefData(values, TIMES)
    values[0, 0] = 99.0  # the caller's array is copied
    assert coef.data[0, 0] != 99.0
    assert not coef.data.flags.writeable
    with pytest.raises(dataclasses.FrozenInstanceError):
        coef.kind = "patterns"
    assert "5 times x 6 channels" in repr(coef)
    with pytest.raises(ValueError, match=r"CoefData.times must have shape \(5,\)"):
        CoefData(values, TIMES[:3])


# ----------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "shape, dims, match",
    [
        ((3, 5), ("subjects", "folds", "times", "channels"), "must be 4-D with dims"),
        ((5,), None, r"data must be 2-D \(n_times, n_channels\), 3-D"),
        ((5, 3), ("times", "sensors"), "dims may only contain"),
        ((5, 3), ("times", "times"), "dims must name each axis once"),
        ((5, 3), ("subjects", "channels"), "dims must contain 'times' and 'channels'"),
        ((0, 3), None, "data has 0 time points"),
    ],
)
def test_shape_and_dims_errors(shape, dims, match):
    with pytest.raises(ValueError, match=match):
        as_coef_data(np.zeros(shape), dims=dims)


def test_dims_type_error():
    with pytest.raises(TypeError, match="dims must be a tuple of axis names"):
        as_coef_data(np.zeros((5, 3)), dims="times")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(times=TIMES[:3]), r"times must have shape \(5,\)"),
        (dict(times=TIMES[::-1]), "strictly increasing"),
        (dict(times=TIMES, sfreq=100.0), "times and sfreq cannot both be given"),
        (dict(ch_names=["Fz"]), "ch_names must have one name per channel"),
        (dict(transform="log"), "transform must be one of None, 'abs', 'zscore'"),
        (dict(class_idx=0), "class_idx cannot be used when data is an array"),
    ],
)
def test_value_errors_for_arrays(kwargs, match):
    with pytest.raises(ValueError, match=match):
        as_coef_data(np.zeros((N_TIMES, N_CHANNELS)), **kwargs)


def test_non_finite_values_are_named():
    values = np.zeros((N_TIMES, 3))
    values[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN or inf in 1 channel\(s\) \(Cz\)"):
        as_coef_data(values, times=TIMES, ch_names=["Fz", "Cz", "Pz"])


@pytest.mark.parametrize(
    "data, match",
    [
        ({"a": 1}, "data must be an array-like, an mne.Evoked"),
        (np.array(["a", "b"]), "got an array of dtype <U1"),
        (make_pipeline(StandardScaler()), "wrap the pipeline: SlidingEstimator"),
        ([np.zeros(3), LogisticRegression()], "mixes fitted estimators"),
    ],
)
def test_type_errors(data, match):
    with pytest.raises(TypeError, match=match):
        as_coef_data(data)


def test_epochs_hint(info):
    epochs = mne.EpochsArray(np.zeros((2, 12, 3)), info, verbose=False)
    with pytest.raises(TypeError, match=r"epochs.average\(\)"):
        as_coef_data(epochs)


def test_unfitted_estimator():
    est = SlidingEstimator(make_pipeline(StandardScaler(), LinearModel()))
    with pytest.raises(RuntimeError, match=r"SlidingEstimator is not fitted; call"):
        as_coef_data(est)


def test_class_idx_out_of_range(sliding):
    with pytest.raises(ValueError, match=r"class_idx must be in 0..0 .* got 1"):
        as_coef_data(sliding, class_idx=1)


def test_train_time_out_of_range(sliding):
    with pytest.raises(ValueError, match="train_time must lie within"):
        as_coef_data(sliding, times=TIMES, train_time=2.0)


def test_folds_of_different_lengths(epochs, sliding):
    X, y = epochs
    shorter = fit_sliding(X[..., :3], y, StandardScaler())
    with pytest.raises(ValueError, match="same number of time points; got"):
        as_coef_data([sliding, shorter])


def test_non_linear_estimator(epochs):
    est = fit_sliding(*epochs, model=DecisionTreeClassifier(max_depth=1))
    with pytest.raises(ValueError, match=r"no coef_ \(not a linear model\)"):
        as_coef_data(est)


def test_patterns_need_linear_model(epochs):
    est = fit_sliding(
        *epochs, StandardScaler(), model=LogisticRegression(solver="liblinear")
    )
    with pytest.raises(ValueError, match="patterns_ are only computed by mne.deco"):
        as_coef_data(est)


def test_step_that_cannot_be_undone(epochs):
    est = fit_sliding(*epochs, Normalizer())
    with pytest.raises(ValueError, match="back through the pipeline step Normalizer"):
        as_coef_data(est)


@pytest.mark.parametrize(
    "make_data, kwargs",
    [
        (lambda info: mne.EvokedArray(np.zeros((12, 3)), info), dict(times=TIMES)),
        (lambda info: CoefData(np.zeros((3, 2)), TIMES[:3]), dict(ch_names=["a"])),
        (lambda info: np.zeros((3, 2)), dict(train_time=0.1)),
        (lambda info: np.zeros((3, 2)), dict(attr="filters_")),
    ],
    ids=["evoked-times", "coefdata-ch_names", "array-train_time", "array-attr"],
)
def test_parameters_that_do_not_apply(info, make_data, kwargs):
    (name,) = kwargs
    with pytest.raises(ValueError, match=f"{name} cannot be used when data is"):
        as_coef_data(make_data(info), **kwargs)


def test_dims_rejected_for_estimators(sliding):
    with pytest.raises(ValueError, match="dims cannot be used when data is an est"):
        as_coef_data(sliding, dims=("times", "channels"))


# ------------------------------------------------ trust: scale, norms, times


def _fit_c(C, X, y):
    model = LinearModel(LogisticRegression(C=C))
    return SlidingEstimator(make_pipeline(StandardScaler(), model), verbose=False).fit(
        X, y
    )


def test_normalized_patterns_do_not_follow_the_weights_scale():
    rng = np.random.default_rng(0)
    y = np.arange(400) % 2
    pattern = np.zeros(16)
    pattern[[3, 4, 5]] = [1.0, 2.0, 1.0]
    X = 1e-5 * rng.standard_normal((400, 16, 3))
    X += 0.8e-5 * pattern[:, np.newaxis] * (y - 0.5)[:, np.newaxis, np.newaxis]
    weak, strong = _fit_c(100.0, X, y), _fit_c(0.01, X, y)
    raw = [as_coef_data(est, verbose=False) for est in (weak, strong)]
    assert raw[0].units == "a.u."  # Σx W: not volts
    assert np.abs(raw[0].data).max() > 3 * np.abs(raw[1].data).max()
    normed = [
        as_coef_data(est, normalize_patterns=True, verbose=False)
        for est in (weak, strong)
    ]
    # the docstring's units: data units (V) per SD of the decoder output
    assert normed[0].units == "SI / SD"
    peak = np.abs(normed[0].data).max()
    assert np.abs(normed[0].data - normed[1].data).max() < 0.08 * peak
    # in volts per SD of the decoder output: the planted 0.8e-5 * 2 / 2 at
    # the peak channel, up to the noise the decoder output carries
    assert 0.5e-5 < peak < 1.5e-5


def test_normalized_patterns_errors(epochs, sliding):
    with pytest.raises(ValueError,
                       match=r"coef_params=dict\(normalize_patterns=True\) needs "
                       r"coef_params=dict\(attr='patterns_'\)"):
        as_coef_data(sliding, attr="filters_", normalize_patterns=True)
    with pytest.raises(ValueError, match="normalize_patterns cannot be used when"):
        as_coef_data(np.zeros((3, 4)), normalize_patterns=True)
    with pytest.raises(TypeError, match="normalize_patterns must be a bool"):
        as_coef_data(sliding, normalize_patterns="yes")


def test_class_norm_is_taken_after_averaging():
    """Null data, 3 classes, 4 folds: no noise floor from per-fold norms."""
    folds = []
    for seed in range(4):
        X, y = make_epochs(seed=seed, n_classes=3)
        X[:, 1:3] = np.random.default_rng(seed).standard_normal(X[:, 1:3].shape)
        folds.append(fit_sliding(X, y, StandardScaler(), model=LinearModel(
            LogisticRegression())))  # fmt: skip
    per_fold = np.array(
        [[as_coef_data(f, class_idx=k).data for k in range(3)] for f in folds]
    )  # (n_folds, n_classes, n_times, n_channels)
    coef = as_coef_data(folds)
    assert_allclose(coef.data, np.linalg.norm(per_fold.mean(axis=0), axis=0))
    mean_of_norms = np.linalg.norm(per_fold, axis=1).mean(axis=0)
    assert coef.data.mean() < 0.8 * mean_of_norms.mean()
    assert coef.reduction == "the norm across classes"
    assert coef.samples is None


def test_times_not_given_are_samples(rng):
    coef = as_coef_data(rng.standard_normal((5, 3)))
    assert coef.times_are_samples
    assert not as_coef_data(rng.standard_normal((5, 3)), sfreq=100.0).times_are_samples


def test_times_in_milliseconds_warn(rng):
    with pytest.warns(RuntimeWarning, match=r"times / 1e3"):
        as_coef_data(rng.standard_normal((5, 3)), times=np.arange(5) * 100.0)
