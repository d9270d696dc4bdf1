"""The interpolation operator: a scalp map's geometry, the Clough-Tocher element.

Scipy's ``griddata(..., method='cubic')`` estimates the gradients
iteratively; surface and gradients are linear in the values, so here they
are built once: each pixel's weights on its triangle's values and gradients,
and the exact minimiser of the curvature energy (Nielson 1983).

The map's exact outline: a cell gets a value where its centre lies in the
drawn region (the head disc, cut to the sensors' neighbourhood for
``extrapolate='local'``, to their convex hull for ``beyond_sensors='hide'``,
and to the triangulation), so its boundary is a staircase of cells. MNE clips
its image with the head patch, and Agg anti-aliases the clip; we do the same:
:func:`region_path` is the region itself, which the figure clips the map with.
The clip can show a little of cells whose centres lie outside the region:
:func:`padding` gives every cell the value of the nearest cell that has one
(edge padding), so what shows of them continues the map.
"""

from itertools import product

import numpy as np
from matplotlib.path import Path
from scipy import sparse
from scipy.sparse.linalg import splu
from scipy.spatial import ConvexHull, Delaunay, cKDTree
from scipy.special import factorial

# Up to this many points the gradient map is a dense G (at most 4 MiB, faster
# than sparse solves); beyond, G would grow as n_points ** 2 (1.6 GB for 10,000).
DENSE_GRADIENTS_MAX_POINTS = 512


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
        self.matrix = -self._factor.solve(linear.toarray()) if dense else None

    def __call__(self, values):
        """Return the gradients, shape (2 * n_points, n), of values (n_points, n)."""
        if self.matrix is not None:
            return small_product(self.matrix, values)
        return -self._factor.solve(np.asfortranarray(self._linear @ values))


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


# pixels per step (1.4 kB each): under 4 MB numpy asks for no huge pages, which
# a fresh process would fault in and zero (0.12 s at 16,384 pixels, 0.02 s here)
_CHUNK = 2048


def _clough_tocher_weights(tri, simplex, bary):
    """Weights of each pixel on its triangle's 9 degrees of freedom, (n_pixels, 9).

    Ordered ``(f0, f1, f2, g0x, g0y, g1x, g1y, g2x, g2y)``. Each triangle is
    split at its centroid into three cubic Bezier patches whose control
    points (indexed by the powers of the barycentric coordinates of the
    vertices and centroid) are vectors of 9 coefficients: the Bernstein
    polynomials give the weights directly.
    """
    cps = _control_points(tri)  # {(i, j, k, l): (n_triangles, 9)}
    # the pixel's patch is the one opposite its vertex of smallest weight;
    # in that patch its coordinates are (b - min, 3 min)
    low = bary.min(axis=1, keepdims=True)
    coords = np.column_stack([bary - low, 3 * low])
    powers = np.array(list(cps))  # (20, 4)
    multinomial = 6 / factorial(powers).prod(axis=1)
    table = np.stack(list(cps.values()), axis=1)  # (n_triangles, 20, 9)
    weights = np.empty((len(bary), 9))
    for start in range(0, len(bary), _CHUNK):  # bounded memory at any res
        part = slice(start, start + _CHUNK)
        # each coordinate's powers 0..3 once, then one gather per control
        # point: the same products as coords ** powers, a quarter of the pow
        # calls (pow is most of the build's cost)
        table_pow = coords[part, :, np.newaxis] ** np.arange(4)  # (p, 4, 4)
        product = table_pow[:, 0, powers[:, 0]]
        for axis in range(1, 4):
            product = product * table_pow[:, axis, powers[:, axis]]
        bernstein = multinomial * product
        weights[part] = np.einsum("pc,pcd->pd", bernstein, table[simplex[part]])
    return weights


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
    hull = _hull(pos)
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
    """Find the triangle under each pixel (-1: none), testing each one's box only."""
    simplex = np.full((len(yi), len(xi)), -1)
    corners = tri.points[tri.simplices]  # (n_tri, 3, 2)
    low, high = corners.min(axis=1), corners.max(axis=1)
    c0s, c1s = np.searchsorted(xi, low[:, 0]), np.searchsorted(xi, high[:, 0], "right")
    r0s, r1s = np.searchsorted(yi, low[:, 1]), np.searchsorted(yi, high[:, 1], "right")
    transform = _affine_transforms(tri)
    for index, (r0, r1, c0, c1) in enumerate(zip(r0s, r1s, c0s, c1s, strict=True)):
        if r0 >= r1 or c0 >= c1 or not np.isfinite(transform[index]).all():
            continue  # flat triangle or no pixel centre in its box
        xx, yy = np.meshgrid(xi[c0:c1], yi[r0:r1])
        xy = np.column_stack([xx.ravel(), yy.ravel()])
        bary = _barycentric(transform, np.full(len(xy), index), xy)
        hit = (bary >= -1e-10).all(axis=1).reshape(xx.shape)
        block = simplex[r0:r1, c0:c1]
        block[hit & (block < 0)] = index
    return simplex.ravel()


