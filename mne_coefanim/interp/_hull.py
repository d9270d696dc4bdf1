"""Which pixels of a scalp map are extrapolated: outside the sensors' hull.

Inside the convex hull of the sensor positions a map's value comes from the
channels around it; beyond the hull it is extrapolated (from MNE's extra
points, whose values are made up), however smoothly it joins. Only the
channels' own hull tells the two apart: the extra points' triangles cover the
whole head.

The pixels are found by rasterising the hull polygon, row by row: each edge
of a convex polygon bounds every row on one side, so a row's pixels inside
are one span between the largest left bound and the smallest right bound.
No point location (``Delaunay.find_simplex``), which costs a LAPACK call per
triangle (seconds with a multithreaded BLAS in a fresh process).
"""

import numpy as np
from scipy.spatial import ConvexHull

EXTRAPOLATED = ("show", "fade", "hide")
# a pixel centre this close to the hull's edge (relative to the hull's size)
# counts as inside: exactly on the edge, or off it by rounding
HULL_TOL = 1e-9


def hull_mask(pos, xi, yi):
    """Whether each pixel centre of a regular grid lies in the hull of ``pos``.

    Parameters
    ----------
    pos : array, shape (n_channels, 2)
        The sensor positions (not all on one line).
    xi : array, shape (n_cols,)
        The x coordinate of each column's pixel centres.
    yi : array, shape (n_rows,)
        The y coordinate of each row's pixel centres.

    Returns
    -------
    inside : array of bool, shape (n_rows, n_cols)
        True where the pixel centre ``(xi[j], yi[i])`` lies in the convex hull
        of ``pos``, on its edge included: a centre counts as inside when it is
        no further than ``HULL_TOL`` times the hull's size (its largest
        coordinate range) outside the line of every edge.
    """
    pos = np.asarray(pos, float)
    xi, yi = np.asarray(xi, float), np.asarray(yi, float)
    # each edge: unit normal (nx, ny) and offset, nx*x + ny*y + offset <= 0
    # inside (qhull's equations, pointing outward)
    nx, ny, offset = ConvexHull(pos).equations.T
    tol = HULL_TOL * float(np.ptp(pos, axis=0).max())
    # per edge and row: nx * x <= room
    room = tol - offset[:, np.newaxis] - ny[:, np.newaxis] * yi
    right, left, flat = nx > 0, nx < 0, nx == 0
    high = np.min(room[right] / nx[right, np.newaxis], axis=0, initial=np.inf)
    low = np.max(room[left] / nx[left, np.newaxis], axis=0, initial=-np.inf)
    rows = (room[flat] >= 0).all(axis=0)  # a horizontal edge bounds rows
    inside = (xi >= low[:, np.newaxis]) & (xi <= high[:, np.newaxis])
    inside &= rows[:, np.newaxis]
    return inside
