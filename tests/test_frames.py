"""Which samples become frames: tmin/tmax, then decim keeps one frame in k.

Statistics and the score curve use every sample: a kept frame's mask is the
undecimated mask at its sample, and the score panel draws the whole curve
with its cursor at each kept frame's own time.
"""

import json
import re

import mne
import numpy as np
import pytest
import test_viewer
from conftest import make_info
from matplotlib.colors import to_rgba
from test_reference import assert_composed_equals_drawn
from test_viewer import ROOT, _wait

from mne_coefanim import animate_coefs, plot_coefs

SFREQ, N_TIMES = 160.0, 561  # the recording's rate, -0.5 to 3 s
TIMES = -0.5 + np.arange(N_TIMES) / SFREQ
N_CH = 16
FAST = dict(res=16, dpi=30, show=False, verbose=False)
driver = test_viewer.driver  # headless Chromium, as the viewer's tests get it


@pytest.fixture(scope="module")
def study():
    """6 subjects, an effect at 0.2-0.6 s on 5 channels, and their scores."""
    rng = np.random.default_rng(0)
    bump = ((TIMES > 0.2) & (TIMES < 0.6)).astype(float)
    data = rng.standard_normal((6, N_TIMES, N_CH))
    data[:, :, :5] += 3 * bump[:, np.newaxis]
    scores = 0.5 + 0.2 * bump + 0.05 * rng.standard_normal((6, 1, N_TIMES))
    return dict(data=data, info=make_info("biosemi16"), times=TIMES,
                dims=("subjects", "times", "channels"), scores=scores,
                score_params=dict(chance=0.5, stats="fdr"), mask="fdr")  # fmt: skip


@pytest.fixture(scope="module")
def pair(study):
    """The animation of every sample, and with decim=3."""
    return animate_coefs(**study, **FAST), animate_coefs(**study, decim=3, **FAST)


def _labels(times):
    return [f"{round(t, 3) + 0.0:.3f} s" for t in times]


def test_decim_3_keeps_187_of_561_frames_with_exact_labels(pair):
    full, decim = pair
    assert (len(full), len(decim)) == (561, 187)
    # samples 0, 3, ..., 558: each frame at its own sample's time
    np.testing.assert_array_equal(decim.times, TIMES[::3])
    assert decim.time_labels == _labels(TIMES[::3])
    assert decim.time_labels[:3] == ["-0.500 s", "-0.481 s", "-0.462 s"]
    assert decim.time_labels[-1] == "2.988 s"  # sample 558; 560 is not kept
    assert decim.time_labels == full.time_labels[::3]


def test_statistics_use_every_sample(pair):
    """The tests ran on all 561 samples: at the kept frames, the same results."""
    full, decim = pair
    assert full.masks.any() and not full.masks.all()
    np.testing.assert_array_equal(decim.masks, full.masks[:, ::3])
    np.testing.assert_array_equal(decim.values, full.values[:, ::3])
    significant = full.scores.significant
    assert significant.any() and not significant.all()
    np.testing.assert_array_equal(decim.scores.significant, significant)


def test_cluster_mask_and_agreement_use_every_sample(study):
    """A cluster test (over all 561 samples) and t panels: at the kept frames."""
    kwargs = {**study, "scores": None, "score_params": None, "tmin": 0.1, "tmax": 0.6,
              "mask": dict(method="cluster", n_permutations=32, seed=0),
              "consistency": "t", **FAST}  # fmt: skip
    full, decim = animate_coefs(**kwargs), animate_coefs(**kwargs, decim=5)
    assert (len(full), len(decim)) == (81, 17)
    assert full.masks.any() and not full.masks.all()
    np.testing.assert_array_equal(decim.masks, full.masks[:, ::5])
    np.testing.assert_array_equal(decim.values, full.values[:, ::5])  # means, t


def test_score_panel_draws_every_sample_with_the_cursor_at_the_frames(pair):
    full, decim = pair
    np.testing.assert_array_equal(decim.scores.times, TIMES)
    np.testing.assert_array_equal(decim.scores.mean, full.scores.mean)
    np.testing.assert_array_equal(decim.scores.frames, np.arange(0, N_TIMES, 3))
    (curve,) = [line for line in decim.score_axes.lines if len(line.get_xdata()) > 2]
    np.testing.assert_array_equal(curve.get_xdata(), TIMES)
    np.testing.assert_array_equal(curve.get_ydata(), full.scores.mean)
    assert decim.score_axes.get_xlim() == full.score_axes.get_xlim()
    for k in (0, 1, 100, 186):
        decim.show_frame(k)
        (cursor,) = [line for line in decim.score_axes.lines
                     if line.get_color() in ("C3", to_rgba("C3"))]  # fmt: skip
        assert list(cursor.get_xdata()) == [TIMES[3 * k]] * 2


def test_viewer_holds_the_kept_frames_and_their_scores(pair):
    """The viewer's times, #t= values and score values are the kept frames'."""
    _, decim = pair
    html = decim.to_html(page=False)
    meta = json.loads(re.search(r"const M=(\{.*?\});\n", html, re.S).group(1))
    np.testing.assert_allclose(meta["t"], TIMES[::3], rtol=0, atol=1e-12)
    assert meta["labels"] == decim.time_labels and meta["kept"] is None
    np.testing.assert_allclose(meta["score"]["mean"], decim.scores.mean[::3],
                               rtol=1e-3)  # fmt: skip
    # each #t= opens its frame: the nearest kept time (as viewer.js reads it)
    hashes = np.array(meta["hash"], float)
    nearest = np.abs(hashes[:, np.newaxis] - TIMES[::3]).argmin(axis=1)
    np.testing.assert_array_equal(nearest, np.arange(187))


