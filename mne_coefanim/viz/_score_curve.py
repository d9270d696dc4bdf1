"""The decoding score's curve, drawn once: in the animation and on the sheet."""

from ._score_bar import draw_significance


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
        written in the panel's corner.
    xlabel : str
        The time axis' label.
    """
    if scores.low is not None:
        ax.fill_between(x, scores.low, scores.high, color="C0", alpha=0.3,
                        linewidth=0)  # fmt: skip
    ax.plot(x, scores.mean, color="C0", linewidth=1.5)
    if scores.chance is not None:
        ax.axhline(scores.chance, color="k", linestyle="--", linewidth=1)
    if note is not None:
        ax.text(0.995, 0.98, note, transform=ax.transAxes, ha="right", va="top",
                fontsize=7, color="0.3")  # fmt: skip
    ax.axvline(0.0, color="k", linewidth=0.5) if x[0] < 0 < x[-1] else None
    ax.set_xlim(x[0], x[-1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(scores.label)
    ax.spines[["top", "right"]].set_visible(False)
    if scores.significant is not None:  # score_stats: where above chance
        draw_significance(ax, x, scores.significant, scores.significance)
