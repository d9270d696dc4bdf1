"""The figure on screen pauses on a click or space and steps with the arrow keys."""

from conftest import small_animation
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


def test_space_and_click_pause_and_resume():
    anim = small_animation(5)
    assert anim.anim is not None  # made on first use (a window makes it at once)
    playback = anim._playback
    _key(anim, " ")
    assert playback.paused
    _key(anim, " ")
    assert not playback.paused
    _click(anim)
    assert playback.paused
    _click(anim)
    assert not playback.paused


def test_arrows_step_and_playback_goes_on_from_there():
    anim = small_animation(12)
    assert anim.anim is not None
    anim._play(0)
    _key(anim, "right")  # pauses, then steps
    assert anim._playback.paused and anim._shown == 1
    _key(anim, "shift+right")
    assert anim._shown == 11
    _key(anim, "right")  # wraps around
    assert anim._shown == 0
    _key(anim, "shift+left")
    assert anim._shown == 2
    _key(anim, "left")
    assert anim._shown == 1
    assert anim.time_labels[1] == "0.010 s"
    # playback resumes from the frame shown
    _key(anim, " ")
    anim._play(1)
    assert anim._shown == 2


def test_an_animation_only_saved_draws_no_figure(tmp_path, monkeypatch):
    """On Agg nothing can play: no FuncAnimation, no full draw at build."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    draws = []
    original = FigureCanvasAgg.draw

    def counted(self, *args, **kwargs):
        draws.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FigureCanvasAgg, "draw", counted)
    anim = small_animation(5)
    assert draws == [] and anim._anim is None
    anim.save(tmp_path / "a.gif")
    assert anim._anim is None
    n_save_draws = len(draws)  # the compositor's probe renders
    assert 1 <= n_save_draws <= 4
    assert anim.anim is not None  # on first access, as before
    assert anim.anim is anim.anim
    assert len(draws) == n_save_draws + 2  # ours before it, and its blit set-up
