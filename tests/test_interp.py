import mne
import numpy as np
import pytest
from conftest import make_info, point_values
from mne.channels.layout import _find_topomap_coords
from scipy.interpolate import CloughTocher2DInterpolator, griddata

from mne_coefanim.interp._interp import ScalpInterpolator

SPHERE = np.array([0.0, 0.0, 0.0, 0.095])


def _pos(montage):
    info = make_info(montage)
    return info, _find_topomap_coords(info, None, sphere=SPHERE)


@pytest.fixture(scope="module")
def biosemi_pos():
    return _pos("biosemi64")[1]


def _reference(interp, values, method, tri=None):
    """Scipy's own interpolation of the same points (sensors + extras)."""
    node_values = point_values(interp, values)
    xx, yy = np.meshgrid(interp.xi, interp.yi)
    if tri is not None:  # the same (possibly non-unique) triangulation
        return CloughTocher2DInterpolator(tri, node_values)(xx, yy)
    return griddata(interp.points, node_values, (xx, yy), method=method)


@pytest.mark.parametrize("method", ["cubic", "linear", "nearest"])
@pytest.mark.parametrize("extrapolate", ["head", "local", "box"])
def test_agrees_with_griddata(biosemi_pos, rng, method, extrapolate):
    interp = ScalpInterpolator(
        biosemi_pos, image_interp=method, extrapolate=extrapolate, res=48
    )
    values = rng.standard_normal((3, 64))
    images = interp(values)
    for frame, image in zip(values, images, strict=True):
        ref = _reference(interp, frame, method)
        inside = interp.inside
        err = np.abs(image[inside] - ref[inside]).max() / np.ptp(frame)
        assert err < 1e-6
        assert np.isnan(image[~inside]).all()


def test_cubic_agrees_with_scipy_on_symmetric_montage(rng):
    # easycap's co-circular points admit several Delaunay triangulations:
    # compare with scipy on the same one
    _, pos = _pos("easycap-M1")
    interp = ScalpInterpolator(pos, res=40)
    values = rng.standard_normal(len(pos))
    ref = _reference(interp, values, "cubic", tri=interp.triangulation)
    image = interp(values)
    err = np.abs(image[interp.inside] - ref[interp.inside]).max() / np.ptp(values)
    assert err < 1e-6


@pytest.mark.parametrize(
    "montage", ["standard_1020", "biosemi64", "GSN-HydroCel-256", "easycap-M1"]
)
@pytest.mark.parametrize("method", ["cubic", "linear"])
def test_agrees_with_mne_topomap(montage, method, rng):
    """Inside the head, our image is MNE's plot_topomap image."""
    info = make_info(montage)
    if montage == "standard_1020":  # drop the aliases that share positions
        info = mne.pick_info(info, mne.pick_channels(info.ch_names, [], ["T3", "T4",
                             "T5", "T6"]))  # fmt: skip
    pos = _find_topomap_coords(info, None, sphere=SPHERE)
    values = rng.standard_normal(len(pos))
    im, _ = mne.viz.plot_topomap(
        values, info, image_interp=method, res=32, contours=0, show=False
    )
    ref = im.get_array().filled(np.nan)
    interp = ScalpInterpolator(pos, image_interp=method, res=32)
    assert np.allclose(im.get_extent(), interp.extent)
    image = interp(values)
    assert np.abs(image - ref)[interp.inside].max() < 1e-6 * np.ptp(values)


def test_all_frames_equal_frame_by_frame(biosemi_pos, rng):
    interp = ScalpInterpolator(biosemi_pos, res=40)
    values = rng.standard_normal((7, 64))
    together = interp(values)
    for k in range(7):
        np.testing.assert_array_equal(
            np.isnan(together[k]), np.isnan(interp(values[k]))
        )
        np.testing.assert_allclose(together[k], interp(values[k]), rtol=0, atol=1e-12)


@pytest.mark.parametrize("method", ["cubic", "linear", "nearest"])
@pytest.mark.parametrize("border", ["mean", 3.5])
def test_constant_field_gives_constant_map(biosemi_pos, method, border):
    interp = ScalpInterpolator(biosemi_pos, image_interp=method, border=border)
    image = interp(np.full(64, 3.5))
    assert np.isfinite(image[interp.inside]).all()
    np.testing.assert_allclose(image[interp.inside], 3.5, rtol=0, atol=1e-12)


