"""The viewer on real screens and for real readers, in headless Chromium.

Device pixel ratio 2, a short window, no JavaScript, scripts run from
``<head>``, reduced motion, keyboard, ARIA, touch, the PNG button and the loop
modes. The browser, its fixture and helpers are those of ``test_viewer.py``
(skipped when selenium, Chromium or chromedriver is missing, except on CI).
"""

import base64
import io
import re

import mne
import numpy as np
import pytest
import test_viewer
from conftest import make_info
from PIL import Image
from test_viewer import _canvas_rgb, _open, _pixel, _wait

from mne_coefanim import add_to_report, animate_coefs

browser = test_viewer.driver  # the headless Chromium fixture, shared
N_FRAMES = 8
ROOT = test_viewer.ROOT
VIEWERS = "document.querySelectorAll('[data-coefanim-viewer]')"


def _anim(n_frames=N_FRAMES, seed=0, **kwargs):
    info = make_info(n_channels=32)
    data = np.random.default_rng(seed).standard_normal((n_frames, 32))
    kwargs = dict(dict(res=32, dpi=50, show=False, verbose=False), **kwargs)
    return animate_coefs(data, info, times=np.arange(n_frames) / 100.0, **kwargs)


@pytest.fixture(scope="module")
def scored():
    """With a score panel, in ms, titled."""
    return _anim(scores=np.linspace(0.5, 0.9, N_FRAMES), score_params=dict(label="AUC"),
                 title="Patterns", time_unit="ms", units="µV")  # fmt: skip


@pytest.fixture
def viewport(browser):
    """Set the viewport (CSS px) and the device pixel ratio; reset after."""

    def emulate(width, height, dpr=1):
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": dpr,
            "mobile": False})  # fmt: skip

    yield emulate
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _frames_rgb(anim, dpi):
    return [anim.palette[frame] for frame in anim.iter_frames(dpi=dpi)]


def _attr(driver, name, root=ROOT):
    return driver.execute_script(f"return {root}.getAttribute('{name}')")


@pytest.mark.slow  # frames at dpi=200
def test_dpr_2_draws_a_dpi_200_frame_at_the_size_of_dpi_100(
    browser, viewport, scored, tmp_path
):
    viewport(900, 900, dpr=2)
    sizes = {}
    for dpi in (100, 200):
        path = scored.save(tmp_path / f"dpi{dpi}.html", dpi=dpi)
        _open(browser, path, "#t=30")
        _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '3'")
        css_w, css_h, width, height = browser.execute_script(
            f"const c = {ROOT}.querySelector('canvas'), b = c.getBoundingClientRect();"
            "return [b.width, b.height, c.width, c.height];"
        )
        assert (width, height) == (round(2 * css_w), round(2 * css_h))  # backing
        sizes[dpi] = css_w, css_h
        frame = _frames_rgb(scored, dpi)[3]
        if dpi == 200:  # the frame itself, pixel for pixel
            np.testing.assert_array_equal(_canvas_rgb(browser, whole=True), frame)
            browser.save_screenshot(str(tmp_path / "dpr2_dpi200.png"))
        else:  # each pixel a 2 x 2 block (checked by _canvas_rgb)
            np.testing.assert_array_equal(_canvas_rgb(browser), frame)
    # the same size on screen
    assert sizes[200] == pytest.approx(sizes[100], abs=1)


def _tf_anim():
    info = make_info(n_channels=32)
    data = np.random.default_rng(2).standard_normal((6, 32, 3))
    scores = np.linspace(0.5, 0.8, 18).reshape(3, 6)
    bands = [[4.0, 8.0], [8.0, 13.0], [13.0, 30.0]]
    return animate_coefs(data, info, dims="time, channel, freq",
                         coef_params=dict(freqs=bands),
                         times=np.arange(6) / 100.0, scores=scores, res=32,
                         show=False, verbose=False)  # fmt: skip


