"""The score panel, drawn once: a curve, a time x time matrix or a tf map.

Each has a cursor moved to every frame's time.

The curve (:func:`draw_score_curve`, also the sheet's) shows the mean score,
its band, chance, a note saying what they are, and the bar under the curve
where a test found the score above chance, in a strip added below the
curve's own range, so that it never hides the curve, its band or chance.
"""

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath

from ._parts import CURSOR_ZORDER, time_axis, time_axis_label

SCORE_HEIGHT = 1.25  # inches: a curve's panel
MATRIX_HEIGHT = 2.2  # a matrix is drawn square
TF_HEIGHT = 1.8  # a few frequency rows, readable under the maps
MAX_FREQ_TICKS = 8  # more rows get every k-th label, so labels never overlap
NOTE_FONTSIZE = 7  # points
NOTE_X, NOTE_Y = 0.995, 0.98  # the note's top-right corner, in axes fractions
NOTE_CLEARANCE = 3.0  # points between the note's box and the curve under it
BAR_WIDTH = 3.0  # points
STRIP = 0.12  # the bar's share of the axis height, below the curve's range
HEADROOM = 0.22  # room above it for two lines of text (the band's and ours)


def score_height(scores):
    """Height of the score panel in inches (0 without one)."""
    if scores is None:
        return 0.0
    if scores.tf_matrix is not None:
        return TF_HEIGHT
    return MATRIX_HEIGHT if scores.matrix is not None else SCORE_HEIGHT


def draw_score_panel(fig, ax, scores, times, unit):
    """Draw the animation's score panel; return its cursors.

    A curve, a ``matrix`` (training x testing time) or a ``tf_matrix``
    (frequency x time) of ``scores`` (a ScorePanel), against ``times`` in
    seconds (samples with ``unit='sample'``). Returns the vertical cursor,
    and a matrix's horizontal one (else None).
    """
    x = time_axis(times, unit)
    if scores.tf_matrix is not None:  # frequency x time
        return _draw_tf_scores(fig, ax, scores, x, unit), None
    if scores.matrix is None:
        draw_score_curve(ax, x, scores, note=scores.band,
                         xlabel=time_axis_label("Time", unit))  # fmt: skip
        cursor = ax.axvline(x[0], color="C3", linewidth=1.5, zorder=CURSOR_ZORDER)
        return cursor, None
    image = ax.imshow(
        scores.matrix, origin="lower", extent=(x[0], x[-1], x[0], x[-1]),
        interpolation="nearest", aspect="equal", **_colors(scores.matrix, scores),
    )  # fmt: skip
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04).set_label(scores.label)
    ax.set_xlabel(time_axis_label("Testing time", unit))
    ax.set_ylabel(time_axis_label("Training time", unit))
    cursor = ax.axvline(x[0], color="k", linewidth=1, zorder=CURSOR_ZORDER)
    return cursor, ax.axhline(x[0], color="k", linewidth=1, zorder=CURSOR_ZORDER)


def _colors(matrix, scores):
    """Return a score map's colours: centred on chance (above red, below blue)."""
    if scores.chance is None:  # no centre to diverge from: sequential
        return dict(cmap="viridis", vmin=None, vmax=None)
    spread = np.abs(matrix - scores.chance).max() or 1.0
    return dict(cmap="RdBu_r", vmin=scores.chance - spread,
                vmax=scores.chance + spread)  # fmt: skip


def _draw_tf_scores(fig, ax, scores, x, unit):
    """Draw ``scores.tf_matrix``: frequency up, time across; return the cursor."""
    n_freqs = len(scores.tf_matrix)
    # each time is a column centred on it (one frame has a column of width 1)
    step = np.median(np.diff(x)) if len(x) > 1 else 1.0
    extent = (x[0] - step / 2, x[-1] + step / 2, -0.5, n_freqs - 0.5)
    image = ax.imshow(scores.tf_matrix, origin="lower", extent=extent,
                      interpolation="nearest", aspect="auto",
                      **_colors(scores.tf_matrix, scores))  # fmt: skip
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.02).set_label(scores.label)
    # one tick per frequency row (every k-th when many), in Hz
    labels = scores.tf_labels
    rows = np.arange(0, len(labels), -(-len(labels) // MAX_FREQ_TICKS))
    ax.set_yticks(rows)
    ax.set_yticklabels([labels[k].removesuffix(" Hz") for k in rows], fontsize=8)
    ax.set_ylabel("Frequency (Hz)")
    ax.set_xlabel(time_axis_label("Time", unit))
    if scores.band is not None:  # say what the map was averaged across
        ax.set_title(scores.band, fontsize=7, color="0.3", loc="right")
    return ax.axvline(x[0], color="k", linewidth=1.5, zorder=CURSOR_ZORDER)


def draw_score_curve(ax, x, scores, *, note, xlabel):
    """Draw the mean score, its band, chance, the 0 line and the test's bar.

    ``x`` are the times in the axis' unit; ``scores`` a ScorePanel. ``note``
    says what the curve and its band are (e.g. ``'± SEM across 8
    subjects'``), written in the panel's top-right corner with what the
    chance level is when it needs saying (``scores.chance_note``); the
    y-axis reaches high enough for it to clear the curve and band beneath.
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
    # drawn text is up to a few percent wider than its outline (hinting)
    width = 1.1 * text_width(note, NOTE_FONTSIZE)
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


def text_width(text, fontsize):
    """Return the width of ``text``'s glyph outlines at ``fontsize``, in points."""
    path = TextPath((0, 0), text, prop=FontProperties(size=fontsize))
    return path.get_extents().width


def draw_significance(ax, x, significant, label):
    """Draw a bar under the curve at the ``significant`` times; say what it is.

    Call it with the curve drawn (its y range final); ``label`` says what
    the bar means, e.g. ``'bar: above chance, cluster test across 8
    subjects, p < 0.05'``. Returns the bar's LineCollection, or None when
    nothing is significant.
    """
    low, high = ax.get_ylim()
    total = (high - low) / (1 - STRIP - HEADROOM)
    strip = STRIP * total
    ax.set_ylim(low - strip, high + HEADROOM * total)
    ax.annotate(label, (0.995, 0.98), xycoords="axes fraction", xytext=(0, -9),
                textcoords="offset points", ha="right", va="top", fontsize=7,
                color="0.3")  # fmt: skip
    # each run of significant times covers half a sample on either side
    # (clipped to the axis), so a single significant time gets a visible bar
    if len(x) == 1:
        spans = [(x[0], x[0])] if significant[0] else []
    else:
        edges = np.concatenate([[x[0]], (x[1:] + x[:-1]) / 2, [x[-1]]])
        steps = np.diff(np.concatenate([[0], significant.astype(np.int8), [0]]))
        spans = list(zip(edges[np.flatnonzero(steps == 1)],
                         edges[np.flatnonzero(steps == -1)], strict=True))  # fmt: skip
    if not spans:
        return None
    starts, stops = zip(*spans, strict=True)
    return ax.hlines(np.full(len(spans), low - strip / 2), starts, stops, color="k",
                     linewidth=BAR_WIDTH)  # fmt: skip
