"""align_signs: maps whose sign is arbitrary, aligned before averaging."""

import numpy as np
import pytest
from conftest import make_info
from mne.utils import catch_logging

from mne_coefanim import animate_coefs, as_coef_data, significance_mask

N_SUBJECTS, N_TIMES, N_CHANNELS = 16, 10, 32


def _planted_pattern(info):
    """A smooth occipital blob: the known answer."""
    pos = np.array([ch["loc"][:3] for ch in info["chs"]])
    centre = pos[info.ch_names.index("Oz")]
    return np.exp(-np.sum((pos - centre) ** 2, axis=1) / (2 * 0.07**2))


def _flipped_study(info, n_flipped=5, seed=0):
    """Subjects sharing one pattern, each with its own sign at each time.

    Exactly ``n_flipped`` of the subjects are negative at every time point
    (different ones at different times), so the known number of flips is
    ``n_flipped * N_TIMES``.
    """
    rng = np.random.default_rng(seed)
    pattern = _planted_pattern(info)
    course = np.linspace(1.0, 2.0, N_TIMES)
    signs = np.ones((N_SUBJECTS, N_TIMES))
    for t in range(N_TIMES):
        signs[rng.permutation(N_SUBJECTS)[:n_flipped], t] = -1
    noise = 0.3 * rng.standard_normal((N_SUBJECTS, N_TIMES, N_CHANNELS))
    data = signs[..., None] * course[None, :, None] * pattern + noise
    return data, pattern


# a study with a pre-stimulus baseline: 40 frames from -0.2 s, the planted
# pattern rising from 0 s to a peak at 0.25 s and gone at 0.5 s
TIMES = np.arange(40) * 0.02 - 0.2
COURSE = np.where((TIMES > 0) & (TIMES < 0.5), np.sin(np.pi * TIMES / 0.5), 0.0)
PAST_ONSET = COURSE >= 0.5  # where the truth stands out of the noise


def _onset_study(rng, pattern, *, flips, n_flipped, course=COURSE, noise=0.15):
    """16 subjects: ``n_flipped`` flipped over their whole time course
    (``flips='subject'``, never subject 0) or at each time on their own
    (``flips='time'``); the truth is ``course * pattern``."""
    signs = np.ones((N_SUBJECTS, len(TIMES)))
    if flips == "subject":
        signs[1 + rng.permutation(N_SUBJECTS - 1)[:n_flipped]] = -1
    else:
        for t in range(len(TIMES)):
            signs[rng.permutation(N_SUBJECTS)[:n_flipped], t] = -1
    shape = (N_SUBJECTS, len(TIMES), N_CHANNELS)
    return signs[..., None] * course[:, None] * pattern + noise * rng.normal(size=shape)


def _polarity_changes(r):
    """How often the sign of the correlation changes between consecutive frames."""
    return int(np.sum(np.sign(r[1:]) != np.sign(r[:-1])))


def _corr_per_time(maps, pattern):
    return np.array([np.corrcoef(m, pattern)[0, 1] for m in maps])


@pytest.fixture
def info32():
    return make_info("biosemi32")


DIMS = ("subjects", "times", "channels")


@pytest.mark.parametrize("n_flipped", [5, 8])
def test_one_flip_per_subject_gives_a_steady_group_map(info32, n_flipped):
    """Known answer: the planted pattern, positive, at every frame past onset.

    8 of 16 flipped is the tie: subject 0 (never flipped here) keeps its
    sign. Before this alignment (per time on its own), 40 of 40 such tied
    studies changed polarity between consecutive frames; now 0 of 40.
    """
    rng = np.random.default_rng(n_flipped)
    pattern = _planted_pattern(info32)
    for _ in range(40):
        data = _onset_study(rng, pattern, flips="subject", n_flipped=n_flipped)
        aligned = as_coef_data(data, dims=DIMS, align_signs=True, times=TIMES)
        r = _corr_per_time(aligned.data, pattern)[PAST_ONSET]
        assert r.min() >= 0.95  # measured 0.96 (5 flipped) and 0.97 (8)
        # every subject got one sign for its whole time course
        ratio = aligned.samples / data
        np.testing.assert_allclose(ratio, ratio[:, :1, :1] * np.ones_like(ratio))
        assert (ratio[0] == 1).all()  # the first subject keeps its sign
        assert (ratio[:, 0, 0] == -1).sum() == n_flipped


