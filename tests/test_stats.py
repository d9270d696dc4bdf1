import mne
import numpy as np
import pytest
from conftest import make_info
from sklearn.linear_model import LinearRegression, LogisticRegression

from mne_coefanim.stats._agreement import patterns_from_filters
from mne_coefanim.stats._masks import significance_mask

N_SUBJECTS, N_TIMES = 15, 30
EFFECT_TIMES = slice(12, 19)
PRESTIM_TIMES = slice(0, 10)


def _posterior(info):
    """Channels behind the ear line (y < 0 in head coordinates)."""
    y = np.array([ch["loc"][1] for ch in info["chs"]])
    return y < 0


def _simulate(info, rng, *, effect=1.5, offset=0.0):
    """Per-subject maps: unit noise plus an effect on posterior channels."""
    samples = rng.standard_normal((N_SUBJECTS, N_TIMES, len(info["ch_names"])))
    samples[:, EFFECT_TIMES, _posterior(info)] += effect
    return samples + offset


@pytest.fixture
def info32():
    return make_info("biosemi32")


@pytest.fixture
def effect_data(info32, rng):
    return _simulate(info32, rng), info32


def _check_effect_found(mask, info, method="cluster"):
    posterior = _posterior(info)
    assert mask.shape == (N_TIMES, len(info["ch_names"]))
    assert mask.dtype == bool
    assert mask[EFFECT_TIMES][:, posterior].mean() > 0.9
    truth = np.zeros_like(mask)
    truth[EFFECT_TIMES, posterior] = True
    if method == "cluster":
        # family-wise control: no noise-only cluster, so nothing pre-stimulus
        # or long after; the effect's cluster may spill onto a few noise cells
        # next to it (in space or time) that passed the threshold by chance
        assert not mask[PRESTIM_TIMES].any()
        assert not mask[EFFECT_TIMES.stop + 2 :].any()
        assert (mask & ~truth).sum() < 0.1 * mask.sum()
    else:
        # FDR lets about alpha of the discoveries be false, anywhere
        assert (mask & ~truth).sum() <= 2 * 0.05 * mask.sum()
        assert mask[PRESTIM_TIMES].mean() < 0.03


@pytest.mark.parametrize("method", ["cluster", "fdr"])
def test_mask_finds_posterior_effect(effect_data, method):
    samples, info = effect_data
    mask = significance_mask(
        samples, info, method=method, n_permutations=50, seed=0, verbose=False
    )
    _check_effect_found(mask, info, method)


