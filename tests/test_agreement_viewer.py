"""Agreement maps in the interactive viewer, in a real browser.

The browser, its fixture and helpers are those of ``test_viewer.py`` (skipped
when selenium, Chromium or chromedriver is missing, except on CI).
"""

from pathlib import Path

import numpy as np
import pytest
import test_viewer
from conftest import make_info, viewer_meta
from test_viewer import (
    DPI,
    ROOT,
    _canvas_rgb,
    _gif_frame,
    _hovered,
    _open,
    _pixel,
    _point_at,
    _read_interval,
    _tip,
    _wait,
)

from mne_coefanim import animate_coefs

browser = test_viewer.driver  # the headless Chromium fixture, shared

N_SUBJECTS, N_FRAMES = 6, 5


@pytest.fixture(scope="module")
def agreeing(tmp_path_factory):
    """Per-subject maps with a t panel and a sign fade, their viewers and GIFs."""
    info = make_info(n_channels=32)
    rng = np.random.default_rng(3)
    samples = rng.standard_normal((N_SUBJECTS, N_FRAMES, 32)) + np.linspace(0, 2, 32)
    folder = tmp_path_factory.mktemp("agreement")
    out = {}
    for display, measure in (("panel", "t"), ("fade", "sign")):
        anim = animate_coefs(
            samples,
            info,
            dims=("subjects", "times", "channels"),
            times=np.arange(N_FRAMES) / 100.0,
            res=48,
            dpi=DPI,
            units="µV",
            consistency=dict(kind=measure, display=display),
            show=False,
            verbose=False,
        )
        html = anim.save(folder / f"{display}.html")
        out[display] = anim, html, anim.save(folder / f"{display}.gif")
    return out


@pytest.mark.parametrize("display", ["panel", "fade"])
def test_viewer_shows_the_gif_frames(browser, agreeing, display):
    anim, html, gif = agreeing[display]
    browser.set_window_size(1200, 1000)  # two panels at twice dpi=50: room
    for k in (0, 3):
        _open(browser, html, f"#t={k / 100:.3f}")
        _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '{k}'")
        np.testing.assert_array_equal(_canvas_rgb(browser), _gif_frame(gif, k))
    browser.save_screenshot(str(html.parent / f"{display}.png"))


def test_hover_on_the_t_panel_shows_t(browser, agreeing):
    anim, html, _ = agreeing["panel"]
    k, channel = 2, 20
    _open(browser, html, f"#t={k / 100:.3f}")
    _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '{k}'")
    for panel, unit in ((0, "µV"), (1, "t")):
        x, y = _pixel(anim, anim.map_axes[panel], anim.sensors.pos[channel])
        _point_at(browser, x, y).perform()
        tip = f"return {ROOT}.querySelector('.cav-tip').textContent"
        name, value = browser.execute_script(tip).split("\n")[-1].split(": ")
        number, shown_unit = value.split(" ")
        assert name == anim.sensors.ch_names[channel] and shown_unit == unit
        expected = anim.values[panel, k, channel]
        assert float(number) == pytest.approx(expected, abs=1e-3 * abs(expected) + 1e-3)


@pytest.mark.parametrize("display", ["panel", "fade"])
def test_hover_reads_the_drawn_pixel_of_each_table(browser, agreeing, display):
    """Per-panel tables (the t panel's own limits) and faded twins (the
    graded fade): the tip's interval is the pixel's level in its table."""
    anim, html, _ = agreeing[display]
    k, channel = 3, 20
    pos = anim.sensors.pos
    page = Path(html).read_text(encoding="utf-8")
    meta = viewer_meta(page)
    tables = meta["tables"]  # [offset, n_levels, edges] of each colour table
    vlims = anim.vlim if isinstance(anim.vlim, list) else [anim.vlim]
    other = np.argsort(np.linalg.norm(pos - pos[channel], axis=1))[1]
    frame = list(anim.iter_frames(dpi=DPI))[k]
    _open(browser, html, f"#t={k / 100:.3f}")
    _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '{k}'")
    for panel in range(len(anim.map_axes)):
        x, y = _pixel(anim, anim.map_axes[panel], (pos[channel] + pos[other]) / 2)
        _point_at(browser, x, y).perform()
        _wait(browser, f"return {ROOT}.querySelector('.cav-tip').textContent"
              ".startsWith('map ')")  # fmt: skip
        text = _tip(browser)
        px, py = _hovered(browser)
        low, high, decimals, _ = _read_interval(text)
        index = int(frame[py, px])
        # the page's table of that colour: levels evenly dividing a panel's vlim
        offset, n_levels, edges = next(t for t in tables
                                       if t[0] <= index < t[0] + t[1])  # fmt: skip
        assert any(np.allclose(edges, np.linspace(*vlim, n_levels + 1))
                   for vlim in vlims)  # fmt: skip
        level = index - offset
        assert abs(low - edges[level]) <= 0.5 * 10.0**-decimals
        assert abs(high - edges[level + 1]) <= 0.5 * 10.0**-decimals