def test_grid_convention(biosemi_pos):
    """Pixel [i, j] is at x = xi[j], y = yi[i]; row 0 is at the back."""
    interp = ScalpInterpolator(biosemi_pos, image_interp="linear", res=41)
    # a field equal to y: increases with the row index, constant along rows
    image = interp(biosemi_pos[:, 1])
    centre = interp.res // 2
    np.testing.assert_allclose(image[centre, centre], 0.0, atol=2e-3)
    # inside the sensors (no extrapolation) the map is y itself
    rows = np.abs(interp.yi) < 0.06
    np.testing.assert_allclose(image[rows, centre], interp.yi[rows], atol=1e-12)
    xmin, xmax, ymin, ymax = interp.extent
    np.testing.assert_allclose(interp.xi, np.linspace(xmin, xmax, 41))
    np.testing.assert_allclose(interp.yi, np.linspace(ymin, ymax, 41))
    # the image is square around the head circle
    assert np.isclose(xmax - xmin, ymax - ymin)
    assert np.isclose(xmax - xmin, 2 * interp.clip_radius)


def test_inside_is_the_head(biosemi_pos):
    interp = ScalpInterpolator(biosemi_pos, res=64)
    xx, yy = np.meshgrid(interp.xi, interp.yi)
    in_circle = np.hypot(xx, yy) <= interp.clip_radius
    np.testing.assert_array_equal(interp.inside, in_circle)
    # 'local' keeps only the neighbourhood of the sensors
    local = ScalpInterpolator(biosemi_pos, res=64, extrapolate="local")
    assert local.inside.sum() < interp.inside.sum()


def test_extrapolate_auto_depends_on_ch_type(biosemi_pos):
    assert ScalpInterpolator(biosemi_pos, res=8).extrapolate == "head"
    meg = ScalpInterpolator(biosemi_pos, res=8, ch_type="mag")
    assert meg.extrapolate == "local"


def test_sphere_moves_the_image(biosemi_pos):
    shifted = ScalpInterpolator(biosemi_pos + [0.01, 0.02], res=8,
                                sphere=[0.01, 0.02, 0.0, 0.095])  # fmt: skip
    centred = ScalpInterpolator(biosemi_pos, res=8)
    np.testing.assert_allclose(
        np.array(shifted.extent) - [0.01, 0.01, 0.02, 0.02], centred.extent
    )
    np.testing.assert_array_equal(shifted.inside, centred.inside)


def test_errors(biosemi_pos):
    with pytest.raises(ValueError, match=r"image_interp must be one of .*'spline'"):
        ScalpInterpolator(biosemi_pos, image_interp="spline")
    with pytest.raises(ValueError, match=r"extrapolate must be one of"):
        ScalpInterpolator(biosemi_pos, extrapolate="far")
    with pytest.raises(ValueError, match=r"pos must be an array of shape \(n_chann"):
        ScalpInterpolator(biosemi_pos[:, :1])
    with pytest.raises(ValueError, match=r"at least 4 channels.*got 2"):
        ScalpInterpolator(biosemi_pos[:2])
    with pytest.raises(ValueError, match=r"rows \[3\] hold NaN"):
        bad = biosemi_pos.copy()
        bad[3, 0] = np.nan
        ScalpInterpolator(bad)
    with pytest.raises(ValueError, match=r"rows \[0, 5\] share a position"):
        dup = biosemi_pos.copy()
        dup[5] = dup[0]
        ScalpInterpolator(dup)
    with pytest.raises(ValueError, match=r"must not lie on one line"):
        ScalpInterpolator(np.column_stack([np.linspace(0, 1, 5), np.zeros(5)]))
    with pytest.raises(TypeError, match=r"border must be 'mean' or a number"):
        ScalpInterpolator(biosemi_pos, border=None)
    with pytest.raises(ValueError, match=r"border must be one of 'mean'"):
        ScalpInterpolator(biosemi_pos, border="median")
    with pytest.raises(ValueError, match=r"res must be >= 2"):
        ScalpInterpolator(biosemi_pos, res=1)
    with pytest.raises(TypeError, match=r"sphere='auto' needs an Info"):
        ScalpInterpolator(biosemi_pos, sphere="auto")
    with pytest.raises(ValueError, match=r"sphere must be None, a positive radius"):
        ScalpInterpolator(biosemi_pos, sphere=[0, 0, 0])
    interp = ScalpInterpolator(biosemi_pos, res=8)
    with pytest.raises(ValueError, match=r"shape \(n_frames, 64\).*got shape \(2, 3"):
        interp(np.zeros((2, 32)))
    with pytest.raises(ValueError, match=r"values must be finite"):
        interp(np.full(64, np.inf))
