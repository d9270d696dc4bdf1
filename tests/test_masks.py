"""Significance masks in animations: across subjects only, whatever is shown."""

import mne
import numpy as np
import pytest
from mne.decoding import LinearModel, SlidingEstimator
from mne.utils import catch_logging
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import mne_coefanim as mc

FAST = dict(res=32, dpi=40, show=False, verbose=False)
N_TIMES = 12
TIMES = np.linspace(-0.1, 0.45, N_TIMES)
DIMS = ("subjects", "times", "channels")


def _planted(rng, n_subjects, info, effect=1.5):
    """Null samples, plus an effect on the occipital channels from 0.1 s on."""
    samples = rng.standard_normal((n_subjects, N_TIMES, len(info.ch_names)))
    occipital = [info.ch_names.index(name) for name in ("O1", "Oz", "O2")]
    late = TIMES >= 0.1
    samples[np.ix_(range(n_subjects), np.flatnonzero(late), occipital)] += effect
    return samples, late, occipital


# -- 1. only subjects are independent samples -----------------------------------


@pytest.mark.parametrize("method", ["cluster", "fdr"])
def test_folds_only_array_is_refused(info16, rng, method):
    folds = rng.standard_normal((10, N_TIMES, 16))  # null data, 10 folds
    with pytest.raises(ValueError, match=r"(?s)mask='.*'.*10 cross-validation folds"
                       r".*not independent samples.*per-subject data"):  # fmt: skip
        mc.animate_coefs(folds, info16, times=TIMES, dims=("folds", "times",
                         "channels"), mask=method, **FAST)  # fmt: skip


def _fit(X, y):
    model = make_pipeline(StandardScaler(), LinearModel(LogisticRegression()))
    return SlidingEstimator(model, verbose=False).fit(X, y)


def test_fold_estimators_and_single_estimator_are_refused(info16, rng):
    X = rng.standard_normal((40, 16, 3))
    y = np.arange(40) % 2
    folds = [_fit(X[half], y[half]) for half in (slice(0, 20), slice(20, 40))]
    with pytest.raises(ValueError, match="2 cross-validation folds and no subjects"):
        mc.animate_coefs(folds, info16, mask="fdr", **FAST)
    with pytest.raises(ValueError, match="data holds a single map"):
        mc.animate_coefs(folds[0], info16, mask="fdr", **FAST)
    # one list of folds per subject: tested across the subjects
    subjects = [folds, [folds[1], folds[0]], [folds[0]]]
    anim = mc.animate_coefs(subjects, info16, mask="fdr", **FAST)
    assert anim.masks.shape == (1, 3, 16)


def test_class_norm_is_never_tested(info16, rng):
    X = rng.standard_normal((60, 16, 3))
    y = np.arange(60) % 3
    subjects = [[_fit(X[:30], y[:30])], [_fit(X[30:], y[30:])], [_fit(X, y)]]
    with pytest.raises(ValueError, match=r"(?s)cannot test the norm across classes"
                       r".*non-negative by construction.*"
                       r"coef_params=dict\(class_idx=\.\.\.\)"):  # fmt: skip
        mc.animate_coefs(subjects, info16, mask="cluster", **FAST)
    anim = mc.animate_coefs(
        subjects, info16, mask="fdr", coef_params=dict(class_idx=1), **FAST
    )
    assert anim.masks is not None


def test_gradiometer_rms_is_never_tested(rng):
    info = mne.channels.read_meg_canonical_info("neuromag")
    samples = rng.standard_normal((6, 3, len(info.ch_names))) * 1e-12
    with pytest.raises(ValueError, match=r"(?s)cannot test the RMS of gradiometer "
                       r"pairs.*ch_type='mag'"):  # fmt: skip
        mc.animate_coefs(samples, info, ch_type="grad", times=[0.0, 0.1, 0.2],
                         mask="fdr", **FAST)  # fmt: skip


# -- 2. independent of the display; the test's settings -------------------------


def test_cluster_mask_is_the_same_with_and_without_tmax(info16, rng):
    samples, _, _ = _planted(rng, 12, info16, effect=1.2)
    settings = dict(method="cluster", n_permutations=256, seed=0)
    full = mc.animate_coefs(samples, info16, times=TIMES, dims=DIMS, mask=settings,
                            **FAST)  # fmt: skip
    cropped = mc.animate_coefs(samples, info16, times=TIMES, dims=DIMS,
                               mask=settings, tmax=0.2, **FAST)  # fmt: skip
    shown = TIMES <= 0.2 + 1e-9
    assert full.masks.any()
    np.testing.assert_array_equal(cropped.masks[0], full.masks[0][shown])
    expected = mc.significance_mask(samples, info16, **settings, verbose=False)
    np.testing.assert_array_equal(full.masks[0], expected)