def _affine_transforms(tri):
    """Barycentric transforms of all triangles, laid out like scipy's (NaN: flat).

    Closed form: scipy's per-triangle LAPACK calls can be a thousand times
    slower under a multithreaded OpenBLAS.
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
    return np.concatenate([inverse, corners[:, 2][:, np.newaxis]], axis=1)


def _barycentric(transform, simplex, xy):
    """Barycentric coordinates of points in given triangles, shape (n, 3)."""
    transform = transform[simplex]
    partial = np.einsum("nij,nj->ni", transform[:, :2], xy - transform[:, 2])
    return np.column_stack([partial, 1.0 - partial.sum(axis=1)])


def build_operator(tri, simplex, xy, image_interp):
    """Return the sparse operator from point values (then gradients) to pixels.

    And, for ``'cubic'``, the GradientMap giving the gradients (else None).
    """
    points, n_points = tri.points, len(tri.points)
    gradients, n_cols = None, n_points
    if image_interp == "nearest":
        weights = np.ones((len(xy), 1))
        cols = cKDTree(points).query(xy)[1][:, np.newaxis]
    else:
        bary = _barycentric(_affine_transforms(tri), simplex, xy)
        weights, cols = bary, tri.simplices[simplex]
    if image_interp == "cubic":
        # the 9 weights (f0 f1 f2 g0x g0y g1x g1y g2x g2y), reordered to match
        # the columns: values of all points, then d/dx and d/dy of all points
        weights = _clough_tocher_weights(tri, simplex, bary)
        weights = weights[:, [0, 1, 2, 3, 5, 7, 4, 6, 8]]
        cols = np.concatenate([cols, n_points + 2 * cols, n_points + 2 * cols + 1],
                              axis=1)  # fmt: skip
        gradients, n_cols = GradientMap(points, tri), 3 * n_points
    rows = np.repeat(np.arange(len(xy)), weights.shape[1])
    op = sparse.csr_matrix((weights.ravel(), (rows, cols.ravel())),
                           shape=(len(xy), n_cols))  # fmt: skip
    return op, gradients


def small_product(a, b):
    """Multiply small matrices without BLAS (waking its threads costs more, 4x)."""
    return np.einsum("ij,jk->ik", a, b, optimize=False)


# -- the map's exact outline and its edge padding --------------------------------

N_ARC = 1440  # vertices of the head circle: off by r * 2.4e-6 at most


def region_path(interp):
    """Return the drawn region of ``interp`` as a closed Path, in its units."""
    origin, radius = interp.sphere[:2], interp.clip_radius
    angles = np.linspace(0.0, 2 * np.pi, N_ARC, endpoint=False)
    disc = origin + radius * np.column_stack([np.cos(angles), np.sin(angles)])
    region = disc
    if interp.mask_polygon is not None:  # 'local': the disc cut by the polygon
        mask = np.asarray(interp.mask_polygon, float)
        hull = _hull(mask)  # (or, not convex, the polygon cut by the disc)
        convex = len(hull) == len(mask)
        region = _clipped(disc, hull) if convex else _clipped(mask, disc)
    if interp.extrapolated == "hide":
        region = _clipped(region, _hull(interp.pos))
    region = _clipped(region, _hull(interp.points))  # where the triangles reach
    if len(region) < 3:  # nothing drawn: a path that covers no pixel
        return Path(np.zeros((3, 2)), closed=True)
    return Path(np.concatenate([region, region[:1]]), closed=True)


def padding(interp):
    """Return, for every cell (raveled), the inside rank of the nearest inside cell.

    Inside cells point to themselves; None when no cell is inside.
    """
    inside = interp.inside.ravel()
    if not inside.any():
        return None
    rank = np.full(inside.size, -1, np.intp)
    rank[inside] = np.arange(int(inside.sum()))
    outside = np.flatnonzero(~inside)
    # the nearest inside cell is on the edge (a step towards the outside cell
    # from any other would be nearer): search those only
    grid = interp.inside
    edge = grid.copy()
    edge[1:-1, 1:-1] &= ~(grid[:-2, 1:-1] & grid[2:, 1:-1] & grid[1:-1, :-2]
                          & grid[1:-1, 2:])  # fmt: skip
    edge = np.flatnonzero(edge.ravel())
    cells = np.column_stack(np.divmod(np.arange(inside.size), interp.res))
    nearest = cKDTree(cells[edge]).query(cells[outside])[1]
    rank[outside] = rank[edge[nearest]]
    return rank


def _hull(points):
    """Return the convex hull's vertices, counter-clockwise."""
    return points[ConvexHull(points).vertices]


def _clipped(polygon, convex):
    """Return the part of ``polygon`` inside ``convex`` (counter-clockwise).

    Sutherland-Hodgman: one pass per edge of the convex polygon.
    """
    starts, ends = convex, np.roll(convex, -1, axis=0)
    # the edges with a vertex of the polygon beyond them: the others cannot cut
    edges = (ends - starts)[:, np.newaxis]
    offsets = polygon[np.newaxis] - starts[:, np.newaxis]
    beyond = (edges[..., 0] * offsets[..., 1] < edges[..., 1] * offsets[..., 0]).any(1)
    for start, end in zip(starts[beyond], ends[beyond], strict=True):
        if len(polygon) == 0:
            break
        edge = end - start
        # left of the edge (inside a counter-clockwise polygon): side >= 0
        offset = polygon - start
        side = edge[0] * offset[:, 1] - edge[1] * offset[:, 0]
        following, side_next = np.roll(polygon, -1, axis=0), np.roll(side, -1)
        keep = side >= 0
        crosses = keep != (side_next >= 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(crosses, side / (side - side_next), 0.0)
        crossing = polygon + t[:, np.newaxis] * (following - polygon)
        points = np.stack([polygon, crossing], axis=1)
        polygon = points[np.column_stack([keep, crosses])]
    return polygon
