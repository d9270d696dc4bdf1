"""A frequency axis: one row of maps per frequency (or band), and TF scores.

Known answers: an effect planted in the beta band shows in the beta row only
(arrays and decoders fitted on channels x freqs features); a decoder's
features are un-flattened in the Vectorizer's C order; significance markers
on null data stay at the nominal family-wise rate across the rows.
"""

import mne
import numpy as np
import pytest
from conftest import make_info, make_montage, map_rgba, table_colors
from PIL import Image

from mne_coefanim import animate_coefs, as_coef_data
from mne_coefanim.figure._figure import _layout
from mne_coefanim.inputs._data import normalize_dims

FAST = dict(res=32, dpi=40, show=False, sensors=False, verbose=False)
BANDS = np.array([[4.0, 8.0], [8.0, 13.0], [13.0, 30.0]])  # theta, alpha, beta
BETA = 2  # the index of the beta band
PLANTED = ["C3", "Cz", "C4", "CP1", "CP2"]
EFFECT_TIMES = slice(3, 6)
N_TIMES = 8
CHANNELS_16 = ["Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T7", "C3", "Cz", "C4",
               "T8", "P3", "Pz", "P4", "Oz"]  # fmt: skip
TIMES = np.arange(N_TIMES) * 0.05


def planted_group(info, rng, n_subjects=12, effect=2.0):
    """(subjects, times, channels, freqs): noise, plus ``effect`` in beta."""
    data = rng.standard_normal((n_subjects, N_TIMES, len(info.ch_names), 3))
    picks = [info.ch_names.index(name) for name in PLANTED]
    data[:, EFFECT_TIMES, picks, BETA] += effect
    return data, picks


def titles_top_to_bottom(anim):
    """The map titles, sorted from the top row down (then left to right)."""
    boxes = [(-ax.get_position().y0, ax.get_position().x0, ax.get_title())
             for ax in anim.map_axes]  # fmt: skip
    return [title for *_, title in sorted(boxes)]


# -- dims ----------------------------------------------------------------------


def test_dims_name_a_frequency_axis():
    assert normalize_dims(("time", "channel", "freq")) == ("times", "channels", "freqs")
    assert normalize_dims("freqs, times, ch") == ("freqs", "times", "channels")


def test_as_coef_data_refuses_a_frequency_axis(rng):
    with pytest.raises(ValueError, match=r"frequency axis.*animate_coefs with "
                       r"coef_params=dict\(freqs="):  # fmt: skip
        as_coef_data(rng.standard_normal((4, 5, 3)), dims="times, channels, freqs")


# -- rows of maps: a planted beta effect -----------------------------------------


def test_beta_effect_shows_in_the_beta_row_only(info, rng):
    data, picks = planted_group(info, rng)
    anim = animate_coefs(
        data, info, dims=("subjects", "times", "channels", "freqs"),
        coef_params=dict(freqs=BANDS),
        times=TIMES, mask="fdr", **FAST,
    )  # fmt: skip
    # one row per band, the highest on top, labelled in Hz; one colour scale
    assert titles_top_to_bottom(anim) == ["13–30 Hz", "8–13 Hz", "4–8 Hz"]
    assert len(anim.colorbars) == 1 and isinstance(anim.vlim, tuple)
    beta, others = anim.values[0], anim.values[1:]
    # the group mean: 2 at the planted channels (SEM 1/sqrt(12) = 0.29)
    np.testing.assert_allclose(beta[EFFECT_TIMES][:, picks].mean(), 2.0, atol=0.3)
    top = np.argsort(np.abs(beta[4]))[-len(picks) :]
    assert set(top) == set(picks)
    assert np.abs(others).max() < 1.5  # noise means only: 4.5 SEM at most
    # markers: at the planted channels of the beta row, nowhere else
    marked = anim.masks
    assert marked[1:].sum() == 0
    assert marked[0][EFFECT_TIMES][:, picks].mean() > 0.8
    outside = np.ones_like(marked[0], bool)
    outside[EFFECT_TIMES, picks] = False
    assert marked[0][outside].sum() <= 2
    # pixels: the beta map reaches the colour scale's top, the others do not
    top_color = table_colors(anim)[-1]
    anim.show_frame(4)
    reds = [np.all(map_rgba(anim, k)[..., :3] == top_color, axis=-1).sum()
            for k in range(3)]  # fmt: skip
    assert reds[0] > 20 and reds[1] == reds[2] == 0


