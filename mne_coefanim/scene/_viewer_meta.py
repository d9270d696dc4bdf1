"""What the interactive viewer needs besides the frames, in output pixels.

:func:`viewer_meta` gathers, for :mod:`mne_coefanim.io._viewer`, the
channel names, their pixel positions on each map, the values shown at every
frame (in the colour bar's units), the masks, and the score panel's pixel box
and time axis: everything a hover or a click needs, computed through the
figure's own transforms at the output dpi, in the frames' pixel coordinates
(x to the right, y down from the top row).
"""

import base64
import zlib

import numpy as np

MAX_MATRIX_TIMES = 400  # generalization matrices embedded up to this size


def viewer_meta(scene, cfig, *, shape, fps, title=None, frames=None, region=None):
    """Return the viewer's data, JSON-serialisable.

    Call it while the figure is at the output dpi (inside the compositor's
    ``rendering()``, e.g. after the first frame of ``iter_frames``).

    Parameters
    ----------
    scene : Scene
        The validated scene (values, units, sensors, masks, scores).
    cfig : CoefFigure
        The figure (map axes, colour tables, times and time unit).
    shape : tuple of int
        ``(height, width)`` of the frames.
    fps : float
        Frames per second.
    title : str | None
        The page's title.
    frames : array of int | None
        The frames the page holds (e.g. every k-th of a long animation);
        None: all of them.
    region : array of uint8, shape (height, width) | None
        What each output pixel shows (see
        :meth:`~mne_coefanim.compose._compose.FrameCompositor.map_region`): 0
        no map, ``1 + p`` the map of panel ``p`` alone (its colour is a map
        level), 255 a map partly covered (outlines, sensors).

    Returns
    -------
    meta : dict
        See :class:`~mne_coefanim.io._viewer.ViewerStream`.
    """
    height, width = shape
    n_times = len(cfig.times)
    frames = np.arange(n_times) if frames is None else np.asarray(frames, int)
    scale = 1e3 if cfig.time_unit == "ms" else 1.0
    units = scene.units if isinstance(scene.units, list) else [scene.units]
    n_panels = len(scene.values)
    units = (units * n_panels)[:n_panels]
    pos = np.asarray(scene.sensors.pos, float)
    maps = []
    for ax in cfig.map_axes:
        pixels = ax.transData.transform(pos)
        maps.append({
            "box": _box(ax, height),
            "pos": np.round(np.column_stack([pixels[:, 0], height - pixels[:, 1]]),
                            1).tolist(),
        })  # fmt: skip
    times = np.asarray(cfig.times, float)[frames] * scale
    meta = {
        "w": int(width), "h": int(height), "fps": float(fps),
        "labels": [cfig.time_label(k) for k in frames],
        "t": times.tolist(), "hash": hash_times(times, cfig.time_unit),
        "names": list(scene.sensors.ch_names), "units": [u or "" for u in units],
        "values": [_significant(panel[frames]) for panel in scene.values],
        "tables": [_table(t) for t in cfig.palette_tables],
        "region": None if region is None else _packed(region),
        "maps": maps, "masks": None, "score": None, "title": title,
        "autoplay": True, "kept": _kept(frames, n_times),
        "contours": bool(cfig.contours),
    }  # fmt: skip
    if scene.masks is not None:
        meta["masks"] = [[np.flatnonzero(m).tolist() for m in panel[frames]]
                         for panel in scene.masks]  # fmt: skip
    if cfig.score_axes is not None and scene.scores is not None:
        meta["score"] = _score(cfig.score_axes, scene.scores, height, frames)
    return meta


def hash_times(times, unit):
    """Return each frame's ``#t=`` value: the fewest decimals that find it again.

    Frame ``k``'s string, read back as a number, is nearer to ``times[k]``
    than to any other frame's time (the viewer opens the nearest frame), at
    any sampling rate. At least 3 decimals in seconds (MNE's labels), none
    in ms or samples.

    Parameters
    ----------
    times : array of float
        The frames' times in the unit shown (increasing).
    unit : str
        ``'s'``, ``'ms'`` or ``'sample'``.

    Returns
    -------
    values : list of str
        One per frame.
    """
    times = np.asarray(times, float)
    gaps = np.diff(times)
    # half the distance to each neighbour (infinite at the ends)
    room = np.minimum(np.append(gaps, np.inf), np.insert(gaps, 0, np.inf)) / 2
    for decimals in range(3 if unit == "s" else 0, 18):
        rounded = np.round(times, decimals)
        if (np.abs(rounded - times) < room).all():
            break
    return [f"{value + 0.0:.{decimals}f}" for value in rounded]


