"""The figure on screen pauses on a click or space and steps with the arrow keys."""

from conftest import small_animation, time_label
from matplotlib.animation import FuncAnimation
from matplotlib.backend_bases import KeyEvent, MouseEvent


def _key(anim, key):
    canvas = anim.fig.canvas
    canvas.callbacks.process(
        "key_press_event", KeyEvent("key_press_event", canvas, key)
    )


def _click(anim):
    canvas = anim.fig.canvas
    event = MouseEvent("button_press_event", canvas, 10, 10, button=1)
    canvas.callbacks.process("button_press_event", event)


def _pauses(anim, monkeypatch):
    """Record the FuncAnimation's pause() and resume() calls, in order."""
    calls = []

    def recorded(name):
        method = getattr(anim.anim, name)

        def call():
            calls.append(name)
            return method()

        return call

    for name in ("pause", "resume"):
        monkeypatch.setattr(anim.anim, name, recorded(name))
    return calls


def _tick(anim):
    """One tick of the animation's timer: FuncAnimation shows its next frame."""
    for func, args, kwargs in anim.anim.event_source.callbacks:
        func(*args, **kwargs)


def _shown(anim):
    """The index of the frame the figure shows, read from its time label."""
    return anim.time_labels.index(time_label(anim))


def test_space_and_click_pause_and_resume(monkeypatch):
    anim = small_animation(5)
    assert anim.anim is not None  # made on first use (a window makes it at once)
    calls = _pauses(anim, monkeypatch)
    _key(anim, " ")
    assert calls == ["pause"]
    _key(anim, " ")
    assert calls == ["pause", "resume"]
    _click(anim)
    assert calls == ["pause", "resume", "pause"]
    _click(anim)
    assert calls == ["pause", "resume", "pause", "resume"]


def test_arrows_step_and_playback_goes_on_from_there(monkeypatch):
    anim = small_animation(12)
    assert anim.anim is not None
    calls = _pauses(anim, monkeypatch)
    _tick(anim)  # FuncAnimation's frame 0
    assert _shown(anim) == 0
    _key(anim, "right")  # pauses, then steps
    assert calls == ["pause"] and _shown(anim) == 1
    _key(anim, "shift+right")
    assert _shown(anim) == 11
    _key(anim, "right")  # wraps around
    assert _shown(anim) == 0
    _key(anim, "shift+left")
    assert _shown(anim) == 2
    _key(anim, "left")
    assert _shown(anim) == 1
    assert anim.time_labels[1] == "0.010 s"
    assert calls == ["pause"]  # stepping on while paused
    # playback resumes from the frame shown
    _key(anim, " ")
    assert calls == ["pause", "resume"]
    _tick(anim)  # FuncAnimation's frame 1
    assert _shown(anim) == 2


def test_an_animation_only_saved_draws_no_figure(tmp_path, monkeypatch):
    """On Agg nothing can play: no FuncAnimation, no full draw at build."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    draws = []
    original = FigureCanvasAgg.draw

    def counted(self, *args, **kwargs):
        draws.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FigureCanvasAgg, "draw", counted)
    made = []
    init = FuncAnimation.__init__

    def recorded(self, *args, **kwargs):
        made.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(FuncAnimation, "__init__", recorded)
    anim = small_animation(5)
    assert draws == [] and made == []
    anim.save(tmp_path / "a.gif")
    assert made == []
    n_save_draws = len(draws)  # the compositor's probe renders
    assert 1 <= n_save_draws <= 4
    assert anim.anim is not None  # on first access, as before
    assert anim.anim is anim.anim and made == [anim.anim]
    assert len(draws) == n_save_draws + 2  # ours before it, and its blit set-up
