"""The map's antialiased edge (interp/_outline.py), as MNE's clipped topomaps.

The map is clipped to its exact region (``interp.region``); cells outside it
that the edge shows in part take their nearest inside cell's value
(``interp.padding``). A frame's edge then blends the map into the background
over about a pixel, where the cells' staircase showed map or background.
"""

import numpy as np
import pytest
from conftest import make_info
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy.spatial import cKDTree

from mne_coefanim import ScalpInterpolator, animate_coefs

WHITE = np.array([255, 255, 255])


@pytest.fixture(scope="module")
def info64():
    return make_info("biosemi64")


def _pos(info):
    from mne.channels.layout import _find_topomap_coords

    return _find_topomap_coords(info, None, sphere=np.array([0.0, 0.0, 0.0, 0.095]))


def _cell_centres(interp):
    xx, yy = np.meshgrid(interp.xi, interp.yi)
    return np.column_stack([xx.ravel(), yy.ravel()])


@pytest.mark.parametrize("extrapolate", ["head", "local", "box"])
@pytest.mark.parametrize("beyond_sensors", ["show", "hide"])
def test_region_holds_exactly_the_inside_cells(info64, extrapolate, beyond_sensors):
    interp = ScalpInterpolator(_pos(info64), extrapolate=extrapolate, res=48,
                               extrapolated=beyond_sensors)  # fmt: skip
    region = interp.region
    assert region.vertices.shape[1] == 2 and region.codes is not None  # closed
    shown = region.contains_points(_cell_centres(interp)).reshape(48, 48)
    assert 0.3 * 48**2 < interp.inside.sum()
    np.testing.assert_array_equal(shown, interp.inside)


def test_head_region_is_the_clip_circle(info64):
    interp = ScalpInterpolator(_pos(info64), extrapolate="head", res=32)
    radii = np.hypot(*(interp.region.vertices - interp.sphere[:2]).T)
    np.testing.assert_allclose(radii, interp.clip_radius, rtol=1e-12)
    x, y = interp.region.vertices[:-1].T
    area = 0.5 * abs(x @ np.roll(y, -1) - y @ np.roll(x, -1))
    assert area == pytest.approx(np.pi * interp.clip_radius**2, rel=1e-5)


def test_local_region_is_the_mask_polygon_in_the_disc(info64):
    interp = ScalpInterpolator(_pos(info64), extrapolate="local", res=32)
    polygon = interp.region.vertices[:-1]
    radii = np.hypot(*(polygon - interp.sphere[:2]).T)
    assert (radii <= interp.clip_radius * (1 + 1e-12)).all()
    # every vertex lies on the mask polygon's edge or on the circle
    mask = np.asarray(interp.mask_polygon)
    starts, ends = mask, np.roll(mask, -1, axis=0)
    edge = ends - starts
    t = np.clip(np.einsum("pkd,kd->pk", polygon[:, None] - starts, edge)
                / (edge**2).sum(-1), 0, 1)  # fmt: skip
    nearest = starts + t[..., None] * edge
    off_mask = np.linalg.norm(polygon[:, None] - nearest, axis=-1).min(axis=1)
    on_circle = np.isclose(radii, interp.clip_radius, rtol=1e-9)
    assert (on_circle | (off_mask < 1e-12)).all()
    assert on_circle.any() and (~on_circle).any()  # this montage meets both


def test_padding_is_the_nearest_inside_cell(info64):
    interp = ScalpInterpolator(_pos(info64), extrapolate="local", res=40,
                               extrapolated="hide")  # fmt: skip
    inside = interp.inside.ravel()
    padding = interp.padding
    assert padding.shape == (40 * 40,)
    np.testing.assert_array_equal(padding[inside], np.arange(inside.sum()))
    cells = np.column_stack(np.divmod(np.arange(40 * 40), 40)).astype(float)
    best = cKDTree(cells[inside]).query(cells)[0]
    got = np.linalg.norm(cells - cells[inside][padding], axis=1)
    np.testing.assert_allclose(got, best)  # nearest (ties: any of them)
    image = interp(np.arange(64.0))
    filled = image.ravel()[inside][padding].reshape(40, 40)
    np.testing.assert_array_equal(filled[interp.inside], image[interp.inside])


# -- a frame's edge ------------------------------------------------------------------


def _distance_to_polygon(xy, polygon):
    """Each point's distance to the closed polygon's edges."""
    distance = np.full(len(xy), np.inf)
    for start, end in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
        edge = end - start
        t = np.clip((xy - start) @ edge / (edge @ edge), 0, 1)
        distance = np.minimum(distance, np.linalg.norm(xy - start - t[:, None] * edge,
                                                       axis=1))  # fmt: skip
    return distance


