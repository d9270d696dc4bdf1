"""The butterfly panel's data: every channel's time course, as the map draws it.

``butterfly=True`` draws, under each map, the values that map interpolates
(after averaging, transform and display scaling: the colour bar's units),
limited to the colour bar's limits so that one scale serves both, with the
significant stretches of ``mask`` marked. Its own module: the scene's
modules are full, and the score panel's (``_panels``) is about scores.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ButterflyPanel:
    """Each map panel's channel time courses, drawn under its map.

    ``traces[p]`` is panel ``p``'s ``(n_times, n_channels)`` values, the
    scene's own; ``marked[p]`` where its channels are significant (the
    mask), or None; ``vlim[p]`` its colour table's limits, the y-axis'.
    """

    traces: np.ndarray  # (n_panels, n_times, n_channels)
    marked: np.ndarray | None  # (n_panels, n_times, n_channels) bool
    vlim: tuple  # ((vmin, vmax), ...) one per panel
    ch_names: tuple


def butterfly_panel(scene):
    """Return the butterfly panel of ``scene``; refuse frequency rows.

    Parameters
    ----------
    scene : Scene
        The validated scene (its values, masks, colour tables and channels).

    Returns
    -------
    panel : ButterflyPanel
        One trace set per map panel.
    """
    if scene.n_rows > 1:
        raise ValueError(
            f"butterfly=True draws the channels' time courses under one row of "
            f"maps; got {scene.n_rows} frequency rows. Pick one frequency with "
            "coef_params=dict(fmin=..., fmax=...) (e.g. fmin=10, fmax=10), or "
            "pass butterfly=False."
        )
    vlim = tuple((float(t.vmin), float(t.vmax)) for t in scene.panel_tables)
    return ButterflyPanel(
        traces=scene.values, marked=scene.masks, vlim=vlim,
        ch_names=tuple(scene.sensors.ch_names),
    )  # fmt: skip
