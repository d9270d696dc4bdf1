"""score_stats: is the decoding score above chance, and when?

The test itself (stats/_score_tests.py) on data with a known answer:
null scores (no effect anywhere) and a planted effect; then the option
through animate_coefs: the bar under the curve, in the pixels of a saved
frame, the log, and the refusals (no subjects, no chance level).
"""

import io
import itertools

import mne
import numpy as np
import pytest
from conftest import assert_one_line_error, make_info, run
from mne.utils import catch_logging
from PIL import Image
from scipy import stats

from mne_coefanim import animate_coefs
from mne_coefanim.stats._score_tests import score_significance

N_SUBJECTS, N_TIMES = 8, 40
EFFECT = slice(15, 25)  # the planted effect's time points


def score_curves(rng, effect=0.0, n_subjects=N_SUBJECTS, n_times=N_TIMES):
    """Per-subject AUC curves around chance 0.5, smooth over ~5 time points.

    Decoding scores are autocorrelated in time (neighbouring classifiers
    see overlapping data); a moving sum of white noise imitates that.
    """
    noise = rng.standard_normal((n_subjects, n_times + 4))
    smooth = sum(noise[:, k : k + n_times] for k in range(5)) / np.sqrt(5)
    rows = 0.5 + 0.03 * smooth
    rows[:, EFFECT] += effect
    return rows


def false_positive_rate(method, n_repetitions, seed=0):
    """The share of null data sets in which the test marks anything."""
    rng = np.random.default_rng(seed)
    marked = [
        bool(score_significance(score_curves(rng), 0.5, method=method,
                                seed=repetition).significant.any())
        for repetition in range(n_repetitions)
    ]  # fmt: skip
    return np.mean(marked), np.array(marked)


def exact_cluster_p(X, threshold):
    """Reference: the exact one-tailed cluster test over all 2**n sign flips.

    Written here independently of MNE: t at every time for every flip, the
    largest sum of t over a run of times above ``threshold``, and the share
    of flips (the data's own signs once) whose largest sum reaches the data's.
    """
    signs = np.array(list(itertools.product([-1.0, 1.0], repeat=len(X))))
    flipped = signs[:, :, np.newaxis] * X  # (n_flips, n_subjects, n_times)
    t = flipped.mean(axis=1) / (flipped.std(axis=1, ddof=1) / np.sqrt(len(X)))
    largest, run = np.zeros(len(t)), np.zeros(len(t))
    for column in t.T:
        run = np.where(column > threshold, run + column, 0.0)
        largest = np.maximum(largest, run)
    observed = largest[-1]  # the last flip keeps every sign
    return np.mean(largest >= observed) if observed > 0 else 1.0


@pytest.mark.slow
def test_cluster_test_marks_nothing_on_null_scores():
    rate, marked = false_positive_rate("cluster", 300)
    # measured: 15 of 300 null data sets (5.0 %); 5.6 % of 1000
    assert rate <= 0.05
    # each of them is also marked by the exact test over all 256 flips, whose
    # family-wise error is at most 12/256 = 4.7 % by construction (measured:
    # 4.58 % of 40,000 null data sets). MNE's p-values are never smaller: it
    # counts the data's own signs twice (and leaves out the all-flipped)
    rng = np.random.default_rng(0)
    threshold = stats.t.isf(0.05, N_SUBJECTS - 1)
    exact = [exact_cluster_p(score_curves(rng) - 0.5, threshold) < 0.05
             for _ in range(300)]  # fmt: skip
    assert not (marked & ~np.array(exact)).any()


def test_the_reference_exact_test_holds_its_level():
    rng = np.random.default_rng(1)
    threshold = stats.t.isf(0.05, N_SUBJECTS - 1)
    p_values = [exact_cluster_p(score_curves(rng) - 0.5, threshold)
                for _ in range(2000)]  # fmt: skip
    # at most 12/256 = 4.7 % by construction; measured 4.5 % here
    assert np.mean(np.array(p_values) < 0.05) <= 0.05