@pytest.mark.slow  # a 3-row figure at dpi=100
def test_three_rows_fit_a_short_window(browser, viewport, tmp_path):
    anim = _tf_anim()
    path = anim.save(tmp_path / "tf.html")
    natural = next(iter(anim.iter_frames())).shape[0]
    viewport(1000, 557)
    _open(browser, path, "#t=0.000")
    bottom, page, window, css_h = browser.execute_script(
        f"const r = {ROOT}, bar = r.querySelector('.cav-bar');"
        "return [bar.getBoundingClientRect().bottom,"
        " document.documentElement.scrollHeight, innerHeight,"
        " r.querySelector('canvas').getBoundingClientRect().height];"
    )
    assert natural > 1000  # the page was 1275 px tall
    assert bottom <= window and page <= window  # the controls: no scrolling
    assert css_h < window
    browser.save_screenshot(str(tmp_path / "three_rows.png"))
    # a wider window: as wide as the height allows, never past dpi=100
    viewport(1400, 2000)
    _wait(browser, f"return Math.abs({ROOT}.querySelector('canvas')"
          f".getBoundingClientRect().height - {natural}) < 1")  # fmt: skip


def test_without_javascript_the_poster_shows(browser, scored, tmp_path):
    path = scored.save(tmp_path / "poster.html")
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(path.as_uri())
        shown = browser.execute_script(
            "const r = document.querySelector('[data-coefanim-viewer]'),"
            " img = r.querySelector('.cav-poster img'),"
            " b = img.getBoundingClientRect();"
            "return [img.complete && img.naturalWidth, b.width, b.height,"
            " r.querySelector('.cav-live').getBoundingClientRect().height,"
            " r.querySelector('.cav-nojs').innerText, img.alt];"
        )
    except Exception:
        raise
    finally:
        browser.save_screenshot(str(tmp_path / "poster.png"))
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled",
                                {"value": False})  # fmt: skip
    frame = _frames_rgb(scored, 50)[0]
    natural, width, height, live, note, alt = shown
    assert natural == frame.shape[1]  # frame 0, at the saved dpi
    assert (width, height) == (2 * frame.shape[1], 2 * frame.shape[0])  # dpi=100
    assert live == 0  # the viewer's controls: hidden
    assert note.startswith("The interactive viewer needs JavaScript")
    assert alt == "Patterns: scalp map in µV, and the AUC over time, at 0 ms"
    # with scripts, the viewer takes its place
    _open(browser, path)
    assert browser.execute_script(
        f"return {ROOT}.querySelector('.cav-poster').getBoundingClientRect().height"
    ) == 0


def test_two_viewers_with_scripts_in_head_both_play(browser, tmp_path):
    """Scripts run from <head> (a classic notebook's way): each binds to its
    own root, whatever the order."""
    anims = [_anim(5, seed=1), _anim(7, seed=2)]
    heads, bodies = [], []
    for anim in anims:
        fragment = anim._repr_html_()
        code = re.search(r"<script>\(function\(\)\{.*?\}\)\(\);</script>", fragment,
                         re.S).group(0)  # fmt: skip
        heads.append(code)
        bodies.append(fragment.replace(code, ""))
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'>{''.join(heads)}"
            f"</head><body>{''.join(bodies)}</body></html>")  # fmt: skip
    path = tmp_path / "head.html"
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri())
    _wait(browser, f"return Array.from({VIEWERS}).every("
          "(v) => v.getAttribute('data-ready') === '1')")  # fmt: skip
    for k, anim in enumerate(anims):
        root = f"{VIEWERS}[{k}]"
        assert _attr(browser, "data-n-frames", root) == str(len(anim))
        if k:  # only the first autoplays
            browser.execute_script(f"{root}.querySelector('.cav-play').click()")
        _wait(browser, f"return {root}.getAttribute('data-frame') === '3'")
        browser.execute_script(f"{root}.querySelector('.cav-play').click()")
        _wait(browser, f"return {root}.getAttribute('data-playing') === '0'")
        frame = int(_attr(browser, "data-frame", root))
        np.testing.assert_array_equal(_canvas_rgb(browser, root),
                                      _frames_rgb(anim, 50)[frame])  # fmt: skip
    browser.save_screenshot(str(tmp_path / "two_viewers.png"))


def test_reduced_motion_does_not_autoplay(browser, scored, tmp_path):
    path = scored.save(tmp_path / "still.html")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-reduced-motion", "value": "reduce"}]})  # fmt: skip
    try:
        _open(browser, path)
        _wait(browser, f"return {ROOT}.getAttribute('data-in-view') === '1'")
        assert _attr(browser, "data-auto") == "0"
        assert _attr(browser, "data-playing") == "0"
        assert _attr(browser, "data-frame") == "0"
        browser.execute_script(f"{ROOT}.querySelector('.cav-play').click()")
        _wait(browser, f"return {ROOT}.getAttribute('data-frame') !== '0'")  # asked
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    _open(browser, path)
    assert _attr(browser, "data-auto") == "1"


