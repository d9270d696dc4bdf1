"""Show the animations and pages an example saves, in the gallery page.

sphinx-gallery runs each example in the ``examples`` folder. The scraper
looks there after every code block for GIF files the block wrote, copies
each into the gallery's image folder and returns the reST that shows it
(closing the figures, so that matplotlib's scraper does not show their
first frame again). An HTML file the block wrote (a viewer, a report) is
copied into ``EMBEDDED`` (in ``EXTRA``, which ``html_extra_path``
publishes at the site's root) and shown in an iframe.
:func:`remove_new_files` deletes what an example wrote, so the source
folder stays clean.
"""

import os
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
from sphinx_gallery.scrapers import figure_rst

OUTPUT_SUFFIXES = (".gif", ".mp4", ".webm", ".html", ".png", ".pdf", ".svg")
# where the HTML files examples write are gathered for the site (a build
# folder, ignored by git)
EXTRA = Path(__file__).resolve().parents[1] / "_extra"
EMBEDDED = EXTRA / "embedded"
IFRAME = """
.. raw:: html

    <iframe src="../embedded/{name}" title="{title}" loading="lazy"
     style="width: 100%; height: 640px; border: 1px solid #ccc;"></iframe>
"""


def _outputs(folder):
    """Output files in ``folder`` with their modification times."""
    return {
        path: path.stat().st_mtime_ns
        for path in Path(folder).iterdir()
        if path.suffix.lower() in OUTPUT_SUFFIXES and path.is_file()
    }


class GifScraper:
    """A sphinx-gallery image scraper for the GIF files a code block saves."""

    def __init__(self):
        self._seen = {}

    def __repr__(self):  # sphinx-gallery pickles the config by its repr
        return "GifScraper()"

    def __call__(self, block, block_vars, gallery_conf):
        """Copy the GIFs written by the block; return the reST showing them."""
        folder = os.path.dirname(block_vars["src_file"])
        now = _outputs(folder)
        changed = sorted(p for p, mtime in now.items() if self._seen.get(p) != mtime)
        self._seen.update(now)
        new = [path for path in changed if path.suffix.lower() == ".gif"]
        pages = [_embed(path) for path in changed if path.suffix.lower() == ".html"]
        images = []
        for gif, target in zip(new, block_vars["image_path_iterator"], strict=False):
            target = Path(target).with_suffix(".gif")
            shutil.copyfile(gif, target)
            images.append(str(target))
        if images:  # the figures of the saved animations: shown as the GIFs
            plt.close("all")
        return figure_rst(images, gallery_conf["src_dir"]) + "".join(pages)


def _embed(path):
    """Copy an HTML file into ``EMBEDDED``; the reST of an iframe showing it."""
    EMBEDDED.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, EMBEDDED / path.name)
    return IFRAME.format(name=path.name, title=path.stem.replace("_", " "))


_before = {}


def remove_new_files(gallery_conf, fname, when):
    """Before an example, note the folder's files; after it, remove new ones."""
    dirs = gallery_conf["examples_dirs"]
    folder = Path(dirs if isinstance(dirs, str) else dirs[0])
    if not folder.is_absolute():
        folder = Path(gallery_conf["src_dir"]) / folder
    if when == "before":
        _before[folder] = set(_outputs(folder))
        return
    for path in set(_outputs(folder)) - _before.get(folder, set()):
        path.unlink()
