"""Inline animations: notebooks (``_repr_html_``) and :class:`mne.Report`.

Both embed the interactive viewer (:mod:`._viewer`), a fragment of HTML with
its own style and script and its frames, with no side files and no network
access: it plays in a notebook, an exported notebook and a report sent by
e-mail, and shows the same frames as the saved GIF. Inline, the viewer stays
under a size limit (:data:`INLINE_MAX_BYTES`, 20 MB, or ``max_bytes``) by
keeping one frame in k, and says so on the page and in the log.
"""

import itertools
import math
from collections import deque

import mne
import numpy as np
from mne.utils import logger, verbose

from .._checks import check_dpi, check_fps, check_real, check_type
from .._docs import fill_doc
from ._viewer import END_BYTES, ViewerStream, ViewerTooLarge, frame_record, viewer_html

CENTER = '<div style="display: flex; justify-content: center">{}</div>'
INLINE_MAX_BYTES = 20_000_000  # the inline viewer's default size limit
MIN_MAX_BYTES = 100_000  # the script and style alone are 15 kB
TRIED_WHOLE = 256  # up to this many frames, no sample is composed to predict k


def check_max_bytes(max_bytes, name="max_bytes"):
    """Return the inline size limit as an int (bytes), checked."""
    value = check_real(name, max_bytes, minimum=MIN_MAX_BYTES)
    return int(value)


def inline_viewer(anim, *, fps, dpi, page, max_bytes):
    """Return the viewer of ``anim`` in at most ``max_bytes`` bytes.

    Every frame when they fit; else one frame in k, played at ``fps / k`` so
    that the duration stays. Beyond 256 frames, k is predicted from a sample
    of frames (their records and their share of the embedded data), composed
    by the same compositor as the page's frames; should the page still grow
    past ``max_bytes``, it is made again with a larger k.

    Parameters
    ----------
    anim : CoefAnimation
        The animation.
    fps, dpi : float
        Checked values.
    page : bool
        A whole page or a fragment.
    max_bytes : int
        Checked (:func:`check_max_bytes`).

    Returns
    -------
    html : str
        The viewer (ASCII: as many bytes as characters).
    """
    n_frames = len(anim)
    plan = deque()  # the frames the compositor composes next, fed as we go
    generator = anim._frames(dpi, unmarked=True, indices=_fed(plan))
    try:
        step = 1  # a short animation: tried whole first (a failure costs little)
        if n_frames > TRIED_WHOLE:
            step = _predicted_step(anim, generator, plan, fps, max_bytes, page)
        while True:
            plan.extend(range(0, n_frames, step))
            try:
                html = _viewer(anim, generator, fps, step, page, max_bytes)
                break
            except ViewerTooLarge as err:
                step = _next_step(err, n_frames, step, max_bytes)
                generator.close()  # start again: the frames from 0
                plan.clear()
                generator = anim._frames(dpi, unmarked=True, indices=_fed(plan))
    finally:
        generator.close()
    if step > 1:
        logger.info(
            f"The inline viewer holds one frame in {step} "
            f"({math.ceil(n_frames / step)} of {n_frames}, "
            f"{len(html) / 1e6:.1f} MB) to stay under max_bytes="
            f"{max_bytes / 1e6:g} MB; save('....html') holds them all."
        )
    return html


def _fed(plan):
    """Yield the frames put in ``plan``, for as long as it has some."""
    while plan:
        yield plan.popleft()


def _viewer(anim, generator, fps, step, page, max_bytes):
    """Return the page of the frames the plan holds (raises ViewerTooLarge)."""
    n_kept = math.ceil(len(anim) / step)
    first = next(generator)
    meta = anim._viewer_meta(first[0].shape, fps / step,
                             frames=np.arange(0, len(anim), step))  # fmt: skip
    if meta["kept"]:
        meta["kept"]["max_mb"] = max_bytes / 1e6
    rest = (next(generator) for _ in range(n_kept - 1))
    return viewer_html(itertools.chain([first], rest), palette=anim.palette,
                       meta=meta, page=page, max_bytes=max_bytes)  # fmt: skip


def _predicted_step(anim, generator, plan, fps, max_bytes, page):
    """Return the smallest k for which every k-th frame should fit in ``max_bytes``.

    From up to 16 frames spread over the animation: their records' mean
    size, and how much each kept frame adds to the embedded data.
    """
    n_frames = len(anim)
    sample = np.unique(np.linspace(0, n_frames - 1, min(n_frames, 16)).astype(int))
    plan.extend(sample.tolist())
    frames = [next(generator) for _ in sample]
    base = frames[0][0]
    records = [len(frame_record(frame, bare, base)) + 4 for frame, bare in frames[1:]]
    shape = base.shape
    one = _head_bytes(anim, shape, fps, [0], max_bytes, page)
    if len(sample) > 1:
        more = _head_bytes(anim, shape, fps, sample, max_bytes, page)
        per_meta = (more - one) / (len(sample) - 1)
    else:
        per_meta = 0.0
    first = len(frame_record(*frames[0])) + 4
    per_frame = per_meta + (np.mean(records) if records else 0.0)

    def size(step):
        return one + first + END_BYTES + (math.ceil(n_frames / step) - 1) * per_frame

    step = 1
    while step < n_frames and size(step) > 0.95 * max_bytes:
        # the smallest step that fits, by the estimate (then one exact check)
        room = (0.95 * max_bytes - one - first - END_BYTES) / per_frame + 1
        step = max(step + 1, math.ceil(n_frames / max(room, 1)))
    return min(step, n_frames)


def _head_bytes(anim, shape, fps, frames, max_bytes, page):
    """Return the size of what the page holds before these frames."""
    meta = anim._viewer_meta(shape, fps, frames=np.asarray(frames))
    if meta["kept"]:
        meta["kept"]["max_mb"] = max_bytes / 1e6
    stream = ViewerStream(None, palette=anim.palette, meta=meta, page=page)
    return len(stream.head_text())


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
    %(dpi_inline)s
    %(max_bytes_inline)s
    verbose : bool | str | int | None
        Control the verbosity of the logging output; None uses MNE's level
        (see :func:`mne.set_log_level`).

    Notes
    -----
    Like MNE's ``add_*`` methods, this changes ``report`` in place; save it
    with :meth:`mne.Report.save`.
    """
    check_type("report", report, mne.Report, "an mne.Report")
    if not hasattr(anim, "to_html"):  # duck typed: io sits below the API
        raise TypeError(
            "anim must be a CoefAnimation (from animate_coefs); got "
            f"{type(anim).__name__}."
        )
    check_type("title", title, str, "a str")
    if fps is not None:
        fps = check_fps(fps)
    if dpi is not None:
        dpi = check_dpi(dpi)
    if max_bytes is not None:
        max_bytes = check_max_bytes(max_bytes)
    html = CENTER.format(anim.to_html(fps=fps, dpi=dpi, page=False,
                                      max_bytes=max_bytes))  # fmt: skip
    report.add_html(html, title=title, section=section, tags=tags, replace=replace)
    logger.info(f"Added {title!r} to the report ({len(html) / 1e6:.1f} MB).")