def test_mask_dict_passes_the_settings_and_logs_what_ran(info16, rng):
    samples, _, _ = _planted(rng, 10, info16)
    settings = dict(method="cluster", threshold=3.5, n_permutations=200, tail=1,
                    alpha=0.01, seed=3)  # fmt: skip
    with catch_logging() as log:
        anim = mc.animate_coefs(samples, info16, times=TIMES, dims=DIMS,
                                mask=settings, **{**FAST, "verbose": True})  # fmt: skip
        text = log.getvalue()
    expected = mc.significance_mask(samples, info16, **settings, verbose=False)
    np.testing.assert_array_equal(anim.masks[0], expected)
    assert "cluster permutation test (threshold t=3.5, n_permutations=200" in text
    assert "across 10 subjects" in text and "tail=1" in text
    assert f"{expected.sum()} of {expected.size} (time, channel) cells marked" in text
    assert "clusters p < 0.01" in text


@pytest.mark.parametrize(
    "mask, match",
    [
        (dict(threshold=3.0), "must give 'method'"),
        (dict(method="cluster", thresh=3.0), r"got keys \['method', 'thresh'\]"),
        (dict(method="ttest"), r"mask\['method'\] must be one of"),
        ("perm", "mask must be one of 'cluster', 'fdr'"),
    ],
)
def test_mask_setting_errors(info16, rng, mask, match):
    samples = rng.standard_normal((5, N_TIMES, 16))
    with pytest.raises(ValueError, match=match):
        mc.animate_coefs(samples, info16, times=TIMES, mask=mask, **FAST)


# -- false positives on null data, power on a planted effect ----------------------


@pytest.mark.slow
@pytest.mark.parametrize("method", ["cluster", "fdr"])
def test_null_data_false_positive_rate(info16, method):
    """15 subjects of pure noise, 100 times: marks in at most ~5 % of runs.

    Under the complete null, any marked cell is a false positive, so this is
    the family-wise rate, which both methods control at alpha.
    """
    rng = np.random.default_rng(2024)
    runs_with_marks = 0
    for _ in range(100):
        samples = rng.standard_normal((15, N_TIMES, 16))
        mask = mc.significance_mask(
            samples, info16, method=method, n_permutations=200, seed=rng,
            verbose=False,
        )  # fmt: skip
        runs_with_marks += mask.any()
    assert runs_with_marks <= 9  # expected 5; P(>9 | 5 %) is about 3 %


def test_planted_effect_is_found_where_it_is(info16):
    rng = np.random.default_rng(7)
    samples, late, occipital = _planted(rng, 15, info16, effect=1.5)
    for method in ("cluster", "fdr"):
        mask = mc.significance_mask(samples, info16, method=method, seed=0,
                                    verbose=False)  # fmt: skip
        effect = np.zeros_like(mask)
        effect[np.ix_(late, occipital)] = True
        assert mask[effect].mean() > 0.8  # found
        assert mask[~effect].mean() < 0.05  # and little else


# -- maps on one side of the null level, and axes that were not named ---------


@pytest.mark.parametrize("method", ["fdr", "cluster"])
def test_abs_of_null_subjects_is_refused(info16, rng, method):
    """Per-subject np.abs: positive even for noise, so never tested against 0."""
    null = rng.standard_normal((15, N_TIMES, 16))
    # what the refused test would mark: nearly every cell of pure noise
    marked = mc.significance_mask(np.abs(null), info16, method="fdr", popmean=1e-9,
                                  verbose=False)  # fmt: skip
    assert marked.mean() > 0.9  # measured 1.0
    for maps, side in ((np.abs(null), "non-negative"), (-np.abs(null), "non-positive")):
        with pytest.raises(ValueError, match=rf"(?s)mask='{method}' cannot test these "
                           rf"maps against 0.*{side} at every time and channel.*"
                           r"tail=-?1, popmean=<null level>"):  # fmt: skip
            mc.animate_coefs(maps, info16, times=TIMES, dims=DIMS, mask=method,
                             **FAST)  # fmt: skip
    # a dict test against 0, either tail: refused the same way
    with pytest.raises(ValueError, match="non-negative at every time and channel"):
        mc.animate_coefs(np.abs(null), info16, times=TIMES, dims=DIMS,
                         mask=dict(method=method, tail=1), **FAST)  # fmt: skip
    # and the public function says so in its own words
    with pytest.raises(ValueError, match=r"samples are non-negative everywhere.*"
                       r"popmean=0"):  # fmt: skip
        mc.significance_mask(np.abs(null), info16, method=method)
    # signed maps are tested as before
    mc.animate_coefs(null, info16, times=TIMES, dims=DIMS, mask=method,
                     **dict(FAST, verbose=False))  # fmt: skip


