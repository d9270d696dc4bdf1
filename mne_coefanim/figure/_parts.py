"""What the animation's figure and the print sheet both draw, drawn one way.

The map axes, the colour bars (:func:`colorbar_labels` alone decides their
labels), the time labels and axes, the score curve with its note and bar.
"""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, NoNorm
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.text import Text
from matplotlib.textpath import TextToPath
from matplotlib.transforms import offset_copy

from .._checks import check_frame_size, frame_shape

MASK_PARAMS = dict(
    marker="o", markerfacecolor="w", markeredgecolor="k", linewidth=0, markersize=4
)
MAP_ZORDER, CONTOUR_ZORDER, OUTLINE_ZORDER, SENSOR_ZORDER, MASK_ZORDER = range(5)
CURSOR_ZORDER = 3.5  # over spines, ticks, texts: as files blend the cursors
OUTSIDE = 256  # the maps' index of the pixels outside the head
LABEL_FONTSIZE = 10
# the fewest decimals shown, and the most tried for frames to read apart
DECIMALS = {"s": (3, 12), "ms": (0, 9)}
NOTE_FONTSIZE = 7  # points
NOTE_X, NOTE_Y = 0.995, 0.98  # the note's top-right corner, in axes fractions
NOTE_CLEARANCE = 3.0  # points between the note's box and the curve under it
BAR_WIDTH = 3.0  # points
STRIP = 0.12  # the bar's share of the axis height, below the curve's range
HEADROOM = 0.22  # room above it for two lines of text (the band's and ours)


# -- the figure and the map axes ----------------------------------------------


def new_figure(figsize, dpi, *, pyplot, fewer="panels side by side"):
    """Make a figure: through pyplot, or alone (an Agg canvas, freed when unused)."""
    check_frame_size(frame_shape(figsize, dpi), dpi, fewer=fewer)  # drawable
    if pyplot:
        import matplotlib.pyplot as plt  # only for a shown figure: 0.03 s to import

        fig = plt.figure(figsize=figsize, dpi=dpi)
    else:
        fig = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(fig)  # sets fig.canvas
    fig.patch.set_facecolor("white")
    return fig


def index_cmap(tables):
    """Return the maps' colormap: palette index to colour (256: outside, clear)."""
    rgba = np.zeros((257, 4), np.uint8)
    for each in tables:
        rows = slice(each.offset, each.offset + each.n_levels)
        rgba[rows, :3] = each.colors
        rgba[rows, 3] = 255
    return ListedColormap(rgba / 255.0, name="levels")


def level_image(interp, levels=None):
    """Return a map's image of palette indices: ``levels`` inside the head.

    The map is clipped to ``interp.region``, whose antialiased edge shows a
    little of cells outside: each shows its nearest inside cell's level.
    """
    if levels is None or interp.padding is None:
        return np.full((interp.res, interp.res), OUTSIDE, np.uint16)
    indices = np.asarray(levels, np.uint16)[interp.padding]
    return indices.reshape(interp.res, interp.res)


def head_outlines(sphere):
    """Return ``{part: (x, y)}``: head, nose, ears around ``sphere``, as MNE draws them.

    The head is the sphere's circle; the nose points up (+y) 15 % beyond it and
    the ears sit left and right at the circle, as in MNE's topomaps (our own
    shapes: MNE's outline function is private).
    """
    x0, y0, _, radius = np.asarray(sphere, dtype=float)
    angle = np.linspace(0, 2 * np.pi, 101)
    head = (x0 + radius * np.cos(angle), y0 + radius * np.sin(angle))
    side = np.sin(np.deg2rad(9.0))  # the nose's half base on the circle
    nose = (
        x0 + radius * np.array([-side, 0.0, side]),
        y0 + radius * np.array([np.sqrt(1 - side**2), 1.15, np.sqrt(1 - side**2)]),
    )
    # an ear: half an ellipse bulging out of the circle, a little below its middle
    turn = np.linspace(-np.pi / 2, np.pi / 2, 21)
    ear_x = radius * (0.99 + 0.085 * np.cos(turn))
    ear_y = y0 + radius * (-0.02 + 0.17 * np.sin(turn))
    return {
        "head": head,
        "nose": nose,
        "ear_left": (x0 - ear_x, ear_y),
        "ear_right": (x0 + ear_x, ear_y),
    }


