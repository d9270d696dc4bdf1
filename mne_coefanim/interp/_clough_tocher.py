"""The Clough-Tocher element as linear weights, and its gradients as an operator.

Scipy's ``griddata(..., method='cubic')`` evaluates a Clough-Tocher surface
from the point values and gradients it estimates iteratively. Both steps are
linear in the point values, so here they are built once: the weights of each
pixel on its triangle's three values and three gradients (a matrix), and the
exact minimiser of the curvature energy (Nielson 1983) that gives the
gradients from the values (a sparse factorisation, or for small
triangulations the dense matrix it amounts to).
"""

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import splu


def _edges(simplices):
    """Return the unique undirected edges of a triangulation, shape (n_edges, 2)."""
    pairs = np.concatenate([simplices[:, [0, 1]], simplices[:, [1, 2]],
                            simplices[:, [2, 0]]])  # fmt: skip
    return np.unique(np.sort(pairs, axis=1), axis=0)


# Up to this many points (sensors and extra points) the gradient map is kept
# as a dense matrix G (2 n_points x n_points): the per-frame product is then
# one BLAS-free loop, faster than sparse triangular solves, and G costs at
# most 4 MiB. Beyond it G would grow as n_points ** 2 (1.6 GB for 10,000
# channels), so each frame solves the sparse system instead.
DENSE_GRADIENTS_MAX_POINTS = 512


class GradientMap:
    """The estimated gradients as a linear map of the point values.

    The gradients minimise a curvature energy (see :func:`_gradient_system`),
    so ``g = G f`` with ``G = -H^-1 R``: ``H`` and ``R`` are sparse (each
    point couples only to its neighbours), ``G`` is dense. The sparse LU
    factorisation of ``H`` takes time and memory close to linear in the
    number of points; ``G`` itself is formed only for small triangulations
    (``DENSE_GRADIENTS_MAX_POINTS``), where applying it is fastest.

    Parameters
    ----------
    points : array, shape (n_points, 2)
        The triangulated points.
    tri : scipy.spatial.Delaunay
        Their triangulation.
    dense : bool | None
        Form ``G`` (True) or solve per call (False); None decides by size.

    Attributes
    ----------
    matrix : array, shape (2 * n_points, n_points) | None
        ``G``, rows ordered ``(d/dx of point 0, d/dy of point 0, ...)``, or
        None when the gradients are solved per call.
    """

    def __init__(self, points, tri, *, dense=None):
        hessian, linear = _gradient_system(points, tri)
        if dense is None:
            dense = len(points) <= DENSE_GRADIENTS_MAX_POINTS
        self.shape = linear.shape
        factor = splu(hessian)
        self.matrix = self._factor = self._linear = None
        if dense:
            self.matrix = -factor.solve(linear.toarray())
        else:
            self._factor, self._linear = factor, linear.tocsr()

    def __call__(self, values):
        """Return the gradients, shape (2 * n_points, n), of values (n_points, n)."""
        if self.matrix is not None:
            # no BLAS: at these sizes waking its threads costs more than the
            # product (as _interp._small_product)
            return np.einsum("ij,jk->ik", self.matrix, values, optimize=False)
        return -self._factor.solve(np.asfortranarray(self._linear @ values))

    def toarray(self):
        """Return ``G`` as a dense array (for tests and small cases)."""
        if self.matrix is not None:
            return self.matrix
        return -self._factor.solve(self._linear.toarray())


def _gradient_system(points, tri):
    """Build the sparse system ``H g = -R f`` whose solution are the gradients.

    Returns ``H`` (CSC, shape (2 * n_points, 2 * n_points)) and ``R`` (CSC,
    shape (2 * n_points, n_points)), rows and columns of ``H`` ordered
    ``(d/dx of point 0, d/dy of point 0, d/dx of point 1, ...)``.

    The gradients minimise, over all triangulation edges, the integral of the
    squared second derivative of the cubic Hermite curve along each edge
    (Nielson 1983; the energy scipy's ``CloughTocher2DInterpolator``
    minimises by Gauss-Seidel). For an edge from i to j with vector e,
    length L and slopes a = g_i . e, b = g_j . e the energy is
    ``(4 a^2 + 4 a b + 4 b^2 + 12 (f_i - f_j)(a + b)) / L^3``; it is
    quadratic in the gradients, so its minimiser solves ``H g = -R f``.
    Every edge adds a few entries: both matrices hold O(n_points) numbers.
    """
    n_points = len(points)
    i, j = _edges(tri.simplices).T
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
    # linear term: d/dg_i and d/dg_j of the edge energy are both
    # 12 w (f_i - f_j) e
    slope = 12 * w[:, np.newaxis] * e
    lin_rows = 2 * np.concatenate([i, i, j, j])[:, None] + np.arange(2)
    lin_cols = np.concatenate([i, j, i, j])[:, None].repeat(2, axis=1)
    lin_vals = np.concatenate([slope, -slope, slope, -slope])
    linear = sparse.csc_matrix(
        (lin_vals.ravel(), (lin_rows.ravel(), lin_cols.ravel())),
        shape=(2 * n_points, n_points),
    )
    return hessian, linear


# pixels per step: each step gathers its triangles' control points, 1.4 kB
# per pixel; under 4 MB numpy asks for no huge pages, which a fresh process
# would fault in and zero (measured: 0.12 s of a fresh build at 16,384 pixels
# per step, 0.02 s at 2,048; the same weights, bit for bit)
_CHUNK = 2048


