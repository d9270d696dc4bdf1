"""Property tests: random montages and values, random mistakes.

Valid input (any montage of 8 to 256 EEG channels on the upper half of a
head, any finite values) never crashes and gives maps that stay within the
data range where the method promises it; invalid input only ever raises the
documented ValueError or TypeError, never an AttributeError, KeyError or
IndexError from deep inside.
"""

import os
import tempfile

import matplotlib.pyplot as plt
import mne
import numpy as np
import pytest
from conftest import make_info, map_rgba, shown_colors, table_colors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.extra import numpy as hnp

from mne_coefanim import (
    ScalpInterpolator,
    animate_coefs,
    as_coef_data,
    patterns_from_filters,
    significance_mask,
    topomap_positions,
)
from mne_coefanim.scene._colors import N_LEVELS

# database=None stores no examples, but hypothesis still caches constants and
# unicode data, and writes patches for failures: in the temporary folder, not
# in the repository
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "mne_coefanim_hypothesis"))
# hypothesis imports mypy_extensions to report a failing example, which warns;
# with warnings as errors the failure would end as an INTERNALERROR instead
pytestmark = pytest.mark.filterwarnings(
    "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"
)
HEAD_RADIUS = 0.095
# CI runs the same examples every time (a red run must mean a changed
# program, not a luckier draw); MNE_COEFANIM_EXPLORE=1 draws new ones, ten
# times as many, to look for new failures (then add a case to a unit test)
EXPLORE = os.environ.get("MNE_COEFANIM_EXPLORE", "") not in ("", "0")
SCALE = 10 if EXPLORE else 1
PROPERTIES = settings(
    max_examples=25 * SCALE,
    deadline=None,
    database=None,  # no .hypothesis folder in the repository
    derandomize=not EXPLORE,
    suppress_health_check=[HealthCheck.too_slow],
)
# building a figure costs ~0.2 s: fewer examples where one is built each time
FIGURE_PROPERTIES = settings(PROPERTIES, max_examples=10 * SCALE)
FAST = dict(res=16, dpi=20, show=False, verbose=False)
DOCUMENTED = (ValueError, TypeError)


def hemisphere_points(n_points, seed):
    """``n_points`` random points on the upper half of the head sphere.

    Uniform in area, and no two closer than 0.4 times the mean spacing, so
    that no two channels share a position.
    """
    rng = np.random.default_rng(seed)
    min_distance = 0.4 * np.sqrt(2 * np.pi * HEAD_RADIUS**2 / n_points)
    points = np.empty((0, 3))
    while len(points) < n_points:
        z = rng.uniform(0, 1, 4 * n_points)  # uniform z: uniform on the sphere
        phi = rng.uniform(0, 2 * np.pi, z.size)
        rho = np.sqrt(1 - z**2)
        batch = HEAD_RADIUS * np.column_stack([rho * np.cos(phi), rho * np.sin(phi), z])
        for point in batch:
            if len(points) == n_points:
                break
            if not len(points) or (
                np.linalg.norm(points - point, axis=1).min() > min_distance
            ):
                points = np.vstack([points, point])
    return points


def info_from_points(points):
    names = [f"E{k:03d}" for k in range(len(points))]
    info = mne.create_info(names, 100.0, "eeg")
    montage = mne.channels.make_dig_montage(
        ch_pos=dict(zip(names, points, strict=True)), coord_frame="head"
    )
    info.set_montage(montage)
    return info


@st.composite
def montages(draw, min_channels=8, max_channels=256):
    """An Info of random EEG channels with positions."""
    n_channels = draw(st.integers(min_channels, max_channels))
    seed = draw(st.integers(0, 2**32 - 1))
    return info_from_points(hemisphere_points(n_channels, seed))


def finite_values(n_frames, n_channels, bound=1e6):
    # any finite value, subnormals included; one large scale per draw keeps
    # the arithmetic in range
    return hnp.arrays(
        np.float64,
        (n_frames, n_channels),
        elements=st.floats(-bound, bound, allow_nan=False, allow_infinity=False),
    )


def assert_within_range(images, values):
    """Each frame's finite pixels lie within that frame's channel values."""
    for image, frame in zip(images, values, strict=True):
        low, high = frame.min(), frame.max()
        # 1e-9 of the range, or of the magnitude when the frame is constant
        tol = 1e-9 * max(high - low, np.abs(frame).max(), np.finfo(float).tiny)
        pixels = image[np.isfinite(image)]
        assert pixels.min() >= low - tol
        assert pixels.max() <= high + tol


# -- valid input --------------------------------------------------------------