def test_fdr_null_rate_is_near_alpha():
    # under the complete null, FDR control is family-wise control at alpha;
    # measured 5.7 % of these 2000 data sets (standard error 0.5 %), 4.7 %
    # of 10,000
    rate, _ = false_positive_rate("fdr", 2000)
    assert 0.03 <= rate <= 0.065


def planted_effect_results(method, n_repetitions=20):
    """Per repetition: the share of the effect marked, and marks far from it."""
    rng = np.random.default_rng(1)
    far = np.r_[: EFFECT.start - 4, EFFECT.stop + 4 : N_TIMES]  # past smoothing
    covered, marked_far, marked = [], [], []
    for repetition in range(n_repetitions):
        rows = score_curves(rng, effect=0.05)  # ~1.7 noise SDs, 8 subjects
        test = score_significance(rows, 0.5, method=method, seed=repetition)
        covered.append(test.significant[EFFECT].mean())
        marked_far.append(test.significant[far].sum())
        marked.append(test.significant.sum())
    return np.array(covered), np.array(marked_far), np.array(marked)


def test_cluster_test_finds_a_planted_effect_where_it_is():
    covered, marked_far, _ = planted_effect_results("cluster")
    # measured: all of the effect in 19 of 20 repetitions, 90 % in the other
    assert (covered >= 0.8).all()
    assert (marked_far > 0).sum() <= 1  # a null cluster far away: 1 of 20


def test_fdr_finds_a_planted_effect_and_few_false_discoveries():
    covered, marked_far, marked = planted_effect_results("fdr")
    # measured: found every time, 60-100 % of it (mean 0.93); FDR (not
    # family-wise) control lets a few far time points through (4 of 20)
    assert (covered > 0).all() and covered.mean() >= 0.85
    assert marked_far.sum() / marked.sum() <= 0.05


def test_below_chance_is_not_above_chance():
    rows = score_curves(np.random.default_rng(2), effect=-0.05)
    assert not score_significance(rows, 0.5, seed=0).significant.any()
    below = score_significance(rows, 0.5, tail=-1, seed=0).significant
    assert below[EFFECT].all()


def test_too_few_subjects_for_a_cluster_p_below_alpha_are_warned_about():
    # every flip of 5 subjects: MNE's one-tailed p-values are at least 2/32
    # (it counts the data's own signs twice), so even a huge effect is not
    # significant at 0.05; say so rather than draw no bar in silence
    rows = score_curves(np.random.default_rng(6), effect=0.3, n_subjects=5)
    with pytest.warns(RuntimeWarning, match=r"reach p = 0.0625 at best.*6 subj"):
        test = score_significance(rows, 0.5, seed=0)
    assert test.p_values.min() == pytest.approx(2 / 32)
    assert not test.significant.any()
    six = score_curves(np.random.default_rng(6), effect=0.3, n_subjects=6)
    assert score_significance(six, 0.5, seed=0).significant[EFFECT].all()


def test_cluster_p_values_and_the_log_text():
    rows = score_curves(np.random.default_rng(3), effect=0.05)
    test = score_significance(rows, 0.5, seed=0)
    # the planted cluster: among the 2 most extreme of all 256 sign flips
    (first, last), p_value = test.clusters[0], test.p_values[0]
    assert first <= EFFECT.start and last >= EFFECT.stop - 1
    assert p_value == pytest.approx(2 / 256)
    text = test.describe(np.arange(N_TIMES) / 100)
    assert "across 8 subjects" in text and "all 256 sign flips" in text
    assert f"(p = {p_value:.3g})" in text
    assert "cluster test across 8 subjects, p < 0.05" in test.label


# -- through animate_coefs ----------------------------------------------------------


@pytest.fixture
def study(info, rng):
    return make_study(info, rng)


