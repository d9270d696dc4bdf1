"""Inline animations (notebooks' ``_repr_html_``, :class:`mne.Report`), viewer data.

Both embed the interactive viewer (:mod:`._viewer`) as a fragment: no side
files, no network. Inline, it stays under a size limit (``max_bytes``) by
keeping one frame in k, and says so. :func:`viewer_meta` gathers what the
viewer shows on hovering and clicking, in the frames' pixel coordinates.
"""

import base64
import io
import itertools
import math
import zlib
from collections import deque

import mne
import numpy as np
from mne.utils import logger, verbose

from .._checks import check_real, check_type
from .._docs import fill_doc
from ..figure._parts import fewest_decimals, time_axis
from ._viewer import END_BYTES, ViewerStream, ViewerTooLarge, frame_record

CENTER = '<div style="display: flex; justify-content: center">{}</div>'
INLINE_MAX_BYTES = 20_000_000  # the inline viewer's default size limit
MIN_MAX_BYTES = 100_000  # the script and style alone are 23 kB (and the poster)
TRIED_WHOLE = 256  # up to this many frames, no sample is composed to predict k


def check_max_bytes(max_bytes, name="max_bytes"):
    """Return the inline size limit as an int (bytes), checked."""
    return int(check_real(name, max_bytes, minimum=MIN_MAX_BYTES))


def inline_viewer(anim, *, fps, dpi, page, max_bytes):
    """Return the viewer of ``anim`` (a page or a fragment) in at most ``max_bytes``.

    Else one frame in k, at ``fps / k``; beyond 256 frames k is predicted from
    a sample, and a page still too large is made again with a larger k.
    """
    n_frames = len(anim)
    # a short animation: tried whole first (a failure costs little)
    step = 1 if n_frames <= TRIED_WHOLE else None
    while True:  # too large: again from frame 0, with a larger step
        plan = deque()  # the frames the compositor composes next, fed as we go
        generator = anim._frames(dpi, unmarked=True, indices=_fed(plan))
        try:
            if step is None:
                step = _predicted_step(anim, generator, plan, fps, max_bytes, page)
            plan.extend(range(0, n_frames, step))
            html = _viewer(anim, generator, fps, step, page, max_bytes)
            break
        except ViewerTooLarge as err:
            step = _next_step(err, n_frames, step, max_bytes)
        finally:
            generator.close()
    if step > 1:
        logger.info(
            f"The inline viewer holds one frame in {step} "
            f"({math.ceil(n_frames / step)} of {n_frames}, "
            f"{len(html) / 1e6:.1f} MB) to stay under max_bytes="
            f"{max_bytes / 1e6:g} MB; save('....html') holds them all, and "
            "animate_coefs(decim=k) keeps one in k in every output."
        )
    return html


def viewer_html(items, *, palette, meta, page=True, max_bytes=None):
    """Return the viewer of ``(frame, unmarked)`` items (see :class:`ViewerStream`)."""
    out = io.StringIO()
    stream = ViewerStream(out, palette=palette, meta=meta, page=page,
                          max_bytes=max_bytes)  # fmt: skip
    try:
        for frame, unmarked in items:
            stream.add(frame, unmarked)  # the first: with the head, its poster
        stream.end()
    finally:
        stream.close()
    return out.getvalue()


def _fed(plan):
    """Yield the frames put in ``plan``, for as long as it has some."""
    while plan:
        yield plan.popleft()


def _viewer(anim, generator, fps, step, page, max_bytes):
    """Return the page of the frames the plan holds (raises ViewerTooLarge)."""
    n_kept = math.ceil(len(anim) / step)
    first = next(generator)
    meta = _meta(anim, first[0].shape, fps / step, range(0, len(anim), step),
                 max_bytes)  # fmt: skip
    rest = (next(generator) for _ in range(n_kept - 1))
    return viewer_html(itertools.chain([first], rest), palette=anim.palette,
                       meta=meta, page=page, max_bytes=max_bytes)  # fmt: skip


def _predicted_step(anim, generator, plan, fps, max_bytes, page):
    """Return the smallest k for which every k-th frame should fit (from 16 frames)."""
    n_frames = len(anim)
    # 16 distinct frames: this runs beyond TRIED_WHOLE frames only
    sample = np.linspace(0, n_frames - 1, 16).astype(int)
    plan.extend(sample.tolist())
    frames = [next(generator) for _ in sample]
    base = frames[0][0]
    records = [len(frame_record(frame, bare, base)) + 4 for frame, bare in frames[1:]]
    one = _head_bytes(anim, base, fps, [0], max_bytes, page)
    more = _head_bytes(anim, base, fps, sample, max_bytes, page)
    first = len(frame_record(*frames[0])) + 4
    per_frame = (more - one) / (len(sample) - 1) + np.mean(records)

    def size(step):
        return one + first + END_BYTES + (math.ceil(n_frames / step) - 1) * per_frame

    step = 1
    while step < n_frames and size(step) > 0.95 * max_bytes:
        # the smallest step that fits, by the estimate (then one exact check)
        room = (0.95 * max_bytes - one - first - END_BYTES) / per_frame + 1
        step = max(step + 1, math.ceil(n_frames / max(room, 1)))
    return min(step, n_frames)


