"""2-D positions in any unit are brought to MNE's head, in metres.

Metres around the origin pass through bit for bit; centimetres and
millimetres are divided by a power of ten; pixels and 0-1 layouts are
centred and scaled onto the head circle; nonsense is refused naming info.
"""

import mne
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from mne.utils import catch_logging

from mne_coefanim import (
    animate_coefs,
    plot_coefs,
    resolve_sensors,
    topomap_positions,
)

HEAD = 0.095
FAST = dict(res=48, dpi=40, show=False)
TIMES = np.arange(3) / 100.0
REFUSED = r"info \(positions array\)"


@pytest.fixture(scope="module")
def pos_m():
    """biosemi64 positions in metres, as MNE's topomaps place them."""
    montage = mne.channels.make_standard_montage("biosemi64")
    info = mne.create_info(montage.ch_names, 100.0, "eeg")
    info.set_montage(montage)
    return topomap_positions(info)


@pytest.fixture(scope="module")
def pos_fit(pos_m):
    """The same positions as the fit places them: any similar copy fits exactly.

    Centred on the middle of their bounding box, the farthest on the circle.
    """
    middle = (pos_m.min(axis=0) + pos_m.max(axis=0)) / 2
    centred = pos_m - middle
    return centred * (HEAD / np.hypot(*centred.T).max())


def smooth_data(pos):
    """A smooth pattern over the positions, growing over three frames."""
    pattern = np.sin(40 * pos[:, 0]) + np.cos(30 * pos[:, 1])
    return np.outer(1 + TIMES, pattern)


def render(fig):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


def assert_same_map(given, metres, **kwargs):
    """The interpolated images and the drawn frame agree with the metres'."""
    data = smooth_data(metres)
    anims = [animate_coefs(data, p, times=TIMES, verbose=False, **FAST, **kwargs)
             for p in (given, metres)]  # fmt: skip
    images = [anim.interp(data) for anim in anims]
    np.testing.assert_array_equal(np.isnan(images[0]), np.isnan(images[1]))
    np.testing.assert_allclose(images[0], images[1], rtol=0, atol=1e-9)
    figs = [plot_coefs(data, p, times=TIMES, time=0.01, verbose=False, **FAST,
                       **kwargs) for p in (given, metres)]  # fmt: skip
    diff = np.abs(render(figs[0]) - render(figs[1]))
    # float rounding may flip a colour level or antialiasing at a few pixels
    assert diff.max() <= 8 and (diff.max(axis=-1) > 0).mean() < 1e-3


# -- metres: unchanged --------------------------------------------------------


def test_metres_are_used_bit_for_bit(pos_m):
    subsets = {
        "all": np.ones(len(pos_m), bool),
        "frontal": pos_m[:, 1] > 0.03,  # the origin lies outside them, in y
        "left": pos_m[:, 0] < 0,
        "occipital": pos_m[:, 1] < -0.06,
    }
    for name, keep in subsets.items():
        given = pos_m[keep]
        with catch_logging(verbose=True) as log:
            sensors = resolve_sensors(given, verbose=True)
        assert np.array_equal(sensors.pos, given), name
        assert sensors.pos.tobytes() == given.tobytes(), name
        np.testing.assert_array_equal(sensors.sphere, [0, 0, 0, HEAD])
        assert "positions" not in log.getvalue(), name
    np.testing.assert_array_equal(topomap_positions(pos_m.tolist()), pos_m)


@pytest.mark.parametrize(
    ("reach", "scale"),
    [(0.03, 1.0), (0.25, 1.0), (3.0, 0.01), (25.0, 0.01), (30.0, 1e-3),
     (250.0, 1e-3)],
)  # fmt: skip
def test_unit_ranges_edges(pos_fit, reach, scale):
    given = pos_fit * (reach / HEAD)
    np.testing.assert_allclose(
        topomap_positions(given, verbose=False), given * scale, rtol=1e-15
    )


@pytest.mark.parametrize("reach", [0.02, 0.3, 1.0, 2.5, 27.0, 300.0, 1e4])
def test_between_the_unit_ranges_positions_are_fitted(pos_fit, reach):
    given = pos_fit * (reach / HEAD)
    np.testing.assert_allclose(
        topomap_positions(given, verbose=False), pos_fit, rtol=0, atol=1e-15
    )


# -- centimetres and millimetres: a power of ten ------------------------------


