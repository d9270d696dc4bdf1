"""Inline and HTML animations hold every frame within a stated size, or say so."""

import base64
import io
import re

import matplotlib as mpl
import numpy as np
import pytest
from conftest import small_animation
from PIL import Image

from mne_coefanim.io._html import thinning_note
from mne_coefanim.io._inline import MAX_INLINE_CHARS, MIN_INLINE_DPI, gif_html

N_FRAMES = 40
GIF_URI = re.compile(r'<img src="data:image/gif;base64,([A-Za-z0-9+/=]+)"')
FRAME_LINE = re.compile(r'^  frames\[\d+\] = "data:image/png;base64,', re.M)


@pytest.fixture(scope="module")
def anim():
    return small_animation(N_FRAMES)


def _gif(html):
    (data,) = GIF_URI.findall(html)
    return Image.open(io.BytesIO(base64.b64decode(data)))


def _durations(gif):
    durations = []
    for k in range(gif.n_frames):
        gif.seek(k)
        durations.append(gif.info["duration"])
    return durations


def _pixels(image):
    return np.asarray(image.convert("RGB"))


def test_thinning_note():
    assert thinning_note(4, 250, 1000, 10) == (
        "Every 4th frame shown (250 of 1000), at 2.5 fps to keep the duration"
    )
    assert [thinning_note(k, 1, 1, 1).split()[1] for k in (2, 3, 11, 21, 112)] == [
        "2nd", "3rd", "11th", "21st", "112th",
    ]  # fmt: skip


# -- _repr_html_ and reports: a GIF of at most max_chars ----------------------------


def test_inline_gif_thins_frames_over_budget(anim, capsys):
    budget = len(gif_html(anim, dpi=MIN_INLINE_DPI)) // 3
    html = gif_html(anim, max_chars=budget)
    assert len(html) <= budget  # bounded
    gif = _gif(html)
    step = N_FRAMES // gif.n_frames
    assert step >= 3 and gif.n_frames == len(range(0, N_FRAMES, step))
    # complete: the frames kept are frames 0, step, 2 step, ... at the same
    # duration in all
    assert sum(_durations(gif)) == pytest.approx(N_FRAMES * 100, abs=10 * step)
    full = Image.open(io.BytesIO(anim.to_gif_bytes(dpi=MIN_INLINE_DPI)))
    for k in (1, 2):
        gif.seek(k)
        full.seek(k * step)
        assert np.array_equal(_pixels(gif), _pixels(full))
    # and it says so, on the page and in the log
    note = thinning_note(step, gif.n_frames, N_FRAMES, anim.fps)
    assert note.startswith(f"Every {step}")
    assert re.search(f"<figcaption[^>]*>{re.escape(note)}", html)
    assert note in capsys.readouterr().out


def test_inline_gif_that_cannot_fit_raises(anim):
    with pytest.raises(ValueError, match=r"cannot be kept under 1e-06 MB: 1 frame"):
        gif_html(anim, max_chars=1)
    with pytest.raises(ValueError, match=r"anim.save\('anim.gif'\).*tmin/tmax"):
        gif_html(anim, dpi=60, max_chars=100)


def test_repr_html_within_budget_is_every_frame(anim):
    html = anim._repr_html_()
    assert len(html) <= MAX_INLINE_CHARS
    assert html.startswith("<img ") and _gif(html).n_frames == N_FRAMES


def test_to_gif_bytes_step(anim):
    gif = Image.open(io.BytesIO(anim.to_gif_bytes(step=3)))
    assert gif.n_frames == 14  # 0, 3, ..., 39
    assert set(_durations(gif)) == {300}
    with pytest.raises(ValueError, match="step must be >= 1"):
        anim.to_gif_bytes(step=0)


# -- the HTML page: at most rcParams['animation.embed_limit'] -------------------------


def _interval(page):
    """The player's frame interval in ms."""
    found = re.search(r"new Animation\(frames, img_id, slider_id, ([\d.]+),", page)
    return float(found.group(1))


def _page_frames(page):
    return len(FRAME_LINE.findall(page))


def test_html_page_holds_every_frame_within_the_limit(anim):
    page = anim.to_html()
    assert _page_frames(page) == N_FRAMES
    assert "mne-coefanim-note" not in page
    assert len(page) <= mpl.rcParams["animation.embed_limit"] * 2**20


def test_html_page_thins_frames_over_the_limit(anim, tmp_path, capsys):
    frame = len(anim.to_html()) / N_FRAMES
    limit_mb = (20_000 + 12 * frame) / 2**20  # room for about 12 frames
    with mpl.rc_context({"animation.embed_limit": limit_mb}):
        page = anim.to_html(fps=8)
        path = anim.save(tmp_path / "anim.html")
    assert len(page) <= limit_mb * 2**20  # bounded
    n_kept = _page_frames(page)
    step = -(-N_FRAMES // n_kept)
    assert step > 1 and n_kept == len(range(0, N_FRAMES, step))  # complete
    # played at fps / step: the duration stays
    assert _interval(page) == 1000 // (8 / step)
    note = thinning_note(step, n_kept, N_FRAMES, 8)
    assert f'<p class="mne-coefanim-note">{note}' in page
    assert note in capsys.readouterr().out
    saved = path.read_text(encoding="utf-8")
    assert _page_frames(saved) == n_kept
    assert thinning_note(step, n_kept, N_FRAMES, anim.fps) in saved


def test_html_page_that_cannot_hold_one_frame_raises(anim, tmp_path):
    with mpl.rc_context({"animation.embed_limit": 0.001}):
        with pytest.raises(ValueError, match="One frame takes .* lower dpi"):
            anim.to_html()
        with pytest.raises(ValueError, match="One frame takes"):
            anim.save(tmp_path / "anim.html")
    assert list(tmp_path.iterdir()) == []


def test_html_page_follows_fps_and_dpi(anim):
    fast, slow = anim.to_html(fps=20), anim.to_html(fps=5)  # no stale page
    assert (_interval(fast), _interval(slow)) == (50, 200)
    assert len(anim.to_html(dpi=20)) < len(anim.to_html())