def test_tie_is_broken_by_the_first_subject(info32, rng):
    pattern = _planted_pattern(info32)
    data = _onset_study(rng, pattern, flips="subject", n_flipped=8)
    first = as_coef_data(data, dims=DIMS, align_signs=True)
    # the same study with subject 0 negated: now the other half wins the tie
    data[0] *= -1
    second = as_coef_data(data, dims=DIMS, align_signs=True)
    np.testing.assert_allclose(second.data, -first.data, atol=1e-12)
    # and the same data twice give the same map, bit for bit
    again = as_coef_data(data.copy(), dims=DIMS, align_signs=True)
    np.testing.assert_array_equal(again.data, second.data)


def test_the_datas_own_polarity_reversal_is_kept(info32, rng):
    # the truth itself reverses (a positive then a negative deflection):
    # one sign per subject keeps the reversal, chaining times removes it
    pattern = _planted_pattern(info32)
    course = np.where(TIMES < 0.25, COURSE, -COURSE)
    data = _onset_study(rng, pattern, flips="subject", n_flipped=5, course=course)
    truth_sign = np.sign(course[PAST_ONSET])
    once = as_coef_data(data, dims=DIMS, align_signs=True)
    r = _corr_per_time(once.data, pattern)[PAST_ONSET]
    assert (np.abs(r) >= 0.95).all() and (np.sign(r) == truth_sign).all()
    chained = as_coef_data(data, dims=DIMS, align_signs="per_time")
    r = _corr_per_time(chained.data, pattern)[PAST_ONSET]
    assert _polarity_changes(r) == 0  # the reversal is gone: documented


@pytest.mark.parametrize("n_flipped", [5, 8])
def test_flips_per_subject_and_time_need_per_time(info32, n_flipped):
    """Flips at every time on their own: 'per_time' chains the frames.

    With 5 of 16 flipped at each time the majority gives the truth's sign;
    with 8 of 16 the truth has no sign, and the map keeps one throughout.
    One sign per subject (True) cannot undo these flips.
    """
    rng = np.random.default_rng(10 + n_flipped)
    pattern = _planted_pattern(info32)
    for _ in range(40):
        data = _onset_study(rng, pattern, flips="time", n_flipped=n_flipped)
        chained = as_coef_data(data, dims=DIMS, align_signs="per_time")
        r = _corr_per_time(chained.data, pattern)[PAST_ONSET]
        assert _polarity_changes(r) == 0
        assert np.abs(r).min() >= 0.95  # measured 0.96
        if n_flipped == 5:
            assert r.min() >= 0.95
    once = as_coef_data(data, dims=DIMS, align_signs=True)
    assert np.abs(_corr_per_time(once.data, pattern)[PAST_ONSET]).min() < 0.9


def test_alignment_and_the_pre_stimulus_noise(info32):
    """How much alignment inflates the pre-stimulus mean, relative to the peak.

    No flips at all: one sign per subject leaves such data untouched
    (ratio 1.00 in 40 of 40 studies); aligning each time on its own (the
    former default, now 'per_time') inflates the pre-stimulus RMS of the
    group map relative to its peak 1.4x (measured 1.29-1.51x).
    """
    rng = np.random.default_rng(3)
    pattern = _planted_pattern(info32)
    before = TIMES < 0
    ratios = {True: [], "per_time": []}
    for _ in range(20):
        data = _onset_study(rng, pattern, flips="subject", n_flipped=0, noise=0.3)
        rms = np.sqrt(np.mean(data.mean(axis=0) ** 2, axis=1))
        plain = rms[before].mean() / rms.max()
        for mode, found in ratios.items():
            shown = as_coef_data(data, dims=DIMS, align_signs=mode).data
            rms = np.sqrt(np.mean(shown**2, axis=1))
            found.append(rms[before].mean() / rms.max() / plain)
    np.testing.assert_allclose(ratios[True], 1.0)
    assert 1.2 < np.median(ratios["per_time"]) < 1.7  # measured 1.42