def test_dict_entries_are_columns_and_fmin_fmax_select_rows(info, rng):
    data, _ = planted_group(info, rng)
    dims = ("subjects", "times", "channels", "freqs")
    anim = animate_coefs(
        {"left": data, "right": -data},
        info,
        dims=dims,
        coef_params=dict(freqs=BANDS, fmin=8),
        times=TIMES,
        **FAST,
    )
    assert titles_top_to_bottom(anim) == [
        "left, 13–30 Hz", "right, 13–30 Hz", "left, 8–13 Hz", "right, 8–13 Hz",
    ]  # fmt: skip
    np.testing.assert_allclose(anim.values[1], -anim.values[0])
    np.testing.assert_allclose(anim.values[0], data[..., BETA].mean(0))
    np.testing.assert_allclose(anim.values[2], data[..., 1].mean(0))
    # frequencies given one by one; fmax keeps those up to it, inclusive
    anim = animate_coefs(
        data[0],
        info,
        dims="time, channel, freq",
        coef_params=dict(freqs=[6, 10, 20], fmax=10),
        **FAST,
    )
    assert titles_top_to_bottom(anim) == ["10 Hz", "6 Hz"]


def test_zscore_applies_per_frequency(info, rng):
    data, _ = planted_group(info, rng, n_subjects=1)
    anim = animate_coefs(
        data[0],
        info,
        dims=("times", "channels", "freqs"),
        coef_params=dict(freqs=BANDS, transform="zscore"),
        **FAST,
    )
    np.testing.assert_allclose(anim.values.mean(axis=-1), 0, atol=1e-12)
    np.testing.assert_allclose(anim.values.std(axis=-1), 1, atol=1e-12)
    assert anim.units == "z"


def test_a_boolean_mask_per_frequency_follows_its_row(info, rng):
    data, _ = planted_group(info, rng, n_subjects=1)
    mask = np.zeros((3, N_TIMES, len(info.ch_names)), bool)
    mask[BETA, 2, 5] = mask[0, 1, 7] = True
    anim = animate_coefs(data[0], info, dims=("times", "channels", "freqs"),
                         coef_params=dict(freqs=BANDS), mask=mask, **FAST)  # fmt: skip
    np.testing.assert_array_equal(anim.masks, mask[::-1])  # beta on top
    with pytest.raises(ValueError, match=r"mask must have shape .*n_freqs = 3"):
        animate_coefs(data[0], info, dims=("times", "channels", "freqs"),
                      coef_params=dict(freqs=BANDS), mask=mask[:2], **FAST)  # fmt: skip


# -- decoders fitted on (channels x freqs) features ------------------------------


@pytest.fixture(scope="module")
def tf_decoder():
    """A decoder of simulated power, (epochs, 16 channels, 3 freqs, 6 times).

    Class 1 has more beta power at C3 from the third time on.
    """
    from mne.decoding import LinearModel, SlidingEstimator, Vectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    info = mne.create_info(CHANNELS_16, 100.0, "eeg")
    info.set_montage(make_montage("standard_1020"))
    rng = np.random.default_rng(7)
    X = rng.standard_normal((120, 16, 3, 6))
    y = np.repeat([0, 1], 60)
    X[y == 1, info.ch_names.index("C3"), BETA, 2:] += 1.5
    sliding = SlidingEstimator(make_pipeline(
        Vectorizer(), StandardScaler(), LinearModel(LogisticRegression())
    ), scoring="roc_auc")  # fmt: skip
    with mne.use_log_level("WARNING"):
        sliding.fit(X, y)
    return sliding, info


