"""Scalp interpolation: geometry once per animation, values per frame.

The map of every method used here is linear in the channel values, so the
whole interpolation is built once as an operator and each frame costs one
sparse product:

* ``nearest``: each pixel copies one point's value;
* ``linear``: each pixel mixes its triangle's three vertex values;
* ``cubic``: the Clough-Tocher element mixes its triangle's three values and
  three gradients (9 numbers), and the gradients are the minimiser of the
  same curvature energy that :func:`scipy.interpolate.griddata` minimises
  iteratively (Nielson 1983) -- here solved exactly, once, as a linear system.

Extra points outside the sensors (``extrapolate``) follow MNE's topomaps:
their values are the mean of their neighbouring channels (``border='mean'``)
or a constant.
"""

from itertools import product
from numbers import Real

import numpy as np
from matplotlib.path import Path
from scipy import sparse
from scipy.sparse.linalg import splu
from scipy.spatial import ConvexHull, Delaunay, QhullError, cKDTree

from .._checks import as_float_array, check_int, check_option

HEAD_SIZE_DEFAULT = 0.095  # MNE's default head radius, in metres
_MEG_TYPES = ("mag", "grad", "planar1", "planar2")
# No single array larger than this is allocated: larger requests raise a
# ValueError saying how to stream instead of exhausting the memory.
MAX_ARRAY_BYTES = 2 * 1024**3
# Peak bytes per image pixel while building the operator (measured: cubic
# holds 9 weights per pixel and their Bernstein terms), to refuse a huge res.
_BUILD_BYTES_PER_PIXEL = {"cubic": 400, "linear": 130, "nearest": 70}


