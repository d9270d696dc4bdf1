"""The time label of the figure: one text on screen, one per slot for files.

:func:`time_labels` says what each frame's label reads, with as many decimals
as consecutive frames need to read differently.
"""

import numpy as np
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.text import Text
from matplotlib.transforms import offset_copy

LABEL_FONTSIZE = 10
# the fewest decimals shown, and the most tried for frames to read apart
DECIMALS = {"s": (3, 12), "ms": (0, 9)}


def time_labels(times, unit):
    """Return each frame's time label, consecutive frames reading differently.

    Seconds get 3 decimals and milliseconds none, or more where consecutive
    frames would otherwise read alike (e.g. ``"0.0005 s"`` at 2 kHz,
    ``"0.05 ms"`` at 20 kHz): the fewest decimals with which no two
    consecutive labels are equal, the same for every frame.

    Parameters
    ----------
    times : array, shape (n_frames,)
        The frames' times in seconds (sample indices with ``unit='sample'``),
        finite and strictly increasing.
    unit : 's' | 'ms' | 'sample'
        The unit shown; ``'sample'`` labels frames "sample k".

    Returns
    -------
    labels : list of str
        One per frame.
    """
    times = np.asarray(times, dtype=np.float64)
    if unit == "sample":  # no times given: never seconds
        return [f"sample {round(time):d}" for time in times]
    values = times * (1e3 if unit == "ms" else 1.0)
    fewest, most = DECIMALS[unit]
    for decimals in range(fewest, most + 1):
        # "+ 0.0" turns the -0.0 of a time a hair below zero (e.g. from
        # np.linspace or np.arange) into 0.0, so no "-0.000 s" is shown
        labels = [f"{round(v, decimals) + 0.0:0.{decimals}f} {unit}" for v in values]
        if all(a != b for a, b in zip(labels, labels[1:], strict=False)):
            break
    return labels


class TimeLabel:
    """The frame's time: one monospaced text, right-aligned in fixed slots.

    On screen the label is one text artist (one draw per frame), padded on
    the left to ``width`` characters of a monospace font, so the digits do
    not jitter from frame to frame. The frame compositor pastes a picture of
    each (slot, character) instead, drawn once: :meth:`slot_texts` makes it
    one text per slot, at the same place, never drawn on screen.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The label sits at the axes' top-left corner, outside the head.
    width : int
        The number of character slots (the longest label).
    fontsize : float
        In points.
    """

    def __init__(self, ax, width, fontsize=LABEL_FONTSIZE):
        self.width, self._ax, self._fontsize = width, ax, fontsize
        self._advance = _monospace_advance(fontsize)  # points
        self.text = ax.text(0.0, 1.0, "", **self._style(0))

    def _style(self, slot):
        return dict(
            ha="left", va="baseline", fontsize=self._fontsize, family="monospace",
            transform=offset_copy(self._ax.transAxes, fig=self._ax.figure,
                                  units="points", x=slot * self._advance,
                                  y=-self._fontsize),
        )  # fmt: skip

    def set_text(self, text):
        """Show ``text``, right-aligned in the slots."""
        self.text.set_text(text.rjust(self.width))

    def time_chars(self):
        """Return the character of each slot."""
        return list(self.text.get_text().rjust(self.width))

    def get_text(self):
        """Return the text shown, without the padding."""
        return self.text.get_text().strip()

    def get_window_extent(self, renderer=None):
        """Return the display box of the label."""
        return self.text.get_window_extent(renderer)

    def slot_texts(self):
        """Return one text per slot, showing its character, for the compositor.

        They are not in the axes (the screen never draws them): the
        compositor draws each alone, as a picture of that (slot, character).
        """
        texts = []
        for slot, char in enumerate(self.time_chars()):
            text = Text(0.0, 1.0, char, clip_on=False, **self._style(slot))
            text.set_figure(self._ax.figure)
            text.axes = self._ax
            text.set_clip_path(self._ax.patch)
            texts.append(text)
        return texts


def _monospace_advance(fontsize):
    """Advance width of one character of the monospace font, in points."""
    font = get_font(findfont(FontProperties(family="monospace")))
    font.set_size(fontsize, 72)  # at 72 dpi, one pixel is one point
    return font.load_char(ord("0")).linearHoriAdvance / 65536