def test_align_signs_with_a_decoders_freqs_is_refused(tf_decoder):
    """Not dropped silently: the decoder's maps are read after the split."""
    sliding, info = tf_decoder
    with pytest.raises(ValueError,
                       match=r"coef_params=dict\(align_signs=True\) with a frequency "
                       r"axis "
                       "takes a plain array.*fitted decoders"):  # fmt: skip
        animate_coefs(
            [sliding, sliding],
            info,
            times=np.arange(6) * 0.1,
            coef_params=dict(freqs=[6.0, 10.0, 20.0], align_signs=True),
            **FAST,
        )


def test_decoder_on_channels_by_freqs_features(tf_decoder):
    sliding, info = tf_decoder
    anim = animate_coefs(sliding, info, coef_params=dict(freqs=[6.0, 10.0, 20.0]),
                         times=np.arange(6) * 0.1, **FAST)  # fmt: skip
    assert titles_top_to_bottom(anim) == ["20 Hz", "10 Hz", "6 Hz"]
    assert anim.units == "a.u."
    c3 = info.ch_names.index("C3")
    # the Vectorizer's C order: feature c * n_freqs + f is channel c, freq f
    for t, model in enumerate(sliding.estimators_):
        scale = model[1].scale_  # the StandardScaler undone: a_x = scale * a_z
        expected = (model[-1].patterns_ * scale).reshape(16, 3)
        for row, freq in enumerate((BETA, 1, 0)):
            np.testing.assert_allclose(anim.values[row, t], expected[:, freq])
    # the effect: beta at C3, from the third time on, and nowhere else
    beta = np.abs(anim.values[0, 2:])
    assert (beta.argmax(axis=-1) == c3).all()
    assert beta[:, c3].min() > 1.5 * np.abs(anim.values[1:, 2:]).max()


def test_decoder_frequency_errors(tf_decoder):
    sliding, info = tf_decoder
    with pytest.raises(ValueError, match="fitted on .channels x freqs. features, "
                       "but freqs is None"):  # fmt: skip
        animate_coefs(sliding, info, **FAST)
    with pytest.raises(ValueError, match=r"\(n_channels, n_freqs\) = \(16, 3\), "
                       "freqs has 2"):  # fmt: skip
        animate_coefs(sliding, info, coef_params=dict(freqs=[10, 20]), **FAST)
    # a panel without the frequency axis: a decoder of one value per channel
    plain = _plain_decoder(info)
    with pytest.raises(ValueError, match="panel.s. 'plain' have none"):
        animate_coefs({"tf": sliding, "plain": plain}, info,
                      coef_params=dict(freqs=[6, 10, 20]),
                      **FAST)  # fmt: skip
    # without freqs the plain one is fine, and the other one is named
    with pytest.raises(ValueError, match="but freqs is None"):
        animate_coefs({"tf": sliding, "plain": plain}, info, **FAST)


def _plain_decoder(info):
    from mne.decoding import LinearModel, SlidingEstimator
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(1).standard_normal((20, len(info.ch_names), 6))
    sliding = SlidingEstimator(LinearModel(LogisticRegression()))
    with mne.use_log_level("WARNING"):
        return sliding.fit(X, np.repeat([0, 1], 10))


def test_steps_before_the_vectorizer_are_refused():
    from mne.decoding import LinearModel, Scaler, SlidingEstimator, Vectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    info = make_info(n_channels=8)
    X = np.random.default_rng(0).standard_normal((20, 8, 2, 3))
    sliding = SlidingEstimator(make_pipeline(
        Scaler(scalings="mean"), Vectorizer(), LinearModel(LogisticRegression())
    ))  # fmt: skip
    with mne.use_log_level("WARNING"):
        sliding.fit(X, np.repeat([0, 1], 10))
    with pytest.raises(ValueError, match="Scaler before its Vectorizer"):
        animate_coefs(sliding, info, coef_params=dict(freqs=[10, 20]), **FAST)