class ScalpInterpolator:
    """Interpolate channel values onto a square image of the scalp.

    The triangulation, the extrapolation points and the interpolation
    operator are built once from the positions; calling the object with
    values of any number of frames only applies the operator.

    Parameters
    ----------
    pos : array, shape (n_channels, 2)
        2-D sensor positions, e.g. from :func:`mne_coefanim.topomap_positions`.
    image_interp : 'cubic' | 'linear' | 'nearest'
        The interpolation method, as in :func:`mne.viz.plot_topomap`:
        Clough-Tocher (``'cubic'``, the same as
        ``scipy.interpolate.griddata(..., method='cubic')``), piecewise
        linear, or nearest point.
    extrapolate : 'auto' | 'head' | 'local' | 'box'
        Where to place the extra points that extend the map beyond the
        sensors, as in MNE: ``'head'`` on a circle outside the head,
        ``'local'`` just outside the sensors' convex hull (pixels further out
        stay empty), ``'box'`` at the corners of a large box. ``'auto'`` is
        ``'local'`` for MEG (``ch_type`` 'mag' or 'grad') and ``'head'``
        otherwise.
    border : 'mean' | float
        The value of the extra points: the mean of their neighbouring
        channels, or a constant.
    res : int
        The number of pixels along each side of the image.
    sphere : None | float | array, shape (4,)
        The head sphere ``(x, y, z, radius)`` in the units of ``pos``; a float
        is a radius centred on the origin. None is MNE's default, a 95 mm
        radius at the origin. Only ``x``, ``y`` and ``radius`` are used: they
        place the head circle that bounds the image.
    ch_type : str | None
        The channel type, only used to resolve ``extrapolate='auto'``.

    Attributes
    ----------
    extent : tuple of float
        ``(xmin, xmax, ymin, ymax)`` of the image, in the units of ``pos``.
        Pixel ``[i, j]`` holds the value at ``x = linspace(xmin, xmax,
        res)[j]``, ``y = linspace(ymin, ymax, res)[i]``: row 0 is at the back
        of the head, as ``imshow(origin='lower')`` shows it.
    inside : array of bool, shape (res, res)
        The pixels that get a value; the others are NaN.
    clip_radius : float
        The radius of the circle that bounds the image: the head radius, or
        larger where sensors lie outside the head.
    points : array, shape (n_channels + n_extra, 2)
        The triangulated points: the sensors, then the extra points.

    Notes
    -----
    The image covers the head circle (enlarged to hold every sensor) exactly
    as MNE's topomaps do. For ``'cubic'`` the gradients are the exact
    minimiser of the curvature energy; scipy's iterative estimate stops at a
    relative change of 1e-6, so the two agree to about that precision.
    """

    def __init__(
        self,
        pos,
        *,
        image_interp="cubic",
        extrapolate="auto",
        border="mean",
        res=64,
        sphere=None,
        ch_type=None,
    ):
        self.pos = _check_pos(pos)
        self.image_interp = check_option(
            "image_interp", image_interp, ("cubic", "linear", "nearest")
        )
        check_option("extrapolate", extrapolate, ("auto", "head", "local", "box"))
        if extrapolate == "auto":
            extrapolate = "local" if ch_type in _MEG_TYPES else "head"
        self.extrapolate = extrapolate
        self.border = _check_border(border)
        self.res = check_int("res", res, minimum=2)
        _check_build_size(self.res, self.image_interp)
        self.sphere = _check_sphere(sphere)

        origin, radius = self.sphere[:2], self.sphere[3]
        reach = np.linalg.norm(self.pos - origin, axis=1).max() * 1.01
        self.clip_radius = float(max(radius, reach))
        self.extent = (
            origin[0] - self.clip_radius,
            origin[0] + self.clip_radius,
            origin[1] - self.clip_radius,
            origin[1] + self.clip_radius,
        )
        # incremental, so that the extra points can be added to it as MNE does
        try:
            sensor_tri = Delaunay(self.pos, incremental=True)
        except QhullError:
            raise ValueError(
                "pos must not lie on one line: a scalp map needs channels spread "
                "in two dimensions."
            ) from None
        spacing = _median_spacing(self.pos, sensor_tri.simplices)
        extra, self.mask_polygon = _extra_points(
            self.pos, self.extrapolate, origin, self.clip_radius, spacing
        )
        self.points = np.concatenate([self.pos, extra])
        self.triangulation = _triangulate(sensor_tri, extra, self.extrapolate)
        self._extra_map = _extra_value_map(
            self.triangulation, len(self.pos), self.border
        )
        self._transforms = _affine_transforms(self.triangulation)
        self.inside = self._inside_mask()
        self._operator, self._gradient_map = self._build_operator()
        self._operator_lowp = None
        self._nearest_channel = None

    @property
    def n_channels(self):
        """Number of channels the interpolator expects."""
        return len(self.pos)

    @property
    def nearest_channel(self):
        """Index of the channel nearest each inside pixel, shape (n_inside,)."""
        if self._nearest_channel is None:
            xy = self._pixel_xy()[self.inside.ravel()]
            self._nearest_channel = cKDTree(self.pos).query(xy)[1]
        return self._nearest_channel

    @property
    def xi(self):
        """The x coordinate of each image column, shape (res,)."""
        return np.linspace(self.extent[0], self.extent[1], self.res)

    @property
    def yi(self):
        """The y coordinate of each image row, shape (res,)."""
        return np.linspace(self.extent[2], self.extent[3], self.res)

    def __repr__(self):
        return (
            f"<ScalpInterpolator | {self.n_channels} channels, "
            f"{self.image_interp}, extrapolate={self.extrapolate!r}, "
            f"res={self.res}>"
        )

    def __call__(self, values):
        """Interpolate values onto the image grid.

        Parameters
        ----------
        values : array, shape (n_frames, n_channels) | (n_channels,)
            The channel values of each frame.

        Returns
        -------
        images : array, shape (n_frames, res, res) | (res, res)
            The maps, NaN outside the head (and, for ``extrapolate='local'``,
            outside the sensors' neighbourhood).
        """
        values = as_float_array("values", values)
        single = values.ndim == 1
        if values.ndim == 2:
            _check_output_size(len(values), self.res**2, 8, "images", self.res)
        frames = self.interpolate_inside(values[np.newaxis] if single else values)
        images = np.full((len(frames), self.res * self.res), np.nan)
        images[:, self.inside.ravel()] = frames
        images = images.reshape(-1, self.res, self.res)
        return images[0] if single else images

    def interpolate_inside(self, values, *, dtype=np.float64):
        """Interpolate only the pixels inside the head.

        This is the hot path of the renderer: no NaN image is allocated.

        Parameters
        ----------
        values : array, shape (n_frames, n_channels)
            The channel values of each frame.
        dtype : numpy dtype
            ``np.float32`` halves the memory traffic of the per-frame product
            (ample for colour levels); the default keeps full precision.

        Returns
        -------
        pixels : array, shape (n_frames, n_inside)
            The values of the pixels where ``inside`` is True, in row-major
            order (a transposed view: pixels vary fastest along axis 1 of the
            underlying buffer's transpose).
        """
        values = as_float_array("values", values)
        if values.ndim != 2 or values.shape[1] != self.n_channels:
            raise ValueError(
                f"values must have shape (n_frames, {self.n_channels}) to match "
                f"the {self.n_channels} positions; got shape {values.shape}."
            )
        if not np.isfinite(values).all():
            raise ValueError("values must be finite; got NaN or inf.")
        _check_output_size(len(values), int(self.inside.sum()),
                           np.dtype(dtype).itemsize, "pixels", self.res)  # fmt: skip
        node_values = self._node_values(values.T)
        if self._gradient_map is not None:
            gradients = _small_product(self._gradient_map, node_values)
            node_values = np.concatenate([node_values, gradients])
        operator = self._operator
        if dtype != np.float64:
            if self._operator_lowp is None or self._operator_lowp.dtype != dtype:
                self._operator_lowp = operator.astype(dtype)
            operator, node_values = self._operator_lowp, node_values.astype(dtype)
        return (operator @ node_values).T

    # -- construction -------------------------------------------------------

    def _node_values(self, channel_values):
        """Values at all points (channels, then extras), shape (n_points, n)."""
        matrix, offset = self._extra_map
        extra = _small_product(matrix, channel_values) + offset[:, np.newaxis]
        return np.concatenate([channel_values, extra])

    def _pixel_xy(self):
        xx, yy = np.meshgrid(self.xi, self.yi)
        return np.column_stack([xx.ravel(), yy.ravel()])

    def _inside_mask(self):
        xy = self._pixel_xy()
        inside = np.hypot(*(xy - self.sphere[:2]).T) <= self.clip_radius
        if self.mask_polygon is not None:
            inside &= Path(self.mask_polygon).contains_points(xy)
        # pixels beyond the triangulation (possible with 'local') stay empty
        self._pixel_simplex = _rasterize(self.triangulation, self.xi, self.yi)
        inside &= self._pixel_simplex >= 0
        return inside.reshape(self.res, self.res)

    def _build_operator(self):
        xy = self._pixel_xy()[self.inside.ravel()]
        n_points = len(self.points)
        rows = np.arange(len(xy))
        if self.image_interp == "nearest":
            _, nearest = cKDTree(self.points).query(xy)
            shape = (len(xy), n_points)
            op = sparse.csr_matrix((np.ones(len(xy)), (rows, nearest)), shape=shape)
            return op, None
        simplex = self._pixel_simplex[self.inside.ravel()]
        bary = _barycentric(self._transforms, simplex, xy)
        vertices = self.triangulation.simplices[simplex]
        if self.image_interp == "linear":
            shape = (len(xy), n_points)
            op = sparse.csr_matrix(
                (bary.ravel(), (np.repeat(rows, 3), vertices.ravel())), shape=shape
            )
            return op, None
        weights = _clough_tocher_weights(self.triangulation, simplex, bary)
        # columns: values of all points, then d/dx and d/dy of all points
        cols = np.concatenate(
            [vertices, n_points + 2 * vertices, n_points + 2 * vertices + 1], axis=1
        )
        # reorder the 9 weights (f0 f1 f2 g0x g0y g1x g1y g2x g2y) to match
        weights = weights[:, [0, 1, 2, 3, 5, 7, 4, 6, 8]]
        op = sparse.csr_matrix(
            (weights.ravel(), (np.repeat(rows, 9), cols.ravel())),
            shape=(len(xy), 3 * n_points),
        )
        return op, _gradient_operator(self.points, self.triangulation)