@PROPERTIES
@given(
    info=montages(),
    method=st.sampled_from(["linear", "nearest"]),
    extrapolate=st.sampled_from(["head", "local", "box"]),
    data=st.data(),
)
def test_linear_and_nearest_maps_stay_within_the_data(info, method, extrapolate, data):
    pos = topomap_positions(info)
    assert np.isfinite(pos).all()
    assert np.linalg.norm(pos, axis=1).max() <= HEAD_RADIUS * (1 + 1e-9)
    interp = ScalpInterpolator(pos, image_interp=method, extrapolate=extrapolate,
                               res=24)  # fmt: skip
    n_frames = data.draw(st.integers(1, 3))
    values = data.draw(finite_values(n_frames, len(pos)))
    images = interp(values)
    assert images.shape == (n_frames, 24, 24)
    # a value exactly where the head is, NaN elsewhere
    np.testing.assert_array_equal(np.isfinite(images), np.broadcast_to(
        interp.inside, images.shape))  # fmt: skip
    assert interp.inside.any()
    assert_within_range(images, values)


@PROPERTIES
@given(info=montages(), data=st.data())
def test_cubic_maps_are_finite_in_the_head(info, data):
    """Clough-Tocher may overshoot the data: only finiteness is promised."""
    interp = ScalpInterpolator(topomap_positions(info), res=24)
    values = data.draw(finite_values(2, len(info.ch_names)))
    images = interp(values)
    np.testing.assert_array_equal(np.isfinite(images), np.broadcast_to(
        interp.inside, images.shape))  # fmt: skip


@FIGURE_PROPERTIES
@given(
    info=montages(max_channels=64),
    method=st.sampled_from(["cubic", "linear", "nearest"]),
    data=st.data(),
)
def test_animate_coefs_accepts_any_finite_values(info, method, data):
    n_frames = data.draw(st.integers(1, 4))
    values = data.draw(finite_values(n_frames, len(info.ch_names)))
    try:
        anim = animate_coefs(values, info, image_interp=method, **FAST)
        vmin, vmax = anim.vlim
        assert vmin < vmax
        assert vmin <= values.min() and values.max() <= vmax  # nothing clipped
        colors = table_colors(anim)
        assert len(colors) == N_LEVELS
        inside = anim.interp.inside
        for k in range(n_frames):  # every cell in the head takes a level
            shown = shown_colors(anim, k)
            alpha = map_rgba(anim)[..., 3]
            assert (alpha[inside] == 255).all()
            in_table = (shown[:, np.newaxis] == colors[np.newaxis]).all(-1).any(-1)
            assert in_table.all()
        frame = next(anim.iter_frames())
        assert frame.dtype == np.uint8 and frame.ndim == 2
    finally:
        plt.close("all")


# -- invalid input --------------------------------------------------------------


# hypothesis draws many inputs per test and does not reset fixtures between
# them: one Info built once (never changed here) instead of the info16 fixture
INFO16 = make_info("biosemi16")


@st.composite
def wrong_shapes(draw, n_channels=16):
    """Shapes no default layout of 16 channels accepts."""
    ndim = draw(st.integers(0, 5))
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=ndim, max_size=ndim)))
    if 2 <= ndim <= 4 and shape[-1] == n_channels and shape[-2] > 0:
        shape = shape[:-1] + (n_channels + 1,)  # one channel too many
    return shape


@PROPERTIES
@given(shape=wrong_shapes())
def test_wrong_shapes_raise_value_errors(shape):
    with pytest.raises(ValueError, match=r"data|channels|time"):
        animate_coefs(np.ones(shape), INFO16, **FAST)


@PROPERTIES
@given(
    where=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 15)), min_size=1),
    bad=st.sampled_from([np.nan, np.inf, -np.inf]),
)
def test_non_finite_values_are_refused(where, bad):
    values = np.ones((6, 16))
    rows, cols = np.array(where).T
    values[rows, cols] = bad
    with pytest.raises(ValueError, match=r"data contains NaN or inf in "
                       rf"{len(set(cols))} channel\(s\)"):  # fmt: skip
        animate_coefs(values, INFO16, **FAST)


IN_DICTS = {  # since 0.2 these are keys of a dict parameter
    **{key: "coef_params" for key in ("transform", "attr", "class_idx", "train_time")},
    "chance": "score_params",
    "border": "beyond_sensors",
}


def given_as(name, value):
    """Return the keyword arguments that pass ``value`` as ``name``."""
    if name in IN_DICTS:
        return {IN_DICTS[name]: {name: value}}
    return {name: value}


OPTIONS = {
    "image_interp": ("cubic", "linear", "nearest"),
    "extrapolate": ("auto", "head", "local", "box"),
    "border": ("mean",),
    "transform": ("abs", "zscore"),
    "time_unit": ("s", "ms"),
    "attr": ("patterns_",),
    "mask": ("cluster", "fdr"),
}


@PROPERTIES
@given(name=st.sampled_from(sorted(OPTIONS)), text=st.text(max_size=8))
def test_bad_option_strings_raise_value_errors(name, text):
    if text in OPTIONS[name]:
        return
    with pytest.raises(ValueError, match=name):
        animate_coefs(np.ones((3, 16)), INFO16, **FAST, **given_as(name, text))