def make_study(info, rng):
    """Per-subject maps and per-subject, per-fold scores with a planted effect."""
    times = np.arange(N_TIMES) / 100.0 - 0.1
    maps = rng.standard_normal((N_SUBJECTS, N_TIMES, len(info["ch_names"])))
    scores = score_curves(np.random.default_rng(4), effect=0.08)
    folds = scores[:, np.newaxis] + 0.01 * rng.standard_normal((N_SUBJECTS, 3, 1))
    return dict(data=maps, info=info, times=times, dims=("subject", "time",
                "channel"), scores=folds, scoring="roc_auc")  # fmt: skip


def animate(study, score_params=None, **kwargs):
    return animate_coefs(
        study["data"],
        study["info"],
        times=study["times"],
        dims=study["dims"],
        scores=study["scores"],
        score_params=dict(scoring=study["scoring"], **(score_params or {})),
        res=32,
        dpi=50,
        show=False,
        **kwargs,
    )


def bar_pixels(anim, frame):
    """RGB along the bar's row of the score panel, per time of the animation."""
    ax = anim.score_axes
    low, high = ax.get_ylim()
    # the bar's row: the middle of the strip under the curve (see _score_bar)
    y_bar = ax.collections[-1].get_segments()[0][0, 1]
    points = np.column_stack([anim.times, np.full(len(anim.times), y_bar)])
    xy = ax.transData.transform(points)
    rows = np.rint(frame.shape[0] - xy[:, 1]).astype(int)
    # the first and last times lie on the axis' edges: a pixel inside them
    box = ax.get_window_extent()
    cols = np.clip(np.rint(xy[:, 0]), box.x0 + 1, box.x1 - 1).astype(int)
    assert low < y_bar < high
    return frame[rows, cols]


def test_bar_under_the_curve_in_a_saved_frame(study):
    anim = animate(study, score_params=dict(stats="cluster", seed=0))
    significant = anim.scores.significant
    assert significant[EFFECT].all()  # (and a null cluster, p = 0.043, at 0.25 s)
    assert not significant.all()
    gif = Image.open(io.BytesIO(anim.to_gif_bytes()))
    gif.seek(5)  # any frame: the bar is static
    frame = np.asarray(gif.convert("RGB"))
    colors = bar_pixels(anim, frame)
    assert (colors[significant] == 0).all()  # black bar where significant
    # elsewhere no bar: the background, or the lines crossing the strip (the
    # red cursor at frame 5, -0.05 s, and the grey line at 0 s)
    assert (colors[~significant].max(axis=1) > 150).all()
    assert (colors[~significant] == 255).all(axis=1).sum() == (~significant).sum() - 2
    # the bar lies under the whole curve and its band
    assert anim.score_axes.collections[-1].get_segments()[0][0, 1] < (
        anim.scores.low.min()
    )


def test_bar_is_static_and_the_unused_option_draws_nothing(study):
    plain = animate(study)
    tested = animate(study, score_params=dict(stats="fdr"))
    assert plain.scores.significant is None
    n_plain = len(plain.score_axes.collections)
    assert len(tested.score_axes.collections) == n_plain + 1  # the bar, once
    before = [a for a in tested.score_axes.get_children()]
    tested.show_frame(7)
    assert [a for a in tested.score_axes.get_children()] == before
    texts = [t.get_text() for t in tested.score_axes.texts]
    assert "bar: above chance, t-tests, FDR across 8 subjects, p < 0.05" in texts
    assert "± SEM across 8 subjects" in texts


def test_log_says_method_subjects_and_p_values(study):
    with catch_logging() as log:
        animate(study, score_params=dict(stats="cluster", seed=0), verbose=True)
    text = log.getvalue()
    assert ("score_params=dict(stats='cluster'): scores above chance across 8 "
            "subjects") in text
    assert "all 256 sign flips" in text and "(p = 0.00781)" in text


