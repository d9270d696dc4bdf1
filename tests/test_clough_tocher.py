"""The Clough-Tocher gradients: dense for small maps, a sparse solve for large ones."""

import tracemalloc

import numpy as np
import pytest
from conftest import make_info, point_values
from mne.channels.layout import _find_topomap_coords
from scipy.interpolate import CloughTocher2DInterpolator

from mne_coefanim.interp import _clough_tocher
from mne_coefanim.interp._clough_tocher import GradientMap
from mne_coefanim.interp._interp import ScalpInterpolator

SPHERE = np.array([0.0, 0.0, 0.0, 0.095])


def disk_positions(n_channels, seed=0, radius=0.08):
    """Random positions in a disk inside the head (metres)."""
    rng = np.random.default_rng(seed)
    r = radius * np.sqrt(rng.uniform(size=n_channels))
    theta = rng.uniform(0, 2 * np.pi, n_channels)
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)])


@pytest.fixture
def gradient_maps(monkeypatch):
    """Record the GradientMap each ScalpInterpolator builds."""
    made = []
    init = GradientMap.__init__

    def recorded(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(GradientMap, "__init__", recorded)
    return made


@pytest.fixture(scope="module")
def biosemi_interp():
    pos = _find_topomap_coords(make_info("biosemi64"), None, sphere=SPHERE)
    return ScalpInterpolator(pos, res=32)


def test_sparse_solve_equals_dense_matrix(biosemi_interp, rng):
    points, tri = biosemi_interp.points, biosemi_interp.triangulation
    dense = GradientMap(points, tri, dense=True)
    solved = GradientMap(points, tri, dense=False)
    assert dense.matrix is not None and solved.matrix is None
    matrix = dense.matrix
    assert matrix.shape == solved.shape == (2 * len(points), len(points))
    np.testing.assert_allclose(solved(np.eye(len(points))), matrix, rtol=0,
                               atol=1e-12 * np.abs(matrix).max())  # fmt: skip
    values = rng.standard_normal((len(points), 7))
    expected = matrix @ values
    np.testing.assert_allclose(solved(values), expected, rtol=0,
                               atol=1e-10 * np.abs(expected).max())  # fmt: skip
    np.testing.assert_allclose(dense(values), expected, rtol=1e-12, atol=1e-12)


def test_maps_are_the_same_either_way(biosemi_interp, gradient_maps, monkeypatch,
                                      rng):  # fmt: skip
    values = rng.standard_normal((3, biosemi_interp.n_channels))
    expected = biosemi_interp(values)
    monkeypatch.setattr(_clough_tocher, "DENSE_GRADIENTS_MAX_POINTS", 10)
    sparse_interp = ScalpInterpolator(biosemi_interp.pos, res=32)
    (gradients,) = gradient_maps
    assert gradients.matrix is None
    inside = biosemi_interp.inside
    got, want = sparse_interp(values)[:, inside], expected[:, inside]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-10 * np.abs(want).max())


def test_many_channels_build_with_bounded_memory(gradient_maps):
    # a dense gradient matrix for 2000 channels (+ the extra points) would
    # take 2 * 2100 ** 2 * 8 bytes = 70 MB, and the old route twice that
    pos = disk_positions(2000)
    tracemalloc.start()
    try:
        interp = ScalpInterpolator(pos, res=48)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    (gradients,) = gradient_maps
    assert gradients.matrix is None  # solved, never formed
    assert peak < 25 * 2**20, f"peak {peak / 2**20:.1f} MiB"
    # the same maps as scipy's Clough-Tocher on the same triangulation
    # (its iterative gradients stop at a relative change of 1e-6; 1e-10 here)
    values = np.stack([0.3 + 2.0 * pos[:, 0] - 5.0 * pos[:, 1],
                       np.sin(60 * pos[:, 0]) * np.cos(40 * pos[:, 1])])  # fmt: skip
    images = interp(values)
    xx, yy = np.meshgrid(interp.xi, interp.yi)
    inside = interp.inside
    for image, frame in zip(images, values, strict=True):
        node_values = point_values(interp, frame)
        expected = CloughTocher2DInterpolator(interp.triangulation, node_values)(xx, yy)
        np.testing.assert_allclose(image[inside], expected[inside], rtol=0,
                                   atol=1e-7 * np.ptp(frame))  # fmt: skip
    np.testing.assert_allclose(interp(np.full(len(pos), 4.0))[inside], 4.0,
                               rtol=1e-12)  # fmt: skip
