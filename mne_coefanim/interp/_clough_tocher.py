"""The interpolation operator: a scalp map's geometry, the Clough-Tocher element.

Scipy's ``griddata(..., method='cubic')`` estimates the gradients
iteratively; surface and gradients are linear in the values, so here they
are built once: each pixel's weights on its triangle's values and gradients,
and the exact minimiser of the curvature energy (Nielson 1983).

The map's outline and its edge padding: :mod:`._outline`.
"""

from itertools import product

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import splu
from scipy.spatial import Delaunay, cKDTree
from scipy.special import factorial

from ._outline import hull_vertices

# Up to this many points the gradient map is a dense G (at most 4 MiB, faster
# than sparse solves); beyond, G would grow as n_points ** 2 (1.6 GB for 10,000).
DENSE_GRADIENTS_MAX_POINTS = 512
_RHS_BLOCK = 32  # right-hand sides per sparse solve


class GradientMap:
    """The estimated gradients as a linear map of the point values: ``g = G f``.

    ``G = -H^-1 R`` is formed only for small triangulations (or ``dense``);
    else each call solves with the sparse LU of ``H``.
    """

    def __init__(self, points, tri, *, dense=None):
        hessian, linear = _gradient_system(points, tri)
        if dense is None:
            dense = len(points) <= DENSE_GRADIENTS_MAX_POINTS
        self.shape = linear.shape
        self._factor, self._linear = splu(hessian), linear.tocsr()
        self.matrix = _solved(self._factor, linear.toarray()) if dense else None

    def __call__(self, values):
        """Return the gradients, shape (2 * n_points, n), of values (n_points, n)."""
        if self.matrix is not None:
            return small_product(self.matrix, values)
        return -self._factor.solve(np.asfortranarray(self._linear @ values))


def _solved(factor, rhs):
    """Return ``-H^-1 rhs`` (``factor``: the LU of H), in blocks of right-hand sides.

    In blocks OpenBLAS stays on one thread: waking its threads costs 10-20 ms
    on a busy machine, the solve 1 ms; and G is the same on any number of
    cores (one solve of all columns on two threads rounds differently).
    """
    blocks = [rhs[:, start : start + _RHS_BLOCK]
              for start in range(0, rhs.shape[1], _RHS_BLOCK)]  # fmt: skip
    return -np.concatenate([factor.solve(np.asfortranarray(b)) for b in blocks], axis=1)


def _gradient_system(points, tri):
    """Build the sparse system ``H g = -R f`` (CSC) whose solution are the gradients.

    Rows ordered ``(d/dx of point 0, d/dy of point 0, ...)``. The gradients
    minimise the summed integral of the squared second derivative of the
    cubic Hermite curve along each edge (Nielson 1983; scipy minimises it by
    Gauss-Seidel): for an edge e of length L, slopes a = g_i . e and
    b = g_j . e, ``(4 a^2 + 4 a b + 4 b^2 + 12 (f_i - f_j)(a + b)) / L^3``.
    """
    n_points = len(points)
    simplices = tri.simplices  # each edge once, undirected
    pairs = np.concatenate([simplices[:, [0, 1]], simplices[:, [1, 2]],
                            simplices[:, [2, 0]]])  # fmt: skip
    i, j = np.unique(np.sort(pairs, axis=1), axis=0).T
    e = points[j] - points[i]
    w = 1.0 / np.linalg.norm(e, axis=1) ** 3
    outer = w[:, np.newaxis, np.newaxis] * e[:, :, np.newaxis] * e[:, np.newaxis, :]
    # Hessian blocks: 8 w e e^T on both diagonal blocks, 4 w e e^T off them
    block_rows = np.concatenate([i, j, i, j])
    block_cols = np.concatenate([i, j, j, i])
    blocks = np.concatenate([8 * outer, 8 * outer, 4 * outer, 4 * outer])
    rows = 2 * block_rows[:, None, None] + np.arange(2)[None, :, None]
    cols = 2 * block_cols[:, None, None] + np.arange(2)[None, None, :]
    hessian = sparse.csc_matrix(
        (blocks.ravel(), (np.broadcast_to(rows, blocks.shape).ravel(),
                          np.broadcast_to(cols, blocks.shape).ravel())),
        shape=(2 * n_points, 2 * n_points),
    )  # fmt: skip
    # linear term: d/dg_i and d/dg_j of the edge energy are both 12 w (f_i - f_j) e
    slope = 12 * w[:, np.newaxis] * e
    lin_rows = 2 * np.concatenate([i, i, j, j])[:, None] + np.arange(2)
    lin_cols = np.concatenate([i, j, i, j])[:, None].repeat(2, axis=1)
    lin_vals = np.concatenate([slope, -slope, slope, -slope])
    linear = sparse.csc_matrix(
        (lin_vals.ravel(), (lin_rows.ravel(), lin_cols.ravel())),
        shape=(2 * n_points, n_points),
    )
    return hessian, linear


