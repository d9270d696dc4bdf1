"""Agreement maps: how consistently the subjects carry the mean (consistency=).

The measures are checked on data with a known answer (scipy's t-test, planted
unanimous channels, null data whose false positive rates are known), then
through what the animation shows: its panels, colour bars, titles and the
colours of its pixels, in every output.
"""


import numpy as np
import pytest
from conftest import decode_video, map_visibility, shown_colors, viewer_meta
from matplotlib.path import Path
from scipy import stats
from scipy.spatial import ConvexHull

import mne_coefanim as mc
from mne_coefanim.scene._colors import GradedFade
from mne_coefanim.stats._agreement import FADE_STEPS, agreement, agreement_weights

FAST = dict(res=32, dpi=40, show=False, verbose=False)
DIMS = ("subjects", "times", "channels")
N_SUBJECTS, N_TIMES, N_CH = 8, 6, 32


def _subjects(seed=0, n_subjects=N_SUBJECTS, n_times=N_TIMES, effect=0.5):
    """Per-subject maps: noise plus a graded effect across the channels."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((n_subjects, n_times, N_CH))
    return noise + effect * np.linspace(-1, 2, N_CH)


def _animate(samples, info, **kwargs):
    times = np.arange(samples.shape[1]) / 100
    return mc.animate_coefs(samples, info, times=times, dims=DIMS,
                            **{**FAST, **kwargs})  # fmt: skip


# -- the measures: known answers ------------------------------------------------


def test_t_panel_is_scipys_one_sample_t(info):
    samples = _subjects()
    anim = _animate(samples, info, consistency="t", tmin=0.02)
    expected = stats.ttest_1samp(samples, 0.0, axis=0).statistic[2:]
    assert anim.values.shape == (2, N_TIMES - 2, N_CH)  # mean, then its t
    np.testing.assert_allclose(anim.values[1], expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(anim.values[0], samples.mean(axis=0)[2:])
    peak = np.abs(expected).max()  # t's own scale, symmetric about 0
    assert anim.vlim[1] == pytest.approx((-peak, peak))
    assert anim.units == [None, "t"]
    titles = [ax.get_title() for ax in anim.map_axes]
    assert titles == ["Mean of 8 subjects", "t vs 0 across 8 subjects"]
    assert [bar.ax.get_ylabel() for bar in anim.colorbars] == ["", "t"]


def test_t_is_of_the_signed_mean_before_the_transform(info):
    samples = _subjects(seed=1)
    anim = _animate(samples, info, consistency="t", coef_params=dict(transform="abs"))
    np.testing.assert_allclose(anim.values[0], np.abs(samples.mean(axis=0)))
    t = stats.ttest_1samp(samples, 0.0, axis=0).statistic
    np.testing.assert_allclose(anim.values[1], t, rtol=1e-12)
    assert (anim.values[1] < 0).any()  # the sign of the agreement is kept


def test_sign_is_one_where_every_subject_agrees(info):
    samples = _subjects(seed=2)
    front = _front(info)  # planted: every subject positive at the front ...
    samples[:, :, front] = 1 + 0.1 * np.abs(samples[:, :, front])
    pz = info.ch_names.index("Pz")
    samples[:, 3, pz] = [1, 1, 1, 1, 1, 1, -1, -1]  # ... and 6 of 8 agree here
    # linear: a triangle of unanimous channels is exactly 1 (cubic may dip)
    anim = _animate(samples, info, consistency="sign", res=48, image_interp="linear")
    assert (anim.values[1][:, front] == 1).all()
    assert anim.values[1][3, pz] == 0.75
    assert (anim.values[1][:, ~front] < 1).any()  # noise: not unanimous
    assert anim.vlim[1] == (0.0, 1.0) and anim.units[1] == "fraction of subjects"
    assert anim.map_axes[1].get_title() == "Sign agreement across 8 subjects"
    # far from the other channels, the map shows the top of its colour bar
    bar = np.rint(np.asarray(anim.colorbars[1].cmap.colors)[:, :3] * 255)
    deep = _deep_in(anim, front)
    assert deep.sum() > 50
    assert (shown_colors(anim, 0, panel=1)[deep] == bar[-1]).all()


def _front(info):
    """The channels in front of the ears (Fp, AF, F, FC: y > 0)."""
    pos = info.get_montage().get_positions()["ch_pos"]
    return np.array([pos[name][1] > 0 for name in info.ch_names])


def test_sem_in_the_display_units(info):
    samples = _subjects(seed=3)
    anim = _animate(samples, info, consistency="sem", scalings=1e3, units="mV")
    sem = samples.std(axis=0, ddof=1) / np.sqrt(N_SUBJECTS) * 1e3
    np.testing.assert_allclose(anim.values[1], sem, rtol=1e-12)
    assert anim.units == ["mV", "mV"]
    assert anim.vlim[1] == pytest.approx((0.0, sem.max()))


@pytest.mark.parametrize(
    "measure, expected",
    # the rate at which null data are shown unfaded, with 8 subjects:
    # t: alpha; sign: all 8 on one side, 2 / 2**8; sem: P(|t_7| >= 2)
    [("t", 0.05), ("sign", 2 / 2**8), ("sem", 2 * stats.t.sf(2.0, 7))],
)
def test_fade_false_positive_rates(measure, expected):
    null = np.random.default_rng(7).standard_normal((N_SUBJECTS, 500, 64))
    values = agreement(null, measure)
    weights = agreement_weights(values, measure, mean=null.mean(axis=0),
                                n_samples=N_SUBJECTS, alpha=0.05)  # fmt: skip
    shown_fully = np.mean(weights == 1)
    # 32,000 cells: the standard error of a rate of 0.05 is 0.0012
    assert shown_fully == pytest.approx(expected, abs=0.01)
    assert 0 <= weights.min() and weights.max() <= 1
    # and a strong effect carried by every subject is never faded
    effect = null + 10.0
    values = agreement(effect, measure)
    weights = agreement_weights(values, measure, mean=effect.mean(axis=0),
                                n_samples=N_SUBJECTS, alpha=0.05)  # fmt: skip
    assert (weights == 1).all()


def test_identical_subjects_give_a_finite_t(info):
    samples = _subjects(seed=4)
    samples[:, :, 5] = 2.0  # every subject the same non-zero value: t = inf
    samples[:, :, 6] = 0.0  # every subject 0: t = 0
    anim = _animate(samples, info, consistency="t")
    t = anim.values[1]
    assert np.isfinite(t).all()
    assert (t[:, 6] == 0).all()
    others = np.delete(t, 5, axis=1)
    assert (t[:, 5] == np.abs(others).max()).all()  # the largest finite |t|


def test_fade_steps_are_graded():
    weights = np.array([1.0, 0.9, 0.75, 0.5, 0.25, 0.1, 0.0, -0.3, 1.4])
    steps = GradedFade.steps(weights)
    np.testing.assert_array_equal(steps, [0, 0, 1, 2, 2, 3, 3, 3, 0])
    assert FADE_STEPS[0] == 0 and FADE_STEPS[-1] == 0.9


# -- what the animation shows -----------------------------------------------------


def test_t_fade_title_says_the_threshold_is_uncorrected(info):
    samples = np.random.default_rng(2).standard_normal((N_SUBJECTS, 3, N_CH))
    anim = _animate(samples, info, consistency=dict(kind="t", display="fade"))
    # 8 subjects: the two-sided t at p = 0.05 with 7 degrees of freedom
    crit = stats.t.ppf(0.975, N_SUBJECTS - 1)
    assert anim.map_axes[0].get_title() == (
        f"Mean of 8 subjects, faded where |t| < {crit:.2f} (uncorrected)"
    )


def test_fade_moves_disagreeing_areas_to_the_palest_colours(info):
    """Front: all 8 subjects positive; back: 4 against 4 (fraction 0.5)."""
    front = _front(info)
    rng = np.random.default_rng(5)
    magnitude = 1 + 0.2 * np.abs(rng.standard_normal((N_SUBJECTS, 3, N_CH)))
    signs = np.where(front, 1.0, np.repeat([1.0, -1.0], 4)[:, None, None])
    samples = signs * magnitude
    anim = _animate(
        samples, info, consistency=dict(kind="sign", display="fade"), res=48
    )
    assert len(anim.map_axes) == 1 and len(anim.colorbars) == 1
    assert anim.map_axes[0].get_title() == (
        "Mean of 8 subjects, faded as sign agreement falls"
    )
    frames = list(anim.iter_frames())  # sets anim.palette
    n_levels = 192 // len(FADE_STEPS)
    bar = np.rint(np.asarray(anim.colorbars[0].cmap.colors)[:, :3] * 255)
    assert len(bar) == n_levels
    np.testing.assert_array_equal(anim.palette[:n_levels], bar)
    palest = anim.palette[3 * n_levels : 4 * n_levels].astype(int)
    np.testing.assert_allclose(palest, bar + 0.9 * (255 - bar), atol=1)
    # pixels far from the other region's channels: fully shown, fully faded
    deep_front = _deep_in(anim, front)
    deep_back = _deep_in(anim, ~front)
    assert deep_front.sum() > 50 and deep_back.sum() > 50
    level = _palette_index(shown_colors(anim, 0), anim.palette[: 4 * n_levels])
    assert (level[deep_front] < n_levels).all()
    assert (level[deep_back] >= 3 * n_levels).all()
    # in between, the intermediate steps
    steps = level // n_levels
    assert {1, 2} <= set(np.unique(steps).tolist())
    # and the saved frames show the same indices where the map shows fully
    full = map_visibility(anim) == 1
    assert (frames[0][full] >= 3 * n_levels).any()
    assert (frames[0][full] < n_levels).any()


def _deep_in(anim, channels):
    """Pixels among ``channels``, 1.5 channel spacings from all others.

    Only within the channels' hull: beyond it the map is extrapolated, and
    the rim beside a channel of the other region mixes both.
    """
    pos = anim.sensors.pos
    xx, yy = np.meshgrid(anim.interp.xi, anim.interp.yi)
    xy = np.column_stack([xx.ravel(), yy.ravel()])[anim.interp.inside.ravel()]
    spacing = np.median(np.sort(np.hypot(*(pos[:, None] - pos[None]).T), 0)[1])
    distance = np.hypot(*(xy[:, None] - pos[None]).T)  # (n_channels, n_pixels)
    hull = Path(pos[ConvexHull(pos).vertices]).contains_points(xy)
    near = distance[channels].min(axis=0) < spacing
    return hull & near & (distance[~channels].min(axis=0) > 1.5 * spacing)


def _palette_index(rgb, palette):
    same = (rgb[:, None] == palette[None]).all(axis=-1)
    assert (same.sum(axis=1) >= 1).all()
    return np.argmax(same, axis=1)


def test_dict_panels_each_get_their_agreement(info):
    a, b = _subjects(seed=6), 3 * _subjects(seed=8)
    anim = mc.animate_coefs({"A": a, "B": b[:5]}, info, dims=DIMS,
                            times=np.arange(N_TIMES) / 100, consistency="t",
                            mask="fdr", **FAST)  # fmt: skip
    titles = [ax.get_title() for ax in anim.map_axes]
    assert titles == ["A", "A: t vs 0 across 8 subjects",
                      "B", "B: t vs 0 across 5 subjects"]  # fmt: skip
    assert len(anim.colorbars) == 4
    # the means keep one shared scale, the t maps share theirs
    assert anim.vlim[0] == anim.vlim[2] and anim.vlim[1] == anim.vlim[3]
    t_b = stats.ttest_1samp(b[:5], 0.0, axis=0).statistic
    np.testing.assert_allclose(anim.values[3], t_b, rtol=1e-12)
    # each agreement panel carries its mean's significance markers
    np.testing.assert_array_equal(anim.masks[0], anim.masks[1])
    np.testing.assert_array_equal(anim.masks[2], anim.masks[3])


def test_panel_with_mask_dim_and_vlim_each(info):
    samples = _subjects(seed=9)
    mask = np.zeros((N_TIMES, N_CH), bool)
    mask[:, :5] = True
    anim = _animate(samples, info, consistency="sem", vlim="each", mask=mask,
                    mask_params=dict(dim=0.6))  # fmt: skip
    frames = list(anim.iter_frames())
    assert len(frames) == N_TIMES
    # two panels, each with its table and its faded twin: 4 x 48 colours
    assert [len(bar.cmap.colors) for bar in anim.colorbars] == [48, 48]
    twin = anim.palette[96:144].astype(int)
    first = np.rint(np.asarray(anim.colorbars[0].cmap.colors)[:, :3] * 255)
    np.testing.assert_allclose(twin, first + 0.6 * (255 - first), atol=1)


def test_every_output_shows_the_panel(info, tmp_path):
    samples = _subjects(seed=10)
    anim = _animate(samples, info, consistency="t", dpi=50)
    html = anim.save(tmp_path / "a.html").read_text(encoding="utf-8")
    meta = _viewer_meta(html)
    assert meta["units"] == ["", "t"] and len(meta["maps"]) == 2
    peak = np.abs(anim.values[1]).max()  # 4 significant digits of the peak
    np.testing.assert_allclose(meta["values"][1], anim.values[1], atol=1e-3 * peak)
    frames, _ = decode_video(anim.save(tmp_path / "a.mp4"))
    assert len(frames) == N_TIMES
    gif_frames = list(anim.iter_frames())
    height, width = gif_frames[0].shape  # the video pads to even sizes
    assert frames.shape[1:3] == (height + height % 2, width + width % 2)
    fig = mc.plot_coefs(samples, info, time=0.03, times=np.arange(N_TIMES) / 100,
                        dims=DIMS, consistency="sign", **FAST)  # fmt: skip
    assert len(fig.axes) == 4  # two maps, two colour bars
    assert fig.axes[1].get_title() == "Sign agreement across 8 subjects"


def _viewer_meta(html):

    return viewer_meta(html)


def test_default_unchanged(info):
    samples = _subjects(seed=11)
    plain = _animate(samples, info)
    assert len(plain.map_axes) == 1 and plain.map_axes[0].get_title() == ""


# -- refusals ------------------------------------------------------------------


def test_folds_are_refused(info):
    folds = _subjects(seed=12, n_subjects=5)
    with pytest.raises(ValueError, match=r"consistency='t' measures agreement "
                       r"across subjects, but data has 5 cross-validation folds"
                       r".*Pass per-subject data"):  # fmt: skip
        mc.animate_coefs(folds, info, times=np.arange(N_TIMES) / 100,
                         dims=("folds", "times", "channels"), consistency="t",
                         **FAST)  # fmt: skip


def test_sign_aligned_samples_are_refused(info):
    """Aligned subjects agree with their leading pattern even on noise."""
    with pytest.raises(ValueError, match=r"consistency='sign' cannot measure the "
                       r"agreement of sign-aligned samples"):  # fmt: skip
        _animate(
            _subjects(seed=13),
            info,
            consistency="sign",
            coef_params=dict(align_signs=True),
        )


def test_single_map_and_one_subject_are_refused(info):
    times = np.arange(N_TIMES) / 100
    one_map = _subjects(seed=13)[0]
    with pytest.raises(ValueError, match="data holds a single map"):
        mc.animate_coefs(one_map, info, times=times, consistency="sign", **FAST)
    with pytest.raises(ValueError, match="at least 2 subjects.*has 1"):
        _animate(_subjects(seed=13, n_subjects=1), info, consistency="sem")


def test_non_negative_maps_are_refused(info):
    samples = np.abs(_subjects(seed=14))
    norm = mc.CoefData(data=samples.mean(axis=0), times=np.arange(N_TIMES) / 100,
                       samples=samples, sample_dim="subjects",
                       reduction="the norm across classes")  # fmt: skip
    with pytest.raises(ValueError, match=r"non-negative by construction.*"
                       r"coef_params=dict\(class_idx=\.\.\.\)"):  # fmt: skip
        mc.animate_coefs(norm, info, consistency="sign", **FAST)


@pytest.mark.parametrize(
    "measure, display",
    [("t", "panel"), ("sign", "panel"), ("sem", "fade"), ("t", "fade")],
)
def test_user_made_non_negative_maps_are_refused(info, measure, display):
    """Per-subject np.abs: every subject agrees in sign, even on noise."""
    null = np.abs(_subjects(seed=17, effect=0.0))
    with pytest.raises(ValueError, match=rf"consistency='{measure}' measures "
                       r"agreement against 0, but every subject's map is "
                       r"non-negative at every time and channel"):  # fmt: skip
        _animate(null, info, consistency=dict(kind=measure, display=display))
    with pytest.raises(ValueError, match="non-positive at every time"):
        _animate(-null, info, consistency=dict(kind=measure, display=display))
    # their spread alone is no test against 0: shown
    anim = _animate(null, info, consistency="sem")
    np.testing.assert_allclose(anim.values[1], null.std(axis=0, ddof=1) / np.sqrt(8))


def test_unnamed_axes_are_refused(info):
    samples = _subjects(seed=18)
    times = np.arange(N_TIMES) / 100
    with pytest.raises(ValueError, match=r"consistency='sign' tests across the "
                       r"first axis of data, but its axes were not named"):  # fmt: skip
        mc.animate_coefs(samples, info, times=times, consistency="sign", **FAST)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(consistency="mean"), r"consistency must be one of None, 't', "
                                   r"'sign', 'sem'; got 'mean'"),
        (dict(consistency=dict(kind="t", display="side")),
         r"consistency\['display'\] must be one of 'panel', 'fade'; got 'side'"),
        (dict(consistency=dict(display="fade")), r"needs a measure: pass consistency="),
        (dict(consistency=dict(kind="t", display="fade"), mask="fdr",
              mask_params=dict(dim=0.5)), "both fade the map"),
        (dict(consistency="sem", coef_params=dict(transform="zscore")),
         "would not share a scale"),
    ],
)  # fmt: skip
def test_option_errors(info, kwargs, match):
    with pytest.raises(ValueError, match=match):
        _animate(_subjects(seed=15), info, **kwargs)


def test_options_are_checked_before_any_test(info):
    """A typo is reported at once, not after a mask test (here: refused)."""
    folds = _subjects(seed=16, n_subjects=5)
    with pytest.raises(ValueError, match="consistency must be one of"):
        mc.animate_coefs(folds, info, times=np.arange(N_TIMES) / 100,
                         dims=("folds", "times", "channels"), mask="fdr",
                         consistency="T", **FAST)  # fmt: skip