def test_decim_starts_at_tmin_and_logs_what_it_keeps(study):
    """tmin's sample is the first kept (MNE's decim counts from sample 0)."""
    with mne.utils.catch_logging() as log:
        anim = animate_coefs(**{**study, "mask": None, "score_params": None},
                             tmin=0.10625, tmax=0.5, decim=4,
                             **{**FAST, "verbose": True})  # fmt: skip
    crop = TIMES[97:161]  # 0.10625 (sample 97) to 0.5 s (sample 160)
    np.testing.assert_array_equal(anim.times, crop[::4])
    assert "decim=4: 16 of 64 frames kept" in log.getvalue()
    np.testing.assert_array_equal(anim.scores.times, crop)  # the whole crop
    with mne.utils.catch_logging() as log:
        animate_coefs(**{**study, "mask": None, "score_params": None},
                      **{**FAST, "verbose": True})  # fmt: skip
    assert "decim=" not in log.getvalue()


@pytest.mark.parametrize(
    "decim, error, match",
    [(0, ValueError, r"decim must be >= 1; got 0\."),
     (2.0, TypeError, r"decim must be an int; got float\."),
     (True, TypeError, r"decim must be an int; got bool\."),
     (562, ValueError, r"decim=562 keeps one frame in 562, but there are only 561 "
      r"frames in the data; pass decim=561 or less\.")],
)  # fmt: skip
def test_bad_decim(decim, error, match):
    data = np.zeros((N_TIMES, N_CH))
    with pytest.raises(error, match=match):
        animate_coefs(data, make_info("biosemi16"), times=TIMES, decim=decim, **FAST)


def test_decim_over_the_cropped_frames_says_so():
    data = np.zeros((N_TIMES, N_CH))
    with pytest.raises(ValueError, match=r"only 17 frames from tmin to tmax; pass "
                       r"decim=17 or less\."):  # fmt: skip
        animate_coefs(data, make_info("biosemi16"), times=TIMES, tmin=0, tmax=0.1,
                      decim=18, **FAST)  # fmt: skip


def test_composed_frames_equal_drawn_ones(info16):
    """The compositor's cursor follows the kept frames over the whole curve."""
    times = np.arange(12) / 100.0
    data = np.random.default_rng(5).standard_normal((12, 16)).cumsum(axis=0)
    scores = np.linspace(0.4, 0.9, 12)
    anim = animate_coefs(data, info16, times=times, scores=scores, decim=4,
                         res=48, dpi=50, show=False, verbose=False)  # fmt: skip
    assert len(anim) == 3 and len(anim.scores.mean) == 12
    assert_composed_equals_drawn(anim)


def test_generalization_matrix_keeps_every_sample(info16):
    times = np.arange(12) / 100.0
    matrix = np.random.default_rng(6).random((12, 12))
    anim = animate_coefs(np.ones((12, 16)), info16, times=times, scores=matrix,
                         decim=4, **FAST)  # fmt: skip
    np.testing.assert_array_equal(anim.scores.matrix, matrix)
    (image,) = anim.score_axes.images
    np.testing.assert_array_equal(image.get_array(), matrix)
    html = anim.to_html(page=False)
    meta = json.loads(re.search(r"const M=(\{.*?\});\n", html, re.S).group(1))
    np.testing.assert_allclose(meta["score"]["values"],
                               matrix[np.ix_([0, 4, 8], [0, 4, 8])], rtol=1e-3)


def test_sheet_marks_the_kept_frames_on_the_whole_curve(study):
    kwargs = {**study, "mask": None, "score_params": dict(chance=0.5)}
    sheet = plot_coefs(**kwargs, time=[0.3, 0.41], decim=3, **FAST)
    maps = [ax for ax in sheet.axes if ax.images]
    # each time's nearest kept frame: 0.3 s (sample 128) shows sample 129
    kept = TIMES[::3]
    want = [kept[np.abs(kept - t).argmin()] for t in (0.3, 0.41)]
    assert [ax.get_title() for ax in maps] == _labels(want)
    (scores,) = [ax for ax in sheet.axes if ax.get_xlabel().startswith("Time")]
    (curve,) = [line for line in scores.lines if len(line.get_xdata()) > 2]
    np.testing.assert_array_equal(curve.get_xdata(), TIMES)
    (markers,) = [line for line in scores.lines if line.get_gid() == "time-markers"]
    np.testing.assert_array_equal(markers.get_xdata(), want)
    peaks = plot_coefs(**kwargs, time="peaks", decim=3, **FAST)
    titles = [ax.get_title() for ax in peaks.axes if ax.images]
    assert titles and set(titles) <= set(_labels(kept))


def test_links_open_the_kept_frame_or_the_nearest(driver, tmp_path, info16):
    """In a browser: #t= of a kept time opens it, of a dropped one the nearest."""
    times = np.arange(12) / 100.0
    data = np.random.default_rng(8).standard_normal((12, 16))
    anim = animate_coefs(data, info16, times=times, decim=3, res=24, dpi=30,
                         show=False, verbose=False)  # fmt: skip
    assert anim.time_labels == ["0.000 s", "0.030 s", "0.060 s", "0.090 s"]
    html = anim.save(tmp_path / "decim.html")
    label = f"{ROOT}.querySelector('.cav-label').textContent"
    # kept: 0, 0.03, 0.06, 0.09; dropped: 0.04 -> 0.03, 0.05 -> 0.06, 0.11 -> 0.09
    for fragment, frame in (("0.06", 2), ("0.09", 3), ("0.04", 1), ("0.05", 2),
                            ("0.11", 3), ("0.01", 0)):  # fmt: skip
        driver.get(html.as_uri() + "#t=" + fragment)
        _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{frame}'")
        _wait(driver, f"return {label}.startsWith('{anim.time_labels[frame]}')")