def test_one_sided_test_against_a_stated_level(info16):
    """The way out: tail=1 against the level the maps take without an effect.

    Measured on 50 simulated null studies of 15 subjects (|noise|, whose
    null level is sqrt(2 / pi)): FDR marks some cell in 0 of 50 (alpha
    0.05: |noise| is skewed, the t-test is conservative here). With an
    effect of +1 on three channels from 0.1 s, it marks most of them in
    every study, and of all cells marked 0.9 % lie where nothing was
    planted (FDR controlled at 5 %).
    """
    rng = np.random.default_rng(7)
    level = np.sqrt(2 / np.pi)  # the mean of |N(0, 1)|
    hits, found, false, marked = 0, 0, 0, 0
    for _ in range(50):
        null = np.abs(rng.standard_normal((15, N_TIMES, 16)))
        tested = mc.significance_mask(null, info16, method="fdr", tail=1,
                                      popmean=level, verbose=False)  # fmt: skip
        hits += tested.any()
        effect, late, occipital = _planted(rng, 15, info16, effect=0.0)
        effect = np.abs(effect)
        effect[np.ix_(range(15), np.flatnonzero(late), occipital)] += 1.0
        tested = mc.significance_mask(effect, info16, method="fdr", tail=1,
                                      popmean=level, verbose=False)  # fmt: skip
        found += tested[np.ix_(late, occipital)].mean() > 0.5
        planted = np.zeros_like(tested)
        planted[np.ix_(late, occipital)] = True
        false, marked = false + (tested & ~planted).sum(), marked + tested.sum()
    assert hits <= 5  # measured 0 of 50
    assert found == 50  # measured 50
    assert false / marked <= 0.05  # measured 0.009
    # through animate_coefs, a dict mask with popmean: the same mask
    mask = dict(method="fdr", tail=1, popmean=level)
    anim = mc.animate_coefs(effect, info16, times=TIMES, dims=DIMS, mask=mask, **FAST)
    np.testing.assert_array_equal(anim.masks[0], tested)
    with pytest.raises(TypeError, match=r"mask\['popmean'\] must be a number"):
        mc.animate_coefs(effect, info16, times=TIMES, dims=DIMS,
                         mask=dict(method="fdr", popmean="chance"), **FAST)  # fmt: skip


@pytest.mark.parametrize("method", ["fdr", "cluster"])
def test_unnamed_3d_array_is_not_tested(info16, rng, method):
    data = rng.standard_normal((8, N_TIMES, 16))  # 8 subjects, or 8 folds?
    with pytest.raises(ValueError, match=rf"(?s)mask='{method}' tests across the "
                       r"first axis of data, but its axes were not named.*could as "
                       r"well hold cross-validation folds.*dims=\('subjects', "
                       r"'times', 'channels'\)"):  # fmt: skip
        mc.animate_coefs(data, info16, times=TIMES, mask=method, **FAST)
    four = rng.standard_normal((8, 3, N_TIMES, 16))
    with pytest.raises(ValueError, match=r"dims=\('subjects', 'folds', 'times', "
                       r"'channels'\) if the first axis holds subjects"):  # fmt: skip
        mc.animate_coefs(four, info16, times=TIMES, mask=method, **FAST)
    # without a test the default is only logged: the averaging is the same
    with catch_logging(verbose=True) as log:
        anim = mc.animate_coefs(data, info16, times=TIMES, **dict(FAST, verbose=True))
    assert "data of shape (8, 12, 16) read as ('subjects', 'times', 'channels')" in (
        log.getvalue()
    )
    np.testing.assert_allclose(anim.values[0], data.mean(axis=0), rtol=1e-12)
    # named, it is tested
    mc.animate_coefs(data, info16, times=TIMES, dims="subject, time, channel",
                     mask=method, **FAST)  # fmt: skip


def test_unnamed_axes_refuse_score_stats(info16, rng):
    data = rng.standard_normal((6, N_TIMES, 16))
    scores = 0.5 + 0.1 * rng.standard_normal((6, N_TIMES))
    kwargs = dict(times=TIMES, scores=scores,
                  score_params=dict(chance=0.5, stats="fdr"), **FAST)  # fmt: skip
    with pytest.raises(ValueError, match=r"(?s)score_params=dict\(stats='fdr'\) "
                       r"\(its 6 rows of "
                       r"scores taken as data's\) tests across the first axis.*"
                       r"not named"):  # fmt: skip
        mc.animate_coefs(data, info16, **kwargs)
    anim = mc.animate_coefs(data, info16, dims=DIMS, **kwargs)
    assert anim.scores.significant is not None
    # 3-D scores (n_subjects, n_folds, n_times) say what their rows are
    mc.animate_coefs(data, info16, **dict(kwargs, scores=scores[:, None]))