# -- validation ---------------------------------------------------------------


def _check_pos(pos):
    pos = as_float_array("pos", pos)
    if pos.ndim != 2 or pos.shape[1] != 2:
        raise ValueError(
            f"pos must be an array of shape (n_channels, 2); got shape {pos.shape}."
        )
    if len(pos) < 4:
        raise ValueError(
            f"pos must hold at least 4 channels to interpolate a map; got {len(pos)}."
        )
    if not np.isfinite(pos).all():
        bad = np.flatnonzero(~np.isfinite(pos).all(axis=1))
        raise ValueError(f"pos must be finite; rows {bad.tolist()} hold NaN or inf.")
    _, first, counts = np.unique(pos, axis=0, return_index=True, return_counts=True)
    if (counts > 1).any():
        dup = np.flatnonzero(
            (pos[:, np.newaxis] == pos[first[counts > 1]]).all(-1).any(-1)
        )
        raise ValueError(
            f"pos must not hold duplicate positions; rows {dup.tolist()} share a "
            "position. Drop all but one of them."
        )
    return pos


MAX_BORDER = 1e100


def _check_border(border):
    if isinstance(border, str):
        return check_option("border", border, ("mean",))
    if isinstance(border, bool) or not isinstance(border, Real):
        raise TypeError(f"border must be 'mean' or a number; got {border!r}.")
    if not np.isfinite(border) or abs(border) > MAX_BORDER:
        raise ValueError(
            f"border must be 'mean' or a finite number within +-{MAX_BORDER:g} "
            f"(the gradients of the map must stay finite); got {border}."
        )
    return float(border)


def _gib(n_bytes):
    return f"{n_bytes / 1024**3:.3g} GiB"


