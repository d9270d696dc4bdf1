"""Pause and step the animation on screen, as MNE's ``animate_topomap`` does.

A click in the figure or the space bar pauses and resumes; the arrow keys
step one frame (with Shift, ten), pausing first.
"""

import matplotlib as mpl

STEPS = {"right": 1, "left": -1, "shift+right": 10, "shift+left": -10}


def can_play():
    """Whether matplotlib's backend can play an animation (not Agg, PDF, inline).

    Returns
    -------
    playable : bool
        True for a window or a notebook widget.
    """
    from matplotlib.backends import BackendFilter, backend_registry

    backend = mpl.get_backend().lower()
    still = backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE)
    return backend not in still and "inline" not in backend


class Playback:
    """Mouse and keyboard control of a matplotlib animation.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure whose canvas sends the events.
    anim : matplotlib.animation.Animation
        The animation to pause and resume.
    step : callable
        ``step(n)`` shows the frame ``n`` frames from the one shown (and
        makes playback go on from there).

    Attributes
    ----------
    paused : bool
        Whether the animation is paused.
    """

    def __init__(self, fig, anim, step):
        self.fig, self.anim, self.step = fig, anim, step
        self.paused = False
        self.cids = [
            fig.canvas.mpl_connect("key_press_event", self.on_key),
            fig.canvas.mpl_connect("button_press_event", self.on_click),
        ]

    def toggle(self):
        """Pause a playing animation, or resume a paused one."""
        if self.paused:
            self.anim.resume()
        else:
            self.anim.pause()
        self.paused = not self.paused

    def on_key(self, event):
        """Pause or resume on space; step on the arrow keys (Shift: by 10)."""
        if event.key == " ":
            self.toggle()
        elif event.key in STEPS:
            if not self.paused:
                self.toggle()
            self.step(STEPS[event.key])
            self.fig.canvas.draw_idle()

    def on_click(self, event):
        """Pause or resume on a click in the figure."""
        self.toggle()
