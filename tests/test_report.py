import base64
import io
import re

import mne
import pytest
from conftest import small_animation
from PIL import Image

from mne_coefanim.io._inline import MIN_INLINE_DPI, add_to_report, gif_html

N_FRAMES = 6
GIF_URI = re.compile(r'<img src="data:image/gif;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture(scope="module")
def anim():
    """One small animation for the module (building it is the slow part)."""
    return small_animation(N_FRAMES)


def _gifs(html):
    """Decode every inline GIF of an HTML text."""
    return [Image.open(io.BytesIO(base64.b64decode(m))) for m in GIF_URI.findall(html)]


def test_repr_html_is_the_saved_gif(anim, tmp_path):
    html = anim._repr_html_()
    assert html.startswith("<img ") and html.endswith("/>")
    (gif,) = _gifs(html)
    assert gif.format == "GIF"
    assert gif.n_frames == N_FRAMES == len(anim)
    # the same bytes as the file save() writes: same look everywhere
    saved = anim.save(tmp_path / "a.gif").read_bytes()
    assert base64.b64decode(GIF_URI.findall(html)[0]) == saved


def test_gif_html_lowers_dpi_over_budget(anim):
    full = gif_html(anim)
    (big,) = _gifs(full)
    budget = len(gif_html(anim, dpi=MIN_INLINE_DPI)) + 100
    small_html = gif_html(anim, max_chars=budget)
    assert len(small_html) <= budget < len(full)
    assert small_html.startswith("<img ")  # every frame: no caption
    (small,) = _gifs(small_html)
    assert small.n_frames == N_FRAMES
    assert small.size[0] < big.size[0] and small.size[1] < big.size[1]


def test_gif_html_dpi_floor_and_explicit_dpi(anim):
    (at_floor,) = _gifs(gif_html(anim, dpi=MIN_INLINE_DPI))
    floor_html = gif_html(anim, max_chars=len(gif_html(anim, dpi=MIN_INLINE_DPI)) // 2)
    (floor,) = _gifs(floor_html)
    assert floor.size == at_floor.size and floor.n_frames < N_FRAMES
    # an explicit dpi is kept even over the budget: fewer frames instead
    reference_html = gif_html(anim, dpi=60)
    (reference,) = _gifs(reference_html)
    explicit_html = gif_html(anim, dpi=60, max_chars=len(reference_html) // 2)
    (explicit,) = _gifs(explicit_html)
    assert explicit.size == reference.size and explicit.n_frames < N_FRAMES
    assert explicit.size[0] > floor.size[0]


def test_add_to_report_saves_inline_gif(anim, tmp_path):
    report = mne.Report(title="Decoding")
    add_to_report(report, anim, title="Patterns", section="Group", tags=("anim",))
    report.save(tmp_path / "report.html", open_browser=False, verbose=False)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    (gif,) = _gifs(html)
    assert gif.n_frames == N_FRAMES
    assert "Patterns" in html and "Group" in html
    assert 'data-mne-tag="anim"' in html


def test_method_and_replace(anim, tmp_path):
    report = mne.Report()
    anim.add_to_report(report, title="Patterns", dpi=30)
    anim.add_to_report(report, title="Patterns", dpi=30)  # a duplicate entry
    anim.add_to_report(report, title="Again", fps=5, dpi=30)
    anim.add_to_report(report, title="Again", fps=5, dpi=30, replace=True)
    report.save(tmp_path / "r.html", open_browser=False, verbose=False)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    gifs = _gifs(html)
    assert len(gifs) == 3  # "Patterns" twice, "Again" replaced in place
    assert all(gif.n_frames == N_FRAMES for gif in gifs)
    assert gifs[0].info["duration"] == 100 and gifs[2].info["duration"] == 200


def test_add_to_report_errors(anim):
    report = mne.Report()
    with pytest.raises(TypeError, match="report must be an mne.Report; got str"):
        add_to_report("report.html", anim, title="x")
    with pytest.raises(TypeError, match="anim must be a CoefAnimation"):
        add_to_report(report, anim.fig, title="x")
    with pytest.raises(TypeError, match="title must be a str; got int"):
        add_to_report(report, anim, title=3)
    with pytest.raises(ValueError, match="fps must be > 0"):
        add_to_report(report, anim, title="x", fps=0)
    with pytest.raises(TypeError, match="dpi must be a number; got str"):
        add_to_report(report, anim, title="x", dpi="high")