@pytest.mark.parametrize(
    ("factor", "unit", "scaled"), [(100, "centimetres", "0.01"),
                                   (1000, "millimetres", "0.001")]
)  # fmt: skip
def test_centimetres_and_millimetres_draw_the_metre_map(pos_m, factor, unit,
                                                        scaled):  # fmt: skip
    with catch_logging(verbose=True) as log:
        pos = topomap_positions(pos_m * factor, verbose=True)
    message = log.getvalue()  # (once: it closes the log)
    assert f"positions look like {unit}" in message
    assert f"scaled by {scaled} to metres" in message
    np.testing.assert_allclose(pos, pos_m, rtol=1e-15, atol=0)
    assert_same_map(pos_m * factor, pos_m)


def test_unit_change_is_logged_through_animate_coefs(pos_m):
    with catch_logging(verbose=True) as log:
        animate_coefs(smooth_data(pos_m), pos_m * 100, times=TIMES, verbose=True,
                      **FAST)  # fmt: skip
    message = log.getvalue()
    assert "look like centimetres" in message and "scaled by 0.01" in message
    with catch_logging(verbose=True) as log:
        animate_coefs(smooth_data(pos_m), pos_m * 100, times=TIMES, verbose=False,
                      **FAST)  # fmt: skip
    assert log.getvalue() == ""


# -- pixels and layouts: fitted onto the head ---------------------------------


def _layout01(pos):
    """A 0-1 layout: the bounding box's longer side spans [0, 1], y up."""
    low = pos.min(axis=0)
    return (pos - low) / np.ptp(pos, axis=0).max()


def _pixels(pos):
    """Image pixels (y down), flipped by the user to point up: height - row."""
    height = 600
    rows = 300 - 2500 * pos[:, 1]
    cols = 400 + 2500 * pos[:, 0]
    return np.column_stack([cols, height - rows])


@pytest.mark.parametrize("to_layout", [_layout01, _pixels])
def test_layouts_draw_the_metre_map(pos_fit, to_layout):
    given = to_layout(pos_fit)
    with catch_logging(verbose=True) as log:
        sensors = resolve_sensors(given, verbose=True)
    np.testing.assert_allclose(sensors.pos, pos_fit, rtol=0, atol=1e-15)
    assert np.hypot(*sensors.pos.T).max() == pytest.approx(HEAD, abs=1e-15)
    middle = (given.min(axis=0) + given.max(axis=0)) / 2
    scale = HEAD / np.hypot(*(given - middle).T).max()
    message = log.getvalue()
    assert "fitted to the head" in message
    assert f"centred on ({middle[0]:.4g}, {middle[1]:.4g})" in message
    assert f"scaled by {scale:.4g}" in message
    assert "farthest sensor lies on the head circle" in message
    assert_same_map(given, pos_fit)


def test_mne_layout_fits_like_its_positions(biosemi_info):
    """An MNE Layout is a similar copy of the topomap positions: exact fit."""
    layout = mne.channels.make_eeg_layout(biosemi_info)
    centres = layout.pos[:, :2] + layout.pos[:, 2:] / 2
    pos_m = topomap_positions(biosemi_info)
    middle = (pos_m.min(axis=0) + pos_m.max(axis=0)) / 2
    expected = (pos_m - middle) * (HEAD / np.hypot(*(pos_m - middle).T).max())
    for given in (layout.pos[:, :2], centres):
        np.testing.assert_allclose(
            topomap_positions(given, verbose=False), expected, rtol=0, atol=1e-12
        )


def test_offset_metres_are_fitted(pos_fit, pos_m):
    # the origin at a corner of the positions: not around the head centre
    given = pos_fit + 0.2
    np.testing.assert_allclose(
        topomap_positions(given, verbose=False), pos_fit, rtol=0, atol=1e-15
    )
    # so is a part of a cap in one quadrant; an explicit sphere keeps it
    quadrant = pos_m[(pos_m[:, 0] < -0.01) & (pos_m[:, 1] < -0.01)]
    fitted = topomap_positions(quadrant, verbose=False)
    assert np.hypot(*fitted.T).max() == pytest.approx(HEAD, abs=1e-15)
    kept = topomap_positions(quadrant, sphere=HEAD, verbose=False)
    assert kept.tobytes() == quadrant.tobytes()


def test_picks_do_not_move_fitted_channels(pos_fit):
    given = _pixels(pos_fit)
    names = [f"E{i}" for i in range(len(given))]
    full = resolve_sensors(given, ch_names=names, verbose=False)
    picked = resolve_sensors(
        given, ch_names=names, picks=[3, 10, 40, 50, 60], verbose=False
    )
    np.testing.assert_array_equal(picked.pos, full.pos[[3, 10, 40, 50, 60]])
    excluded = resolve_sensors(given, ch_names=names, exclude=names[:30],
                               verbose=False)  # fmt: skip
    np.testing.assert_array_equal(excluded.pos, full.pos[30:])