@PROPERTIES
@given(
    kwargs=st.one_of(
        st.builds(dict, res=st.integers(-(2**40), 1)),
        st.builds(dict, res=st.floats(allow_nan=True)),
        st.builds(dict, fps=st.floats(max_value=0) | st.just(np.nan)),
        st.builds(dict, dpi=st.floats(max_value=9.99) | st.just(np.inf)),
        st.builds(dict, contours=st.integers(max_value=-1)),
        st.builds(dict, vlim=st.tuples(st.floats(0, 1), st.floats(-1, 0))),
        st.builds(dict, tmin=st.floats(3, 1e9)),
        st.builds(dict, tmax=st.floats(-1e9, -1)),
    )
)
def test_bad_numbers_raise_documented_errors(kwargs):
    with pytest.raises(DOCUMENTED):
        animate_coefs(np.ones((3, 16)), INFO16, **{**FAST, **kwargs})


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 300),
    st.floats(allow_nan=True, allow_infinity=True),
    # printable text: matplotlib rightly warns about glyphs it cannot draw
    # (control characters) in titles and labels
    st.text(
        st.characters(categories=("L", "N", "P", "Zs"), max_codepoint=0x3FF), max_size=4
    ),  # fmt: skip
    st.lists(st.integers(-3, 20), max_size=4),
    st.tuples(st.floats(-2, 2), st.floats(-2, 2)),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=4)),
)
PARAMETERS = [
    "times", "dims", "transform", "attr", "class_idx", "train_time", "ch_type",
    "picks", "tmin", "tmax", "image_interp", "extrapolate", "border",
    "res", "vlim", "cmap", "cnorm", "units", "scalings", "sensors", "contours",
    "mask", "mask_params", "scores", "chance", "time_unit", "fps", "dpi",
    "coef_params", "score_params", "beyond_sensors",
]  # fmt: skip


@pytest.mark.slow  # ~5 s: 300 examples
@settings(PROPERTIES, max_examples=300 * SCALE)  # most fail early: cheap
@given(name=st.sampled_from(PARAMETERS), value=JUNK)
def test_any_argument_fails_only_with_documented_errors(name, value):
    """Anything passed to any parameter works, or raises ValueError/TypeError
    naming that parameter (not an error from deep inside numpy/matplotlib)."""
    try:
        animate_coefs(np.linspace(-1, 1, 48).reshape(3, 16), INFO16,
                      **FAST, **given_as(name, value))  # fmt: skip
    except DOCUMENTED as error:
        assert name in str(error), f"{name}={value!r:.80}: {error}"
    finally:
        plt.close("all")


@PROPERTIES
@given(
    shape=st.tuples(st.integers(0, 6), st.integers(0, 3)),
    res=st.integers(-3, 1) | st.just(None),
)
def test_interpolator_bad_positions_and_res(shape, res):
    pos = np.random.default_rng(0).uniform(-0.09, 0.09, shape)
    with pytest.raises(DOCUMENTED):
        if res is None:  # a valid res: the positions are wrong
            if shape[1] == 2 and shape[0] >= 4:
                pos[1] = pos[0]  # two channels at one place
            ScalpInterpolator(pos)
        else:
            ScalpInterpolator(np.random.default_rng(1).uniform(-0.09, 0.09, (8, 2)),
                              res=res)  # fmt: skip


@PROPERTIES
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=20))
def test_interpolator_bad_values(shape):
    interp = ScalpInterpolator(
        np.random.default_rng(1).uniform(-0.09, 0.09, (8, 2)), res=8
    )
    if shape in ((8,),) or (len(shape) == 2 and shape[1] == 8):
        return  # valid
    with pytest.raises(ValueError, match=r"values must have shape"):
        interp(np.zeros(shape))


@PROPERTIES
@given(shape=hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=5),
       method=st.sampled_from(["cluster", "fdr"]))  # fmt: skip
def test_significance_mask_bad_shapes(shape, method):
    if len(shape) == 3 and shape[0] >= 2 and shape[2] == 16:
        return  # valid
    with pytest.raises(ValueError, match=r"samples"):
        significance_mask(np.zeros(shape), INFO16, method=method)


@PROPERTIES
@given(
    filters_shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
    X_shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
)
def test_patterns_from_filters_bad_shapes(filters_shape, X_shape):
    valid = (
        len(X_shape) == 3
        and X_shape[0] >= 2
        and filters_shape == (X_shape[2], X_shape[1])
    )
    if valid:
        return
    with pytest.raises(ValueError, match=r"filters|X"):
        patterns_from_filters(np.ones(filters_shape), np.ones(X_shape))


@PROPERTIES
@given(dims=st.lists(st.text(max_size=9) | st.sampled_from(
    ["subjects", "folds", "times", "channels"]), max_size=5))  # fmt: skip
def test_as_coef_data_bad_dims(dims):
    values = np.zeros((2, 3, 4))
    ok = (
        len(dims) == 3
        and len(set(dims)) == 3
        and {"times", "channels"} <= set(dims)
        and set(dims) <= {"subjects", "folds", "times", "channels"}
    )
    if ok:
        assert (
            as_coef_data(values, dims=dims, verbose=False).n_channels
            == (values.shape[dims.index("channels")])
        )
        return
    with pytest.raises(ValueError, match=r"dims|data must be"):
        as_coef_data(values, dims=dims, verbose=False)
