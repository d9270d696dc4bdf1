"""The frames a sheet shows: times asked for, and the peaks of a known curve."""

import numpy as np
import pytest
from conftest import make_info

from mne_coefanim import plot_coefs
from mne_coefanim.stats._score_tests import MAX_PEAKS, find_peaks

N_TIMES = 101  # -0.2 to 0.8 s at 100 Hz, as the demo
TIMES = np.round(np.linspace(-0.2, 0.8, N_TIMES), 6)
FAST = dict(res=24, dpi=30, show=False, verbose=False)


def _bump(centre, width=0.03, times=TIMES):
    return np.exp(-0.5 * ((times - centre) / width) ** 2)


def _map_titles(fig):
    return [ax.get_title() for ax in fig.axes if ax.images]


# -- peak picking on curves with a known answer -----------------------------------


def test_two_planted_peaks_are_found_in_time_order():
    curve = 0.5 + 0.4 * _bump(0.15) + 0.2 * _bump(0.45)
    frames, rule = find_peaks(curve)
    np.testing.assert_allclose(TIMES[frames], [0.15, 0.45])
    assert rule == "maxima of bumps rising 30% of the range"


def test_a_pre_stimulus_bump_is_no_peak_and_peaks_sit_at_their_sample():
    """Only post-stimulus maxima above the baseline's maximum, at the exact
    sample where the curve itself is highest (not where a smoothed one is)."""
    curve = 0.5 + 0.25 * _bump(-0.1) + 0.4 * _bump(0.15) + 0.2 * _bump(0.45)
    curve += 0.3 * _bump(0.3) + 0.3 * _bump(0.6)  # above the baseline's 0.75
    curve[TIMES == 0.32] += 0.1  # a one-sample top beside the 0.3 s bump's
    frames, rule = find_peaks(curve, times=TIMES)
    # -0.1 (pre-stimulus) and 0.45 (0.7, under the baseline's 0.75) are not
    np.testing.assert_allclose(TIMES[frames], [0.15, 0.32, 0.6])
    assert all(curve[k] > curve[k - 1] and curve[k] > curve[k + 1] for k in frames)
    assert rule.endswith("above the pre-stimulus maximum (0.75)")
    # without times (no baseline known), the pre-stimulus bump is a peak
    np.testing.assert_allclose(TIMES[find_peaks(curve)[0]],
                               [-0.1, 0.15, 0.32, 0.45, 0.6])  # fmt: skip


def test_only_significant_peaks_when_score_stats_ran():
    curve = 0.5 + 0.4 * _bump(0.15) + 0.2 * _bump(0.45)
    significant = np.abs(TIMES - 0.45) < 0.05
    frames, rule = find_peaks(curve, times=TIMES, significant=significant)
    np.testing.assert_allclose(TIMES[frames], [0.45])
    assert rule.endswith(", significant (score_params['stats'])")
    # nothing significant: the maximum, saying that nothing stood out
    frames, rule = find_peaks(curve, times=TIMES, significant=0 * significant)
    np.testing.assert_allclose(TIMES[frames], [0.15])
    assert rule.startswith("no peak stands out (") and rule.endswith(
        "): the maximum is shown")