def draw_head(ax, interp, sensors, levels, cmap, sensors_fmt, k=None):
    """Draw a map's axes, outlines and sensors; return the map (gids end in ``k``)."""
    sphere = sensors.sphere
    ax.set_axis_off()
    ax.set_aspect("equal")
    half = max(1.2 * sphere[3], 1.04 * interp.clip_radius)
    ax.set_xlim(sphere[0] - half, sphere[0] + half)
    ax.set_ylim(sphere[1] - half, sphere[1] + half)
    gid = (lambda what: None) if k is None else (lambda what: f"{what}-{k}")
    image = ax.imshow(
        level_image(interp, levels), cmap=cmap, norm=NoNorm(), extent=interp.extent,
        origin="lower", interpolation="nearest", interpolation_stage="data",
        zorder=MAP_ZORDER, gid=gid("map"),
    )  # fmt: skip
    image.set_clip_path(interp.region, ax.transData)  # antialiased, as MNE's
    for part, (x, y) in head_outlines(sphere).items():
        ax.plot(x, y, color="k", linewidth=1, clip_on=False, zorder=OUTLINE_ZORDER,
                gid=None if k is None else f"outline-{k}-{part}")  # fmt: skip
    if sensors_fmt:
        fmt = sensors_fmt if isinstance(sensors_fmt, str) else "k."
        x, y = sensors.pos.T
        try:
            ax.plot(x, y, fmt, markersize=2.5, zorder=SENSOR_ZORDER, clip_on=False,
                    gid=gid("sensors"))  # fmt: skip
        except ValueError as err:
            raise ValueError(
                f"sensors must be a bool or a matplotlib format string such as "
                f"'k.' or 'wo'; got {fmt!r:.60} ({err})."
            ) from None
    return image


def mask_line(ax, mask_params, gid=None):
    """Add the (empty) markers of a map's significant channels."""
    params = {**MASK_PARAMS, **(mask_params or {})}
    params.update({} if gid is None else {"gid": gid})
    (line,) = ax.plot([], [], zorder=MASK_ZORDER, clip_on=False, **params)
    line.set_linestyle("none")
    return line


def contour_levels(table, n_lines):
    """Return ``n_lines`` contour levels evenly inside a table's limits."""
    return np.linspace(table.vmin, table.vmax, n_lines + 2)[1:-1]


def draw_contours(ax, interp, image, levels):
    """Draw a map's contour lines; None when none are asked or the map is flat."""
    if not len(levels) or np.nanmin(image) == np.nanmax(image):
        return None
    return ax.contour(interp.xi, interp.yi, image, levels=levels, colors="k",
                      linewidths=0.6, zorder=CONTOUR_ZORDER)  # fmt: skip


# -- the colour bars ------------------------------------------------------------


def colorbar_labels(units, positive, n_bars):
    """Return the colour bars' labels, e.g. ``'µV / SD (positive: right)'``.

    The one place they are decided, from ``Scene.units`` and
    ``Scene.positive`` (each one for all bars or one per bar).
    """
    units = units if isinstance(units, list) else [units] * n_bars
    positive = positive if isinstance(positive, list) else [positive] * n_bars
    labels = []
    for unit, name in zip(units, positive, strict=True):
        said = None if name is None else f"positive: {name}"
        labels.append(f"{unit} ({said})" if unit and said else unit or said)
    return labels


def draw_colorbars(fig, rects, tables, units, positive):
    """Draw one colour bar per table in ``rects``, labelled; return them."""
    labels = colorbar_labels(units, positive, len(tables))
    colorbars = []
    for rect, table, label in zip(rects, tables, labels, strict=True):
        mappable = ScalarMappable(norm=table.norm, cmap=table.listed_cmap)
        colorbars.append(fig.colorbar(mappable, cax=fig.add_axes(rect)))
        if label:
            colorbars[-1].set_label(label)
    return colorbars


def widen_for_colorbars(fig, colorbars, pad=0.05):
    """Widen ``fig`` to the right until its colour bars' ticks and labels fit.

    The layout leaves room for short tick labels; wide ones (``-0.0005``) or
    a long unit would be cut at the figure's edge. Axes and texts keep their
    place in inches; ``pad`` (inches) is left after the widest label.
    """
    if not colorbars:
        return
    renderer = fig.canvas.get_renderer()
    right = max(cb.ax.get_tightbbox(renderer).x1 for cb in colorbars) / fig.dpi
    old = fig.get_figwidth()
    if right + pad <= old:
        return
    new = right + pad
    boxes = [ax.get_position() for ax in fig.axes]
    fig.set_figwidth(new)
    for ax, box in zip(fig.axes, boxes, strict=True):
        ax.set_position([box.x0 * old / new, box.y0, box.width * old / new, box.height])
    for text in fig.texts:
        x, y = text.get_position()
        text.set_position((x * old / new, y))


