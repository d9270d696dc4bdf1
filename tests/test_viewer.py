"""The interactive viewer in a real browser (headless Chromium through selenium).

Skipped when selenium, Chromium or chromedriver is missing, except on CI
(``CI=true``), where a missing browser fails: CI installs them.
"""

import base64
import os
import shutil
import time

import mne
import numpy as np
import pytest
from conftest import make_info
from PIL import Image

from mne_coefanim import add_to_report, animate_coefs

N_FRAMES, DPI = 12, 50
N_LEVELS = 192  # the map's colours (one shared table)
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ROOT = "document.querySelector('[data-coefanim-viewer]')"


def _missing(why):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{why}; CI must run the browser tests (see .ci/run)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def driver():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed")
    binary = shutil.which("chromium") or CHROMIUM
    chromedriver = shutil.which("chromedriver") or CHROMEDRIVER
    if not (os.path.exists(binary) and os.path.exists(chromedriver)):
        _missing("chromium or chromedriver is not installed")
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--window-size=900,1000",
                "--disable-gpu", "--force-color-profile=srgb"):  # fmt: skip
        options.add_argument(arg)
    options.binary_location = binary
    browser = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def anim():
    info = make_info(n_channels=32)
    data = np.random.default_rng(0).standard_normal((N_FRAMES, 32))
    scores = np.linspace(0.4, 0.9, N_FRAMES)
    return animate_coefs(
        data,
        info,
        times=np.arange(N_FRAMES) / 100.0,
        res=48,
        dpi=DPI,
        scores=scores,
        score_params=dict(label="AUC"),
        units="µV",
        show=False,
        verbose=False,
    )


@pytest.fixture(scope="module")
def files(anim, tmp_path_factory):
    folder = tmp_path_factory.mktemp("viewer")
    return anim.save(folder / "anim.html"), anim.save(folder / "anim.gif")


def _open(driver, path, fragment=""):
    driver.get(path.as_uri() + fragment)
    return _wait(driver, f"return {ROOT}.getAttribute('data-ready') === '1'")


def _wait(driver, script, timeout=60.0):  # only a failure waits that long
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if driver.execute_script(script):
            return True
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for: {script}")


def _frame(driver):
    return int(driver.execute_script(f"return {ROOT}.getAttribute('data-frame')"))


def _keys(driver, *keys):
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def _canvas_rgb(driver, root=ROOT, whole=False):
    """The canvas pixels, read with getImageData, as an RGB array.

    A canvas whose backing store is a whole multiple ``f`` of the frame (a
    frame under dpi=100 shown at the size of dpi=100) holds each frame pixel
    as an f x f block: checked, and one pixel per block returned (unless
    ``whole``).
    """
    data, width, height, size = driver.execute_script(
        f"const r = {root}, c = r.querySelector('canvas');"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let s = ''; for (let i = 0; i < d.length; i += 8192) "
        "s += String.fromCharCode.apply(null, d.subarray(i, i + 8192));"
        "return [btoa(s), c.width, c.height, r.getAttribute('data-frame-size')];"
    )
    rgba = np.frombuffer(base64.b64decode(data), np.uint8).reshape(height, width, 4)
    assert (rgba[..., 3] == 255).all()
    factor = width / int(size.split(",")[0])
    if whole or factor == 1 or factor != round(factor):
        return rgba[..., :3]
    factor = round(factor)
    blocks = rgba[::factor, ::factor, :3]
    assert (height, width) == (blocks.shape[0] * factor, blocks.shape[1] * factor)
    np.testing.assert_array_equal(
        np.repeat(np.repeat(blocks, factor, axis=0), factor, axis=1), rgba[..., :3]
    )
    return blocks


def _gif_frame(path, k):
    with Image.open(path) as gif:
        gif.seek(k)
        return np.asarray(gif.convert("RGB"))


def _pixel(anim, ax, xy):
    """Data coordinates of ``ax`` -> frame pixels (x right, y down) at DPI."""
    dpi = anim.fig.dpi
    anim.fig.set_dpi(DPI)
    try:
        x, y = ax.transData.transform(xy)
        height = int(anim.fig.get_size_inches()[1] * DPI)
        return x, height - y
    finally:
        anim.fig.set_dpi(dpi)