def test_cluster_mask_reproducible(effect_data):
    samples, info = effect_data
    kwargs = dict(n_permutations=50, verbose=False)
    first = significance_mask(samples, info, seed=3, **kwargs)
    again = significance_mask(samples, info, seed=3, **kwargs)
    other = significance_mask(samples, info, seed=4, **kwargs)
    np.testing.assert_array_equal(first, again)
    posterior = _posterior(info)
    np.testing.assert_array_equal(
        first[EFFECT_TIMES][:, posterior], other[EFFECT_TIMES][:, posterior]
    )
    _check_effect_found(other, info)
    # a Generator seeds it too
    from_generators = [
        significance_mask(samples, info, seed=np.random.default_rng(7), **kwargs)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(*from_generators)


def test_tfce_threshold(effect_data):
    samples, info = effect_data
    mask = significance_mask(
        samples,
        info,
        threshold=dict(start=0, step=1.0),
        n_permutations=50,
        seed=0,
        verbose=False,
    )
    _check_effect_found(mask, info)


@pytest.mark.parametrize("method", ["cluster", "fdr"])
def test_tail(effect_data, method):
    samples, info = effect_data
    kwargs = dict(method=method, n_permutations=50, seed=0, verbose=False)
    mask = significance_mask(samples, info, tail=1, **kwargs)
    _check_effect_found(mask, info, method)
    # the effect is positive: testing for a negative one finds nothing
    assert not significance_mask(samples, info, tail=-1, **kwargs).any()
    flipped = significance_mask(-samples, info, tail=-1, **kwargs)
    _check_effect_found(flipped, info, method)


@pytest.mark.parametrize("method", ["cluster", "fdr"])
def test_popmean(info32, rng, method):
    samples = _simulate(info32, rng, offset=0.5)  # e.g. AUC around chance
    kwargs = dict(method=method, n_permutations=50, seed=0, verbose=False)
    mask = significance_mask(samples, info32, popmean=0.5, **kwargs)
    np.testing.assert_array_equal(
        mask, significance_mask(samples - 0.5, info32, **kwargs)
    )
    _check_effect_found(mask, info32, method)
    # against 0 the offset itself is an effect, before the stimulus too
    against_zero = significance_mask(samples, info32, method="fdr", verbose=False)
    assert against_zero[PRESTIM_TIMES].any()


@pytest.mark.parametrize("method", ["cluster", "fdr"])
def test_flat_channel_not_marked(effect_data, method):
    samples, info = effect_data
    flat = int(np.flatnonzero(_posterior(info))[0])
    samples[:, :, flat] = 0.0  # e.g. the reference channel
    mask = significance_mask(
        samples, info, method=method, n_permutations=50, seed=0, verbose=False
    )
    assert not mask[:, flat].any()
    assert mask[EFFECT_TIMES][:, _posterior(info)].mean() > 0.85


def test_ch_type_picks_channels(effect_data):
    samples, eeg_info = effect_data
    names = eeg_info["ch_names"] + ["EOG1"]
    info = mne.create_info(names, 100.0, ["eeg"] * (len(names) - 1) + ["eog"])
    info.set_montage(mne.channels.make_standard_montage("biosemi32"))
    kwargs = dict(n_permutations=50, seed=0, verbose=False)
    np.testing.assert_array_equal(
        significance_mask(samples, info, ch_type="eeg", **kwargs),
        significance_mask(samples, eeg_info, **kwargs),
    )
    fdr = dict(method="fdr", verbose=False)
    np.testing.assert_array_equal(
        significance_mask(samples, info, ch_type="eeg", **fdr),
        significance_mask(samples, eeg_info, **fdr),
    )


def test_adjacency_template_reordered(effect_data, monkeypatch):
    """A template listing more channels, in another order, is aligned."""
    samples, info = effect_data
    kwargs = dict(n_permutations=50, seed=0, verbose=False)
    expected = significance_mask(samples, info, **kwargs)
    adjacency, names = mne.channels.find_ch_adjacency(info, None)
    order = np.arange(len(names))[::-1]
    template = adjacency[order][:, order].toarray()
    template = np.pad(template, ((0, 1), (0, 1)))  # one channel info lacks
    template_names = [names[i] for i in order] + ["EXTRA"]

    def fake_find_ch_adjacency(info, ch_type):
        from scipy import sparse

        return sparse.csr_array(template), template_names

    monkeypatch.setattr(mne.channels, "find_ch_adjacency", fake_find_ch_adjacency)
    np.testing.assert_array_equal(significance_mask(samples, info, **kwargs), expected)
    template_names[0] = "NOT_IN_INFO"
    with pytest.raises(ValueError, match="adjacency found by MNE lacks 1"):
        significance_mask(samples, info, **kwargs)


def test_unreachable_significance_warns(info32, rng):
    samples = _simulate(info32, rng)[:4]
    with pytest.warns(RuntimeWarning, match="smallest p-value .* is 0.125"):
        mask = significance_mask(samples, info32, seed=0, verbose=False)
    assert not mask.any()


# --- significance_mask errors ----------------------------------------------


@pytest.fixture
def small(biosemi_info, rng):
    return rng.standard_normal((8, 4, 64)), biosemi_info


def test_samples_ndim_error(small):
    samples, info = small
    with pytest.raises(ValueError, match=r"3-D with shape \(n_subjects, n_times"):
        significance_mask(samples[0], info)
    with pytest.raises(ValueError, match=r"average the folds first"):
        significance_mask(samples[:, np.newaxis], info)
    with pytest.raises(ValueError, match=r"np.stack\(per_subject_maps\)"):
        significance_mask(samples[0], info)


def test_samples_dtype_error(small):
    _, info = small
    with pytest.raises(TypeError, match="samples must be an array of real"):
        significance_mask(np.full((3, 4, 64), "a"), info)


def test_one_subject_error(small):
    samples, info = small
    with pytest.raises(ValueError, match="at least 2 subjects .* from 6 subjects"):
        significance_mask(samples[:1], info)


def test_nonfinite_error(small):
    samples, info = small
    samples[1, 2, 5] = np.nan
    with pytest.raises(ValueError, match=r"samples contains NaN .* \(F5\)"):
        significance_mask(samples, info)


def test_method_error(small):
    with pytest.raises(ValueError, match="method must be one of 'cluster', 'fdr'"):
        significance_mask(*small, method="tfce")


def test_alpha_errors(small):
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        significance_mask(*small, alpha=1.5)
    with pytest.raises(TypeError, match="alpha must be a number"):
        significance_mask(*small, alpha="0.05")


def test_tail_error(small):
    with pytest.raises(ValueError, match="tail must be one of -1, 0, 1"):
        significance_mask(*small, tail=2)


def test_popmean_error(small):
    with pytest.raises(TypeError, match="popmean must be a number"):
        significance_mask(*small, popmean=None)


def test_info_type_error(small):
    samples, info = small
    with pytest.raises(TypeError, match="info must be an instance of mne.Info"):
        significance_mask(samples, info["ch_names"])


def test_channel_count_error(small):
    samples, info = small
    with pytest.raises(ValueError, match="samples has 10 channels .* info has 64"):
        significance_mask(samples[:, :, :10], info)


def test_ch_type_error(small):
    with pytest.raises(ValueError, match="ch_type must be one of 'eeg'; got 'mag'"):
        significance_mask(*small, ch_type="mag")


def test_mixed_types_cluster_error(rng):
    info = make_info("biosemi64", 4)
    info.set_channel_types({info["ch_names"][0]: "eog"})
    samples = rng.standard_normal((8, 4, 4))
    with pytest.raises(ValueError, match="needs channels of a single type"):
        significance_mask(samples, info)


def test_positions_error(rng):
    info = mne.create_info(8, 100.0, "eeg")
    samples = rng.standard_normal((8, 4, 8))
    with pytest.raises(ValueError, match="needs channel positions .* 8 channel"):
        significance_mask(samples, info)
    # fdr has no use for positions
    assert significance_mask(samples, info, method="fdr").shape == (4, 8)


def test_n_permutations_errors(small):
    with pytest.raises(ValueError, match="n_permutations must be one of 'all'"):
        significance_mask(*small, n_permutations="many")
    with pytest.raises(ValueError, match="n_permutations must be >= 1"):
        significance_mask(*small, n_permutations=0)


def test_seed_error(small):
    with pytest.raises(TypeError, match="seed must be None, an int or a numpy"):
        significance_mask(*small, seed="abc")


# --- patterns_from_filters -------------------------------------------------


def _fit_per_time(X, y, model):
    """Fit LinearModel at each time: filters and patterns, (n_times, n_ch)."""
    filters, patterns = [], []
    for t in range(X.shape[2]):
        lm = mne.decoding.LinearModel(model).fit(X[:, :, t], y)
        filters.append(lm.filters_)
        patterns.append(lm.patterns_)
    return np.array(filters), np.array(patterns)


@pytest.fixture
def decoding_data(rng):
    n_epochs, n_channels, n_times = 80, 6, 5
    y = rng.integers(0, 2, n_epochs)
    mixing = rng.standard_normal((n_channels, n_channels))
    X = np.einsum("ij,ejt->eit", mixing, rng.standard_normal((80, 6, 5)))
    X += y[:, np.newaxis, np.newaxis] * rng.standard_normal((n_channels, n_times))
    return X, y


@pytest.mark.parametrize("model", [LinearRegression(), LogisticRegression()])
def test_patterns_match_linear_model(decoding_data, model):
    X, y = decoding_data
    filters, expected = _fit_per_time(X, y, model)
    patterns = patterns_from_filters(filters, X, verbose=False)
    assert patterns.shape == (X.shape[2], X.shape[1])
    np.testing.assert_allclose(patterns, expected, rtol=1e-10, atol=0)


def test_patterns_from_epochs(decoding_data):
    X, y = decoding_data
    info = mne.create_info(X.shape[1], 100.0, "eeg")
    epochs = mne.EpochsArray(X, info, verbose=False)
    filters, _ = _fit_per_time(X, y, LinearRegression())
    np.testing.assert_array_equal(
        patterns_from_filters(filters, epochs, verbose=False),
        patterns_from_filters(filters, X, verbose=False),
    )


def test_normalized_patterns_divide_by_output_sd(decoding_data):
    X, y = decoding_data
    filters, _ = _fit_per_time(X, y, LinearRegression())
    raw = patterns_from_filters(filters, X, verbose=False)
    normed = patterns_from_filters(filters, X, normalize_patterns=True, verbose=False)
    # sqrt(W^T Sigma_x W) per time, from an explicit covariance
    output_sd = np.sqrt([w @ np.cov(X[:, :, t].T) @ w for t, w in enumerate(filters)])
    np.testing.assert_allclose(normed * output_sd[:, np.newaxis], raw, rtol=1e-10)
    # the same whatever the filters' scale: a weaker penalty, another subject
    for scale in (1e-3, 7.0, 1e4):
        np.testing.assert_allclose(
            patterns_from_filters(
                filters * scale, X, normalize_patterns=True, verbose=False
            ),
            normed,
            rtol=1e-9,
        )
    bigger = patterns_from_filters(filters * 7.0, X, verbose=False)
    np.testing.assert_allclose(bigger, 7.0 * raw, rtol=1e-10)


def test_normalized_patterns_joint_for_several_outputs(rng):
    """Two outputs, each reading one source: A reconstructs X from both."""
    n_epochs, n_times = 4000, 2
    sources = rng.standard_normal((n_epochs, 2, n_times))
    mixing = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 2.0]])  # 3 channels
    X = np.einsum("cs,est->ect", mixing, sources)
    X += 0.01 * rng.standard_normal(X.shape)
    unmixing = np.linalg.pinv(mixing)  # (2 sources, 3 channels)
    filters = np.stack([unmixing * [[3.0], [0.5]]] * n_times)  # unequal scales
    normed = patterns_from_filters(filters, X, normalize_patterns=True, verbose=False)
    assert normed.shape == (n_times, 2, 3)
    # each output's pattern is its source's column of the mixing matrix times
    # the source's SD: the other output held fixed, whatever the filter scale
    for t in range(n_times):
        source_sd = sources[:, :, t].std(axis=0, ddof=1)
        np.testing.assert_allclose(normed[t].T, mixing * source_sd, atol=0.01)
    raw = patterns_from_filters(filters, X, verbose=False)
    np.testing.assert_allclose(raw[0, 0] / 3.0, normed[0, 0], atol=0.05)