# pixels per step: a step's arrays stay small, so that the allocator reuses
# them (fresh pages cost more than the arithmetic in a fresh process)
_CHUNK = 2048
_CANDIDATES = 8192  # box pixels per rasterizing step (its arrays are smaller)


def _clough_tocher_weights(patches, simplex, bary):
    """Weights of each pixel on its triangle's 9 degrees of freedom, (n_pixels, 9).

    Ordered as the patches' tables. Each triangle is split at its centroid
    into three cubic Bezier patches whose control points (indexed by the
    powers of the barycentric coordinates of the vertices and centroid) are
    vectors of 9 coefficients (:func:`_bezier_patches`): the Bernstein
    polynomials give the weights.
    """
    # the pixel's patch is the one opposite its vertex of smallest weight
    # (the first, as argmin); there its coordinates are (b - min, 3 min)
    low = np.minimum(np.minimum(bary[0], bary[1]), bary[2])
    patch = np.where(bary[0] == low, 0, np.where(bary[1] == low, 1, 2))
    weights = np.empty((len(low), 9))
    # a full array of exponents: for a scalar 2 numpy squares, which can round
    # differently from pow
    exponents = np.repeat([[2.0], [3.0]], len(low), axis=1)
    for vertex, (powers, multinomial, table) in enumerate(patches):
        pixels = np.flatnonzero(patch == vertex)
        u, w = [other for other in range(3) if other != vertex]
        # each coordinate's powers 0..3 once, then one gather per control
        # point; x ** 0 and x ** 1 are exact, so pow (most of the cost) runs
        # for 2 and 3 only; the patch's own vertex is at power 0: its factor 1
        # left out of the products changes no bit
        n_here = len(pixels)
        table_pow = np.empty((3, 4, n_here))  # (coordinate, power, pixel)
        table_pow[:, 0], coords = 1.0, table_pow[:, 1]
        low_here = low[pixels]
        np.subtract(bary[[u, w]][:, pixels], low_here, out=coords[:2])
        np.multiply(3, low_here, out=coords[2])
        np.power(coords[:, np.newaxis], exponents[:, :n_here], out=table_pow[:, 2:])
        product = table_pow[0][powers[:, u]]  # (control point, pixel)
        for axis, coord in ((w, 1), (3, 2)):
            product = product * table_pow[coord][powers[:, axis]]
        bernstein = multinomial[:, np.newaxis] * product
        weights[pixels] = np.einsum("cp,pcd->pd", bernstein, table[simplex[pixels]])
    return weights


def _bezier_patches(tri, dofs):
    """Per patch (opposite vertex 0, 1, 2), its 10 control points.

    Their powers (10, 4), multinomial coefficients and coefficients (n_tri,
    10, 9), ordered by ``dofs``. The other patches' control points weigh
    exactly 0 in a patch: summed from +0 in the same order, leaving them out
    changes no bit.
    """
    cps = _control_points(tri)  # {(i, j, k, l): (n_triangles, 9)}
    powers = np.array(list(cps))  # (20, 4)
    multinomial = 6 / factorial(powers).prod(axis=1)
    points, patches = list(cps.values()), []
    for vertex in range(3):
        used = np.flatnonzero(powers[:, vertex] == 0)
        table = np.stack([points[c] for c in used], axis=1)  # (n_triangles, 10, 9)
        table = np.take_along_axis(table, dofs[:, np.newaxis], axis=2)
        patches.append((powers[used], multinomial[used], table))
    return patches


