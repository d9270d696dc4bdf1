"""What the interactive viewer needs besides the frames, in output pixels.

:func:`viewer_meta` gathers, for :mod:`mne_coefanim.io._viewer`, the
channel names, their pixel positions on each map, the values shown at every
frame (in the colour bar's units), the masks, and the score panel's pixel box
and time axis: everything a hover or a click needs, computed through the
figure's own transforms at the output dpi, in the frames' pixel coordinates
(x to the right, y down from the top row).
"""

import numpy as np

MAX_MATRIX_TIMES = 400  # generalization matrices embedded up to this size


def viewer_meta(scene, cfig, *, shape, fps, title=None):
    """Return the viewer's data, JSON-serialisable.

    Call it while the figure is at the output dpi (inside the compositor's
    ``rendering()``, e.g. after the first frame of ``iter_frames``).

    Parameters
    ----------
    scene : Scene
        The validated scene (values, units, sensors, masks, scores).
    cfig : CoefFigure
        The figure (map axes, score axes, times and time unit).
    shape : tuple of int
        ``(height, width)`` of the frames.
    fps : float
        Frames per second.
    title : str | None
        The page's title.

    Returns
    -------
    meta : dict
        See :class:`~mne_coefanim.io._viewer.ViewerStream`.
    """
    height, width = shape
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
    meta = {
        "w": int(width), "h": int(height), "fps": float(fps),
        "labels": [cfig.time_label(k) for k in range(len(cfig.times))],
        "t": _rounded(cfig.times * scale), "tscale": scale,
        "names": list(scene.sensors.ch_names), "units": [u or "" for u in units],
        "values": [_rounded(panel) for panel in scene.values],
        "maps": maps, "masks": None, "score": None, "title": title,
        "autoplay": True,
    }  # fmt: skip
    if scene.masks is not None:
        meta["masks"] = [[np.flatnonzero(m).tolist() for m in panel]
                         for panel in scene.masks]  # fmt: skip
    if cfig.score_axes is not None and scene.scores is not None:
        meta["score"] = _score(cfig.score_axes, scene.scores, height)
    return meta


def _box(ax, height):
    """``[x0, y0, x1, y1]`` of an axes, in pixels from the top left."""
    box = ax.get_window_extent()
    return [round(box.x0, 1), round(height - box.y1, 1), round(box.x1, 1),
            round(height - box.y0, 1)]  # fmt: skip


def _score(ax, scores, height):
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
        "mean": _rounded(scores.mean), "matrix": scores.matrix is not None,
        "values": None,
    }  # fmt: skip
    if scores.matrix is not None and len(scores.matrix) <= MAX_MATRIX_TIMES:
        score["values"] = _rounded(scores.matrix)
    return score


def _rounded(values, digits=4):
    """Values as nested lists, to ``digits`` significant digits of their peak."""
    values = np.asarray(values, float)
    finite = np.abs(values[np.isfinite(values)])
    peak = finite.max() if finite.size else 0.0
    if peak == 0:
        return values.tolist()
    decimals = int(digits - 1 - np.floor(np.log10(peak)))
    return np.round(values, decimals).tolist()