def _significant(values, digits=4):
    """Values as nested lists, each to ``digits`` significant digits of its own.

    Each value is the double nearest its rounded decimal, whose shortest
    form (what JSON writes) has at most ``digits`` significant digits: no
    padding, and -0.0827 stays -0.0827 next to a peak of 5.
    """
    values = np.asarray(values, float)
    out = values.copy()
    finite = np.isfinite(values) & (values != 0)
    v = values[finite]
    shift = digits - 1 - np.floor(np.log10(np.abs(v))).astype(int)
    # powers of ten are exact up to 1e22: multiply or divide by one of them
    # (one correctly rounded operation); beyond, format each value
    up, far = shift >= 0, np.abs(shift) > 22
    power = 10.0 ** np.abs(shift).clip(max=22)
    v[up] = np.round(v[up] * power[up]) / power[up]
    v[~up] = np.round(v[~up] / power[~up]) * power[~up]
    v[far] = [float(f"{x:.{digits - 1}e}") for x in values[finite][far]]
    out[finite] = v
    return out.tolist()


def _table(table):
    """``[offset, n_levels, edges]``: level ``i`` holds values in edges[i:i + 2]."""
    fractions = np.linspace(0.0, 1.0, table.n_levels + 1)
    if table.cnorm is None:
        edges = table.vmin + (table.vmax - table.vmin) * fractions
    else:
        try:
            edges = np.asarray(table.cnorm.inverse(fractions), float)
        except (ValueError, TypeError, NotImplementedError):
            edges = None  # a norm without an inverse: no value on hovering
    if edges is not None and not np.isfinite(edges).all():
        edges = None
    return [int(table.offset), int(table.n_levels),
            None if edges is None else edges.tolist()]  # fmt: skip


def _packed(region):
    """Encode a uint8 image as base64 of its zlib stream (as the frames are)."""
    region = np.ascontiguousarray(region, np.uint8)
    return base64.b64encode(zlib.compress(region.tobytes(), 6)).decode("ascii")


def _kept(frames, n_times):
    """Say which frames the page holds, when not all of them."""
    if len(frames) == n_times:
        return None
    step = int(frames[1] - frames[0]) if len(frames) > 1 else n_times
    return {"step": step, "n": int(n_times)}


def _box(ax, height):
    """``[x0, y0, x1, y1]`` of an axes, in pixels from the top left."""
    box = ax.get_window_extent()
    return [round(box.x0, 1), round(height - box.y1, 1), round(box.x1, 1),
            round(height - box.y0, 1)]  # fmt: skip


def _score(ax, scores, height, frames):
    """Return the score panel: box, time axes (pixel = a * t + b) and data."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    (px0, py0), (px1, py1) = ax.transData.transform([(x0, y0), (x1, y1)])
    xa = (px1 - px0) / (x1 - x0) if x1 != x0 else 1.0
    # rows grow downwards
    ya = -(py1 - py0) / (y1 - y0) if y1 != y0 else 1.0
    label = scores.label or "score"
    if scores.tf_matrix is not None:  # hovering shows the curve: say what it is
        label += f" (mean of {len(scores.tf_matrix)} frequency rows)"
    score = {
        "box": _box(ax, height), "xa": xa, "xb": px0 - xa * x0,
        "ya": ya, "yb": (height - py0) - ya * y0, "label": label,
        "mean": _significant([np.asarray(scores.mean)[frames]])[0],
        "matrix": scores.matrix is not None,
        "values": None,
    }  # fmt: skip
    if scores.matrix is not None and len(scores.matrix) <= MAX_MATRIX_TIMES:
        matrix = np.asarray(scores.matrix)[np.ix_(frames, frames)]
        score["values"] = _significant(matrix)
    return score