# -- errors: mismatched freqs, fmin, fmax -----------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(coef_params=dict(freqs=[4, 8])), r"has 3 frequencies, freqs has 2"),
        (dict(coef_params=dict(freqs=BANDS, fmin=20)),
         r"select no frequency \(whole bands only\)"),
        (dict(coef_params=dict(freqs=BANDS, fmin=13, fmax=8)), "fmin must be <= fmax"),
        (dict(coef_params=dict(freqs=[10, 8, 20])), "strictly increasing"),
        (dict(coef_params=dict(freqs=[[4, 8, 12]] * 3)),
         r"shape \(n_freqs,\).*got shape \(3, 3\)"),
        (dict(coef_params=dict(freqs=[[4, 8], [8, 6], [13, 30]])), "low < high"),
        (dict(coef_params=dict(freqs=[-1, 8, 10])), ">= 0 Hz"),
        (dict(coef_params=dict(freqs=BANDS, fmax="30")), "fmax must be a number"),
        (dict(coef_params=dict(freqs=None)),
         "array whose dims name 'freqs', but freqs is None"),
    ],
)
def test_frequency_errors(info, rng, kwargs, match):
    data = rng.standard_normal((N_TIMES, len(info.ch_names), 3))
    error = TypeError if "number" in match else ValueError
    with pytest.raises(error, match=match):
        animate_coefs(data, info, dims=("times", "channels", "freqs"), **kwargs,
                      **FAST)  # fmt: skip


def test_frequency_options_without_a_frequency_axis(info, rng):
    data = rng.standard_normal((N_TIMES, len(info.ch_names)))
    with pytest.raises(ValueError, match="freqs is given, but data has no freq"):
        animate_coefs(data, info, coef_params=dict(freqs=[10]), **FAST)
    with pytest.raises(ValueError, match="fmin selects frequencies, but freqs is"):
        animate_coefs(data, info, coef_params=dict(fmin=8), **FAST)
    with pytest.raises(ValueError, match=r"must be 3-D with dims \('times'"):
        animate_coefs({"tf": data[..., None], "plain": data}, info,
                      coef_params=dict(freqs=[10]),
                      dims=("times", "channels", "freqs"), **FAST)  # fmt: skip


# -- the time-frequency score map --------------------------------------------------


def tf_scores(n_freqs=3, n_times=N_TIMES):
    """0.5 everywhere but a beta window at 0.9."""
    scores = np.full((n_freqs, n_times), 0.5)
    scores[BETA, EFFECT_TIMES] = 0.9
    return scores


def tf_animation(data, info, **look):
    """One subject's maps in 3 bands, with the TF score map."""
    return animate_coefs(
        data,
        info,
        dims=("times", "channels", "freqs"),
        coef_params=dict(freqs=BANDS),
        times=TIMES,
        scores=tf_scores(),
        score_params=dict(scoring="roc_auc"),
        show=False,
        verbose=False,
        **look,
    )


def test_tf_score_map_draws_with_a_moving_cursor(info, rng, tmp_path):
    data, _ = planted_group(info, rng, n_subjects=1)
    anim = tf_animation(data[0], info, res=32, dpi=40)
    panel = anim.scores
    np.testing.assert_array_equal(panel.tf_matrix, tf_scores())
    assert panel.tf_labels == ("4–8 Hz", "8–13 Hz", "13–30 Hz")
    assert panel.label == "AUC" and panel.chance == 0.5 and panel.matrix is None
    ax = anim.score_axes
    np.testing.assert_array_equal(ax.images[0].get_array(), tf_scores())
    assert ax.get_ylabel() == "Frequency (Hz)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["4–8", "8–13", "13–30"]
    (cursor,) = [line for line in ax.lines if line.get_xdata()[0] == TIMES[0]]
    for k in (3, 7):
        anim.show_frame(k)
        assert cursor.get_xdata()[0] == TIMES[k]
    # in the saved frames, the cursor's dark column moves right over the map
    anim.save(tmp_path / "tf.gif", fps=5)
    columns = [_cursor_column(tmp_path / "tf.gif", k, anim) for k in (0, 4, 7)]
    assert columns[0] < columns[1] < columns[2]
    # fmin/fmax crop the score map to the rows shown, tmin/tmax to the times
    anim = animate_coefs(data[0], info, dims=("times", "channels", "freqs"),
                         coef_params=dict(freqs=BANDS, fmin=8), times=TIMES, tmin=0.1,
                         scores=tf_scores(), **FAST)  # fmt: skip
    np.testing.assert_array_equal(anim.scores.tf_matrix, tf_scores()[1:, 2:])