def test_at_most_five_peaks_the_highest_in_time_order():
    centres = [-0.1, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    heights = [0.3, 0.9, 0.5, 1.0, 0.4, 0.8, 0.7]  # -0.1 and 0.3 are lowest
    curve = sum(h * _bump(c, 0.015) for c, h in zip(centres, heights, strict=True))
    frames, _ = find_peaks(curve)
    assert len(frames) == MAX_PEAKS
    np.testing.assert_allclose(TIMES[frames], [0.0, 0.1, 0.2, 0.4, 0.5])


def test_a_shoulder_closer_than_the_spacing_is_not_a_second_peak():
    # 40 ms apart (4 frames < 101 // 20 = 5): only the higher one; 60 ms: both
    curve = _bump(0.15, 0.008) + 0.9 * _bump(0.19, 0.008)
    np.testing.assert_allclose(TIMES[find_peaks(curve)[0]], [0.15])
    curve = _bump(0.15, 0.008) + 0.9 * _bump(0.21, 0.008)
    np.testing.assert_allclose(TIMES[find_peaks(curve)[0]], [0.15, 0.21])


def test_curves_without_a_peak_give_their_maximum():
    rising = np.linspace(0.0, 1.0, N_TIMES)
    assert list(find_peaks(rising)[0]) == [N_TIMES - 1]  # the end is no peak
    assert list(find_peaks(np.full(N_TIMES, 0.5))[0]) == [0]  # flat


def test_noise_bumps_are_not_peaks_false_positive_rate():
    """Two planted peaks (heights 0.4 and 0.2) in white noise of SD 0.04.

    Over 300 noisy curves, both peaks are found (within 40 ms: noise moves a
    flat top's highest sample by up to four frames) and hardly any other.
    Measured: 300/300 found, no false peak in 300 curves (with local maxima of
    the curve itself above the baseline's maximum, without bumps: 0.26 false
    peaks per curve).
    """
    rng = np.random.default_rng(0)
    n_curves, extra, found = 300, 0, 0
    for _ in range(n_curves):
        curve = 0.5 + 0.4 * _bump(0.15) + 0.2 * _bump(0.5)
        noisy = curve + 0.04 * rng.standard_normal(N_TIMES)
        picked = TIMES[find_peaks(noisy, times=TIMES)[0]]
        near = np.abs(picked[:, np.newaxis] - [0.15, 0.5]) <= 0.04 + 1e-9
        found += near.any(axis=0).all()
        extra += (~near.any(axis=1)).sum()
    assert found >= 0.99 * n_curves
    assert extra <= 0.01 * n_curves


def test_pure_noise_still_gives_one_to_five_peaks():
    """Noise has no true peak; 'peaks' still shows something, never > 5.

    With a baseline, most noise curves show a single map (nothing stands out,
    or one bump), and say so.
    """
    rng = np.random.default_rng(1)
    counts = [len(find_peaks(rng.standard_normal(N_TIMES))[0]) for _ in range(100)]
    assert 1 <= min(counts) and max(counts) <= MAX_PEAKS
    picks = [find_peaks(rng.standard_normal(N_TIMES), times=TIMES)
             for _ in range(100)]  # fmt: skip
    assert np.mean([len(frames) for frames, _ in picks]) < 1.8
    assert sum(rule.startswith("no peak stands out") for _, rule in picks) > 20


# -- through plot_coefs ----------------------------------------------------------------


@pytest.fixture(scope="module")
def planted():
    """32 channels: a pattern bursting at 0.1 s, another (weaker) at 0.4 s."""
    info = make_info(n_channels=32)
    rng = np.random.default_rng(3)
    first, second = rng.standard_normal((2, 32))
    data = np.outer(_bump(0.1), first) + 0.6 * np.outer(_bump(0.4), second)
    data += 0.02 * rng.standard_normal(data.shape)
    return data, info


def test_peaks_without_scores_are_the_global_field_power_peaks(planted):
    data, info = planted
    fig = plot_coefs(data, info, times=TIMES, time="peaks", **FAST)
    assert _map_titles(fig) == ["0.100 s", "0.400 s"]
    # said on the sheet: the peaks of what, across what
    notes = [" ".join(t.get_text() for t in fig.texts
                      if (t.get_gid() or "").startswith("note-"))]  # fmt: skip
    assert (
        "Maps at the peaks of the global field power (std across the 32 "
        "channels): maxima of bumps rising 30% of the range and more than the "
        "pre-stimulus spread, above the pre-stimulus maximum (0.0227)." in notes
    )


def test_peaks_of_the_scores_win_over_the_field_power(planted):
    data, info = planted
    scores = 0.5 + 0.3 * _bump(0.25)  # the score peaks where the GFP does not
    fig = plot_coefs(data, info, times=TIMES, time="peaks", scores=scores,
                     score_params=dict(chance=0.5), **FAST)  # fmt: skip
    assert _map_titles(fig) == ["0.250 s"]


def test_peaks_of_the_scores_log_across_what(planted, capsys):
    data, info = planted
    rows = (
        0.5
        + 0.3 * _bump(0.25)
        + 0.01 * np.random.default_rng(0).standard_normal((4, 1, N_TIMES))
    )
    plot_coefs(data, info, times=TIMES, time="peaks", scores=rows, res=24, dpi=30,
               show=False, verbose=True)  # fmt: skip
    assert "peak(s) of the score Score (mean across 4 subjects) at 0.25 s" in (
        capsys.readouterr().out
    )


def test_times_pick_the_nearest_frames_in_the_order_given(planted):
    data, info = planted
    fig = plot_coefs(data, info, times=TIMES, time=(0.3, 0.101, -0.2), **FAST)
    assert _map_titles(fig) == ["0.300 s", "0.100 s", "-0.200 s"]
    fig = plot_coefs(data, info, times=TIMES, time=np.array([0.8]), **FAST)
    assert _map_titles(fig) == ["0.800 s"]


@pytest.mark.parametrize(
    "time, error, match",
    [
        ([0.1, 0.9], ValueError, r"time must lie within the frames shown, -0.2 "
         r"to 0.8 \(s; after tmin and tmax\); got 0.9"),
        ([0.1, 0.102], ValueError, "time asks for the frame at 0.1 s more than once"),
        ([], ValueError, "at least one time"),
        ([[0.1, 0.2]], ValueError, r"got shape \(1, 2\)"),
        ([0.1, np.nan], ValueError, "time must hold finite numbers"),
        ([True, False], TypeError, r"got booleans \(\[True, False\]\)"),
        ("peak", ValueError, "time must be a number, a sequence of numbers or "
         "'peaks'; got 'peak'"),
        ({0.1: 1}, TypeError, "time must be a number, a sequence of numbers or "
         "'peaks'; got dict"),
        (["a", "b"], TypeError, "time must be a number, a sequence"),
        (None, TypeError, "got NoneType"),
    ],
)  # fmt: skip
def test_bad_times_are_refused_naming_time(planted, time, error, match):
    data, info = planted
    with pytest.raises(error, match=match):
        plot_coefs(data, info, times=TIMES, time=time, **FAST)


def test_times_outside_the_cropped_range_are_refused(planted):
    data, info = planted
    with pytest.raises(ValueError, match="within the frames shown, 0 to 0.5"):
        plot_coefs(data, info, times=TIMES, tmin=0.0, tmax=0.5, time=[0.1, 0.6],
                   **FAST)  # fmt: skip


def test_peaks_of_several_panels_need_scores(planted):
    data, info = planted
    with pytest.raises(ValueError, match="there are 2 panels. Pass the times"):
        plot_coefs({"a": data, "b": -data}, info, times=TIMES, time="peaks", **FAST)
