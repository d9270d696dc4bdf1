"""Fitted mne.decoding.CSP inputs: one panel per component, windows as frames."""

import copy

import numpy as np
import pytest
from conftest import make_info, map_rgba
from mne.decoding import CSP
from mne.utils import catch_logging
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.pipeline import make_pipeline

from mne_coefanim import animate_coefs, as_coef_data

N_CHANNELS, SFREQ = 32, 100.0
UV = 1e6  # EEG patterns are in volts, shown in µV
WINDOWS = [(0.0, 0.4), (0.2, 0.6), (0.4, 0.8), (0.6, 1.0)]
CENTRES = [(start + stop) / 2 for start, stop in WINDOWS]


@pytest.fixture(scope="module")
def info32():
    return make_info("biosemi32", sfreq=SFREQ)


def _planted(info, name="Oz"):
    pos = np.array([ch["loc"][:3] for ch in info["chs"]])
    centre = pos[info.ch_names.index(name)]
    return np.exp(-np.sum((pos - centre) ** 2, axis=1) / (2 * 0.05**2))


@pytest.fixture(scope="module")
def epochs_xy(info32):
    """Epochs (in volts) whose class 1 has 9 times the power of one source."""
    rng = np.random.default_rng(0)
    n_epochs, n_times = 80, 100
    y = np.repeat([0, 1], n_epochs // 2)
    source = rng.standard_normal((n_epochs, n_times))
    source *= np.where(y == 1, 3.0, 1.0)[:, None]
    X = rng.standard_normal((n_epochs, N_CHANNELS, n_times))
    X += _planted(info32)[None, :, None] * source[:, None, :]
    return X / UV, y


def _fit(X, y, window=None, **kwargs):
    if window is not None:
        start, stop = (int(round(edge * SFREQ)) for edge in window)
        X = X[..., start:stop]
    with catch_logging():  # CSP logs its covariance estimation
        # rank="full": no rank estimation (an SVD per fit), 4 times faster
        return CSP(n_components=2, rank="full", **kwargs).fit(X, y)


@pytest.fixture(scope="module")
def csp(epochs_xy):
    return _fit(*epochs_xy)


@pytest.fixture(scope="module")
def window_csps(epochs_xy):
    return [_fit(*epochs_xy, window) for window in WINDOWS]


def _titles(anim):
    return [ax.get_title() for ax in anim.map_axes]


def _corr(a, b):
    return np.corrcoef(a, b)[0, 1]


def test_one_panel_per_component(csp, info32):
    anim = animate_coefs(csp, info32, res=48, dpi=50, show=False)
    assert _titles(anim) == ["CSP 1", "CSP 2"]
    assert anim.values.shape == (2, 1, N_CHANNELS)  # one static frame
    np.testing.assert_allclose(anim.values[:, 0], UV * csp.patterns_[:2])
    # the first component is the planted source (up to its sign)
    assert abs(_corr(anim.values[0, 0], _planted(info32))) > 0.99
    assert abs(_corr(anim.values[1, 0], _planted(info32))) < 0.5
    # data units per unit of the component (MNE's normalisation), scaled as
    # MNE's CSP.plot_patterns scales them, and labelled a.u. as it does ("AU")
    np.testing.assert_allclose(csp.patterns_ @ csp.filters_.T, np.eye(N_CHANNELS),
                               atol=1e-9)  # fmt: skip
    assert anim.units == "a.u."
    assert anim.colorbars[0].ax.get_ylabel() == "a.u."  # no class: sign arbitrary


def test_planted_pattern_is_where_the_map_is_saturated(csp, info32):
    anim = animate_coefs(
        csp,
        info32,
        coef_params=dict(components=0),
        res=48,
        dpi=50,
        colorbar=False,
        show=False,
    )
    rgba = map_rgba(anim).astype(int)
    inside = anim.interp.inside
    # distance from white: the map is pale at the front, saturated behind
    strength = 765 - rgba[..., :3].sum(axis=-1)
    rows = np.flatnonzero(inside.any(axis=1))
    # image rows run from the back of the head (row 0, origin='lower')
    back = strength[rows[: len(rows) // 5]][inside[rows[: len(rows) // 5]]]
    front = strength[rows[-len(rows) // 5 :]][inside[rows[-len(rows) // 5 :]]]
    assert back.max() > 300 and front.max() < 100


def test_components_choose_panels(csp, info32):
    anim = animate_coefs(
        csp, info32, coef_params=dict(components=[3, 1]), res=32, dpi=40, show=False
    )
    assert _titles(anim) == ["CSP 4", "CSP 2"]
    np.testing.assert_allclose(anim.values[:, 0], UV * csp.patterns_[[3, 1]])
    filters = animate_coefs(
        csp,
        info32,
        coef_params=dict(attr="filters_", components=0),
        res=32,
        dpi=40,
        show=False,
    )
    np.testing.assert_allclose(filters.values[0, 0], csp.filters_[0])


def test_dict_panels_and_pipelines(csp, epochs_xy, info32):
    with catch_logging():
        pipe = make_pipeline(CSP(n_components=2), LinearDiscriminantAnalysis())
        pipe.fit(*epochs_xy)
    anim = animate_coefs(
        {"csp": csp, "pipeline": pipe}, info32, res=32, dpi=40, show=False
    )
    titles = ["csp: CSP 1", "csp: CSP 2", "pipeline: CSP 1", "pipeline: CSP 2"]
    assert _titles(anim) == titles
    np.testing.assert_allclose(anim.values[2:, 0], UV * pipe[0].patterns_[:2])


def test_windows_animate_over_their_centres(window_csps, info32):
    anim = animate_coefs(
        window_csps,
        info32,
        times=CENTRES,
        coef_params=dict(components=0),
        res=32,
        dpi=40,
        show=False,
    )
    np.testing.assert_allclose(anim.times, CENTRES)
    expected = np.stack([csp.patterns_[0] for csp in window_csps])
    np.testing.assert_allclose(anim.values[0], UV * expected)
    assert min(abs(_corr(m, _planted(info32))) for m in expected) > 0.95


def test_windows_need_their_centres(window_csps, info32):
    with pytest.raises(ValueError, match=r"times is needed .* window centres"):
        animate_coefs(window_csps, info32, show=False)
    with pytest.raises(ValueError, match="times must have shape"):
        animate_coefs(window_csps, info32, times=CENTRES[:3], show=False)
    with pytest.raises(ValueError, match="sfreq cannot be used when data is a CSP"):
        as_coef_data(window_csps, components=0, sfreq=100.0)


def _negated(csp):
    flipped = copy.deepcopy(csp)
    flipped.patterns_ = -flipped.patterns_
    flipped.filters_ = -flipped.filters_
    return flipped


def test_windows_aligned_to_each_other(window_csps, info32):
    # known flips: windows 2 and 3 negated relative to their fitted sign
    first = window_csps[0].patterns_[0]
    oriented = [
        csp if csp.patterns_[0] @ first > 0 else _negated(csp) for csp in window_csps
    ]
    data = [oriented[0], _negated(oriented[1]), _negated(oriented[2]), oriented[3]]
    with catch_logging(verbose=True) as log:
        coef = as_coef_data(
            data, times=CENTRES, components=0, align_signs=True, verbose=True
        )
    assert (
        "flipped 2 of 4 patterns (each window to agree with the previous)"
        in log.getvalue()
    )
    expected = np.stack([csp.patterns_[0] for csp in oriented])
    np.testing.assert_allclose(coef.data, expected)
    plain = as_coef_data(data, times=CENTRES, components=0)
    assert np.sum(plain.data[1:] * plain.data[:-1], axis=1).min() < 0


def test_folds_of_windows_aligned(epochs_xy, info32):
    # per window, 3 fold CSPs (on different epochs), one fold negated
    X, y = epochs_xy
    rng = np.random.default_rng(3)
    grid = []
    for window in WINDOWS[:2]:
        folds = []
        for k in range(3):
            keep = rng.permutation(len(y))[: 3 * len(y) // 4]
            fitted = _fit(X[keep], y[keep], window)
            first = fitted.patterns_[0] @ _planted(info32) > 0
            folds.append(fitted if first == (k != 1) else _negated(fitted))
        grid.append(folds)
    with catch_logging(verbose=True) as log:
        aligned = as_coef_data(
            grid, times=CENTRES[:2], components=0, align_signs=True, verbose=True
        )
    assert "flipped 2 of 6 patterns (per fold, per window)" in log.getvalue()
    assert aligned.sample_dim == "folds" and aligned.samples.shape == (3, 2, 32)
    assert min(_corr(m, _planted(info32)) for m in aligned.data) > 0.95
    plain = as_coef_data(grid, times=CENTRES[:2], components=0)
    # two folds against one: a third of the height is left
    assert np.abs(plain.data).max() < 0.5 * np.abs(aligned.data).max()


def test_refusals(csp, info32, rng):
    with pytest.raises(ValueError, match="one map per time"):
        as_coef_data(csp)  # two components: which?
    coef = as_coef_data(csp, components=1)
    assert coef.kind == "patterns" and coef.data.shape == (1, N_CHANNELS)
    with pytest.raises(ValueError, match=r"components must be distinct .* 0\.\.31"):
        animate_coefs(csp, info32, coef_params=dict(components=[0, 32]), show=False)
    with pytest.raises(ValueError, match="components must be distinct"):
        animate_coefs(csp, info32, coef_params=dict(components=[1, 1]), show=False)
    with pytest.raises(TypeError, match="components must be an int"):
        animate_coefs(csp, info32, coef_params=dict(components="1"), show=False)
    with pytest.raises(ValueError, match="components is only for CSP inputs"):
        animate_coefs(
            rng.standard_normal((3, N_CHANNELS)),
            info32,
            coef_params=dict(components=0),
            show=False,
        )
    with pytest.raises(RuntimeError, match="not fitted"):
        animate_coefs(CSP(), info32, show=False)
    with pytest.raises(ValueError, match="dims cannot be used when data is a CSP"):
        as_coef_data(csp, components=0, dims="times, channels")


def test_folds_of_one_window(window_csps, info32):
    # the message for a flat list says how to pass folds instead of windows
    with pytest.raises(ValueError, match=r"one list in a list, \[csps\]"):
        as_coef_data(window_csps, components=0)
    coef = as_coef_data([window_csps], components=0)
    assert coef.sample_dim == "folds" and coef.data.shape == (1, N_CHANNELS)
    assert coef.times_are_samples  # no window centre given: one unlabelled frame
    maps = np.stack([csp.patterns_[0] for csp in window_csps])
    np.testing.assert_allclose(coef.data[0], maps.mean(axis=0))


def test_fold_csps_are_not_tested(csp, info32):
    with pytest.raises(ValueError, match="cross-validation folds"):
        animate_coefs([[csp, csp]], info32, times=[0.5], mask="fdr", show=False)
