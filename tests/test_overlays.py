"""The cursor and markers drawn once for all frames: the same frames, faster."""

import numpy as np
import pytest
from conftest import make_info

from mne_coefanim import animate_coefs
from mne_coefanim.viz import _compose
from mne_coefanim.viz._overlays import _spaced_groups


def _frames(anim, dpi, drawn_per_frame=False, monkeypatch=None):
    if drawn_per_frame:  # every artist drawn by matplotlib in every frame
        monkeypatch.setattr(
            _compose, "_overlay_inks",
            lambda layers, *a: (None, [None] * len(layers.mask_lines)),
        )  # fmt: skip
    frames = [frame.copy() for frame in anim.iter_frames(dpi=dpi)]
    monkeypatch.undo() if drawn_per_frame else None
    return frames


def _animation(n_times=40, **kwargs):
    rng = np.random.default_rng(3)
    info = make_info(n_channels=32)
    data = rng.standard_normal((n_times, 32))
    times = -0.1 + np.arange(n_times) / 100.0
    return animate_coefs(data, info, times=times, res=48, show=False, **kwargs)


@pytest.mark.parametrize("dpi", [40, 72, 100, 150])
@pytest.mark.parametrize("option", ["scores", "mask", "both", "ms"])
def test_frames_equal_the_artists_drawn_per_frame(option, dpi, monkeypatch):
    rng = np.random.default_rng(dpi)
    kwargs = {}
    if option in ("scores", "both", "ms"):
        kwargs.update(scores=0.5 + 0.1 * rng.standard_normal((6, 40)),
                      score_params=dict(chance=0.5))  # fmt: skip
    if option in ("mask", "both"):
        kwargs.update(mask=rng.random((40, 32)) > 0.6)
    if option == "ms":
        kwargs.update(time_unit="ms")
    anim = _animation(**kwargs)
    fast = _frames(anim, dpi)
    slow = _frames(anim, dpi, drawn_per_frame=True, monkeypatch=monkeypatch)
    assert len(fast) == len(slow) == 40
    for k, (a, b) in enumerate(zip(fast, slow, strict=True)):
        np.testing.assert_array_equal(a, b, err_msg=f"frame {k}")
    # the cursor and the markers did show: frames differ from one another
    assert not np.array_equal(fast[0], fast[20])


def test_the_overlays_are_stored_and_used(monkeypatch):
    rng = np.random.default_rng(0)
    anim = _animation(
        scores=rng.random((5, 40)),
        score_params=dict(chance=0.5),
        mask=rng.random((40, 32)) > 0.5,
    )
    made = []
    original = _compose._overlay_inks
    monkeypatch.setattr(_compose, "_overlay_inks",
                        lambda *a: made.append(original(*a)) or made[-1])  # fmt: skip
    list(anim.iter_frames())
    cursor, markers = made[0]
    assert cursor is not None and len(cursor) == 40
    assert all(len(pixels) > 0 for pixels, _ in cursor)
    assert markers[0] is not None and set(markers[0].keys) == set(range(32))


def test_touching_markers_are_drawn_per_frame(monkeypatch):
    """Markers whose boxes meet would blend differently cut out: not stored."""
    rng = np.random.default_rng(0)
    anim = _animation(mask=rng.random((40, 32)) > 0.5, mask_params=dict(markersize=40))
    made = []
    original = _compose._overlay_inks
    monkeypatch.setattr(_compose, "_overlay_inks",
                        lambda *a: made.append(original(*a)) or made[-1])  # fmt: skip
    frames = list(anim.iter_frames())
    assert made[0] == (None, [None])
    monkeypatch.undo()
    # and the frames still show the markers, drawn per frame
    assert not np.array_equal(frames[0], frames[1])


def test_cursor_positions_are_grouped_apart():
    x = np.linspace(0.0, 100.0, 500)
    groups = _spaced_groups(x, 9)
    assert sorted(np.concatenate(groups).tolist()) == list(range(500))
    for group in groups:
        assert len(group) <= 40
        assert np.diff(np.sort(x[group])).min() >= 9
