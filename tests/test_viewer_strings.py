"""Hostile strings are data, never structure: in a real browser.

Every user-controlled string (channel names, title, units, score label,
panel titles, report titles and sections) holds ``<!--<script>``, ``<!--``,
``<script``, ``</script>``, ``]]>`` or U+2028. In the viewer's page, a
notebook page (``_repr_html_``) and an :class:`mne.Report`, each followed by
more content, every viewer must play and the later content must exist.

The browser, its fixture and helpers are those of ``test_viewer.py`` (skipped
when selenium, Chromium or chromedriver is missing, except on CI).
"""

import re

import mne
import numpy as np
import pytest
import test_viewer
from conftest import make_info, viewer_meta
from test_viewer import _canvas_rgb, _point_at, _wait

from mne_coefanim import add_to_report, animate_coefs
from mne_coefanim.cli._main import main

browser = test_viewer.driver  # the headless Chromium fixture, shared

HOSTILE = ("<!--<script>", "<!--", "<script", "</script>", "]]>", "\u2028")
ALL = "".join(HOSTILE)
N_FRAMES = 6
VIEWERS = "document.querySelectorAll('[data-coefanim-viewer]')"
# records script errors from the first line of every page on
ERRORS = ("window.__errors = []; window.addEventListener('error', "
          "(e) => window.__errors.push(String(e.message)));")  # fmt: skip


def _hostile_info(n_channels=32, with_u2028=True):
    info = make_info(n_channels=n_channels)
    tails = HOSTILE if with_u2028 else HOSTILE[:-1]
    mne.rename_channels(info, {name: name + tails[k % len(tails)]
                               for k, name in enumerate(info.ch_names)})  # fmt: skip
    return info


@pytest.fixture(scope="module")
def hostile():
    """Two panels, every text hostile."""
    info = _hostile_info()
    rng = np.random.default_rng(5)
    data = {f"A{ALL}": rng.standard_normal((N_FRAMES, 32)),
            f"B{ALL}": rng.standard_normal((N_FRAMES, 32))}  # fmt: skip
    return animate_coefs(data, info, times=np.arange(N_FRAMES) / 100.0, res=24,
                         dpi=40, title=f"T{ALL}", units=f"µV{ALL}",
                         scores=np.linspace(0.5, 0.9, N_FRAMES),
                         score_params=dict(label=f"AUC{ALL}"), show=False,
                         verbose=False)  # fmt: skip


@pytest.fixture(scope="module")
def errors(browser):
    """Record every page's script errors (in ``window.__errors``)."""
    done = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": ERRORS}
    )
    yield
    browser.execute_cdp_cmd(
        "Page.removeScriptToEvaluateOnNewDocument", {"identifier": done["identifier"]}
    )


def _all_play(driver, n_viewers):
    """Every viewer is ready, has its frames, draws, and plays on."""
    count = f"{VIEWERS}.length"
    assert driver.execute_script(f"return {count}") == n_viewers
    _wait(driver, f"return Array.from({VIEWERS}).every("
          "(v) => v.getAttribute('data-ready') === '1')")  # fmt: skip
    # only the first autoplays (the others wait for play): each, in view, plays
    for k in range(n_viewers):
        viewer = f"{VIEWERS}[{k}]"
        driver.execute_script(f"{viewer}.scrollIntoView();")
        if k:
            assert driver.execute_script(f"return {viewer}.getAttribute("
                                         "'data-playing')") != "1"  # fmt: skip
            driver.execute_script(f"{viewer}.querySelector('.cav-play').click()")
        _wait(driver, f"return {viewer}.getAttribute('data-frame') !== '0'")
    frames = driver.execute_script(
        f"return Array.from({VIEWERS}).map((v) => v.getAttribute('data-n-frames'))"
    )
    assert frames == [str(N_FRAMES)] * n_viewers
    blank = driver.execute_script(
        f"return Array.from({VIEWERS}).map((v) => {{"
        "const c = v.querySelector('canvas'), d = c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data; let n = 0;"
        "for (let i = 0; i < d.length; i += 4) "
        "if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++; return n; })"
    )
    assert all(n > 500 for n in blank), blank  # maps drawn, not a blank canvas
    assert driver.execute_script("return window.__errors") == []


def _meta(html):
    """The first viewer's embedded data, as the browser reads it."""
    return viewer_meta(html)  # \u escapes are JSON too


