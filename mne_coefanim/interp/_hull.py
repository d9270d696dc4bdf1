"""Which pixels of a scalp map are extrapolated: outside the sensors' hull.

Inside the convex hull of the sensor positions a map's value comes from the
channels around it; beyond the hull it is extrapolated (from MNE's extra
points, whose values are made up), however smoothly it joins. Only the
channels' own triangulation tells the two apart: the extra points'
triangles cover the whole head.
"""

import numpy as np
from scipy.spatial import Delaunay

EXTRAPOLATED = ("show", "fade", "hide")


def in_hull(pos, xy):
    """Whether each point of ``xy`` lies in the convex hull of ``pos``.

    Parameters
    ----------
    pos : array, shape (n_channels, 2)
        The sensor positions.
    xy : array, shape (n_points, 2)
        The points to test, e.g. the pixel centres of a map.

    Returns
    -------
    inside : array of bool, shape (n_points,)
        True inside the hull or on its edge.
    """
    return Delaunay(np.asarray(pos, float)).find_simplex(xy) >= 0