def _clough_tocher_weights(tri, simplex, bary):
    """Weights of each pixel on its triangle's 9 degrees of freedom.

    The degrees of freedom are ordered ``(f0, f1, f2, g0x, g0y, g1x, g1y,
    g2x, g2y)``: the three vertex values and gradients. Returns an array of
    shape (n_pixels, 9).

    Each triangle is split at its centroid into three cubic Bezier patches
    (the Clough-Tocher element). Every Bezier control point is a linear
    combination of the 9 degrees of freedom, so it is held here as a vector
    of 9 coefficients; evaluating the Bernstein polynomials then gives the
    weights directly. Control points are indexed ``(i, j, k, l)``, the
    powers of the barycentric coordinates of vertices 0, 1, 2 and of the
    centroid.
    """
    cps = _control_points(tri)  # {(i, j, k, l): (n_triangles, 9)}
    # the pixel's patch is the one opposite its vertex of smallest weight;
    # in that patch its coordinates are (b - min, 3 min)
    low = bary.min(axis=1, keepdims=True)
    coords = np.column_stack([bary - low, 3 * low])
    powers = np.array(list(cps))  # (20, 4)
    factorial = np.array([1, 1, 2, 6])
    multinomial = 6 / factorial[powers].prod(axis=1)
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

    def key(**powers):
        return tuple(powers.get(name, 0) for name in ("a", "b", "c", "d"))

    names = "abc"  # vertex 0, 1, 2; 'd' is the centroid
    cps = {}
    for v in range(3):
        cps[key(**{names[v]: 3})] = value(v)
        for u in range(3):
            if u != v:
                cps[key(**{names[v]: 2, names[u]: 1})] = toward(v, verts[:, u])
    # next to each vertex, towards the centroid: in the vertex's tangent plane
    for v in range(3):
        u, w = [x for x in range(3) if x != v]
        cps[key(**{names[v]: 2, "d": 1})] = (
            cps[key(**{names[v]: 3})]
            + cps[key(**{names[v]: 2, names[u]: 1})]
            + cps[key(**{names[v]: 2, names[w]: 1})]
        ) / 3
    # middle of each outer edge, towards the centroid: the derivative across
    # the edge, along a direction both neighbouring triangles share, must be
    # linear along the edge (this makes the surface C1 between triangles)
    for opposite in range(3):
        u, w = [x for x in range(3) if x != opposite]
        direction = _cross_direction(tri, verts, centroid, opposite, u, w)
        cps[key(**{names[u]: 1, names[w]: 1, "d": 1})] = _edge_interior(
            cps, key, names[u], names[w], direction, verts[:, u], verts[:, w], centroid
        )
    # the inner ring and the centroid: averages, which keeps C1 inside
    for v in range(3):
        u, w = [x for x in range(3) if x != v]
        cps[key(**{names[v]: 1, "d": 2})] = (
            cps[key(**{names[v]: 2, "d": 1})]
            + cps[key(**{names[v]: 1, names[u]: 1, "d": 1})]
            + cps[key(**{names[v]: 1, names[w]: 1, "d": 1})]
        ) / 3
    cps[key(d=3)] = sum(cps[key(**{names[v]: 1, "d": 2})] for v in range(3)) / 3
    return cps


def _cross_direction(tri, verts, centroid, opposite, u, w):
    """Direction across the edge (u, w) that both its triangles agree on.

    Towards the neighbour's centroid, or from the edge's midpoint to the
    centroid where the edge is on the hull (no neighbour).
    """
    neighbour = tri.neighbors[:, opposite]
    midpoint = (verts[:, u] + verts[:, w]) / 2
    other = np.where(
        (neighbour >= 0)[:, np.newaxis], centroid[neighbour], 2 * centroid - midpoint
    )
    return other - centroid


def _edge_interior(cps, key, nu, nw, direction, pu, pw, pc):
    """Control point ``(u, w, centroid) = (1, 1, 1)`` of the patch (u, w, c).

    Write the direction in the patch's barycentric terms ``(au, aw, ac)``
    (summing to 0). The derivative along it on the edge is a quadratic
    Bezier with coefficients ``q_m = au c[.. u+1] + aw c[.. w+1] + ac c[.. c+1]``;
    it is linear exactly when ``2 q_1 = q_0 + q_2``, which fixes the point.
    """
    # solve direction = au (pu - pc) + aw (pw - pc)
    basis = np.stack([pu - pc, pw - pc], axis=-1)  # (n_tri, 2, 2)
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
    ac = -au - aw

    def cp(**powers):
        return cps[key(**powers)]

    q0 = (au[:, None] * cp(**{nu: 3}) + aw[:, None] * cp(**{nu: 2, nw: 1})
          + ac[:, None] * cp(**{nu: 2, "d": 1}))  # fmt: skip
    q2 = (au[:, None] * cp(**{nu: 1, nw: 2}) + aw[:, None] * cp(**{nw: 3})
          + ac[:, None] * cp(**{nw: 2, "d": 1}))  # fmt: skip
    known_q1 = au[:, None] * cp(**{nu: 2, nw: 1}) + aw[:, None] * cp(**{nu: 1, nw: 2})
    return (q0 + q2 - 2 * known_q1) / (2 * ac[:, np.newaxis])