def _head_bytes(anim, poster, fps, frames, max_bytes, page):
    """Return the size of what the page holds before these frames."""
    meta = _meta(anim, poster.shape, fps, frames, max_bytes)
    return len(ViewerStream(None, palette=anim.palette, meta=meta,
                            page=page).head_text(poster))  # fmt: skip


def _meta(anim, shape, fps, frames, max_bytes):
    """Return the viewer's data of these frames (naming the limit if not all)."""
    meta = anim._viewer_meta(shape, fps, frames=np.asarray(frames))
    if meta["kept"]:
        meta["kept"]["max_mb"] = max_bytes / 1e6
    return meta


def _next_step(err, n_frames, step, max_bytes):
    """Return the step that should fit, from what the try that did not fit wrote."""
    if step >= n_frames:
        raise ValueError(
            f"max_bytes={max_bytes} cannot hold even one frame of this "
            f"animation (its page is {err.head + err.frames} bytes or more); "
            "raise max_bytes, or lower dpi."
        )
    kept = math.ceil(n_frames / step)
    # per kept frame: its record, and (over-counting) a share of the head,
    # which holds the values and labels of every kept frame
    per_frame = err.frames / max(err.n_frames, 1) + err.head / kept
    fits = max(int(0.9 * max_bytes / per_frame), 1)
    return min(max(math.ceil(n_frames / fits), step + 1), n_frames)


@verbose
@fill_doc
def add_to_report(
    report,
    anim,
    *,
    title,
    section=None,
    tags=("animation",),
    replace=False,
    fps=None,
    dpi=None,
    max_bytes=None,
    verbose=None,
):
    """Add an animation to an :class:`mne.Report`: the interactive viewer.

    The report shows the viewer :meth:`CoefAnimation.to_html` makes (the
    frames of the GIF :meth:`CoefAnimation.save` writes, with play/pause,
    stepping, a time slider and values on hovering), centred, embedded in the
    report's HTML file (no side files), through the public
    :meth:`mne.Report.add_html`.

    Parameters
    ----------
    %(report)s
    anim : CoefAnimation
        The animation, from :func:`mne_coefanim.animate_coefs`.
    %(report_entry)s
    %(fps_output)s
    %(dpi_output)s
    %(max_bytes_inline)s
    verbose : bool | str | int | None
        Control the verbosity of the logging output; None uses MNE's level
        (see :func:`mne.set_log_level`).

    Notes
    -----
    Like MNE's ``add_*`` methods, this changes ``report`` in place; save it
    with :meth:`mne.Report.save`.

    Entries do not all play at once: of the viewers in view, only the first
    in the report plays by itself (the others wait for their play button);
    one scrolled away or in a collapsed section pauses, and plays on when
    back in view. None plays by itself under ``prefers-reduced-motion``.
    """
    check_type("report", report, mne.Report, "an mne.Report")
    if not hasattr(anim, "to_html"):  # duck typed: io sits below the API
        raise TypeError(
            "anim must be a CoefAnimation (from animate_coefs); got "
            f"{type(anim).__name__}."
        )
    check_type("title", title, str, "a str")  # fps, dpi, max_bytes: by to_html
    html = CENTER.format(anim.to_html(fps=fps, dpi=dpi, page=False,
                                      max_bytes=max_bytes))  # fmt: skip
    report.add_html(html, title=title, section=section, tags=tags, replace=replace)
    logger.info(f"Added {title!r} to the report ({len(html) / 1e6:.1f} MB).")


MAX_MATRIX_TIMES = 400  # generalization matrices embedded up to this size


