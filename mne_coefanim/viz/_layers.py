"""The figure's look, and what a frame compositor may read of the figure.

:class:`Look` holds the options that change how the figure looks, validated
once. :class:`FigureLayers` is the contract between the figure and the frame
compositor: the compositor reads these fields and calls these two functions,
and nothing else of the figure.
"""

from collections.abc import Callable
from dataclasses import dataclass, fields

from .._checks import check_int, check_option, check_type

TIME_UNITS = ("s", "ms")


@dataclass(frozen=True)
class Look:
    """How the figure looks (see :func:`mne_coefanim.animate_coefs`).

    Attributes
    ----------
    title : str | None
        The figure title.
    sensors : bool | str
        Draw the sensors, or a matplotlib format string for them.
    contours : int
        The number of contour lines per map.
    colorbar : bool
        Draw the colour bar(s).
    mask_params : dict | None
        Marker properties of the significant channels.
    time_unit : 's' | 'ms'
        The unit of the time label and axis.
    """

    title: object = None
    sensors: object = True
    contours: int = 0
    colorbar: bool = True
    mask_params: object = None
    time_unit: str = "s"

    @classmethod
    def from_params(cls, params):
        """Validate and build the look from animate_coefs' keywords (a dict)."""
        return cls.create(**{field.name: params[field.name] for field in fields(cls)})

    @classmethod
    def create(cls, *, title, sensors, contours, colorbar, mask_params, time_unit):
        """Validate the options and build the look."""
        check_option("time_unit", time_unit, TIME_UNITS)
        contours = check_int("contours", contours, minimum=0)
        check_type("sensors", sensors, (bool, str), "a bool or a format string")
        return cls(title, sensors, contours, colorbar, mask_params, time_unit)


@dataclass(frozen=True)
class FigureLayers:
    """What a frame compositor may read of a figure, and nothing else.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        The figure, drawn once; the compositor renders it at its own dpi.
    images : list of matplotlib.image.AxesImage
        One per panel: the maps, whose pixels the compositor draws itself.
    map_axes : list of matplotlib.axes.Axes
        The axes holding the maps.
    interp : ScalpInterpolator
        The map cells: ``res`` and ``inside`` (which image pixels are maps).
    palette_tables : list of ColorTable
        Every colour a map pixel can take (tables and their faded twins),
        their ``offset`` giving their palette indices.
    labels : list of str
        The time label of every frame.
    time_text : TimeLabel
        The time label: one text on screen; its ``slot_texts()`` give one
        text per character slot (each drawn once per character).
    marks_maps : bool
        Whether artists drawn over the maps change per frame (mask markers,
        contours).
    score_axes : matplotlib.axes.Axes | None
        The score panel, when a cursor moves in it.
    dynamic_artists : callable
        ``dynamic_artists()`` lists the artists that change per frame.
    set_dynamic : callable
        ``set_dynamic(index, masks=None, images=None)`` sets them for frame
        ``index`` (the maps are left alone).
    cursor : matplotlib.lines.Line2D | None
        The score panel's cursor when it is the panel's only moving artist
        (a vertical line), drawn once for all frames by the compositor.
    cursor_x : array, shape (n_frames,) | None
        The cursor's x (data units) in each frame.
    mask_lines : tuple of matplotlib.lines.Line2D
        Per panel, the markers of the significant channels.
    marker_pos : array, shape (n_channels, 2) | None
        The channels' positions, where the markers go.
    """

    fig: object
    images: list
    map_axes: list
    interp: object
    palette_tables: list
    labels: list
    time_text: object
    marks_maps: bool
    score_axes: object
    dynamic_artists: Callable
    set_dynamic: Callable
    cursor: object = None
    cursor_x: object = None
    mask_lines: tuple = ()
    marker_pos: object = None
