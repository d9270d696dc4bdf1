"""Scalp interpolation: geometry once per animation, values per frame.

Every method's map is linear in the channel values, so the interpolation is
built once as a sparse operator (:mod:`._clough_tocher`) and a frame costs
one product. Extra points beyond the sensors (``extrapolate``) take, as in
MNE's topomaps, their neighbours' mean (``border='mean'``) or a constant;
beyond the sensors' convex hull the map is extrapolated (``beyond_sensors=
'show' | 'fade' | 'hide'``). Interpolators are kept per geometry
(:func:`scalp_interpolator`).
"""

import dataclasses
import functools
from numbers import Real

import numpy as np
from matplotlib.path import Path
from mne.defaults import HEAD_SIZE_DEFAULT
from mne.utils import logger
from scipy.spatial import ConvexHull, Delaunay, QhullError, cKDTree

from .._checks import MIN_CHANNELS, as_float_array, check_int, check_option
from ._clough_tocher import (
    _extra_points,
    _extra_value_map,
    _median_spacing,
    _rasterize,
    _triangulate,
    build_operator,
    small_product,
)
from ._outline import padding, region_path

_MEG_TYPES = ("mag", "grad", "planar1", "planar2")
MAX_ARRAY_BYTES = 2 * 1024**3  # no larger array is allocated: say how to stream
# peak bytes per pixel while building the operator (measured): refuse a huge res
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
    extrapolated : 'show' | 'fade' | 'hide'
        ``'hide'`` leaves the pixels outside the sensors' convex hull empty
        (NaN, not ``inside``); ``'show'`` (default, as MNE) and ``'fade'``
        (lightened by the renderer, see ``hull``) give them values.

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

    def __init__(self, pos, *, image_interp="cubic", extrapolate="auto",
                 border="mean", res=64, sphere=None, ch_type=None,
                 extrapolated="show"):  # fmt: skip
        self.pos = _check_pos(pos)
        self.extrapolated = check_option("extrapolated", extrapolated,
                                         ("show", "fade", "hide"))  # fmt: skip
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
        (x, y), r = origin, self.clip_radius
        self.extent = (x - r, x + r, y - r, y + r)
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
        self._extra_map = _extra_value_map(self.triangulation, len(self.pos),
                                           self.border)  # fmt: skip
        # pixels beyond the triangulation (possible with 'local') stay empty
        simplex = _rasterize(self.triangulation, self.xi, self.yi)
        xy, inside = self._pixel_xy(), self._disc() & (simplex >= 0)
        if self.extrapolated == "hide":
            inside &= self.hull.ravel()
        if self.mask_polygon is not None:
            inside &= Path(self.mask_polygon).contains_points(xy)
        self.inside = inside.reshape(self.res, self.res)
        self._operator, self._gradient_map = build_operator(
            self.triangulation, simplex[inside], xy[inside], self.image_interp
        )
        self._operator_lowp = None

    @functools.cached_property
    def hull(self):
        """The pixels whose centre lies in the sensors' convex hull, shape (res, res).

        The others are extrapolated. Built on first use.
        """
        return hull_mask(self.pos, self.xi, self.yi)

    @functools.cached_property
    def region(self):
        """The drawn region, a closed :class:`~matplotlib.path.Path`: the map's clip."""
        return region_path(self)

    @functools.cached_property
    def padding(self):
        """Per cell (raveled), the rank among ``inside`` of the nearest inside cell."""
        return padding(self)

    @property
    def n_channels(self):
        """Number of channels the interpolator expects."""
        return len(self.pos)

    @functools.cached_property
    def nearest_channel(self):
        """Index of the channel nearest each inside pixel, shape (n_inside,)."""
        return cKDTree(self.pos).query(self._pixel_xy()[self.inside.ravel()])[1]

    @property
    def xi(self):
        """The x coordinate of each image column, shape (res,)."""
        return np.linspace(self.extent[0], self.extent[1], self.res)

    @property
    def yi(self):
        """The y coordinate of each image row, shape (res,)."""
        return np.linspace(self.extent[2], self.extent[3], self.res)

    def __repr__(self):
        return (f"<ScalpInterpolator | {self.n_channels} channels, {self.image_interp}"
                f", extrapolate={self.extrapolate!r}, res={self.res}>")  # fmt: skip

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
        images = np.full((len(frames), self.res, self.res), np.nan)
        images[:, self.inside] = frames
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
        # values at all points: the channels, then the extra points
        matrix, offset = self._extra_map
        extra = small_product(matrix, values.T) + offset[:, np.newaxis]
        node_values = np.concatenate([values.T, extra])
        if self._gradient_map is not None:
            node_values = np.concatenate([node_values, self._gradient_map(node_values)])
        operator = self._operator
        if dtype != np.float64:
            if self._operator_lowp is None or self._operator_lowp.dtype != dtype:
                self._operator_lowp = operator.astype(dtype)
            operator, node_values = self._operator_lowp, node_values.astype(dtype)
        return (operator @ node_values).T

    # -- construction -------------------------------------------------------

    def _pixel_xy(self):
        xx, yy = np.meshgrid(self.xi, self.yi)
        return np.column_stack([xx.ravel(), yy.ravel()])

    def _disc(self):
        """Return the pixels (raveled) within the head circle."""
        (x0, y0), radius = self.sphere[:2], self.clip_radius  # no grid of x, y
        return (np.hypot(self.xi - x0, self.yi[:, None] - y0) <= radius).ravel()