def _cursor_column(path, k, anim):
    """The x pixel of the black cursor in frame k's score map."""
    with Image.open(path) as image:
        image.seek(k)
        rgb = np.asarray(image.convert("RGB")).astype(int)
    box = anim.score_axes.get_window_extent()
    height = rgb.shape[0]
    rows = slice(int(height - box.y1) + 3, int(height - box.y0) - 3)
    band = rgb[rows, int(box.x0) + 1 : int(box.x1) - 1].sum(axis=-1)
    dark = (band < 150).mean(axis=0)  # the cursor crosses every row
    return int(np.argmax(dark))


def test_tf_scores_averaged_and_ambiguities(info, rng):
    data, _ = planted_group(info, rng, n_subjects=3)
    dims = ("subjects", "times", "channels", "freqs")
    stack = np.stack([tf_scores() + 0.01 * k for k in range(3)])
    anim = animate_coefs(data, info, dims=dims, coef_params=dict(freqs=BANDS),
                         scores=stack,
                         score_params=dict(matrix="freqs"), **FAST)  # fmt: skip
    np.testing.assert_allclose(anim.scores.tf_matrix, tf_scores() + 0.01)
    assert anim.scores.band == "mean across 3 subjects"
    # 3-D scores could be (subjects, folds, times) curves: say which
    with pytest.raises(ValueError, match="could be a time-frequency map.*"
                       r"\(n_subjects, n_folds, n_times\)"):  # fmt: skip
        animate_coefs(data, info, dims=dims, coef_params=dict(freqs=BANDS),
                      scores=stack, **FAST)
    # 3 rows for 3 subjects: one curve each, or a TF map?
    with pytest.raises(ValueError, match="one curve per each of the data's 3"):
        animate_coefs(data, info, dims=dims, coef_params=dict(freqs=BANDS),
                      scores=tf_scores(), **FAST)
    anim = animate_coefs(data, info, dims=dims, coef_params=dict(freqs=BANDS),
                         scores=tf_scores(),
                         score_params=dict(matrix=False), **FAST)  # fmt: skip
    assert anim.scores.tf_matrix is None and anim.scores.band.endswith("3 subjects")
    # as many frequencies as times: a generalization matrix, or a TF map?
    square = rng.uniform(0.4, 0.6, (N_TIMES, N_TIMES))
    freqs = np.arange(1.0, N_TIMES + 1)
    many = rng.standard_normal((N_TIMES, len(info.ch_names), N_TIMES))
    with pytest.raises(ValueError,
                       match=r"generalization matrix "
                       r"\(score_params=dict\(matrix=True\)"):
        animate_coefs(many, info, dims=("times", "channels", "freqs"),
                      coef_params=dict(freqs=freqs),
                      scores=square, **FAST)  # fmt: skip
    anim = animate_coefs(
        many,
        info,
        dims=("times", "channels", "freqs"),
        coef_params=dict(freqs=freqs),
        scores=square,
        score_params=dict(matrix=True),
        **FAST,
    )
    assert anim.scores.tf_matrix is None
    np.testing.assert_array_equal(anim.scores.matrix, square)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(score_params=dict(matrix="freqs")),
         r"needs coef_params=dict\(freqs=\.\.\.\)"),
        (dict(score_params=dict(matrix="tf")), "must be None, True, False or 'freqs'"),
    ],
)
def test_tf_score_option_errors(info, rng, kwargs, match):
    data = rng.standard_normal((N_TIMES, len(info.ch_names)))
    with pytest.raises(ValueError, match=match):
        animate_coefs(data, info, scores=tf_scores(), **kwargs, **FAST)