def test_zero_filter_gives_zero_normalized_pattern(decoding_data):
    X, y = decoding_data
    filters, _ = _fit_per_time(X, y, LinearRegression())
    filters[2] = 0.0
    normed = patterns_from_filters(filters, X, normalize_patterns=True, verbose=False)
    np.testing.assert_array_equal(normed[2], 0.0)
    assert np.abs(normed[[0, 1, 3, 4]]).min(axis=1).max() > 0


def test_haufe_noise_channel(rng):
    """x1 = s + n, x2 = n: the filter uses x2, the pattern does not."""
    n_epochs, n_times = 2000, 3
    y = rng.standard_normal(n_epochs)
    signal = y[:, np.newaxis] * np.ones(n_times)
    noise = rng.standard_normal((n_epochs, n_times))
    X = np.stack([signal + noise, noise], axis=1)
    filters, _ = _fit_per_time(X, y, LinearRegression())
    patterns = patterns_from_filters(filters, X, verbose=False)
    w1, w2 = np.abs(filters).T
    a1, a2 = np.abs(patterns).T
    np.testing.assert_allclose(w2, w1, rtol=0.1)  # cancels the noise
    assert np.all(w2 > 0.5)
    assert np.all(a2 < 0.1 * a1)  # but it carries no signal


# --- patterns_from_filters errors ------------------------------------------


