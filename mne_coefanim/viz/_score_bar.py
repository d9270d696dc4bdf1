"""The bar under a score curve that marks where the score beats chance.

Drawn once with the rest of the score panel (it does not change between
frames), in a strip added below the curve's own range, so that it never
hides the curve, its band or the chance line. A text says what the bar
means and across what it was tested, in room added above the curve.
"""

import numpy as np

BAR_COLOR = "k"
BAR_WIDTH = 3.0  # points
STRIP = 0.12  # the bar's share of the axis height, below the curve's range
HEADROOM = 0.22  # room above it for two lines of text (the band's and ours)


def draw_significance(ax, x, significant, label):
    """Draw a bar under the curve at the significant times, and say what it is.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The score axes, with the curve already drawn (its y range is final).
    x : array, shape (n_times,)
        The times, in the axis' unit.
    significant : array of bool, shape (n_times,)
        Where the test found the score above chance.
    label : str
        What the bar means, e.g. ``'bar: above chance, cluster test across
        8 subjects, p < 0.05'``.

    Returns
    -------
    bars : matplotlib.collections.LineCollection | None
        The bar's segments; None when nothing is significant.
    """
    low, high = ax.get_ylim()
    total = (high - low) / (1 - STRIP - HEADROOM)
    strip = STRIP * total
    ax.set_ylim(low - strip, high + HEADROOM * total)
    ax.annotate(label, (0.995, 0.98), xycoords="axes fraction", xytext=(0, -9),
                textcoords="offset points", ha="right", va="top", fontsize=7,
                color="0.3")  # fmt: skip
    spans = _spans(x, significant)
    if not spans:
        return None
    y = low - strip / 2
    starts, stops = zip(*spans, strict=True)
    return ax.hlines(np.full(len(spans), y), starts, stops, color=BAR_COLOR,
                     linewidth=BAR_WIDTH)  # fmt: skip


def _spans(x, significant):
    """Each run of significant times, from its first to its last sample's edge.

    A run covers half a sample on either side (clipped to the axis), so a
    single significant time point still gets a visible bar.
    """
    if len(x) == 1:
        return [(x[0], x[0])] if significant[0] else []
    edges = np.concatenate([[x[0]], (x[1:] + x[:-1]) / 2, [x[-1]]])
    flags = np.concatenate([[0], significant.astype(np.int8), [0]])
    steps = np.diff(flags)
    starts, stops = np.flatnonzero(steps == 1), np.flatnonzero(steps == -1)
    return [(edges[a], edges[b]) for a, b in zip(starts, stops, strict=True)]