def test_consistent_signs_left_untouched(info32):
    data, _ = _flipped_study(info32, n_flipped=0)
    with catch_logging(verbose=True) as log:
        aligned = as_coef_data(data, dims=DIMS, align_signs=True, verbose=True)
    assert (
        "align_signs: flipped 0 of 16 subjects, each once over its whole time "
        "course (10 times)" in log.getvalue()
    )
    np.testing.assert_array_equal(aligned.data, as_coef_data(data).data)


def test_per_time_logs_its_risk(info32):
    data, pattern = _flipped_study(info32, n_flipped=5)
    with catch_logging(verbose=True) as log:
        aligned = as_coef_data(data, align_signs="per_time", verbose=True)
    text = log.getvalue()
    assert ("coef_params=dict(align_signs='per_time'): flipped 50 of 160 maps "
            "(16 subjects x 10 ") in text
    assert "polarity may change between frames" in text
    assert _corr_per_time(aligned.data, pattern).min() > 0.95
    assert aligned.signs_aligned


def test_folds_of_subjects_aligned_before_averaging(info32):
    # 4 subjects x 4 folds: folds 1 and 3 of every subject flipped
    rng = np.random.default_rng(1)
    pattern = _planted_pattern(info32)
    signs = np.array([1, -1, 1, -1])[None, :, None, None]
    data = signs * pattern + 0.2 * rng.standard_normal((4, 4, N_TIMES, N_CHANNELS))
    assert np.abs(as_coef_data(data).data).max() < 0.5  # cancelled
    with catch_logging(verbose=True) as log:
        aligned = as_coef_data(data, align_signs=True, verbose=True)
    assert np.abs(_corr_per_time(aligned.data, pattern)).min() > 0.95
    assert "flipped 8 of 16 folds (of 4 subjects), each once" in log.getvalue()
    assert aligned.sample_dim == "subjects" and aligned.samples.shape[0] == 4


