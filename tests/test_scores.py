"""Score panels: chance from what is known, matrices detected, bands labelled."""

import numpy as np
import pytest
from mne.decoding import GeneralizingEstimator, LinearModel, SlidingEstimator
from mne.utils import catch_logging
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import mne_coefanim as mc

FAST = dict(res=32, dpi=40, show=False, verbose=False)
N_TIMES = 4
TIMES = np.linspace(0.0, 0.3, N_TIMES)


def _fit(n_classes=2, scoring=None, model=None, cls=SlidingEstimator, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((60, 16, N_TIMES))
    y = np.arange(60) % n_classes
    if model is None:
        model = LinearModel(LogisticRegression())
    else:
        y = y.astype(float)
    pipe = make_pipeline(StandardScaler(), model)
    return cls(pipe, scoring=scoring, verbose=False).fit(X, y)


def _chance(anim):
    ax = anim.score_axes
    lines = [
        line
        for line in ax.lines
        if line.get_linestyle() == "--" and np.ptp(line.get_ydata()) == 0
    ]
    return [float(line.get_ydata()[0]) for line in lines]


# -- chance --------------------------------------------------------------------


def test_three_class_accuracy_draws_one_third(info16):
    est = _fit(n_classes=3)  # scoring None: the classifier's accuracy
    scores = np.full((5, N_TIMES), 0.4)
    anim = mc.animate_coefs(
        est, info16, scores=scores, coef_params=dict(class_idx=0), **FAST
    )
    assert _chance(anim) == pytest.approx([1 / 3])
    assert anim.score_axes.get_ylabel() == "Accuracy"
    est4 = _fit(n_classes=4, scoring="balanced_accuracy")
    anim = mc.animate_coefs(
        est4, info16, scores=scores, coef_params=dict(class_idx=0), **FAST
    )
    assert _chance(anim) == pytest.approx([0.25])


def test_accuracy_chance_says_it_assumes_balanced_classes(info16):
    """1 / n_classes is accuracy's chance only for balanced classes: said."""
    scores = np.full((5, N_TIMES), 0.4)
    anim = mc.animate_coefs(
        _fit(n_classes=3), info16, scores=scores, coef_params=dict(class_idx=0), **FAST
    )
    assert _band_text(anim) == [
        "± SEM across 5 folds of one subject, chance 1/3 if classes are balanced"
    ]
    balanced = _fit(n_classes=3, scoring="balanced_accuracy")  # 1/3 whatever
    anim = mc.animate_coefs(
        balanced, info16, scores=scores, coef_params=dict(class_idx=0), **FAST
    )
    assert _band_text(anim) == ["± SEM across 5 folds of one subject"]
    anim = mc.animate_coefs(
        _fit(n_classes=3),
        info16,
        scores=scores,
        coef_params=dict(class_idx=0),
        score_params=dict(chance=0.4),
        **FAST,
    )  # the user's: nothing to say
    assert _band_text(anim) == ["± SEM across 5 folds of one subject"]


def test_roc_auc_and_r2_estimators(info16):
    scores = np.full(N_TIMES, 0.6)
    anim = mc.animate_coefs(_fit(scoring="roc_auc"), info16, scores=scores, **FAST)
    assert _chance(anim) == [0.5]
    assert anim.score_axes.get_ylabel() == "AUC"
    ridge = _fit(model=LinearModel(Ridge()))  # regressor: score() is r²
    anim = mc.animate_coefs(ridge, info16, scores=scores - 0.7, **FAST)
    assert _chance(anim) == [0.0]
    assert anim.score_axes.get_ylabel() == "R²"


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (dict(score_params=dict(scoring="r2")), [0.0]),
        (dict(score_params=dict(scoring="roc_auc")), [0.5]),
        (dict(score_params=dict(scoring="pearson")), [0.0]),
        (dict(score_params=dict(label="AUC")), [0.5]),
        (dict(score_params=dict(label="Pearson r")), [0.0]),
        (dict(score_params=dict(label="R²")), [0.0]),
        (dict(score_params=dict(chance=0.125)), [0.125]),
        (dict(score_params=dict(scoring="roc_auc", chance=None)), []),
        (dict(), []),  # nothing tells: no line
        # the number of classes is unknown
        (dict(score_params=dict(scoring="accuracy")), []),
        (dict(score_params=dict(label="decoding")), []),
    ],
)
def test_chance_of_arrays(info16, rng, kwargs, expected):
    data = rng.standard_normal((N_TIMES, 16))
    scores = np.linspace(-0.3, 0.2, N_TIMES)  # negative r and r² get a line too
    anim = mc.animate_coefs(data, info16, times=TIMES, scores=scores, **kwargs,
                            **FAST)  # fmt: skip
    assert _chance(anim) == pytest.approx(expected)


