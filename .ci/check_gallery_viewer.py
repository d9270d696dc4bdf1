"""Open built gallery pages in headless Chromium and check their viewers play.

Run by ``.ci/run`` after the documentation is built: the notebook example's
page holds the viewer inline (captured from ``_repr_html_``) and the report
example's page shows the report in an iframe, with the viewer inside. Each
must become ready and, scrolled into view (viewers pause off screen), move on
from its first frame by itself (autoplay).
Exits non-zero, with one line saying what failed, otherwise.
"""

import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

HTML = Path(__file__).resolve().parents[1] / "docs" / "_build" / "html"
PAGES = {
    "auto_examples/plot_notebook.html": None,  # the viewer is in the page
    "auto_examples/plot_report.html": "iframe",  # in the report, in an iframe
}
ROOT = "document.querySelector('[data-coefanim-viewer]')"
TIMEOUT = 60.0  # generous: CI machines are busy; a playing viewer is quick


def _poll(driver, script):
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    return None


def check(driver, page, frame):
    """Return None if the page's viewer plays, else what is wrong."""
    driver.get((HTML / page).as_uri())
    # a viewer plays only in view (it pauses off screen): scroll to it first
    if frame:
        element = driver.find_element(By.TAG_NAME, frame)
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
        driver.switch_to.frame(element)
    if not _poll(driver, f"return {ROOT} && {ROOT}.getAttribute('data-ready') === '1'"):
        return f"{page}: no viewer became ready"
    driver.execute_script(f"{ROOT}.scrollIntoView({{block: 'start'}})")
    first = driver.execute_script(f"return {ROOT}.getAttribute('data-frame')")
    moved = _poll(
        driver, f"return {ROOT}.getAttribute('data-frame') !== {first!r}"
    )
    return None if moved else f"{page}: the viewer stays at frame {first}"


def main():
    """Check every page; print one line each."""
    options = webdriver.ChromeOptions()
    args = ("--headless=new", "--no-sandbox", "--disable-gpu",
            "--window-size=1200,1600", "--allow-file-access-from-files")  # fmt: skip
    for arg in args:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    failed = False
    try:
        for page, frame in PAGES.items():
            problem = check(driver, page, frame)
            print(problem or f"{page}: the viewer plays")
            failed |= problem is not None
    finally:
        driver.quit()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