def test_tf_score_shape_must_match(info, rng):
    data = rng.standard_normal((N_TIMES, len(info.ch_names), 3))
    with pytest.raises(ValueError,
                       match=r"score_params=dict\(matrix='freqs'\).*\(3, 8\); got \(2"):
        animate_coefs(
            data,
            info,
            dims=("times", "channels", "freqs"),
            coef_params=dict(freqs=BANDS),
            scores=tf_scores()[:2],
            score_params=dict(matrix="freqs"),
            **FAST,
        )


# -- layout ---------------------------------------------------------------------------


def test_rows_layout():
    width, height, rects = _layout(6, True, None, True, n_rows=3)
    maps = np.array(rects["maps"])
    assert len(set(np.round(maps[:, 0], 9))) == 2  # two columns
    assert len(set(np.round(maps[:, 1], 9))) == 3  # three rows
    assert (np.diff(maps[::2, 1]) < 0).all()  # the first panels on top
    for a in range(6):  # no two maps overlap
        for b in range(a):
            (x0, y0, w, h), (x1, y1, _, _) = maps[a], maps[b]
            assert abs(x0 - x1) >= w - 1e-9 or abs(y0 - y1) >= h - 1e-9
    (cbar,) = rects["colorbars"]  # shared: centred on the rows
    centre = cbar[1] + cbar[3] / 2
    np.testing.assert_allclose(centre, (maps[:, 1].min() + maps[:, 1].max()
                                        + maps[0, 3]) / 2)  # fmt: skip
    # one row is the layout it always was
    assert _layout(2, True, None, True, n_rows=1) == _layout(2, True, None, True)


# -- significance markers: one family across the rows --------------------------------


def test_each_row_is_tested_at_alpha_over_n_freqs(info, rng):
    from mne_coefanim import significance_mask

    data, _ = planted_group(info, rng)
    dims = ("subjects", "times", "channels", "freqs")
    anim = animate_coefs(
        data,
        info,
        dims=dims,
        coef_params=dict(freqs=BANDS, fmin=8),
        score_params=dict(alpha=0.06),
        mask="fdr",
        **FAST,
    )
    # rows 13-30 and 8-13 Hz shown; every one of the 3 frequencies counts
    with mne.use_log_level("WARNING"):
        for row, freq in enumerate((2, 1)):
            expected = significance_mask(data[..., freq], info, method="fdr",
                                         alpha=0.02)  # fmt: skip
            np.testing.assert_array_equal(anim.masks[row], expected)
    # a dict of settings: its own alpha is divided
    anim = animate_coefs(data, info, dims=dims, coef_params=dict(freqs=BANDS),
                         mask=dict(method="fdr", alpha=0.09), **FAST)  # fmt: skip
    with mne.use_log_level("WARNING"):
        expected = significance_mask(data[..., 0], info, method="fdr", alpha=0.03)
    np.testing.assert_array_equal(anim.masks[2], expected)


def test_family_wise_false_positive_rate_across_rows(info):
    """Null data, 4 frequency rows: markers anywhere in at most ~5% of maps.

    Measured (300 null data sets of 10 subjects x 6 times x 32 channels x 4
    frequencies, FDR per row): 0.03 at alpha / 4 per row, as the rows are
    tested, against 0.18 without the correction.
    """
    from mne_coefanim import significance_mask

    rng = np.random.default_rng(0)
    n_sets, n_freqs, hits = 300, 4, {0.05: 0, 0.05 / 4: 0}
    with mne.use_log_level("WARNING"):
        for _ in range(n_sets):
            null = rng.standard_normal((10, 6, len(info.ch_names), n_freqs))
            for alpha in hits:
                hits[alpha] += any(
                    significance_mask(
                        null[..., f], info, method="fdr", alpha=alpha
                    ).any()  # fmt: skip
                    for f in range(n_freqs)
                )
    rates = {alpha: count / n_sets for alpha, count in hits.items()}
    assert rates[0.05 / 4] <= 0.08  # 0.05 + 2.4 binomial SD
    assert rates[0.05] >= 0.12  # uncorrected rows: the rate grows with rows