# -- the time -------------------------------------------------------------------


def fewest_decimals(fewest, most, good):
    """Return the fewest decimals from ``fewest`` that are ``good`` (else ``most``)."""
    return next((decimals for decimals in range(fewest, most) if good(decimals)), most)


def time_labels(times, unit):
    """Return each frame's time label, consecutive frames reading differently.

    Seconds get 3 decimals and milliseconds none, or the fewest more that
    tell consecutive frames apart (``"0.0005 s"`` at 2 kHz).
    """
    times = np.asarray(times, dtype=np.float64)
    if unit == "sample":  # no times given: never seconds
        return [f"sample {round(time):d}" for time in times]
    values = time_axis(times, unit)

    def labels(decimals):
        # "+ 0.0" turns the -0.0 of a time a hair below zero (e.g. from
        # np.linspace or np.arange) into 0.0, so no "-0.000 s" is shown;
        # np.round rounds as round() does each NumPy float, 30x faster
        rounded = (np.round(values, decimals) + 0.0).tolist()
        return [f"{v:0.{decimals}f} {unit}" for v in rounded]

    def distinct(decimals):
        shown = labels(decimals)
        return all(a != b for a, b in zip(shown, shown[1:], strict=False))

    return labels(fewest_decimals(*DECIMALS[unit], distinct))


def time_axis(times, unit):
    """Return the times in the unit a time axis shows (ms, or as they are)."""
    return np.asarray(times) * (1e3 if unit == "ms" else 1.0)


def time_axis_label(what, unit):
    """Return a time axis' label: ``'Time (s)'``, ``'Training time (ms)'``, ..."""
    if unit == "sample":
        return what.replace("time", "sample").replace("Time", "Sample")
    return f"{what} ({unit})"


class TimeLabel:
    """The frame's time: one monospaced text, right-aligned in ``width`` slots."""

    def __init__(self, ax, width, fontsize=LABEL_FONTSIZE):
        self.width, self._ax, self._fontsize = width, ax, fontsize
        font = get_font(findfont(FontProperties(family="monospace")))
        font.set_size(fontsize, 72)  # at 72 dpi, one pixel is one point
        self._advance = font.load_char(ord("0")).linearHoriAdvance / 65536  # pt
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

    def slot_texts(self):
        """Return one text per slot (not in the axes), for the compositor."""
        texts = []
        for slot, char in enumerate(self.text.get_text().rjust(self.width)):
            text = Text(0.0, 1.0, char, clip_on=False, **self._style(slot))
            text.set_figure(self._ax.figure)
            text.axes = self._ax
            text.set_clip_path(self._ax.patch)
            texts.append(text)
        return texts


# -- the score curve --------------------------------------------------------------


def draw_score_curve(ax, x, scores, *, note, xlabel):
    """Draw the mean score, its band, chance, the 0 line and the test's bar.

    ``note`` (what the curve and band are) goes in the top-right corner,
    clear of the curve.
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
    """Raise the y-axis' top until the note clears the curve, band and chance."""
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
    """Return the width of ``text``'s widest line at ``fontsize``, in points.

    The font's layout width (hinting aside, what a drawn text measures): the
    glyph outlines' extents measure the same within a few percent, 40 times
    slower (70 ms for a score note).
    """
    prop, layout = FontProperties(size=fontsize), TextToPath()
    return max(layout.get_text_width_height_descent(line, prop, ismath=False)[0]
               for line in text.split("\n"))  # fmt: skip


def draw_significance(ax, x, significant, label):
    """Draw a bar under the drawn curve at the ``significant`` times, labelled."""
    low, high = ax.get_ylim()
    total = (high - low) / (1 - STRIP - HEADROOM)
    strip = STRIP * total
    ax.set_ylim(low - strip, high + HEADROOM * total)
    ax.annotate(label, (NOTE_X, NOTE_Y), xycoords="axes fraction", xytext=(0, -9),
                textcoords="offset points", ha="right", va="top",
                fontsize=NOTE_FONTSIZE, color="0.3")  # fmt: skip
    # each run of significant times covers half a sample on either side
    # (clipped to the axis), so a single significant time gets a visible bar
    edges = np.concatenate([[x[0]], (x[1:] + x[:-1]) / 2, [x[-1]]])
    steps = np.diff(np.concatenate([[0], significant.astype(np.int8), [0]]))
    starts, stops = edges[steps == 1], edges[steps == -1]
    if len(starts):
        ax.hlines(np.full(len(starts), low - strip / 2), starts, stops, color="k",
                  linewidth=BAR_WIDTH)  # fmt: skip
