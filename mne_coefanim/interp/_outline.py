"""The map's exact outline and its edge padding.

A cell gets a value where its centre lies in the drawn region (the head
disc, cut to the sensors' neighbourhood for ``extrapolate='local'``, to their
convex hull for ``beyond_sensors='hide'``, and to the triangulation), so its
boundary is a staircase of cells (:mod:`._clough_tocher`). MNE clips
its image with the head patch, and Agg anti-aliases the clip; we do the same:
:func:`region_path` is the region itself, which the figure clips the map with.
The clip can show a little of cells whose centres lie outside the region:
:func:`padding` gives every cell the value of the nearest cell that has one
(edge padding), so what shows of them continues the map.
"""

import numpy as np
from matplotlib.path import Path
from scipy.spatial import ConvexHull, cKDTree

N_ARC = 1440  # vertices of the head circle: off by r * 2.4e-6 at most


def region_path(interp):
    """Return the drawn region of ``interp`` as a closed Path, in its units."""
    origin, radius = interp.sphere[:2], interp.clip_radius
    angles = np.linspace(0.0, 2 * np.pi, N_ARC, endpoint=False)
    disc = origin + radius * np.column_stack([np.cos(angles), np.sin(angles)])
    region = disc
    if interp.mask_polygon is not None:  # 'local': the disc cut by the polygon
        mask = np.asarray(interp.mask_polygon, float)
        hull = hull_vertices(mask)  # (or, not convex, the polygon cut by the disc)
        convex = len(hull) == len(mask)
        region = _clipped(disc, hull) if convex else _clipped(mask, disc)
    if interp.extrapolated == "hide":
        region = _clipped(region, hull_vertices(interp.pos))
    region = _clipped(region, hull_vertices(interp.points))  # where the triangles reach
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
    # (row, column) of these cells only: divmod of every cell costs more
    edge_rc, outside_rc = (np.column_stack(np.divmod(c, interp.res))
                           for c in (edge, outside))  # fmt: skip
    nearest = cKDTree(edge_rc).query(outside_rc)[1]
    rank[outside] = rank[edge[nearest]]
    return rank


def hull_vertices(points):
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