def viewer_meta(scene, cfig, *, shape, fps, title=None, frames=None, region=None):
    """Return the viewer's data for frames of ``shape`` (JSON-serialisable).

    Call it at the output dpi. ``frames``: those the page holds (None: all);
    ``region``: what each pixel shows (``FrameCompositor.map_region``).
    """
    height, width = shape
    n_times = len(cfig.times)
    frames = np.arange(n_times) if frames is None else np.asarray(frames, int)
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
    times = time_axis(np.asarray(cfig.times, float)[frames], cfig.time_unit)
    meta = {
        "w": int(width), "h": int(height), "fps": float(fps),
        "labels": [cfig.labels[k] for k in frames],
        "t": times.tolist(), "hash": hash_times(times, cfig.time_unit),
        "names": list(scene.sensors.ch_names), "units": [u or "" for u in units],
        "values": [_significant(panel[frames]) for panel in scene.values],
        "tables": [_table(t) for t in cfig.palette_tables],
        "region": None if region is None else _packed(region),
        "maps": maps, "masks": None, "score": None, "title": title,
        "autoplay": True, "kept": _kept(frames, n_times),
        "contours": bool(cfig.contours), "dpi": float(cfig.fig.dpi),
        "unit": cfig.time_unit, "loop": "loop",
    }  # fmt: skip
    meta["alt"] = _alt(scene, cfig, title, units)
    if scene.masks is not None:
        meta["masks"] = [[np.flatnonzero(m).tolist() for m in panel[frames]]
                         for panel in scene.masks]  # fmt: skip
    if cfig.score_axes is not None and scene.scores is not None:
        meta["score"] = _score(cfig.score_axes, scene.scores, height, frames)
    # butterfly=True: each panel's traces are its "values", placed on its axes
    if cfig.butterfly_axes:  # (no key without: the page's data as before)
        meta["butterfly"] = [dict(_placed(ax, height), panel=p)
                             for p, ax in enumerate(cfig.butterfly_axes)]  # fmt: skip
    return meta


def _alt(scene, cfig, title, units):
    """Return the canvas's text alternative: what its maps show (the time follows)."""
    n_maps, titles = len(cfig.map_axes), [t for t in scene.titles if t]
    what = ("scalp maps" if n_maps > 1 else "scalp map") + (
        f" of {', '.join(titles)}" if titles else "")
    if any(units):
        what += f" in {', '.join(dict.fromkeys(u for u in units if u))}"
    if cfig.score_axes is not None and scene.scores is not None:
        what += f", and the {scene.scores.label or 'score'} over time"
    return f"{title}: {what}" if title else what[0].upper() + what[1:]


def hash_times(times, unit):
    """Return each frame's ``#t=`` value: the fewest decimals that find it again.

    Read back, frame ``k``'s string is nearer to ``times[k]`` (increasing, in
    ``unit``) than to any other frame's time (the viewer opens the nearest).
    At least 3 decimals in seconds (MNE's labels), none in ms or samples.
    """
    times = np.asarray(times, float)
    gaps = np.diff(times)
    # half the distance to each neighbour (infinite at the ends)
    room = np.minimum(np.append(gaps, np.inf), np.insert(gaps, 0, np.inf)) / 2
    decimals = fewest_decimals(3 if unit == "s" else 0, 17,
                               lambda d: (abs(np.round(times, d) - times) < room).all())
    return [f"{value + 0.0:.{decimals}f}" for value in np.round(times, decimals)]


def _significant(values, digits=4):
    """Values as nested lists, each to ``digits`` significant digits of its own.

    The double nearest the rounded decimal: JSON writes it short (-0.0827).
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


def _placed(ax, height):
    """Return an axes' box and data-to-pixel maps (pixel = a * value + b)."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    (px0, py0), (px1, py1) = ax.transData.transform([(x0, y0), (x1, y1)])
    xa = (px1 - px0) / (x1 - x0) if x1 != x0 else 1.0
    ya = -(py1 - py0) / (y1 - y0) if y1 != y0 else 1.0  # rows grow downwards
    return {"box": _box(ax, height), "xa": xa, "xb": px0 - xa * x0, "ya": ya,
            "yb": (height - py0) - ya * y0}  # fmt: skip


def _score(ax, scores, height, frames):
    """Return the score panel: box, time axes (pixel = a * t + b) and data."""
    label = scores.label or "score"
    if scores.tf_matrix is not None:  # hovering shows the curve: say what it is
        label += f" (mean of {len(scores.tf_matrix)} frequency rows)"
    samples = np.asarray(scores.frames)[frames]  # on the curve (decim)
    score = {
        **_placed(ax, height), "label": label,
        "mean": _significant([np.asarray(scores.mean)[samples]])[0],
        "matrix": scores.matrix is not None,
        "values": None,
    }  # fmt: skip
    if scores.matrix is not None and len(scores.frames) <= MAX_MATRIX_TIMES:
        matrix = np.asarray(scores.matrix)[np.ix_(samples, samples)]
        score["values"] = _significant(matrix)
    return score