def _point_at(driver, x, y):
    """Move the mouse to frame pixel (x, y) of the canvas."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    canvas = driver.find_element(By.CSS_SELECTOR, "[data-coefanim-viewer] canvas")
    width, height, css_w, css_h = driver.execute_script(
        "const c = arguments[0], b = c.getBoundingClientRect();"
        "const s = c.closest('[data-coefanim-viewer]').getAttribute('data-frame-size');"
        "return s.split(',').map(Number).concat([b.width, b.height]);",
        canvas,
    )
    # the middle of frame pixel (x, y), from the element's centre
    dx = round((int(x) + 0.5) * css_w / width - css_w / 2)
    dy = round((int(y) + 0.5) * css_h / height - css_h / 2)
    ActionChains(driver).move_to_element_with_offset(canvas, dx, dy).perform()
    return ActionChains(driver)


def _tip(driver):
    return driver.execute_script(f"return {ROOT}.querySelector('.cav-tip').textContent")


def _hovered(driver):
    """The frame pixel (x, y) the viewer read on the last hover."""
    x, y = driver.execute_script(f"return {ROOT}.getAttribute('data-pixel')").split(",")
    return int(x), int(y)


def _level_edges(anim, index):
    """The value interval of a palette index (one shared, linear colour table)."""
    vmin, vmax = anim.vlim
    edges = np.linspace(vmin, vmax, N_LEVELS + 1)
    return edges[index], edges[index + 1]


def _read_interval(text):
    """``'map -0.52 to -0.47 µV'`` -> (-0.52, -0.47, decimals, unit)."""
    first = text.split("\n")[0]
    assert first.startswith("map "), text
    low, _, rest = first[4:].partition(" to ")
    high, unit = rest.split(" ")
    return float(low), float(high), len(low.partition(".")[2]), unit


def test_hover_reads_the_drawn_pixel(driver, files, anim):
    """Between two sensors the tip gives the interval the pixel's colour
    encodes (its palette level in the composed frame), which holds the
    interpolated value there; then the nearest channel; outside the head,
    nothing."""
    k, channel = 4, 13
    pos = anim.sensors.pos
    other = np.argsort(np.linalg.norm(pos - pos[channel], axis=1))[1]
    frame = list(anim.iter_frames(dpi=DPI))[k]
    image = anim.interp(anim.values[0, k])  # the interpolated map, res x res
    _open(driver, files[0], f"#t={k / 100:.3f}")
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{k}'")
    x, y = _pixel(anim, anim.map_axes[0], (pos[channel] + pos[other]) / 2)
    _point_at(driver, x, y).perform()
    _wait(driver, f"return {ROOT}.querySelector('.cav-tip').textContent !== ''")
    text = _tip(driver)
    px, py = _hovered(driver)
    assert abs(px - x) <= 1 and abs(py - y) <= 1
    low, high, decimals, unit = _read_interval(text)
    assert unit == "µV"
    # the drawn pixel's level, read from the frame Python composed
    want_low, want_high = _level_edges(anim, int(frame[py, px]))
    assert abs(low - want_low) <= 0.5 * 10.0**-decimals
    assert abs(high - want_high) <= 0.5 * 10.0**-decimals
    width = np.ptp(anim.vlim) / N_LEVELS
    assert high - low == pytest.approx(width, abs=10.0**-decimals)
    # the interpolated value at the pointer's map cell lies in it (give or
    # take the one cell the pointer's position rounds to)
    ax = anim.map_axes[0]
    data_x, data_y = _data_at(anim, ax, px + 0.5, py + 0.5)
    col = np.abs(anim.interp.xi - data_x).argmin()
    row = np.abs(anim.interp.yi - data_y).argmin()
    near = image[max(row - 1, 0) : row + 2, max(col - 1, 0) : col + 2]
    assert np.nanmin(near) - 1e-9 <= want_high and np.nanmax(near) + 1e-9 >= want_low
    # the nearest channel's line: its name and value, unpadded
    name, value = text.split("\n")[1].split(": ")
    nearest = channel if (np.linalg.norm(pos[channel] - pos[other]) and name
                          == anim.sensors.ch_names[channel]) else other  # fmt: skip
    assert name == anim.sensors.ch_names[nearest]
    assert value == f"{float(f'{anim.values[0, k, nearest]:.4g}'):g} µV"
    driver.save_screenshot(str(files[0].parent / "hover.png"))
    # a corner of the map's axes, outside the head: no tip at all
    corner = ax.transAxes.transform((0.03, 0.03))
    x, y = _pixel(anim, ax, ax.transData.inverted().transform(corner))
    _point_at(driver, x, y).perform()
    _wait(driver, f"return {ROOT}.getAttribute('data-pixel') === '{int(x)},{int(y)}'"
          f" || {ROOT}.getAttribute('data-pixel') !== '{px},{py}'")  # fmt: skip
    assert _tip(driver) == ""
    assert (
        driver.execute_script(
            f"return getComputedStyle({ROOT}.querySelector('.cav-tip')).display"
        )
        == "none"
    )


def _data_at(anim, ax, x, y):
    """Frame pixel (x right, y down) at DPI -> data coordinates of ``ax``."""
    dpi = anim.fig.dpi
    anim.fig.set_dpi(DPI)
    try:
        height = int(anim.fig.get_size_inches()[1] * DPI)
        return ax.transData.inverted().transform((x, height - y))
    finally:
        anim.fig.set_dpi(dpi)


def test_frames_are_the_gif_frames(driver, files):
    html, gif = files
    _open(driver, html, "#t=0")  # a link to a time: opens there, paused
    assert driver.execute_script(f"return {ROOT}.getAttribute('data-n-frames')") == (
        str(N_FRAMES)
    )
    assert _frame(driver) == 0
    for k in (0, 1, 7):
        _open(driver, html, f"#t={k / 100:.3f}")  # a new hash: same page
        _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{k}'")
        np.testing.assert_array_equal(_canvas_rgb(driver), _gif_frame(gif, k))
    driver.save_screenshot(str(html.parent / "viewer.png"))


def test_keys_step_and_space_pauses(driver, files):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _open(driver, files[0])  # plays
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') !== '0'")
    _keys(driver, Keys.SPACE)
    _wait(driver, f"return {ROOT}.getAttribute('data-playing') === '0'")
    frame = _frame(driver)
    time.sleep(0.3)  # paused: 3 frames' time at 10 fps
    assert _frame(driver) == frame
    _keys(driver, Keys.ARROW_RIGHT)
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{frame + 1}'")
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.ARROW_RIGHT).key_up(
        Keys.SHIFT
    ).perform()
    after = (frame + 11) % N_FRAMES  # steps wrap around
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{after}'")
    _keys(driver, Keys.ARROW_LEFT)
    after = (after - 1) % N_FRAMES
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{after}'")
    # the URL says where it stopped
    assert driver.execute_script("return location.hash") == f"#t={after / 100:.3f}"


def test_hover_shows_channel_and_value(driver, files, anim):
    k, channel = 4, 13
    _open(driver, files[0], f"#t={k / 100:.3f}")
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{k}'")
    x, y = _pixel(anim, anim.map_axes[0], anim.sensors.pos[channel])
    _point_at(driver, x, y).perform()
    text = _tip(driver).split("\n")[-1]  # the nearest channel's line
    name, value = text.split(": ")
    assert name == anim.sensors.ch_names[channel]
    number, unit = value.split(" ")
    assert unit == "µV"
    assert float(number) == pytest.approx(anim.values[0, k, channel], abs=1e-3)
    # over the score panel: time and score
    x, y = _pixel(anim, anim.score_axes, (0.05, 0.6))
    _point_at(driver, x, y).perform()
    text = driver.execute_script(f"return {ROOT}.querySelector('.cav-tip').textContent")
    assert text.startswith("0.050 s, AUC 0.6")


def test_click_on_scores_jumps(driver, files, anim):
    _open(driver, files[0], "#t=0")
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '0'")
    for k in (9, 3):
        x, y = _pixel(anim, anim.score_axes, (k / 100, 0.5))
        _point_at(driver, x, y).click().perform()
        _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{k}'")
    # a click on the map plays, another pauses
    x, y = _pixel(anim, anim.map_axes[0], (0.0, 0.0))
    _point_at(driver, x, y).click().perform()
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') !== '3'")
    _point_at(driver, x, y).click().perform()
    _wait(driver, f"return {ROOT}.getAttribute('data-playing') === '0'")


def test_report_loads_and_plays(driver, anim, tmp_path):
    report = mne.Report(title="Decoding")
    add_to_report(report, anim, title="Patterns", dpi=40)
    path = tmp_path / "report.html"
    report.save(path, open_browser=False, verbose=False)
    _open(driver, path)
    assert driver.execute_script(f"return {ROOT}.getAttribute('data-n-frames')") == (
        str(N_FRAMES)
    )
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') !== '0'")  # plays
    driver.save_screenshot(str(tmp_path / "report.png"))


@pytest.fixture(scope="module")
def masked(tmp_path_factory):
    """An animation with significance markers, its viewer and its GIF."""
    info = make_info(n_channels=32)
    rng = np.random.default_rng(1)
    anim = animate_coefs(rng.standard_normal((N_FRAMES, 32)), info,
                         times=np.arange(N_FRAMES) / 100.0, res=48, dpi=DPI,
                         mask=rng.random((N_FRAMES, 32)) > 0.6, show=False,
                         verbose=False)  # fmt: skip
    folder = tmp_path_factory.mktemp("masked")
    return anim, anim.save(folder / "anim.html"), anim.save(folder / "anim.gif")


def _unmarked_frames(anim):
    """The frames composed without their markers (what the viewer embeds)."""
    frames = anim._frames(DPI, unmarked=True)
    try:
        return [anim.palette[bare] for _, bare in frames]
    finally:
        frames.close()


def _toggle_markers(driver, on):
    driver.execute_script(
        f"const b = {ROOT}.querySelector('.cav-mask');"
        f"if (b.checked !== {str(on).lower()}) b.click();"
    )
    _wait(driver, f"return {ROOT}.getAttribute('data-markers') === '{int(on)}'")


def test_mask_toggle_hides_exactly_the_markers(driver, masked):
    anim, html, gif = masked
    unmarked = _unmarked_frames(anim)
    for k in (0, 5):
        _open(driver, html, f"#t={k / 100:.3f}")
        _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{k}'")
        marked = _gif_frame(gif, k)
        np.testing.assert_array_equal(_canvas_rgb(driver), marked)  # shown
        _toggle_markers(driver, False)
        hidden = _canvas_rgb(driver)
        np.testing.assert_array_equal(hidden, unmarked[k])
        # only pixels near the significant sensors changed
        changed = (hidden != marked).any(axis=-1)
        assert changed.sum() > 10 * anim.masks[0, k].sum()
        rows, cols = np.indices(changed.shape)
        near = np.zeros_like(changed)
        for x, y in (_pixel(anim, anim.map_axes[0], p)
                     for p in anim.sensors.pos[anim.masks[0, k]]):  # fmt: skip
            near |= np.hypot(cols + 0.5 - x, rows + 0.5 - y) <= 6
        assert not (changed & ~near).any()
        if k == 5:
            driver.save_screenshot(str(html.parent / "markers_off.png"))
        # stepping keeps them hidden; ticking the box brings them back
        driver.execute_script(f"{ROOT}.querySelector('.cav-next').click()")
        _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{k + 1}'")
        np.testing.assert_array_equal(_canvas_rgb(driver), unmarked[k + 1])
        _toggle_markers(driver, True)
        np.testing.assert_array_equal(_canvas_rgb(driver), _gif_frame(gif, k + 1))
        if k == 5:
            driver.save_screenshot(str(html.parent / "markers_on.png"))


def test_hover_says_significant(driver, masked):
    anim, html, _ = masked
    k = 5
    _open(driver, html, f"#t={k / 100:.3f}")
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{k}'")
    significant = np.flatnonzero(anim.masks[0, k])
    plain = np.flatnonzero(~anim.masks[0, k])
    for channel, said in ((significant[0], True), (plain[0], False)):
        x, y = _pixel(anim, anim.map_axes[0], anim.sensors.pos[channel])
        _point_at(driver, x, y).perform()
        name = anim.sensors.ch_names[channel]
        _wait(driver, f"return {ROOT}.querySelector('.cav-tip').textContent"
              f".split('\\n').pop().startsWith('{name}: ')")  # fmt: skip
        line = _tip(driver).split("\n")[-1]
        assert line.endswith(", significant") is said


@pytest.mark.parametrize(
    "sfreq, unit, hashes",
    [(2000, "ms", ["0.0", "0.5", "1.0", "4.5"]),
     (20000, "s", ["0.00000", "0.00005", "0.00010", "0.00045"])],
)  # fmt: skip
def test_links_reopen_the_exact_frame(driver, tmp_path, sfreq, unit, hashes):
    """#t= is in the unit shown, with the decimals that tell frames apart."""
    n = 10
    anim = animate_coefs(np.random.default_rng(4).standard_normal((n, 32)),
                         make_info(n_channels=32), times=np.arange(n) / sfreq,
                         res=24, dpi=30, time_unit=unit, show=False,
                         verbose=False)  # fmt: skip
    html = anim.save(tmp_path / "rate.html")
    for k, value in zip((0, 1, 2, 9), hashes, strict=True):
        _open(driver, html, f"#t={value}")
        _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '{k}'")
    from selenium.webdriver.common.keys import Keys

    _open(driver, html, f"#t={hashes[1]}")
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '1'")
    _keys(driver, Keys.ARROW_RIGHT)  # the link follows the frame shown
    _wait(driver, f"return {ROOT}.getAttribute('data-frame') === '2'")
    _wait(driver, f"return location.hash === '#t={hashes[2]}'")