def test_fold_estimators_aligned(info32):
    # a decoder fitted with the labels swapped has the opposite sign: the
    # folds of one subject, two of five fitted on swapped labels
    from mne.decoding import LinearModel, SlidingEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(2)
    pattern = _planted_pattern(info32)
    n_epochs, n_times = 60, 3
    y = np.repeat([0, 1], n_epochs // 2)
    X = rng.standard_normal((n_epochs, N_CHANNELS, n_times))
    X += 2.0 * (y - 0.5)[:, None, None] * pattern[None, :, None]
    folds = []
    for k in range(5):
        labels = 1 - y if k in (1, 3) else y
        sliding = SlidingEstimator(
            make_pipeline(StandardScaler(), LinearModel(LogisticRegression()))
        )
        folds.append(sliding.fit(X, labels))
    plain = as_coef_data(folds)
    with catch_logging(verbose=True) as log:
        aligned = as_coef_data(folds, align_signs=True, verbose=True)
    assert "flipped 2 of 5 folds, each once over its whole time course (3 times)" in (
        log.getvalue()
    )
    # the known answer: the folds' average with the swapped ones negated
    maps = np.stack([as_coef_data(fold).data for fold in folds])
    truth = (maps * np.array([1, -1, 1, -1, 1])[:, None, None]).mean(axis=0)
    np.testing.assert_allclose(aligned.data, truth, rtol=1e-12)
    assert _corr_per_time(aligned.data, pattern).min() > 0.8  # measured 0.86
    # swapped labels give the negated decoder: the plain mean keeps 1 of 5
    np.testing.assert_allclose(plain.data, aligned.data / 5, atol=1e-12)


def test_abs_of_the_aligned_average(info32):
    data, _ = _flipped_study(info32, n_flipped=8)
    both = as_coef_data(data, align_signs=True, transform="abs")
    np.testing.assert_allclose(
        both.data, np.abs(as_coef_data(data, align_signs=True).data)
    )


def test_aligned_animation_shows_the_pattern(info32):
    data, pattern = _flipped_study(info32, n_flipped=8)
    plain = animate_coefs(data, info32, res=32, dpi=40, show=False)
    aligned = animate_coefs(
        data,
        info32,
        coef_params=dict(align_signs="per_time"),
        res=32,
        dpi=40,
        show=False,
    )
    # the colour scale spans the pattern's height only when aligned
    assert aligned.vlim[1] > 1.0 > plain.vlim[1]
    peak = info32.ch_names.index("Oz")
    assert np.abs(aligned.values[0, :, peak]).min() > 0.3


def test_null_studies_aligned_are_not_tested(info32):
    """Alignment makes noise agree: a test against 0 would mark it.

    Measured on 40 simulated null studies (12 subjects, 5 times): FDR marks
    some cell in 1 of 40 plain studies, in 6 of 40 aligned once per subject
    and in about half aligned per time; so animate_coefs refuses the test
    after alignment.
    """
    rng = np.random.default_rng(0)
    hits = np.zeros(3)
    for _ in range(40):
        null = rng.standard_normal((12, 5, N_CHANNELS))
        for k, align in enumerate((False, True, "per_time")):
            samples = as_coef_data(null, align_signs=align).samples
            mask = significance_mask(samples, info32, method="fdr", verbose=False)
            hits[k] += mask.any()
    rates = hits / 40
    assert rates[0] <= 0.1  # measured 0.025
    assert rates[1] <= 0.25  # measured 0.15
    assert rates[2] >= 0.3  # measured 0.475
    null = rng.standard_normal((12, 5, N_CHANNELS))
    for align in (True, "per_time"):
        with pytest.raises(ValueError, match="sign-aligned samples"):
            animate_coefs(
                null,
                info32,
                dims=DIMS,
                coef_params=dict(align_signs=align),
                mask="fdr",
                show=False,
            )
    # without alignment the same call tests as before
    animate_coefs(null, info32, dims=DIMS, mask="fdr", res=32, dpi=40, show=False)


def test_align_signs_validated(info32, rng):
    data = rng.standard_normal((3, N_TIMES, N_CHANNELS))
    with pytest.raises(ValueError, match="align_signs must be False, True .* or "
                       "'per_time'"):  # fmt: skip
        as_coef_data(data, align_signs="yes")
    with pytest.raises(TypeError, match="align_signs must be a bool or 'per_time'"):
        as_coef_data(data, align_signs=1)
    coef = as_coef_data(data)
    with pytest.raises(ValueError, match="align_signs cannot be used when data"):
        as_coef_data(coef, align_signs=True)


def test_single_map_logs_nothing_to_align(rng):
    data = rng.standard_normal((N_TIMES, N_CHANNELS))
    with catch_logging(verbose=True) as log:
        coef = as_coef_data(data, align_signs=True, verbose=True)
    assert "nothing to align" in log.getvalue()
    np.testing.assert_array_equal(coef.data, data)


def test_command_line_align_signs(tmp_path, capsys, spy, info32, rng):
    import mne
    from conftest import assert_one_line_error, run

    pattern = _planted_pattern(info32)
    data = _onset_study(rng, pattern, flips="subject", n_flipped=8)
    mne.io.write_info(tmp_path / "s-info.fif", info32)
    np.save(tmp_path / "coefs.npy", data)
    args = ["render", tmp_path / "coefs.npy", "--info", tmp_path / "s-info.fif",
            "-o", tmp_path / "out.gif", "--res", "32", "--dpi", "40",
            "--quiet"]  # fmt: skip
    code, _, err = run(capsys, *args, "--align-signs")
    assert (code, err) == (0, "")
    assert spy[0].data.signs_aligned  # read (and aligned) as the file is read
    shown = spy[0].anim.values[0]
    assert _corr_per_time(shown, pattern)[PAST_ONSET].min() > 0.95
    code, _, _ = run(capsys, *args, "--overwrite")
    assert code == 0 and not spy[1].data.signs_aligned
    code, _, err = run(capsys, *args, "--overwrite", "--align-signs", "--mask", "fdr",
                       "--dims", "subject,time,channel")  # fmt: skip
    assert_one_line_error(code, err, "cannot test sign-aligned samples")


def test_command_line_align_signs_needs_arrays(tmp_path, capsys, info32, rng):
    import mne
    from conftest import assert_one_line_error, run

    evoked = mne.EvokedArray(rng.standard_normal((N_CHANNELS, 4)), info32)
    evoked.save(tmp_path / "x-ave.fif")
    code, _, err = run(capsys, "render", tmp_path / "x-ave.fif", "-o",
                       tmp_path / "out.gif", "--align-signs", "--quiet")  # fmt: skip
    assert_one_line_error(code, err, "--align-signs does not apply to")