def _check_build_size(res, image_interp):
    """Refuse a res whose interpolation operator would not fit in memory."""
    needed = res * res * _BUILD_BYTES_PER_PIXEL[image_interp]
    if needed > MAX_ARRAY_BYTES:
        raise ValueError(
            f"res={res} would need about {_gib(needed)} of memory to build the "
            f"{image_interp!r} interpolation ({res} x {res} pixels), more than "
            f"the limit of {_gib(MAX_ARRAY_BYTES)} "
            "(mne_coefanim._interp.MAX_ARRAY_BYTES). Use a smaller res: MNE's "
            "topomaps use 64, and 256 is plenty for an animation."
        )


def _check_output_size(n_frames, n_pixels, itemsize, what, res):
    """Refuse to return more than MAX_ARRAY_BYTES at once; say how to chunk."""
    needed = n_frames * n_pixels * itemsize
    if needed <= MAX_ARRAY_BYTES:
        return
    chunk = max(MAX_ARRAY_BYTES // (n_pixels * itemsize), 1)
    raise ValueError(
        f"Interpolating {n_frames} frames at res={res} would allocate "
        f"{_gib(needed)} of {what} ({n_frames} x {n_pixels} values of {itemsize} "
        f"bytes), more than the limit of {_gib(MAX_ARRAY_BYTES)} "
        "(mne_coefanim._interp.MAX_ARRAY_BYTES). Interpolate in chunks of at most "
        f"{chunk} frames with interpolate_inside (pixels inside the head only), "
        "or use animate_coefs, which streams the frames."
    )


def _check_sphere(sphere):
    if sphere is None:
        sphere = HEAD_SIZE_DEFAULT
    if isinstance(sphere, str):
        raise TypeError(
            f"sphere={sphere!r} needs an Info: resolve it with "
            "mne_coefanim.resolve_sensors(info, sphere=...).sphere and pass the "
            "resulting array of 4."
        )
    sphere = as_float_array("sphere", sphere, "a number or (x, y, z, radius)")
    if sphere.ndim == 0:
        sphere = np.array([0.0, 0.0, 0.0, float(sphere)])
    if sphere.shape != (4,) or not np.isfinite(sphere).all() or sphere[3] <= 0:
        raise ValueError(
            "sphere must be None, a positive radius or (x, y, z, radius) with a "
            f"positive radius; got {sphere.tolist()}."
        )
    return sphere


# -- geometry -----------------------------------------------------------------


def _median_spacing(pos, simplices):
    """Return the median side length of the sensors' triangles.

    Two sides of every triangle, as MNE's topomaps measure it, so that the
    extra points (and hence the maps) agree with MNE's.
    """
    sides = np.concatenate([simplices[:, [0, 1]], simplices[:, [1, 2]]])
    return float(np.median(np.linalg.norm(pos[sides[:, 0]] - pos[sides[:, 1]], axis=1)))


def _edges(simplices):
    """Return the unique undirected edges of a triangulation, shape (n_edges, 2)."""
    pairs = np.concatenate([simplices[:, [0, 1]], simplices[:, [1, 2]],
                            simplices[:, [2, 0]]])  # fmt: skip
    return np.unique(np.sort(pairs, axis=1), axis=0)


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


def _small_product(a, b):
    """Multiply the small dense matrices of the per-frame path, ``a @ b``.

    Without BLAS: at these sizes a multithreaded OpenBLAS spends more time
    waking its threads than multiplying (4x slower, measured on 2 cores).
    """
    return np.einsum("ij,jk->ik", a, b, optimize=False)


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


# -- cubic (Clough-Tocher) ----------------------------------------------------


def _gradient_operator(points, tri):
    """Matrix mapping point values to their estimated gradients.

    Returns ``G`` of shape (2 * n_points, n_points) with rows ordered
    ``(d/dx of point 0, d/dy of point 0, d/dx of point 1, ...)``.

    The gradients minimise, over all triangulation edges, the integral of the
    squared second derivative of the cubic Hermite curve along each edge
    (Nielson 1983; the energy scipy's ``CloughTocher2DInterpolator``
    minimises by Gauss-Seidel). For an edge from i to j with vector e,
    length L and slopes a = g_i . e, b = g_j . e the energy is
    ``(4 a^2 + 4 a b + 4 b^2 + 12 (f_i - f_j)(a + b)) / L^3``; it is
    quadratic in the gradients, so its minimiser solves ``H g = -R f``.
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
    return -splu(hessian).solve(linear.toarray())


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
    for start in range(0, len(bary), 16384):  # bounded memory at any res
        part = slice(start, start + 16384)
        bernstein = multinomial * np.prod(
            coords[part, np.newaxis, :] ** powers, axis=-1
        )
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