def _control_points(tri):
    """Bezier control points of every triangle as coefficient vectors."""
    verts = tri.points[tri.simplices]  # (n_tri, 3, 2)
    n_tri = len(verts)
    centroid = verts.mean(axis=1)

    def value(v):
        dof = np.zeros((n_tri, 9))
        dof[:, v] = 1.0
        return dof

    def toward(v, target):
        """f_v + g_v . (target - p_v) / 3."""
        dof = value(v)
        step = (target - verts[:, v]) / 3
        dof[:, 3 + 2 * v] = step[:, 0]
        dof[:, 4 + 2 * v] = step[:, 1]
        return dof

    cp = {}
    for v in range(3):
        cp[_key(v, v, v)] = value(v)
        for u in range(3):
            if u != v:
                cp[_key(v, v, u)] = toward(v, verts[:, u])
    # next to each vertex, towards the centroid: in the vertex's tangent plane
    for v in range(3):
        u, w = [x for x in range(3) if x != v]
        cp[_key(v, v, 3)] = (cp[_key(v, v, v)] + cp[_key(v, v, u)]
                             + cp[_key(v, v, w)]) / 3  # fmt: skip
    # middle of each outer edge, towards the centroid: the derivative across
    # the edge, along a direction both neighbouring triangles share, must be
    # linear along the edge (this makes the surface C1 between triangles)
    for opposite in range(3):
        u, w = [x for x in range(3) if x != opposite]
        direction = _cross_direction(tri, verts, centroid, opposite, u, w)
        cp[_key(u, w, 3)] = _edge_interior(cp, u, w, direction, verts, centroid)
    # the inner ring and the centroid: averages, which keeps C1 inside
    for v in range(3):
        u, w = [x for x in range(3) if x != v]
        cp[_key(v, 3, 3)] = (cp[_key(v, v, 3)] + cp[_key(v, u, 3)]
                             + cp[_key(v, w, 3)]) / 3  # fmt: skip
    cp[_key(3, 3, 3)] = sum(cp[_key(v, 3, 3)] for v in range(3)) / 3
    return cp


def _key(*corners):
    """Return a control point's powers ``(a, b, c, d)``: its corners, 3 the centroid."""
    return tuple(corners.count(i) for i in range(4))


def _cross_direction(tri, verts, centroid, opposite, u, w):
    """Direction across the edge (u, w) both its triangles agree on."""
    neighbour = tri.neighbors[:, opposite]
    midpoint = (verts[:, u] + verts[:, w]) / 2
    other = np.where(
        (neighbour >= 0)[:, np.newaxis], centroid[neighbour], 2 * centroid - midpoint
    )
    return other - centroid


def _edge_interior(cp, u, w, direction, verts, pc):
    """Control point ``(u, w, centroid) = (1, 1, 1)`` of the patch (u, w, c).

    With the direction in barycentric terms ``(au, aw, ac)``, the derivative
    along it on the edge is a quadratic Bezier ``q``; it is linear exactly
    when ``2 q_1 = q_0 + q_2``, which fixes the point.
    """
    # solve direction = au (pu - pc) + aw (pw - pc)
    basis = np.stack([verts[:, u] - pc, verts[:, w] - pc], axis=-1)  # (n_tri, 2, 2)
    # flat triangles (colinear extra points) hold no pixel: keep them finite
    # 2x2 systems in closed form (batched LAPACK calls can be very slow
    # under a multithreaded OpenBLAS)
    det = basis[:, 0, 0] * basis[:, 1, 1] - basis[:, 0, 1] * basis[:, 1, 0]
    flat = np.abs(det) <= 1e-12 * np.abs(basis).max() ** 2
    det[flat] = 1.0
    dx, dy = direction[:, 0], direction[:, 1]
    au = (basis[:, 1, 1] * dx - basis[:, 0, 1] * dy) / det
    aw = (basis[:, 0, 0] * dy - basis[:, 1, 0] * dx) / det
    au[flat], aw[flat] = 1.0, 1.0
    au, aw, ac = au[:, None], aw[:, None], (-au - aw)[:, None]
    q0 = au * cp[_key(u, u, u)] + aw * cp[_key(u, u, w)] + ac * cp[_key(u, u, 3)]
    q2 = au * cp[_key(u, w, w)] + aw * cp[_key(w, w, w)] + ac * cp[_key(w, w, 3)]
    known_q1 = au * cp[_key(u, u, w)] + aw * cp[_key(u, w, w)]
    return (q0 + q2 - 2 * known_q1) / (2 * ac)


