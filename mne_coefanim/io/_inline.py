"""Inline animations: notebooks (``_repr_html_``) and :class:`mne.Report`.

Both embed the interactive viewer (:mod:`._viewer`), a fragment of HTML with
its own style and script and its frames, with no side files and no network
access: it plays in a notebook, an exported notebook and a report sent by
e-mail, and shows the same frames as the saved GIF. Inline, the viewer stays
under a size limit (:data:`INLINE_MAX_BYTES`, 20 MB, or ``max_bytes``) by
keeping one frame in k, and says so on the page and in the log.
"""

import math

import mne
from mne.utils import logger, verbose

from .._checks import check_dpi, check_fps, check_real, check_type
from .._docs import fill_doc
from ._viewer import ViewerTooLarge

CENTER = '<div style="display: flex; justify-content: center">{}</div>'
INLINE_MAX_BYTES = 20_000_000  # the inline viewer's default size limit
MIN_MAX_BYTES = 100_000  # the script and style alone are 15 kB


def check_max_bytes(max_bytes, name="max_bytes"):
    """Return the inline size limit as an int (bytes), checked."""
    value = check_real(name, max_bytes, minimum=MIN_MAX_BYTES)
    return int(value)


def inline_viewer(anim, *, fps, dpi, page, max_bytes):
    """Return the viewer of ``anim`` in at most ``max_bytes`` bytes.

    Every frame when they fit; else one frame in k, the smallest k the first
    try's sizes predict (tried again with a larger k if the frames turn out
    larger), played at ``fps / k`` so that the duration stays.

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
    n_frames, step = len(anim), 1
    while True:
        try:
            html = anim._viewer_html(fps, dpi, page=page, step=step,
                                     max_bytes=max_bytes)  # fmt: skip
        except ViewerTooLarge as err:
            step = _next_step(err, n_frames, step, max_bytes)
            continue
        if step > 1:
            logger.info(
                f"The inline viewer holds one frame in {step} "
                f"({math.ceil(n_frames / step)} of {n_frames}, "
                f"{len(html) / 1e6:.1f} MB) to stay under max_bytes="
                f"{max_bytes / 1e6:g} MB; save('....html') holds them all."
            )
        return html


def _next_step(err, n_frames, step, max_bytes):
    """The step that should fit, from what the try that did not fit wrote."""
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