def test_fold_decoders_and_the_viewer(tf_decoder, tmp_path):
    """Folds of a TF decoder average per frequency; the viewer says what it shows."""
    sliding, info = tf_decoder
    anim = animate_coefs(
        [sliding, sliding],
        info,
        coef_params=dict(freqs=[6.0, 10.0, 20.0], transform="abs"),
        score_params=dict(matrix="freqs"),
        scores=np.full((3, 6), 0.6),
        **FAST,
    )
    single = animate_coefs(sliding, info, coef_params=dict(freqs=[6.0, 10.0, 20.0]),
                           **FAST)  # fmt: skip
    np.testing.assert_allclose(anim.values, np.abs(single.values))
    html = anim.to_html(page=False)
    assert '"label":"AUC (mean of 3 frequency rows)"' in html


def test_composed_rows_match_a_full_draw(info, rng):
    """Files compose frames without redrawing: rows and the TF map agree."""
    from test_compose import assert_matches_draw

    data, _ = planted_group(info, rng, n_subjects=1)
    anim = tf_animation(data[0], info, res=64, dpi=50)
    assert_matches_draw(anim, k=4)


def test_xarray_like_with_a_frequency_coordinate(info, rng):
    from test_labelled import FakeDataArray

    data, _ = planted_group(info, rng, n_subjects=1)
    names = info.ch_names
    # channels reversed and first, the frequency coordinate in Hz
    labelled = FakeDataArray(
        data[0][:, ::-1].transpose(1, 2, 0), ("channel", "freq", "time"),
        channel=names[::-1], freq=[6.0, 10.0, 20.0], time=TIMES,
    )  # fmt: skip
    anim = animate_coefs(labelled, info, **FAST)
    expected = animate_coefs(data[0], info, dims=("times", "channels", "freqs"),
                             coef_params=dict(freqs=[6.0, 10.0, 20.0]), times=TIMES,
                             **FAST)  # fmt: skip
    assert titles_top_to_bottom(anim) == ["20 Hz", "10 Hz", "6 Hz"]
    np.testing.assert_array_equal(anim.values, expected.values)
    np.testing.assert_array_equal(anim.times, TIMES)
    with pytest.raises(ValueError, match="freqs must equal the frequency coord"):
        animate_coefs(labelled, info, coef_params=dict(freqs=[5.0, 10.0, 20.0]), **FAST)


@pytest.mark.slow  # 48 CSP fits (~8 s)
def test_tf_example_falls_back_to_simulated_data(tmp_path, monkeypatch, capsys):
    """A plain clone has no ../shared/data: the example simulates, and says so."""
    import runpy
    import shutil
    from pathlib import Path

    script = Path(__file__).parents[1] / "examples" / "plot_tf_decoding.py"
    copy = tmp_path / "clone" / "examples" / script.name  # no shared/data near
    copy.parent.mkdir(parents=True)
    shutil.copy(script, copy)
    monkeypatch.chdir(tmp_path)
    env = runpy.run_path(str(copy), run_name="__main__")
    assert "not found: using simulated epochs instead" in capsys.readouterr().out
    auc = env["auc"]  # the simulated 9 Hz rhythm: the 8-12 Hz band only
    assert auc[0, 1:].min() > 0.95 and auc[1:].max() < 0.8
    titles = [text.get_text() for text in env["anim"].fig.texts]
    assert "CSP patterns: simulated mu rhythm" in titles  # on screen, too
    assert (tmp_path / "tf_csp_patterns.gif").exists()