def test_unknown_chance_says_how_to_set_it(info16, rng):
    data = rng.standard_normal((N_TIMES, 16))
    with catch_logging() as log:
        mc.animate_coefs(data, info16, times=TIMES, scores=np.full(N_TIMES, 0.7),
                         **{**FAST, "verbose": True})  # fmt: skip
        text = log.getvalue()
    assert "No chance line" in text
    assert "score_params=dict(chance=<number>)" in text


def test_chance_errors(info16, rng):
    data = rng.standard_normal((N_TIMES, 16))
    scores = np.zeros(N_TIMES)
    with pytest.raises(ValueError, match="chance must be a number, 'auto' or None"):
        mc.animate_coefs(
            data,
            info16,
            times=TIMES,
            scores=scores,
            score_params=dict(chance="half"),
            **FAST,
        )
    with pytest.raises(TypeError, match=r"score_params\['scoring'\] must be a str"):
        mc.animate_coefs(
            data,
            info16,
            times=TIMES,
            scores=scores,
            score_params=dict(scoring=0.5),
            **FAST,
        )


# -- curve or matrix -----------------------------------------------------------


def test_generalization_matrix_is_detected(info16, rng):
    data = rng.standard_normal((N_TIMES, 16))
    matrix = 0.5 + 0.5 * np.eye(N_TIMES) + rng.uniform(0, 0.01, (8, N_TIMES, N_TIMES))
    with catch_logging() as log:
        anim = mc.animate_coefs(
            data,
            info16,
            times=TIMES,
            scores=matrix,
            score_params=dict(scoring="roc_auc"),
            **{**FAST, "verbose": True},
        )
        text = log.getvalue()
    panel = anim.scores
    assert panel.matrix is not None  # not a curve averaged over training times
    np.testing.assert_allclose(panel.mean, np.diag(matrix.mean(axis=0)))
    assert panel.mean.max() > 0.99
    assert "read as the generalization matrix" in text
    # 2-D square too; False forces curves (rows are then samples)
    two_d = mc.animate_coefs(data, info16, times=TIMES, scores=matrix[0], **FAST)
    assert two_d.scores.matrix is not None
    curve = mc.animate_coefs(data, info16, times=TIMES, scores=matrix[0],
                             score_params=dict(matrix=False), **FAST)  # fmt: skip
    assert curve.scores.matrix is None


def test_generalizing_estimator_scores_are_a_matrix(info16, rng):
    gen = _fit(cls=GeneralizingEstimator, scoring="roc_auc")
    matrix = rng.uniform(0.4, 0.6, (N_TIMES, N_TIMES))
    anim = mc.animate_coefs(gen, info16, scores=matrix, **FAST)
    assert anim.scores.matrix is not None
    assert anim.scores.chance == 0.5


def test_matrix_without_chance_is_not_centred_on_a_guess(info16, rng):
    data = rng.standard_normal((N_TIMES, 16))
    matrix = rng.uniform(0.2, 0.3, (N_TIMES, N_TIMES))
    anim = mc.animate_coefs(data, info16, times=TIMES, scores=matrix, **FAST)
    (image,) = anim.score_axes.images
    assert image.get_cmap().name == "viridis"
    assert image.get_clim() == pytest.approx((matrix.min(), matrix.max()))


# -- the band says across what ---------------------------------------------------


def _band_text(anim):
    texts = [t.get_text() for t in anim.score_axes.texts]
    return [t for t in texts if t.startswith("±")]


