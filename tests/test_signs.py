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


def _corr_per_time(maps, pattern):
    return np.array([np.corrcoef(m, pattern)[0, 1] for m in maps])


@pytest.fixture
def info32():
    return make_info("biosemi32")


def test_flipped_subjects_recovered_only_when_aligned(info32):
    # 8 of 16 subjects flipped: the plain average cancels the pattern
    data, pattern = _flipped_study(info32, n_flipped=8)
    plain = as_coef_data(data)
    with catch_logging(verbose=True) as log:
        aligned = as_coef_data(data, align_signs=True, verbose=True)
    r_plain = _corr_per_time(plain.data, pattern)
    r_aligned = np.abs(_corr_per_time(aligned.data, pattern))  # 8:8, sign is a tie
    assert r_aligned.min() > 0.95
    assert np.abs(r_plain).max() < 0.8  # measured: 0.04 to 0.68
    assert "align_signs: flipped 80 of 160 patterns (per subject, per time)" in (
        log.getvalue()
    )
    # the samples kept for statistics are the aligned ones
    np.testing.assert_allclose(aligned.samples.mean(axis=0), aligned.data)
    assert aligned.signs_aligned and not plain.signs_aligned


def test_majority_keeps_its_sign(info32):
    # 5 of 16 flipped: the 5 are flipped back, the pattern stays positive
    data, pattern = _flipped_study(info32, n_flipped=5)
    with catch_logging(verbose=True) as log:
        aligned = as_coef_data(data, align_signs=True, verbose=True)
    assert _corr_per_time(aligned.data, pattern).min() > 0.95
    assert "flipped 50 of 160 patterns" in log.getvalue()
    truth = np.linspace(1.0, 2.0, N_TIMES)[:, None] * pattern
    np.testing.assert_allclose(aligned.data, truth, atol=0.3)


def test_consistent_signs_left_untouched(info32):
    data, _ = _flipped_study(info32, n_flipped=0)
    with catch_logging(verbose=True) as log:
        aligned = as_coef_data(data, align_signs=True, verbose=True)
    assert "flipped 0 of 160" in log.getvalue()
    np.testing.assert_array_equal(aligned.data, as_coef_data(data).data)


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
    assert "flipped 80 of 160 patterns (per fold of each subject, per time)" in (
        log.getvalue()
    )
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
    aligned = as_coef_data(folds, align_signs=True)
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
    aligned = animate_coefs(data, info32, align_signs=True, res=32, dpi=40, show=False)
    # the colour scale spans the pattern's height only when aligned
    assert aligned.vlim[1] > 1.0 > plain.vlim[1]
    peak = info32.ch_names.index("Oz")
    assert np.abs(aligned.values[0, :, peak]).min() > 0.3


def test_null_studies_aligned_are_not_tested(info32):
    """Alignment makes noise agree: a test against 0 would mark it.

    Measured on 40 simulated null studies (12 subjects, 5 times): FDR marks
    some cell in 1 of 40 plain studies but in about half of aligned ones;
    so animate_coefs refuses the test after alignment.
    """
    rng = np.random.default_rng(0)
    hits = np.zeros(2)
    for _ in range(40):
        null = rng.standard_normal((12, 5, N_CHANNELS))
        for k, align in enumerate((False, True)):
            samples = as_coef_data(null, align_signs=align).samples
            mask = significance_mask(samples, info32, method="fdr", verbose=False)
            hits[k] += mask.any()
    rates = hits / 40
    assert rates[0] <= 0.1  # measured 0.025
    assert rates[1] >= 0.3  # measured 0.475
    null = rng.standard_normal((12, 5, N_CHANNELS))
    with pytest.raises(ValueError, match="sign-aligned samples"):
        animate_coefs(null, info32, align_signs=True, mask="fdr", show=False)
    # without alignment the same call tests as before
    animate_coefs(null, info32, mask="fdr", res=32, dpi=40, show=False)


def test_align_signs_validated(info32, rng):
    data = rng.standard_normal((3, N_TIMES, N_CHANNELS))
    with pytest.raises(TypeError, match="align_signs must be a bool"):
        as_coef_data(data, align_signs="yes")
    coef = as_coef_data(data)
    with pytest.raises(ValueError, match="align_signs cannot be used when data"):
        as_coef_data(coef, align_signs=True)


def test_single_map_logs_nothing_to_align(rng):
    data = rng.standard_normal((N_TIMES, N_CHANNELS))
    with catch_logging(verbose=True) as log:
        coef = as_coef_data(data, align_signs=True, verbose=True)
    assert "nothing to align" in log.getvalue()
    np.testing.assert_array_equal(coef.data, data)


def test_command_line_align_signs(tmp_path, capsys, spy, info32):
    import mne
    from conftest import assert_one_line_error, run

    data, pattern = _flipped_study(info32, n_flipped=8)
    mne.io.write_info(tmp_path / "s-info.fif", info32)
    np.save(tmp_path / "coefs.npy", data)
    args = ["render", tmp_path / "coefs.npy", "--info", tmp_path / "s-info.fif",
            "-o", tmp_path / "out.gif", "--res", "32", "--dpi", "40",
            "--quiet"]  # fmt: skip
    code, _, err = run(capsys, *args, "--align-signs")
    assert (code, err) == (0, "")
    assert spy[0].data.signs_aligned  # read (and aligned) as the file is read
    shown = spy[0].anim.values[0]
    assert np.abs(_corr_per_time(shown, pattern)).min() > 0.95
    code, _, _ = run(capsys, *args, "--overwrite")
    assert code == 0 and not spy[1].data.signs_aligned
    code, _, err = run(capsys, *args, "--overwrite", "--align-signs", "--mask", "fdr")
    assert_one_line_error(code, err, "cannot test sign-aligned samples")


def test_command_line_align_signs_needs_arrays(tmp_path, capsys, info32, rng):
    import mne
    from conftest import assert_one_line_error, run

    evoked = mne.EvokedArray(rng.standard_normal((N_CHANNELS, 4)), info32)
    evoked.save(tmp_path / "x-ave.fif")
    code, _, err = run(capsys, "render", tmp_path / "x-ave.fif", "-o",
                       tmp_path / "out.gif", "--align-signs", "--quiet")  # fmt: skip
    assert_one_line_error(code, err, "--align-signs does not apply to")
