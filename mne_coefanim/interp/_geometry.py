"""Geometry of a scalp map: where the points are and which triangle holds a pixel.

The sensors' spacing, the extra points that carry the map beyond the sensors,
their Delaunay triangulation (built as MNE builds it), the linear map giving
the extra points their values, and, for every pixel of the image grid, the
triangle under it and its barycentric coordinates.
"""

from itertools import product

import numpy as np
from scipy.spatial import ConvexHull, Delaunay


def _median_spacing(pos, simplices):
    """Return the median side length of the sensors' triangles.

    Two sides of every triangle, as MNE's topomaps measure it, so that the
    extra points (and hence the maps) agree with MNE's.
    """
    sides = np.concatenate([simplices[:, [0, 1]], simplices[:, [1, 2]]])
    return float(np.median(np.linalg.norm(pos[sides[:, 0]] - pos[sides[:, 1]], axis=1)))


def _extra_points(pos, extrapolate, origin, clip_radius, spacing):
    """Points beyond the sensors that let the map reach the head outline.

    Returns the points and, for ``'local'``, the polygon outside which the
    map stays empty.
    """
    if extrapolate == "box":
        low, high = pos.min(axis=0), pos.max(axis=0)
        span = high - low
        corners = np.array(list(product(*zip(low - span, high + span, strict=True))))
        return corners, None
    if extrapolate == "head":
        # a ring a little outside the image, spaced like the sensors
        ring_radius = clip_radius * 1.1 + spacing
        step = np.arcsin(min(spacing / clip_radius, 1.0))
        n_ring = max(12, int(round(2 * np.pi / step)))
        angles = np.linspace(0, 2 * np.pi, n_ring, endpoint=False)
        ring = origin + ring_radius * np.column_stack([np.cos(angles), np.sin(angles)])
        return ring, None
    # 'local': push the sensors' hull outwards by one sensor spacing (plus
    # points along its long sides, as MNE does), and keep the pixels within
    # half a spacing of the hull
    hull = pos[ConvexHull(pos).vertices]  # counter-clockwise
    centre = pos.mean(axis=0)
    outward = hull - centre
    outward /= np.linalg.norm(outward, axis=1, keepdims=True)
    pushed = hull + spacing * outward
    sides = np.roll(hull, -1, axis=0) - hull
    along = []
    for start, side in zip(pushed, sides, strict=True):
        n_parts = int(round(0.25 * np.linalg.norm(side) / spacing))
        fractions = np.arange(1, n_parts)[:, np.newaxis] / max(n_parts, 1)
        along.append(start + fractions * side)
    return np.concatenate([pushed, *along]), hull + 0.5 * spacing * outward


def _triangulate(sensor_tri, extra, extrapolate):
    """Delaunay triangulation of the sensors and the extra points.

    Where several triangulations are equally Delaunay (co-circular points,
    common in symmetric montages) the result depends on the insertion order;
    adding the extra points to the sensors' triangulation, as MNE does, makes
    the maps agree with MNE's topomaps.
    """
    if extrapolate == "box":
        sensor_tri.close()
        return Delaunay(np.concatenate([sensor_tri.points, extra]))
    sensor_tri.add_points(extra)
    sensor_tri.close()
    return sensor_tri


def _extra_value_map(tri, n_channels, border):
    """Linear map from channel values to extra-point values: (matrix, offset)."""
    n_extra = len(tri.points) - n_channels
    matrix = np.zeros((n_extra, n_channels))
    offset = np.zeros(n_extra)
    if border != "mean":
        offset[:] = border
        return matrix, offset
    indptr, indices = tri.vertex_neighbor_vertices
    for row in range(n_extra):
        neighbours = indices[indptr[n_channels + row] : indptr[n_channels + row + 1]]
        neighbours = neighbours[neighbours < n_channels]
        if neighbours.size:
            matrix[row, neighbours] = 1.0 / neighbours.size
    # extra points that touch no channel take the mean of the others
    lonely = ~matrix.any(axis=1)
    if lonely.any() and not lonely.all():
        matrix[lonely] = matrix[~lonely].mean(axis=0)
    elif lonely.all():
        matrix[:] = 1.0 / n_channels
    return matrix, offset


def _rasterize(tri, xi, yi):
    """Find the triangle under each pixel of the grid, -1 where there is none.

    The grid is regular, so each triangle only tests the pixels of its own
    bounding box: the work is about twice the number of pixels, whatever the
    number of triangles (scipy's ``find_simplex`` walks the triangulation per
    pixel, which is slow on an incrementally built one).
    """
    res_x, res_y = len(xi), len(yi)
    simplex = np.full((res_y, res_x), -1)
    corners = tri.points[tri.simplices]  # (n_tri, 3, 2)
    low, high = corners.min(axis=1), corners.max(axis=1)
    cols = np.searchsorted(xi, [low[:, 0], high[:, 0]], side="left")
    cols[1] = np.searchsorted(xi, high[:, 0], side="right")
    rows = (
        np.searchsorted(yi, low[:, 1], side="left"),
        np.searchsorted(yi, high[:, 1], side="right"),
    )
    tol = 1e-10
    transform = _affine_transforms(tri)
    for index in range(len(corners)):
        r0, r1, c0, c1 = rows[0][index], rows[1][index], cols[0][index], cols[1][index]
        if r0 >= r1 or c0 >= c1 or not np.isfinite(transform[index]).all():
            continue  # flat triangle or no pixel centre in its box
        xx, yy = np.meshgrid(xi[c0:c1], yi[r0:r1])
        xy = np.column_stack([xx.ravel(), yy.ravel()])
        bary = _barycentric(transform, np.full(len(xy), index), xy)
        hit = (bary >= -tol).all(axis=1).reshape(xx.shape)
        block = simplex[r0:r1, c0:c1]
        block[hit & (block < 0)] = index
    return simplex.ravel()


def _affine_transforms(tri):
    """Barycentric transforms of all triangles, laid out like scipy's.

    ``T[k, :2]`` inverts the triangle's edge matrix and ``T[k, 2]`` is its
    last vertex (NaN for flat triangles). Computed in closed form: scipy's
    ``Delaunay.transform`` calls LAPACK once per triangle, which a
    multithreaded OpenBLAS can make a thousand times slower.
    """
    corners = tri.points[tri.simplices]  # (n_tri, 3, 2)
    a = corners[:, 0] - corners[:, 2]
    b = corners[:, 1] - corners[:, 2]
    det = a[:, 0] * b[:, 1] - b[:, 0] * a[:, 1]
    scale = np.abs(np.concatenate([a, b], axis=1)).max(axis=1) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = (
            np.stack(
                [
                    np.column_stack([b[:, 1], -b[:, 0]]),
                    np.column_stack([-a[:, 1], a[:, 0]]),
                ],
                axis=1,
            )
            / det[:, np.newaxis, np.newaxis]
        )
    inverse[np.abs(det) <= 1e-12 * scale] = np.nan
    return np.concatenate([inverse, corners[:, 2][:, np.newaxis]], axis=1)


def _barycentric(transform, simplex, xy):
    """Barycentric coordinates of points in given triangles, shape (n, 3)."""
    transform = transform[simplex]
    partial = np.einsum("nij,nj->ni", transform[:, :2], xy - transform[:, 2])
    return np.column_stack([partial, 1.0 - partial.sum(axis=1)])