def test_integer_pixels_are_fitted(pos_fit):
    given = np.round(_pixels(pos_fit)).astype(np.int64)
    pos = topomap_positions(given, verbose=False)
    assert pos.dtype == np.float64
    assert np.hypot(*pos.T).max() == pytest.approx(HEAD, abs=1e-15)
    np.testing.assert_allclose(pos, pos_fit, rtol=0, atol=HEAD / 100)  # rounding


# -- an explicit sphere: the positions' own units -----------------------------


def test_explicit_sphere_keeps_positions_in_its_units(pos_m):
    cm = pos_m * 100
    with catch_logging(verbose=True) as log:
        sensors = resolve_sensors(cm, sphere=9.5, verbose=True)
    assert sensors.pos.tobytes() == cm.tobytes()
    np.testing.assert_array_equal(sensors.sphere, [0, 0, 0, 9.5])
    assert log.getvalue() == ""
    # metres with an explicit sphere, even offset ones, stay as given
    offset = pos_m + 0.05
    np.testing.assert_array_equal(
        topomap_positions(offset, sphere=(0.05, 0.05, 0, HEAD)), offset
    )
    data = smooth_data(pos_m)
    anims = [animate_coefs(data, p, times=TIMES, sphere=s, verbose=False, **FAST)
             for p, s in ((cm, 9.5), (pos_m, None))]  # fmt: skip
    np.testing.assert_allclose(anims[0].interp(data), anims[1].interp(data),
                               rtol=0, atol=1e-9)  # fmt: skip


def test_explicit_sphere_in_other_units_is_refused(pos_m):
    with pytest.raises(
        ValueError,
        match=REFUSED + r" must be in the units and frame of sphere.*reach 90\.6 "
        r"times its radius.*sphere=None to fit them",
    ):
        resolve_sensors(pos_m * 100, sphere=HEAD)
    with pytest.raises(ValueError, match=REFUSED + r".*spread over 0\.00\d+ times"):
        animate_coefs(smooth_data(pos_m), pos_m, times=TIMES, sphere=95.0, **FAST)
    with pytest.raises(ValueError, match=REFUSED + r".*reach 30\.6 times its radius"):
        resolve_sensors(pos_m + 2.0, sphere=(0, 0, 0, HEAD))


# -- refused: far from any head -----------------------------------------------


def _strip(n=20):
    x = np.linspace(0, 0.15, n)
    return np.column_stack([x, 0.005 * np.sin(x * 300)])


REFUSALS = {
    "one point": (np.full((5, 2), 0.3), r"places all 5 channels within 0 of "
                  r"\(0\.3, 0\.3\).*spread over the head"),
    "zeros": (np.zeros((4, 2)), r"places all 4 channels within 0 "),
    "offset dwarfs spread": (
        np.array([[0.0, 0], [1, 0], [0, 1], [1, 1]]) * 1e-3 + 1e6,
        r"places all 4 channels within 0\.000\d+ of \(1e\+06, 1e\+06\)",
    ),
    "strip": (_strip(), r"lies along a strip 12\.8 times longer than wide.*x and "
              r"y of each channel"),
    "line": (np.column_stack([np.arange(6.0), 2 * np.arange(6.0)]),
             r"lies along a strip inf times longer"),
    "huge": (np.array([[0.0, 0], [1, 0], [0, 1]]) * 1e200,
             r"has coordinates up to 1e\+200"),
    "tiny": (np.array([[0.0, 0], [1, 0], [0, 1]]) * 1e-200,
             r"places all 3 channels within 7\.07e-201"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_positions_far_from_a_head_are_refused(case):
    given, message = REFUSALS[case]
    with pytest.raises(ValueError, match=REFUSED + " " + message):
        resolve_sensors(given)
    data = np.ones((len(TIMES), len(given)))
    with pytest.raises(ValueError, match=REFUSED):
        animate_coefs(data, given, times=TIMES, **FAST)
    with pytest.raises(ValueError, match=REFUSED):  # whatever the sphere
        resolve_sensors(given, sphere=1.0)


def test_too_few_rows_are_left_to_the_usual_error():
    with pytest.raises(ValueError, match=r"at least 4 channels.*got 2"):
        resolve_sensors(np.array([[0.0, 0.0], [0.05, 0.0]]))
    with pytest.raises(ValueError, match=r"at least 4 channels.*got 0"):
        resolve_sensors(np.zeros((0, 2)))