def test_page_with_hostile_strings(browser, errors, hostile, tmp_path):
    path = hostile.save(tmp_path / "hostile.html")
    html = path.read_text(encoding="ascii")  # the page is ASCII
    # none reaches the markup or the script as such: one script, one end
    assert html.count("<script") == 2 and html.count("</script>") == 2  # code, data
    assert "<!--" not in html and "]]>" not in html
    meta = _meta(html)
    assert meta["names"] == hostile.sensors.ch_names  # the data, unchanged
    assert meta["title"] == f"T{ALL}"
    browser.get(path.as_uri())
    _all_play(browser, 1)
    assert browser.title.startswith("T<!--<script><!--<script</script>]]>")
    # the tip shows a hostile name as text
    x, y = test_viewer._pixel(hostile, hostile.map_axes[0], hostile.sensors.pos[0])
    _point_at(browser, x, y).perform()
    _wait(browser, "return document.querySelector('.cav-tip').textContent"
          ".includes('<!--<script>')")  # fmt: skip
    browser.save_screenshot(str(tmp_path / "hostile.png"))


def test_notebook_page_with_hostile_strings(browser, errors, hostile, tmp_path):
    """Two outputs in a row, then more content: nothing is swallowed."""
    fragment = hostile._repr_html_()
    assert fragment.isascii()
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
        f"<div class='output'>{fragment}</div><p id='between'>between</p>"
        f"<div class='output'>{fragment}</div><p id='after'>after</p>"
        "</body></html>"
    )
    path = tmp_path / "notebook.html"
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri())
    _all_play(browser, 2)
    for id_ in ("between", "after"):
        assert browser.execute_script(f"return document.getElementById('{id_}')"
                                      ".textContent") == id_  # fmt: skip


def test_report_with_hostile_strings(browser, errors, hostile, tmp_path):
    """A viewer, a section and another viewer after it, all there."""
    report = mne.Report(title=f"R{ALL}")
    add_to_report(report, hostile, title=f"Patterns{ALL}", section=f"S{ALL}")
    report.add_html("<p id='later'>later</p>", title="Later", section="Other")
    add_to_report(report, hostile, title="Again", section="Other")
    path = tmp_path / "report.html"
    report.save(path, open_browser=False, verbose=False)
    browser.get(path.as_uri())
    _all_play(browser, 2)
    assert browser.execute_script(
        "return document.getElementById('later').textContent"
    ) == "later"
    # MNE's own script ran: its table of contents lists every entry
    toc = browser.execute_script("return document.body.innerText")
    assert "Later" in toc and "Again" in toc
    browser.save_screenshot(str(tmp_path / "report.png"))


def test_cli_with_hostile_names_from_a_fif(browser, errors, tmp_path):
    """Channel names read from a .fif (ASCII: FIF names cannot hold U+2028)
    and the title given on the command line."""
    info = _hostile_info(n_channels=16, with_u2028=False)
    fname = tmp_path / "hostile-ave.fif"
    data = np.random.default_rng(6).standard_normal((16, N_FRAMES))
    mne.write_evokeds(fname, mne.EvokedArray(data, info, verbose=False))
    out = tmp_path / "cli.html"
    code = main(["render", str(fname), "-o", str(out), "--res", "24", "--dpi",
                 "40", "--quiet", "--title", f"T{ALL}"])  # fmt: skip
    assert code == 0
    meta = _meta(out.read_text(encoding="ascii"))
    assert meta["names"] == info.ch_names and meta["title"] == f"T{ALL}"
    browser.get(out.as_uri())
    _all_play(browser, 1)
    assert np.ptp(_canvas_rgb(browser)) > 0


def test_page_runs_only_its_own_script(browser, errors, hostile, tmp_path):
    """The page's Content-Security-Policy: a script put into the page (had a
    string ever become structure) would not run; the viewer's does."""
    html = hostile.to_html()
    injected = html.replace("<div class='cav'", "<script>window.__ran = 1;</script>"
                            "<img src='x.png'><div class='cav'", 1)  # fmt: skip
    path = tmp_path / "injected.html"
    path.write_text(injected, encoding="ascii")
    browser.get(path.as_uri())
    _all_play(browser, 1)
    assert browser.execute_script("return window.__ran === undefined")
    # the same page without its policy: the injected script runs
    bare = re.sub(r"<meta http-equiv='Content-Security-Policy'[^>]*>", "", injected)
    assert bare != injected
    path.write_text(bare, encoding="ascii")
    browser.get(path.as_uri())
    _wait(browser, "return window.__ran === 1")
