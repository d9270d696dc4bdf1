"""The HTML page, bounded and complete, and its writer.

The page is matplotlib's JavaScript player (the ``HTMLWriter`` of
``Animation.to_jshtml``) with every frame embedded as a PNG. Its size is
bounded by ``rcParams['animation.embed_limit']`` (in MB; matplotlib's default
is 20). matplotlib itself would drop every frame past that limit and report
success; here the frames are sized first (a few are rendered), and when they
would not all fit the page holds every k-th frame, played at ``fps / k`` so
that the duration stays, and says so in a caption and in the log. When not
even one frame fits, :func:`jshtml_page` raises a ValueError that says what
to do instead. :class:`HtmlWriter` puts the page in its file, so that
``.html`` goes through the same protocol and table as the other formats.
"""

import base64
import io
import math
import re
import tempfile
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.animation import HTMLWriter
from mne.utils import logger

from .._checks import check_type
from ._output import Writer

MB = 1024 * 1024  # matplotlib's embed limit counts MiB
_N_SAMPLES = 5  # frames rendered to size the page
_PAGE_OVERHEAD = 20_000  # the player's script and style, and our text
_SAFETY = 0.95  # aim a little under the limit
_FRAME_LINE = re.compile(r'^  frames\[\d+\] = "data:image/', re.M)
_FIX = "For every frame, save as .gif or .mp4, lower dpi or crop with tmin/tmax"


def jshtml_page(fig, draw, n_frames, *, fps, dpi):
    """Return a self-contained page playing the frames, within the size limit.

    The page holds at most ``rcParams['animation.embed_limit']`` MB
    (matplotlib's default: 20 MB). If every frame fits, it holds every frame;
    otherwise every k-th frame, played at ``fps / k`` (the same duration),
    which a caption on the page and a warning in the log say.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    draw : callable
        ``draw(index)`` shows frame ``index`` in ``fig``.
    n_frames : int
        The number of frames, >= 1.
    fps : float
        Frames per second of the full animation.
    dpi : float
        Resolution of the frames.

    Returns
    -------
    page : str
        The HTML page.

    Raises
    ------
    ValueError
        If not even one frame fits within the limit.
    """
    limit = float(mpl.rcParams["animation.embed_limit"]) * MB
    writer = _writer(fps, limit)
    sample = np.unique(np.linspace(0, n_frames - 1, min(n_frames, _N_SAMPLES)))
    cost = max(_frame_chars(fig, draw, int(k), dpi, writer.frame_format)
               for k in sample)  # fmt: skip
    step = _frame_step(n_frames, cost, limit, dpi)
    for _ in range(3):
        indices = range(0, n_frames, step)
        player = _player(fig, draw, indices, _writer(fps / step, limit), dpi)
        kept = len(_FRAME_LINE.findall(player))
        if kept == len(indices) and len(player) + _PAGE_OVERHEAD <= limit:
            break
        # the frames sized first were smaller than the rest: size them all
        cost = len(player) / max(kept, 1)
        step = max(step + 1, _frame_step(n_frames, cost, limit, dpi))
    else:  # the frames grew each time
        raise ValueError(
            f"The HTML page cannot hold the {n_frames} frames within "
            f"{limit / MB:g} MB (rcParams['animation.embed_limit']). {_FIX}."
        )
    note = ""
    if step > 1:
        text = thinning_note(step, len(indices), n_frames, fps)
        text += (
            f": the page holds at most {limit / MB:g} MB of frames "
            f"(rcParams['animation.embed_limit']). {_FIX}."
        )
        logger.warning(text)
        note = f'<p class="mne-coefanim-note">{text}</p>\n'
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        "<title>mne-coefanim</title></head><body>\n"
        f"{note}{player}\n</body></html>\n"
    )


def thinning_note(step, n_shown, n_frames, fps):
    """Return e.g. ``'Every 4th frame shown (250 of 1000), at 2.5 fps'``.

    Parameters
    ----------
    step : int
        Every ``step``-th frame is shown.
    n_shown, n_frames : int
        How many frames are shown, of how many.
    fps : float
        The frame rate of the full animation.

    Returns
    -------
    note : str
        One sentence without its full stop.
    """
    ending = {1: "st", 2: "nd", 3: "rd"}.get(step % 10, "th")
    if step % 100 in (11, 12, 13):
        ending = "th"
    return (
        f"Every {step}{ending} frame shown ({n_shown} of {n_frames}), at "
        f"{fps / step:.3g} fps to keep the duration"
    )


def _writer(fps, limit):
    return HTMLWriter(
        fps=fps, embed_frames=True, default_mode="loop", embed_limit=limit / MB
    )


def _frame_chars(fig, draw, index, dpi, frame_format):
    """Return what frame ``index`` adds to the page, in characters."""
    draw(index)
    buffer = io.BytesIO()
    with mpl.rc_context({"savefig.bbox": None}):  # as Animation.save
        fig.savefig(buffer, format=frame_format, dpi=dpi)
    data = base64.encodebytes(buffer.getvalue())
    # each line break is escaped in the page, and each frame is a JS line
    return len(data) + data.count(b"\n") + 40


def _frame_step(n_frames, cost, limit, dpi):
    """Return the smallest k such that every k-th frame fits within limit."""
    fits = math.floor((limit * _SAFETY - _PAGE_OVERHEAD) / cost)
    if fits < 1:
        raise ValueError(
            f"One frame takes {cost / MB:.2f} MB of HTML at dpi={dpi:g}, more than "
            f"a page holds ({limit / MB:g} MB, rcParams['animation.embed_limit']). "
            "Save as .gif or .mp4, or lower dpi."
        )
    return math.ceil(n_frames / min(fits, n_frames))


def _player(fig, draw, indices, writer, dpi):
    """Return matplotlib's player of the frames ``indices``."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "player.html")
        with mpl.rc_context({"savefig.bbox": None}), writer.saving(fig, path, dpi):
            for index in indices:
                draw(index)
                writer.grab_frame()
        return path.read_text()


class HtmlWriter(Writer):
    """Write an HTML page, given whole to :meth:`write`.

    See :class:`Writer` for the protocol, and :func:`jshtml_page` for the
    page :meth:`CoefAnimation.save` gives it.

    Parameters
    ----------
    path : path-like
        The ``.html`` (or ``.htm``) file to write.
    fps : float | None
        Unused: the page carries its own frame rate. Accepted so that every
        writer of the table is made the same way.
    overwrite : bool
        Whether an existing file may be replaced.
    """

    suffixes = (".html", ".htm")
    takes = "page"

    def __init__(self, path, *, fps=None, overwrite=False):
        super().__init__(path, overwrite=overwrite)
        self._n_chars = None

    def setup(self, tmp):
        """Remember the temporary file.

        Parameters
        ----------
        tmp : pathlib.Path
            The temporary file.
        """
        self._tmp = tmp

    def write(self, frame):
        """Write the page (once).

        Parameters
        ----------
        frame : str
            The whole page.
        """
        check_type("text", frame, str, "a str")
        if self._n_chars is not None:
            raise ValueError("An HTML page is written whole, in one write().")
        self._tmp.write_text(frame, encoding="utf-8", newline="")
        self._n_chars = len(frame)

    def finish(self):
        """Check that the page was written."""
        if self._n_chars is None:
            raise ValueError("No HTML page was written; call write(page) once.")

    def summary(self):
        """Return the page's length, for the log.

        Returns
        -------
        summary : str
            E.g. ``'123456 characters'``.
        """
        return f"{self._n_chars} characters"