def test_aria_and_focus_ring(browser, scored, tmp_path):
    from selenium.webdriver.common.keys import Keys

    path = scored.save(tmp_path / "aria.html")
    _open(browser, path, "#t=40")
    _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '4'")
    labels = browser.execute_script(
        f"return Array.from({ROOT}.querySelectorAll('button, input, select'))"
        ".map((e) => e.getAttribute('aria-label'))"
    )
    assert labels == ["play", "previous frame", "next frame", "time",
                      "playback speed", "at the end", "save this frame as PNG"]
    slider = f"{ROOT}.querySelector('.cav-slider')"
    play = f"{ROOT}.querySelector('.cav-play')"
    text = browser.execute_script(f"return {slider}.getAttribute('aria-valuetext')")
    assert text == "40 ms"
    label = browser.execute_script(f"return {ROOT}.querySelector('.cav-label')"
                                   ".getAttribute('aria-live')")  # fmt: skip
    assert label == "polite"
    assert browser.execute_script(f"return {play}.getAttribute('aria-pressed')") == (
        "false")
    canvas = browser.execute_script(f"const c = {ROOT}.querySelector('canvas');"
                                    "return [c.getAttribute('role'), "
                                    "c.getAttribute('aria-label')];")  # fmt: skip
    alt = "Patterns: scalp map in µV, and the AUC over time, at 40 ms"
    assert canvas == ["img", alt]
    browser.execute_script(f"{play}.click()")
    _wait(browser, f"return {play}.getAttribute('aria-pressed') === 'true'")
    browser.execute_script(f"{play}.click()")
    _wait(browser, f"return {play}.getAttribute('aria-pressed') === 'false'")
    # the keyboard's focus shows: a ring on the focused control
    browser.execute_script("document.activeElement.blur(); window.focus();")
    test_viewer._keys(browser, Keys.TAB, Keys.TAB)  # the viewer, then play
    focused = browser.execute_script("return document.activeElement.className")
    assert focused == "cav-play"
    ring = browser.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return [s.outlineStyle, s.outlineWidth];"
    )
    assert ring == ["solid", "2px"]
    browser.save_screenshot(str(tmp_path / "focus_ring.png"))