def _median_spacing(pos, simplices):
    """Return the median side of the sensors' triangles (two per triangle, as MNE)."""
    sides = np.concatenate([simplices[:, [0, 1]], simplices[:, [1, 2]]])
    return float(np.median(np.linalg.norm(pos[sides[:, 0]] - pos[sides[:, 1]], axis=1)))


def _extra_points(pos, extrapolate, origin, clip_radius, spacing):
    """Points beyond the sensors up to the outline; for 'local', the map's polygon."""
    if extrapolate == "box":
        low, high = pos.min(axis=0), pos.max(axis=0)
        span = high - low
        return np.array(list(product(*zip(low - span, high + span, strict=True)))), None
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
    hull = hull_vertices(pos)
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
    """Delaunay triangulation of the sensors, then the extra points, as MNE builds it.

    The order decides between co-circular points: MNE's matches its topomaps.
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
    if border != "mean":
        return matrix, np.full(n_extra, border)
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
    return matrix, np.zeros(n_extra)


def _rasterize(tri, xi, yi):
    """Find the triangle under each pixel (-1: none), testing each one's box only.

    A pixel in several triangles (on a shared edge) goes to the first.
    """
    transform = _affine_transforms(tri)
    corners = tri.points[tri.simplices]  # (n_tri, 3, 2)
    low, high = corners.min(axis=1), corners.max(axis=1)
    c0s, r0s = np.searchsorted(xi, low[:, 0]), np.searchsorted(yi, low[:, 1])
    widths = np.searchsorted(xi, high[:, 0], "right") - c0s
    heights = np.searchsorted(yi, high[:, 1], "right") - r0s
    # the boxes' pixels (candidates) in steps (a Python loop per triangle
    # costs more); flat triangles and boxes without a pixel centre have none
    sizes = np.maximum(widths, 0) * np.maximum(heights, 0)
    sizes[~np.isfinite(transform).all(axis=0)] = 0
    owners = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
    starts = np.cumsum(sizes) - sizes  # each box's first candidate
    first = np.full(len(xi) * len(yi), len(owners))  # per pixel, its first candidate
    for start in range(0, len(owners), _CANDIDATES):
        candidate = np.arange(start, min(start + _CANDIDATES, len(owners)))
        owner = owners[start : start + _CANDIDATES]
        rows, cols = np.divmod(candidate - starts[owner], widths[owner])
        rows += r0s[owner]
        cols += c0s[owner]
        bary = _barycentric(transform, owner, xi[cols], yi[rows])
        hit = (bary >= -1e-10).all(axis=0)
        np.minimum.at(first, rows[hit] * len(xi) + cols[hit], candidate[hit])
    simplex = np.full(len(first), -1)
    found = first < len(owners)
    simplex[found] = owners[first[found]]
    return simplex


def _affine_transforms(tri):
    """Barycentric transforms of all triangles as scipy's, transposed: (6, n_tri).

    NaN: flat. Closed form: scipy's per-triangle LAPACK calls can be a
    thousand times slower under a multithreaded OpenBLAS.
    """
    corners = tri.points[tri.simplices]  # (n_tri, 3, 2)
    a = corners[:, 0] - corners[:, 2]
    b = corners[:, 1] - corners[:, 2]
    det = a[:, 0] * b[:, 1] - b[:, 0] * a[:, 1]
    scale = np.abs(np.concatenate([a, b], axis=1)).max(axis=1) ** 2
    rows = [np.column_stack([b[:, 1], -b[:, 0]]), np.column_stack([-a[:, 1], a[:, 0]])]
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = np.stack(rows, axis=1) / det[:, np.newaxis, np.newaxis]
    inverse[np.abs(det) <= 1e-12 * scale] = np.nan
    transform = np.concatenate([inverse, corners[:, 2][:, np.newaxis]], axis=1)
    return np.ascontiguousarray(transform.reshape(-1, 6).T)  # a row per entry


def _barycentric(transform, simplex, x, y):
    """Barycentric coordinates of points in given triangles, shape (3, n)."""
    t00, t01, t10, t11, x2, y2 = transform.take(simplex, axis=1)
    dx, dy = x - x2, y - y2
    # summed from +0 as einsum did: a -0 product does not survive
    b0, b1 = t00 * dx + t01 * dy, t10 * dx + t11 * dy
    b0 += 0.0
    b1 += 0.0
    return np.stack([b0, b1, 1.0 - (b0 + b1)])


def build_operator(tri, simplex, xy, image_interp):
    """Return the sparse operator from point values (then gradients) to pixels.

    And, for ``'cubic'``, the GradientMap giving the gradients (else None).
    """
    n_points, n_pixels = len(tri.points), len(xy)
    gradients, n_cols = None, n_points
    if image_interp == "nearest":
        weights = np.ones((n_pixels, 1))
        cols = cKDTree(tri.points).query(xy)[1][:, np.newaxis]
    else:
        weights, cols = _pixel_weights(tri, simplex, xy, image_interp == "cubic")
    if image_interp == "cubic":
        gradients, n_cols = GradientMap(tri.points, tri), 3 * n_points
    # each row's columns are distinct and ascending: scipy's canonical form
    indptr = np.arange(0, weights.size + 1, weights.shape[1])
    op = sparse.csr_matrix((weights.ravel(), cols.ravel(), indptr),
                           shape=(n_pixels, n_cols))  # fmt: skip
    return op, gradients


def _pixel_weights(tri, simplex, xy, cubic):
    """Per pixel, its weights on its triangle's values (and gradients) and columns."""
    dofs, columns = _dof_columns(tri, cubic)
    patches = _bezier_patches(tri, dofs) if cubic else None
    transform = _affine_transforms(tri)
    weights = np.empty((len(xy), dofs.shape[1]))
    for start in range(0, len(xy), _CHUNK):  # bounded memory at any res
        part = slice(start, start + _CHUNK)
        bary = _barycentric(transform, simplex[part], *xy[part].T)
        weights[part] = (_clough_tocher_weights(patches, simplex[part], bary)
                         if cubic else np.take_along_axis(
                             bary.T, dofs[simplex[part]], axis=1))  # fmt: skip
    return weights, columns[simplex]


def _dof_columns(tri, cubic):
    """Per triangle, its degrees of freedom in ascending order of their columns.

    Returns their indices (in ``(f0, f1, f2, g0x, g0y, ...)``, only the values
    unless ``cubic``) and columns: the values of all points, then d/dx and
    d/dy of each point.
    """
    order = np.argsort(tri.simplices, axis=1)
    vertices = np.take_along_axis(tri.simplices, order, axis=1)
    if not cubic:
        return order, vertices
    twice, xy = [0, 0, 1, 1, 2, 2], np.array([0, 1, 0, 1, 0, 1])  # d/dx, d/dy
    dofs = np.concatenate([order, 3 + 2 * order[:, twice] + xy], axis=1)
    gradients = len(tri.points) + 2 * vertices[:, twice] + xy
    return dofs, np.concatenate([vertices, gradients], axis=1)


def small_product(a, b):
    """Multiply small matrices without BLAS (waking its threads costs more, 4x)."""
    return np.einsum("ij,jk->ik", a, b, optimize=False)