def test_test_covers_all_times_whatever_is_shown(study):
    whole = animate(study, score_params=dict(stats="cluster", seed=0))
    cropped = animate(study, score_params=dict(stats="cluster", seed=0), tmin=0.0,
                      tmax=0.2)  # fmt: skip
    shown = (study["times"] >= -1e-9) & (study["times"] <= 0.2 + 1e-9)
    np.testing.assert_array_equal(cropped.scores.significant,
                                  whole.scores.significant[shown])  # fmt: skip


# -- refusals -------------------------------------------------------------------------


def test_refused_without_scores_or_chance(study):
    with pytest.raises(ValueError, match="no scores were given"):
        animate_coefs(
            study["data"],
            study["info"],
            times=study["times"],
            dims=study["dims"],
            score_params=dict(stats="cluster"),
            show=False,
        )
    with pytest.raises(ValueError, match="chance level is unknown"):
        animate(dict(study, scoring=None), score_params=dict(stats="cluster"))
    with pytest.raises(ValueError, match="chance level is unknown"):
        animate(study, score_params=dict(stats="cluster", chance=None))
    # a chance given as a number is enough
    rows = dict(study, scoring=None)
    assert animate(
        rows, score_params=dict(stats="fdr", chance=0.5)
    ).scores.significant.any()


def test_refused_for_folds_of_one_subject(study):
    one = dict(study, scores=study["scores"][:1])  # 1 subject, 3 folds
    with pytest.raises(ValueError, match="3 rows are cross-validation folds"):
        animate(one, score_params=dict(stats="cluster"))
    folds = dict(study, dims=("fold", "time", "channel"),
                 scores=study["scores"][0])  # fmt: skip
    with pytest.raises(ValueError, match="not independent samples"):
        animate(folds, score_params=dict(stats="fdr"))


def test_refused_when_rows_are_not_said_or_single(study):
    unknown = dict(study, data=study["data"].mean(axis=0), dims=("time", "channel"),
                   scores=study["scores"].mean(axis=1))  # fmt: skip
    with pytest.raises(ValueError, match=r"nothing says what their 8 rows are"):
        animate(unknown, score_params=dict(stats="cluster"))
    single = dict(unknown, scores=study["scores"].mean(axis=(0, 1)))
    with pytest.raises(ValueError, match="single curve"):
        animate(single, score_params=dict(stats="cluster"))


def test_refused_for_a_matrix_and_bad_values(study):
    matrix = np.tile(study["scores"].mean(axis=1)[:, :, np.newaxis], (1, 1, N_TIMES))
    with pytest.raises(ValueError, match="scores are a generalization matrix"):
        animate(dict(study, scores=matrix), score_params=dict(stats="cluster"))
    with pytest.raises(ValueError,
                       match=r"score_params\['stats'\] must be 'cluster', 'fdr'"):
        animate(study, score_params=dict(stats="bonferroni"))


# -- the command line -----------------------------------------------------------------


def test_cli_score_stats(tmp_path, capsys, spy):
    info = make_info("biosemi64", n_channels=16)
    mne.io.write_info(tmp_path / "s-info.fif", info)
    rng = np.random.default_rng(5)
    np.save(tmp_path / "coefs.npy", rng.standard_normal((N_TIMES, 16)))
    scores = score_curves(rng, effect=0.08)[:, np.newaxis]  # (8, 1, n_times)
    np.save(tmp_path / "scores.npy", scores)
    common = [
        "render",
        tmp_path / "coefs.npy",
        "--info",
        tmp_path / "s-info.fif",
        "-o",
        tmp_path / "out.gif",
        "--res",
        "32",
        "--dpi",
        "40",
        "--quiet",
    ]
    code, _, err = run(
        capsys,
        *common,
        "--scores",
        tmp_path / "scores.npy",
        "--scoring",
        "roc_auc",
        "--score-stats",
        "cluster",
    )
    assert (code, err) == (0, "")
    assert spy[0].kwargs["score_stats"] == "cluster"
    assert spy[0].anim.scores.significant[EFFECT].all()
    code, _, err = run(capsys, *common, "--score-stats", "fdr")
    assert_one_line_error(code, err, "--score-stats needs --scores FILE")
