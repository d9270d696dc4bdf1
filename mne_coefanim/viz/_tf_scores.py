"""Draw a time-frequency score map: frequency up, time across, a time cursor."""

import numpy as np

TF_HEIGHT = 1.8  # inches: a few frequency rows, readable under the maps
MAX_FREQ_TICKS = 8  # more rows get every k-th label, so labels never overlap
CURSOR_ZORDER = 3.5  # as the other score panels' cursors (see _figure)


def draw_tf_scores(fig, ax, scores, x, xlabel):
    """Draw ``scores.tf_matrix`` as an image in ``ax``; return the time cursor.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (for the score's colour bar).
    ax : matplotlib.axes.Axes
        The score panel.
    scores : ScorePanel
        With ``tf_matrix`` (n_freqs, n_times), ``tf_labels``, ``chance``,
        ``label`` and ``band``.
    x : array, shape (n_times,)
        The frames' times in the axis unit.
    xlabel : str
        The time axis label.

    Returns
    -------
    cursor : matplotlib.lines.Line2D
        A vertical line, moved to each frame's time.
    """
    matrix = scores.tf_matrix
    n_freqs = len(matrix)
    if scores.chance is None:  # no centre to diverge from: sequential
        cmap, vmin, vmax = "viridis", None, None
    else:  # centred on chance: above chance red, below blue
        spread = np.abs(matrix - scores.chance).max() or 1.0
        cmap = "RdBu_r"
        vmin, vmax = scores.chance - spread, scores.chance + spread
    # each time is a column centred on it (one frame has a column of width 1)
    step = np.median(np.diff(x)) if len(x) > 1 else 1.0
    extent = (x[0] - step / 2, x[-1] + step / 2, -0.5, n_freqs - 0.5)
    image = ax.imshow(
        matrix,
        origin="lower",
        extent=extent,
        cmap=cmap,
        vmin=vmin,
        vmax=vmax,
        interpolation="nearest",
        aspect="auto",
    )
    colorbar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.02)
    colorbar.set_label(scores.label)
    _label_rows(ax, scores.tf_labels)
    ax.set_xlabel(xlabel)
    if scores.band is not None:  # say what the map was averaged across
        ax.set_title(scores.band, fontsize=7, color="0.3", loc="right")
    return ax.axvline(x[0], color="k", linewidth=1.5, zorder=CURSOR_ZORDER)


def _label_rows(ax, labels):
    """One tick per frequency row (every k-th when many), in Hz."""
    every = -(-len(labels) // MAX_FREQ_TICKS)  # ceil
    rows = np.arange(0, len(labels), every)
    ax.set_yticks(rows)
    ax.set_yticklabels([labels[k].removesuffix(" Hz") for k in rows], fontsize=8)
    ax.set_ylabel("Frequency (Hz)")