def test_focused_buttons_keep_space_and_enter_arrows_step(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    masked = _anim(mask=np.random.default_rng(3).random((N_FRAMES, 32)) > 0.6)
    path = masked.save(tmp_path / "keys.html")
    _open(browser, path, "#t=0.020")
    _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '2'")
    browser.execute_script(f"{ROOT}.querySelector('.cav-next').focus()")
    test_viewer._keys(browser, Keys.SPACE)  # presses the button: one step
    _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '3'")
    test_viewer._keys(browser, Keys.ENTER)
    _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '4'")
    assert _attr(browser, "data-playing") == "0"
    box = f"{ROOT}.querySelector('.cav-mask')"
    browser.execute_script(f"{box}.focus()")
    test_viewer._keys(browser, Keys.ARROW_RIGHT)  # the checkbox focused: steps
    _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '5'")
    test_viewer._keys(browser, Keys.SPACE)  # toggles the box, as a box does
    _wait(browser, f"return {ROOT}.getAttribute('data-markers') === '0'")
    assert _attr(browser, "data-playing") == "0"
    test_viewer._keys(browser, Keys.ARROW_LEFT)
    _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '4'")


def _saved_png(browser, press):
    """Click the PNG button (or press s); return the PNG the download holds."""
    browser.execute_script(
        "window.__png = null; const made = URL.createObjectURL, blobs = new Map();"
        "URL.createObjectURL = (b) => {"
        " const u = made(b); blobs.set(u, b); return u; };"
        "HTMLAnchorElement.prototype.click = function () {"
        " const name = this.download, f = new FileReader();"
        " f.onload = () => { window.__png = [name, f.result]; };"
        " f.readAsDataURL(blobs.get(this.href)); };"
    )
    press()
    _wait(browser, "return window.__png !== null")
    name, url = browser.execute_script("return window.__png")
    with Image.open(io.BytesIO(base64.b64decode(url.partition(",")[2]))) as image:
        assert image.format == "PNG"
        return name, np.asarray(image.convert("RGB"))


def test_png_button_and_key_save_the_frame(browser, scored, tmp_path):
    path = scored.save(tmp_path / "png.html")
    frames = _frames_rgb(scored, 50)
    _open(browser, path, "#t=50")
    _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '5'")
    name, png = _saved_png(browser, lambda: browser.execute_script(
        f"{ROOT}.querySelector('.cav-png').click()"))  # fmt: skip
    assert name == "Patterns_50ms.png"
    np.testing.assert_array_equal(png, frames[5])  # the frame, not the display
    from selenium.webdriver.common.keys import Keys

    test_viewer._keys(browser, Keys.ARROW_RIGHT)
    _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '6'")
    name, png = _saved_png(browser, lambda: test_viewer._keys(browser, "s"))
    assert name == "Patterns_60ms.png"
    np.testing.assert_array_equal(png, frames[6])


def _played(browser, count):
    """Record the frames shown from now on; return the first ``count``."""
    browser.execute_script(
        f"window.__seen = []; new MutationObserver(() => window.__seen.push("
        f"Number({ROOT}.getAttribute('data-frame')))).observe({ROOT}, "
        "{attributes: true, attributeFilter: ['data-frame']});"
    )
    browser.execute_script(f"{ROOT}.querySelector('.cav-speed').value = '4';"
                           f"{ROOT}.querySelector('.cav-play').click()")  # fmt: skip
    _wait(browser, f"return window.__seen.length >= {count} || "
          f"{ROOT}.getAttribute('data-playing') === '0'")  # fmt: skip
    return browser.execute_script("return window.__seen")[:count]


@pytest.mark.parametrize("loop", ["once", "reflect"])
def test_loop_modes(browser, tmp_path, loop):
    anim = _anim(5)
    path = anim.save(tmp_path / "loop.html", loop=loop)
    _open(browser, path, "#t=0.000")
    mode = browser.execute_script(f"return {ROOT}.querySelector('.cav-loop').value")
    assert mode == loop
    seen = _played(browser, 12)
    if loop == "once":  # to the last frame, then stops there
        _wait(browser, f"return {ROOT}.getAttribute('data-playing') === '0'")
        assert seen == [1, 2, 3, 4]
        assert browser.execute_script(f"return {ROOT}.querySelector('.cav-play')"
                                      ".getAttribute('aria-pressed')") == "false"
    else:  # there and back
        assert seen == [1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4]
    browser.execute_script(f"{ROOT}.querySelector('.cav-play').click()")


def _pointer(browser, kind, anim, ax, xy, pointer_type="touch"):
    """Dispatch a pointer event at data point ``xy`` of ``ax``."""
    x, y = _pixel(anim, ax, xy)
    browser.execute_script(
        f"const c = {ROOT}.querySelector('canvas'), b = c.getBoundingClientRect(),"
        f" s = {ROOT}.getAttribute('data-frame-size').split(',').map(Number);"
        f"c.dispatchEvent(new PointerEvent('{kind}', {{bubbles: true, pointerId: 7,"
        f" pointerType: '{pointer_type}', isPrimary: true,"
        f" clientX: b.left + {x} * b.width / s[0],"
        f" clientY: b.top + {y} * b.height / s[1]}}));"
    )


def test_touch_scrubs_the_scores_and_holds_for_a_value(browser, scored, tmp_path):
    path = scored.save(tmp_path / "touch.html")
    _open(browser, path, "#t=0")
    score, sensors = scored.score_axes, scored.sensors
    _pointer(browser, "pointerdown", scored, score, (60, 0.6))
    _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '6'")
    for k in (4, 2):  # dragging along the panel
        _pointer(browser, "pointermove", scored, score, (10 * k, 0.6))
        _wait(browser, f"return {ROOT}.getAttribute('data-frame') === '{k}'")
    _pointer(browser, "pointerup", scored, score, (20, 0.6))
    _pointer(browser, "pointermove", scored, score, (60, 0.6))  # released: stays
    assert _attr(browser, "data-frame") == "2"
    # a finger held on a sensor: its name and value
    ax = scored.map_axes[0]
    _pointer(browser, "pointerdown", scored, ax, sensors.pos[13])
    name = sensors.ch_names[13]
    _wait(browser, f"return {ROOT}.querySelector('.cav-tip').textContent"
          f".split('\\n').pop().startsWith('{name}: ')")  # fmt: skip
    _pointer(browser, "pointerup", scored, ax, sensors.pos[13])
    browser.execute_script(f"{ROOT}.querySelector('canvas').click()")  # the tap's end
    assert _attr(browser, "data-playing") == "0"  # did not start playing
    assert name in browser.execute_script(
        f"return {ROOT}.querySelector('.cav-tip').textContent")
    browser.save_screenshot(str(tmp_path / "touch_hold.png"))


def _spaced_page(tmp_path, fragments):
    """Fragments one under the other, a screen apart."""
    gap = "<div style='height: 1500px'></div>"
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
            + gap.join(fragments) + gap + "</body></html>")  # fmt: skip
    path = tmp_path / "spaced.html"
    path.write_text(page, encoding="utf-8")
    return path