def test_band_across_subjects(info16, rng):
    patterns = rng.standard_normal((8, 5, N_TIMES, 16))
    scores = rng.uniform(0.5, 0.9, (8, 5, N_TIMES))
    anim = mc.animate_coefs(patterns, info16, times=TIMES, scores=scores, **FAST)
    assert _band_text(anim) == ["± SEM across 8 subjects"]
    # rows of a 2-D array matching the data's subjects
    anim = mc.animate_coefs(patterns, info16, times=TIMES,
                            scores=scores.mean(axis=1), **FAST)  # fmt: skip
    assert _band_text(anim) == ["± SEM across 8 subjects"]
    low, high = anim.scores.low, anim.scores.high
    sem = scores.mean(axis=1).std(axis=0, ddof=1) / np.sqrt(8)
    np.testing.assert_allclose((high - low) / 2, sem)


def _display_points(artist, ax, n=20):
    """The artist's vertices in display coordinates, segments sampled n times."""
    if hasattr(artist, "get_xydata"):
        paths = [artist.get_path().transformed(artist.get_transform())]
    else:
        paths = [p.transformed(artist.get_transform()) for p in artist.get_paths()]
    points = []
    for path in paths:
        vertices = path.vertices
        steps = np.linspace(0, 1, n)[:, np.newaxis, np.newaxis]
        segments = vertices[:-1] + steps * np.diff(vertices, axis=0)
        points.append(segments.reshape(-1, 2))
    return np.concatenate(points)


@pytest.mark.parametrize("peak_at", [0.0, 0.5, 1.0])
def test_band_note_never_overlaps_the_curve(info16, peak_at):
    """The '± SEM across 5 folds of one subject' note clears the curve and band,
    even where they reach 1.0 under it (asserted on display boxes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    n_times = 40
    times = np.linspace(-0.2, 0.8, n_times)
    curve = 0.5 + 0.5 * np.exp(-0.5 * ((times - (times[0] + peak_at)) / 0.1) ** 2)
    scores = np.clip(curve + 0.02 * np.random.default_rng(0).standard_normal(
        (5, n_times)), 0, 1)  # fmt: skip
    scores[:, -3:] = 1.0  # and a perfect end, right under the note
    data = np.random.default_rng(1).standard_normal((n_times, 16))
    anim = mc.animate_coefs(data, info16, times=times, scores=scores[np.newaxis],
                            score_params=dict(scoring="roc_auc"), **FAST)  # fmt: skip
    ax = anim.score_axes
    canvas = FigureCanvasAgg(anim.fig)
    canvas.draw()
    (note,) = [t for t in ax.texts if t.get_gid() == "score-note"]
    assert note.get_text() == "± SEM across 5 folds of one subject"
    box = note.get_window_extent(canvas.get_renderer())
    for artist in (ax.lines[0], ax.collections[0]):  # the curve, its band
        points = _display_points(artist, ax)
        under = (points[:, 0] >= box.x0) & (points[:, 0] <= box.x1)
        assert under.any()
        assert points[under, 1].max() < box.y0
    assert ax.get_ylim()[0] < 0.5  # the bottom is left alone


def test_band_across_folds_says_one_subject(info16, rng):
    folds = [_fit(seed=k) for k in range(3)]
    scores = rng.uniform(0.5, 0.9, (3, N_TIMES))
    anim = mc.animate_coefs(folds, info16, scores=scores, **FAST)
    assert _band_text(anim) == [
        "± SEM across 3 folds of one subject, chance 1/2 if classes are balanced"
    ]
    data = rng.standard_normal((N_TIMES, 16))
    anim = mc.animate_coefs(data, info16, times=TIMES, scores=scores[np.newaxis],
                            **FAST)  # fmt: skip
    assert _band_text(anim) == ["± SEM across 3 folds of one subject"]
    # unknown rows: said as such, not guessed
    anim = mc.animate_coefs(data, info16, times=TIMES, scores=scores, **FAST)
    assert _band_text(anim) == ["± SEM across 3 score rows"]
