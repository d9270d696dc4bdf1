"""Inline animations: notebooks (``_repr_html_``) and :class:`mne.Report`.

Both embed the same thing, the GIF of :meth:`CoefAnimation.save` as a base64
``data:`` URI in an ``<img>``: no JavaScript and no side files, so it plays in
JupyterLab, nbviewer, GitHub, an exported notebook and a report sent by
e-mail, and it looks exactly like the saved file.

An inline GIF is stored in the notebook or report, so its size is bounded:
the HTML holds at most :data:`MAX_INLINE_CHARS` characters (about 5 MB).
When no ``dpi`` is given, a GIF over it (e.g. several panels side by side) is
rendered once more at a lower dpi, not below :data:`MIN_INLINE_DPI`; an
explicit ``dpi`` is always honoured. A GIF still over it (thousands of
frames) holds every k-th frame, played at ``fps / k`` so that the duration
stays, which a caption under it and a warning in the log say. Nothing is
dropped silently, and when not even one frame fits, a ValueError says what
to do instead.
"""

import base64
import math

import mne
from mne.utils import logger, verbose

from .._checks import check_dpi, check_fps, check_type
from .._docs import fill_doc
from ._html import thinning_note

MAX_INLINE_CHARS = 5_000_000  # ~5 MB of HTML per inline animation
MIN_INLINE_DPI = 30  # below this the labels become unreadable
# GIF bytes grow with dpi ** 1.5, measured (13.2 MB at dpi 100, 5.9 MB at 58):
# less than the pixel count (dpi ** 2) since LZW packs larger smooth areas
# better
_SIZE_EXPONENT = 1.5
_SAFETY = 0.95  # aim a little under the budget
_MAX_TRIES = 4  # renderings with fewer frames before giving up


def gif_html(anim, *, fps=None, dpi=None, max_chars=MAX_INLINE_CHARS):
    """Return an ``<img>`` tag holding the animation as a base64 GIF.

    The HTML holds at most ``max_chars`` characters: over it, the GIF is
    rendered again at a lower dpi (only when ``dpi`` is None), then with
    every k-th frame (at ``fps / k``), which a caption and the log say.

    Parameters
    ----------
    anim : CoefAnimation
        The animation.
    fps : float | None
        Frames per second; None uses the animation's ``fps``.
    dpi : float | None
        Resolution. None uses the animation's ``dpi``, lowered (to at least
        :data:`MIN_INLINE_DPI`) if the tag would exceed ``max_chars``.
    max_chars : int
        The size budget of the HTML.

    Returns
    -------
    html : str
        ``<img src="data:image/gif;base64,..." .../>``, in a ``<figure>``
        with a caption when it holds every k-th frame only.

    Raises
    ------
    ValueError
        If not even one frame fits within ``max_chars``.
    """
    data = _base64_gif(anim, fps=fps, dpi=dpi)
    n_frames, step, tries = len(anim), 1, 0
    if dpi is None and len(data) > max_chars:
        ratio = (max_chars / len(data)) ** (1 / _SIZE_EXPONENT)
        smaller = anim.dpi * ratio * _SAFETY
        smaller = max(MIN_INLINE_DPI, math.floor(smaller))
        if smaller < anim.dpi:
            logger.info(
                f"The inline GIF would take {len(data) / 1e6:.1f} MB at dpi="
                f"{anim.dpi:g}; rendering it at dpi={smaller} instead (pass "
                "dpi= to choose)."
            )
            dpi = smaller
            # what the lowest dpi cannot save, fewer frames will: at once
            expected = len(data) * (smaller / anim.dpi) ** _SIZE_EXPONENT
            if expected > max_chars:
                step = _fewer_frames(step, expected, max_chars, n_frames)
            data = _base64_gif(anim, fps=fps, dpi=dpi, step=step)
    while len(data) > max_chars:  # fewer frames: the GIF shrinks about as much
        if step >= n_frames or tries == _MAX_TRIES:
            raise ValueError(
                f"The inline animation cannot be kept under {max_chars / 1e6:g} "
                f"MB: {len(range(0, n_frames, step))} frame(s) at dpi="
                f"{dpi or anim.dpi:g} take {len(data) / 1e6:.2f} MB. Save it to a "
                "file instead (anim.save('anim.gif') or '.mp4'), lower dpi, or "
                "crop with tmin/tmax."
            )
        step = _fewer_frames(step, len(data), max_chars, n_frames)
        data = _base64_gif(anim, fps=fps, dpi=dpi, step=step)
        tries += 1
    image = (
        f'<img src="data:image/gif;base64,{data}" '
        'alt="coefficient animation" style="max-width: 100%; height: auto;"/>'
    )
    if step == 1:
        return image
    note = thinning_note(step, len(range(0, n_frames, step)), n_frames,
                         fps or anim.fps)  # fmt: skip
    note += (
        f": an inline animation is kept under {max_chars / 1e6:g} MB; "
        "anim.save('anim.gif') keeps every frame."
    )
    logger.warning(note)
    return (
        f'<figure style="margin: 0">{image}<figcaption style="font-size: '
        f'smaller">{note}</figcaption></figure>'
    )


def _fewer_frames(step, size, max_chars, n_frames):
    """Return the next frame step, for a GIF of ``size`` characters at ``step``."""
    wanted = math.ceil(step * size / (max_chars * _SAFETY))
    return min(n_frames, max(step + 1, wanted))


def _base64_gif(anim, *, fps, dpi, step=1):
    data = anim.to_gif_bytes(fps=fps, dpi=dpi, step=step)
    return base64.b64encode(data).decode("ascii")


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
    """Add an animation to an :class:`mne.Report`, playing inline.

    The report shows the same GIF as :meth:`CoefAnimation.save` writes,
    embedded in the report's HTML file (no side files), through the public
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
    if not hasattr(anim, "to_gif_bytes"):  # duck typed: io sits below the API
        raise TypeError(
            "anim must be a CoefAnimation (from animate_coefs); got "
            f"{type(anim).__name__}."
        )
    check_type("title", title, str, "a str")
    if fps is not None:
        fps = check_fps(fps)
    if dpi is not None:
        dpi = check_dpi(dpi)
    html = gif_html(anim, fps=fps, dpi=dpi)
    report.add_html(html, title=title, section=section, tags=tags, replace=replace)
    logger.info(f"Added {title!r} to the report ({len(html) / 1e6:.1f} MB).")