# -- validation ---------------------------------------------------------------


def _check_pos(pos):
    pos = as_float_array("pos", pos)
    if pos.ndim != 2 or pos.shape[1] != 2:
        raise ValueError(f"pos must be an array of shape (n_channels, 2); got "
                         f"shape {pos.shape}.")  # fmt: skip
    if len(pos) < MIN_CHANNELS:
        raise ValueError(
            f"pos must hold at least {MIN_CHANNELS} channels to interpolate a map; "
            f"got {len(pos)}."
        )
    if not np.isfinite(pos).all():
        bad = np.flatnonzero(~np.isfinite(pos).all(axis=1))
        raise ValueError(f"pos must be finite; rows {bad.tolist()} hold NaN or inf.")
    _, first, counts = np.unique(pos, axis=0, return_index=True, return_counts=True)
    if (counts > 1).any():
        dup = np.flatnonzero((pos[:, None] == pos[first[counts > 1]]).all(-1).any(-1))
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


MAX_ENTRIES = 4  # interpolators kept: a few MB each at res=256


@dataclasses.dataclass(frozen=True)
class _Geometry:
    """An interpolator's arguments, equal when their exact bytes are (not rounded)."""

    key: tuple
    build: functools.partial = dataclasses.field(compare=False)


# least recently used dropped; thread-safe (two threads may both build one);
# errors are not cached
@functools.lru_cache(maxsize=MAX_ENTRIES)
def _cached(geometry):
    return geometry.build()


def scalp_interpolator(pos, **kwargs):
    """Return the :class:`ScalpInterpolator` of this geometry, built at most once."""
    try:
        items = tuple(sorted((name, _frozen(value)) for name, value in kwargs.items()))
        key = (_frozen(pos), items)
        hash(key)
    except TypeError:  # an argument that cannot be compared: build anew
        return ScalpInterpolator(pos, **kwargs)
    return _cached(_Geometry(key, functools.partial(ScalpInterpolator, pos, **kwargs)))


def cache_info():
    """Return the cache's ``{'hits', 'misses', 'size'}`` (for tests and benchmarks)."""
    info = _cached.cache_info()
    return {"hits": info.hits, "misses": info.misses, "size": info.currsize}


cache_clear = _cached.cache_clear  # drop every kept interpolator, reset the counts


def _frozen(value):
    if isinstance(value, np.ndarray | list | tuple):
        array = np.asarray(value)
        if array.dtype == object:
            raise TypeError("not comparable")
        return (array.dtype.str, array.shape, array.tobytes())
    # the type too: res=256.0 equals 256, but must still be refused
    return (type(value).__name__, value)


def extrapolated_pixels(interp):
    """Per pixel drawn, whether it is outside the hull (to fade); None unless 'fade'."""
    if interp.extrapolated == "show":
        return None
    disc = interp._disc()  # the head disc, before any hiding
    share = (disc & ~interp.hull.ravel()).sum() / max(disc.sum(), 1)
    done = "faded" if interp.extrapolated == "fade" else "left blank"
    logger.info(
        f"beyond_sensors={interp.extrapolated!r}: {share:.0%} of the head disc lies "
        f"outside the convex hull of the {interp.n_channels} sensors; its pixels "
        f"are {done}."
    )
    return None if interp.extrapolated == "hide" else ~interp.hull[interp.inside]


def hull_mask(pos, xi, yi):
    """Whether each pixel centre ``(xi[j], yi[i])`` lies in the convex hull of ``pos``.

    Row by row: a row's pixels inside a convex polygon are one span.
    """
    # each edge: unit normal (nx, ny) and offset, nx*x + ny*y + offset <= 0
    # inside (qhull's equations, pointing outward)
    nx, ny, offset = ConvexHull(pos).equations.T
    # a pixel centre this close to the hull's edge (relative to the hull's size)
    # counts as inside: exactly on the edge, or off it by rounding
    tol = 1e-9 * float(np.ptp(pos, axis=0).max())
    # per edge and row: nx * x <= room
    room = tol - offset[:, np.newaxis] - ny[:, np.newaxis] * yi
    right, left, flat = nx > 0, nx < 0, nx == 0
    high = np.min(room[right] / nx[right, np.newaxis], axis=0, initial=np.inf)
    low = np.max(room[left] / nx[left, np.newaxis], axis=0, initial=-np.inf)
    rows = (room[flat] >= 0).all(axis=0)  # a horizontal edge bounds rows
    return (xi >= low[:, None]) & (xi <= high[:, None]) & rows[:, None]
