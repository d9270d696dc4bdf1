"""Inline animations: notebooks (``_repr_html_``) and :class:`mne.Report`.

Both embed the interactive viewer (:mod:`._viewer`), a fragment of HTML with
its own style and script and every frame, with no side files and no network
access: it plays in a notebook, an exported notebook and a report sent by
e-mail, and shows the same frames as the saved GIF.
"""

import mne
from mne.utils import logger, verbose

from .._checks import check_dpi, check_fps, check_type
from .._docs import fill_doc

CENTER = '<div style="display: flex; justify-content: center">{}</div>'


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
    html = CENTER.format(anim.to_html(fps=fps, dpi=dpi, page=False))
    report.add_html(html, title=title, section=section, tags=tags, replace=replace)
    logger.info(f"Added {title!r} to the report ({len(html) / 1e6:.1f} MB).")
