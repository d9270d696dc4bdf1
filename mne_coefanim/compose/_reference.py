"""The reference frames: every frame drawn whole by matplotlib.

The frame compositor (:mod:`._compose`) learns once what each pixel of the
figure shows and composes frames without drawing them; this module is what
it must equal. As MNE's ``_topomap_animation`` does, each frame sets the
figure's per-frame artists (the maps, the time label, the score cursor, the
mask markers, contours) and draws the whole figure through an Agg canvas,
then reads its pixels. Slow (a full draw per frame), plain, and public
matplotlib only: ``CoefAnimation.iter_frames(method='draw')``. The
compositor draws its frames with contours (or other artists it holds no
pictures of) the same way (:func:`draw_whole`).
"""

from contextlib import contextmanager

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from .._checks import check_dpi, check_frame_size, frame_shape


def drawn_frames(fig, show, n_frames, dpi, *, restore):
    """Return a generator of the frames drawn whole by matplotlib, as RGB.

    ``dpi`` is checked here, with the frames' size, before any drawing.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The animation's figure.
    show : callable
        ``show(index)`` sets the figure's artists for frame ``index`` and
        returns those it changed (as for a blitting ``FuncAnimation``).
    n_frames : int
        The number of frames, drawn in order.
    dpi : float
        The output resolution; frames are ``figsize * dpi`` pixels.
    restore : callable
        Called without arguments when the frames end (or fail, or the
        generator is closed), e.g. to show again the frame shown before.

    Returns
    -------
    frames : generator of array, shape (height, width, 3), dtype uint8
        The RGB pixels of the drawn figure (its background is opaque).
    """
    dpi = check_dpi(dpi)
    check_frame_size(frame_shape(fig.get_size_inches(), dpi), dpi)  # Agg's limit
    return _drawn(fig, show, n_frames, dpi, restore)


def _drawn(fig, show, n_frames, dpi, restore):
    """Yield the frames of :func:`drawn_frames`."""
    with _restoring(restore), agg_canvas(fig, dpi) as canvas:
        for index in range(n_frames):
            draw_whole(canvas, show(index))
            yield np.asarray(canvas.buffer_rgba())[..., :3].copy()


def draw_whole(canvas, changed):
    """Draw the figure through ``canvas``, the ``changed`` artists included.

    A blitting animation marks the artists it changes "animated", and a
    plain draw skips animated artists: they are drawn as plain ones here.
    """
    animated = [a for a in changed if a.get_animated()]
    for artist in animated:
        artist.set_animated(False)
    try:
        canvas.draw()
    finally:
        for artist in animated:
            artist.set_animated(True)


@contextmanager
def agg_canvas(fig, dpi):
    """Draw ``fig`` through an Agg canvas at ``dpi``; restore canvas and dpi."""
    original_canvas, original_dpi = fig.canvas, fig.dpi
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(dpi)
    try:
        yield canvas
    finally:
        fig.set_dpi(original_dpi)
        fig.set_canvas(original_canvas)


@contextmanager
def _restoring(restore):
    """Call ``restore()`` on the way out, also after an error."""
    try:
        yield
    finally:
        restore()