def _edge_band(rgb, ax, interp):
    """Colours of the pixels within 1.5 px of the 'local' polygon's edge.

    Away from the head outline (drawn over the map's edge there).
    """
    height, width = rgb.shape[:2]
    rows, cols = np.mgrid[:height, :width]
    display = np.column_stack([cols.ravel() + 0.5, height - rows.ravel() - 0.5])
    to_data = ax.transData.inverted()
    xy = to_data.transform(display)
    px = np.ptp(to_data.transform([[0, 0], [1, 0]])[:, 0])
    near = _distance_to_polygon(xy, np.asarray(interp.mask_polygon)) < 1.5 * px
    radius = np.hypot(*(xy - interp.sphere[:2]).T)
    band = near & (radius < min(interp.sphere[3], interp.clip_radius) - 4 * px)
    return rgb.reshape(-1, 3)[band].astype(int)


def _centre_color(rgb, ax, interp):
    """The colour at the head's centre (a constant map's colour)."""
    x, y = ax.transData.transform(interp.sphere[:2])
    return rgb[int(rgb.shape[0] - y), int(x)].astype(int)


def _blends(colors, color):
    """Which colours lie between ``color`` and white, far from both."""
    return ((np.linalg.norm(colors - color, axis=1) > 20)
            & (np.linalg.norm(colors - WHITE, axis=1) > 20))  # fmt: skip


def test_frame_edge_is_antialiased(info64):
    """A constant map's edge: blends of its colour and white, as the reference.

    The cells' staircase gave 2 colours in this band (the map's and white)
    and no blend; composed and drawn frames now have a blend at about every
    third pixel of it, and many colours.
    """
    anim = animate_coefs(np.ones((2, 64)), info64, times=[0.0, 0.01], res=64,
                         dpi=100, extrapolate="local", sensors=False, show=False,
                         verbose=False)  # fmt: skip
    frames = anim.iter_frames()
    first = next(frames)  # sets the palette
    composed = anim.palette[first]
    frames.close()
    drawing = anim.iter_frames(method="draw")
    drawn = next(drawing)
    drawing.close()
    for rgb in (composed, drawn):
        color = _centre_color(rgb, anim.map_axes[0], anim.interp)
        assert np.linalg.norm(color - WHITE) > 200  # the top of the scale
        band = _edge_band(rgb, anim.map_axes[0], anim.interp)
        assert len(band) > 1000
        assert ((band == color).all(1) | (band == WHITE).all(1)).mean() > 0.5
        assert 0.2 < _blends(band, color).mean() < 0.5
        assert len(np.unique(band, axis=0)) > 10


def test_edge_is_as_wide_as_mne(info64):
    """MNE's plot_topomap of the same map: as many blends along the edge.

    Both clip an image with a path that Agg antialiases; the blends per
    pixel of edge agree within a quarter.
    """
    from mne.viz import plot_topomap

    anim = animate_coefs(np.ones((2, 64)), info64, times=[0.0, 0.01], res=64,
                         dpi=100, extrapolate="local", sensors=False, show=False,
                         verbose=False)  # fmt: skip
    frames = anim.iter_frames()
    first = next(frames)
    ours = anim.palette[first]
    frames.close()
    color = _centre_color(ours, anim.map_axes[0], anim.interp)
    share = _blends(_edge_band(ours, anim.map_axes[0], anim.interp), color).mean()
    # MNE's map at the same size, through the same interpolator geometry
    fig = Figure(figsize=anim.fig.get_size_inches(), dpi=100)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes(anim.map_axes[0].get_position())
    plot_topomap(np.ones(64), info64, axes=ax, extrapolate="local", sensors=False,
                 contours=0, res=64, sphere=0.095, show=False, cmap="Reds",
                 vlim=(0, 1))  # fmt: skip
    ax.set_xlim(anim.map_axes[0].get_xlim())
    ax.set_ylim(anim.map_axes[0].get_ylim())
    canvas.draw()
    theirs = np.asarray(canvas.buffer_rgba())[..., :3]
    mne_color = _centre_color(theirs, ax, anim.interp)
    assert np.abs(mne_color - color).max() <= 2  # the top of both colour scales
    band = _edge_band(theirs, ax, anim.interp)
    mne_share = _blends(band, mne_color).mean()
    print(f"blends in the edge band: ours {share:.3f}, MNE's {mne_share:.3f}")
    assert mne_share > 0.2
    assert share == pytest.approx(mne_share, rel=0.25)