def test_off_screen_pauses_and_resumes(browser, tmp_path):
    anim = _anim(6)
    browser.get(_spaced_page(tmp_path, [anim._repr_html_()]).as_uri())
    _wait(browser, f"return {ROOT}.getAttribute('data-playing') === '1'")
    browser.execute_script("window.scrollTo(0, 3000)")
    _wait(browser, f"return {ROOT}.getAttribute('data-playing') === '0'")
    frame = _attr(browser, "data-frame")
    assert _attr(browser, "data-in-view") == "0"
    pressed = browser.execute_script(f"return {ROOT}.querySelector('.cav-play')"
                                     ".getAttribute('aria-pressed')")  # fmt: skip
    assert pressed == "true"  # it still wants to play
    assert _attr(browser, "data-frame") == frame  # paused
    browser.execute_script("window.scrollTo(0, 0)")
    _wait(browser, f"return {ROOT}.getAttribute('data-playing') === '1'")
    # a hidden tab (the page says so): pauses, and plays on when shown
    for hidden, playing in ((True, "0"), (False, "1")):
        browser.execute_script("Object.defineProperty(document, 'hidden', {value: "
                               f"{str(hidden).lower()}, configurable: true}});"
                               "document.dispatchEvent(new Event('visibilitychange'));")
        _wait(browser, f"return {ROOT}.getAttribute('data-playing') === '{playing}'")
    # paused by the reader: stays paused when back in view
    browser.execute_script(f"{ROOT}.querySelector('.cav-play').click()")
    browser.execute_script("window.scrollTo(0, 3000)")
    _wait(browser, f"return {ROOT}.getAttribute('data-in-view') === '0'")
    browser.execute_script("window.scrollTo(0, 0)")
    _wait(browser, f"return {ROOT}.getAttribute('data-in-view') === '1'")
    assert _attr(browser, "data-playing") == "0"


@pytest.mark.slow  # three animations in a report
def test_report_entries_autoplay_one_at_a_time(browser, tmp_path):
    """Of the entries in view, the first autoplays; scrolled past, the next."""
    report = mne.Report(title="Decoding")
    for k in range(3):
        add_to_report(report, _anim(6, seed=k), title=f"Patterns {k}", dpi=40)
    path = tmp_path / "report.html"
    report.save(path, open_browser=False, verbose=False)
    browser.get(path.as_uri())
    _wait(browser, f"return Array.from({VIEWERS}).every("
          "(v) => v.getAttribute('data-in-view') !== null)")  # fmt: skip
    _wait(browser, f"return {VIEWERS}[0].getAttribute('data-playing') === '1'")
    states = browser.execute_script(f"return Array.from({VIEWERS}).map((v) => "
                                    "v.getAttribute('data-playing'))")  # fmt: skip
    assert states[1:] == ["0", "0"]
    browser.save_screenshot(str(tmp_path / "report_one_plays.png"))
    # the first scrolled out of view: it pauses, the next in view plays
    browser.execute_script(f"const b = {VIEWERS}[0].getBoundingClientRect();"
                           "window.scrollBy(0, b.bottom + 5);")  # fmt: skip
    _wait(browser, f"return {VIEWERS}[0].getAttribute('data-in-view') === '0'")
    _wait(browser, f"return {VIEWERS}[1].getAttribute('data-playing') === '1'")
    assert _attr(browser, "data-playing", f"{VIEWERS}[0]") == "0"
