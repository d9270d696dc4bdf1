"""The decoding score's curve, drawn once: in the animation and on the sheet."""

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath

from ._score_bar import draw_significance

NOTE_FONTSIZE = 7  # points
NOTE_X, NOTE_Y = 0.995, 0.98  # the note's top-right corner, in axes fractions
NOTE_CLEARANCE = 3.0  # points between the note's box and the curve under it


def draw_score_curve(ax, x, scores, *, note, xlabel):
    """Draw the mean score, its band, chance, the 0 line and the test's bar.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The score axes.
    x : array, shape (n_times,)
        The times, in the axis' unit.
    scores : ScorePanel
        The curve (``mean``, ``low``/``high``), ``chance``, ``label`` and
        the test's result (``significant``, ``significance``).
    note : str | None
        What the curve and its band are (e.g. ``'± SEM across 8 subjects'``),
        written in the panel's top-right corner, with what the chance level
        is when it needs saying (``scores.chance_note``). The y-axis reaches
        high enough for the note to clear the curve and band beneath it.
    xlabel : str
        The time axis' label.
    """
    if scores.low is not None:
        ax.fill_between(x, scores.low, scores.high, color="C0", alpha=0.3,
                        linewidth=0)  # fmt: skip
    ax.plot(x, scores.mean, color="C0", linewidth=1.5)
    if scores.chance is not None:
        ax.axhline(scores.chance, color="k", linestyle="--", linewidth=1)
    note = ", ".join(n for n in (note, scores.chance_note) if n) or None
    if note is not None:
        ax.text(NOTE_X, NOTE_Y, note, transform=ax.transAxes, ha="right",
                va="top", fontsize=NOTE_FONTSIZE, color="0.3",
                gid="score-note")  # fmt: skip
    ax.axvline(0.0, color="k", linewidth=0.5) if x[0] < 0 < x[-1] else None
    ax.set_xlim(x[0], x[-1])
    if note is not None:
        _clear_the_note(ax, x, scores, note)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(scores.label)
    ax.spines[["top", "right"]].set_visible(False)
    if scores.significant is not None:  # score_stats: where above chance
        draw_significance(ax, x, scores.significant, scores.significance)


def _clear_the_note(ax, x, scores, note):
    """Raise the y-axis' top until the note's box clears what lies beneath it.

    The note's box is measured from its text at its font size (in points),
    the axes' size from the figure's; only the curve, band and chance line
    within the note's horizontal span count.
    """
    fig_w, fig_h = ax.figure.get_size_inches() * 72.0  # points
    box = ax.get_position()
    ax_w, ax_h = box.width * fig_w, box.height * fig_h
    prop = FontProperties(size=NOTE_FONTSIZE)
    # drawn text is up to a few percent wider than its outline (hinting)
    width = 1.1 * TextPath((0, 0), note, prop=prop).get_extents().width
    # a text's box is its line height (1.2 of the size) and a little padding
    height = 1.2 * NOTE_FONTSIZE * (note.count("\n") + 1) + NOTE_CLEARANCE
    left = x[0] + (NOTE_X - width / ax_w) * (x[-1] - x[0])
    under = x >= left
    tops = [scores.mean[under]]
    if scores.high is not None:
        tops.append(scores.high[under])
    if scores.chance is not None:
        tops.append(np.array([scores.chance]))
    highest = float(np.nanmax(np.concatenate(tops)))
    bottom, top = ax.get_ylim()
    room = NOTE_Y - height / ax_h  # the note's bottom, in axes fractions
    if room > 0 and highest > bottom + room * (top - bottom):
        ax.set_ylim(bottom, bottom + (highest - bottom) / room)