def test_filters_ndim_error(decoding_data):
    X, _ = decoding_data
    with pytest.raises(ValueError, match=r"filters must have shape \(n_times, n_c"):
        patterns_from_filters(np.zeros(6), X)
    with pytest.raises(ValueError, match="call patterns_from_filters once per fold"):
        patterns_from_filters(np.zeros((3, 5, 2, 6)), X)
    with pytest.raises(ValueError, match=r"must have shape \(5, n_outputs, 6\)"):
        patterns_from_filters(np.zeros((3, 5, 6)), X)


def test_filters_dtype_error(decoding_data):
    X, _ = decoding_data
    with pytest.raises(TypeError, match="filters must be an array of real"):
        patterns_from_filters(np.ones((5, 6), complex), X)


def test_X_ndim_error():
    with pytest.raises(ValueError, match=r"X must be 3-D with shape \(n_epochs"):
        patterns_from_filters(np.zeros((5, 6)), np.zeros((80, 6)))


def test_shape_mismatch_errors(decoding_data):
    X, _ = decoding_data
    with pytest.raises(ValueError, match=r"must have shape \(5, 6\)$|\(5, 6\)\.$"):
        patterns_from_filters(np.zeros((5, 7)), X)
    with pytest.raises(ValueError, match="filters looks transposed"):
        patterns_from_filters(np.zeros((6, 5)), X)


def test_too_few_epochs_error(decoding_data):
    X, _ = decoding_data
    with pytest.raises(ValueError, match="at least 2 epochs .* got 1"):
        patterns_from_filters(np.zeros((5, 6)), X[:1])


def test_nonfinite_data_errors(decoding_data):
    X, _ = decoding_data
    filters = np.ones((5, 6))
    filters[1, 2] = np.inf
    with pytest.raises(ValueError, match="filters contains NaN or inf"):
        patterns_from_filters(filters, X)
    X[3, 4, 0] = np.nan
    with pytest.raises(ValueError, match="X contains NaN or inf in 1 channel"):
        patterns_from_filters(np.ones((5, 6)), X)
