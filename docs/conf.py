"""Sphinx configuration of the mne-coefanim documentation.

Build it with ``python -m sphinx -W -b html docs docs/_build/html``: warnings
are errors, so a broken docstring or a failing example stops the build. The
gallery runs every ``examples/plot_*.py``; each animation it saves appears in
the page as the GIF itself (``_ext/gif_scraper.py``).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")

from api_page import hide_constructor, write_api_page  # noqa: E402
from cli_page import write_cli_page  # noqa: E402
from gif_scraper import EXTRA, GifScraper, remove_new_files  # noqa: E402

import mne_coefanim  # noqa: E402

project = "mne-coefanim"
author = "mne-coefanim developers"
copyright = "2026, mne-coefanim developers"  # noqa: A001
release = version = mne_coefanim.__version__

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "external_links",  # mne.*, sklearn.*, numpy.*, ... linked without network
]
templates_path = []
exclude_patterns = [
    "_build", "_extra", "auto_examples/*.ipynb", "auto_examples/*.py"
]
root_doc = "index"

# API reference: one page per public name, from the numpydoc docstrings
# (written by _ext/api_page.py)
autodoc_default_options = {"inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
# parameter types link to their pages (other projects' by _ext/external_links)
numpydoc_xref_param_type = True
numpydoc_xref_aliases = {
    # numpydoc's defaults for these point into Python's and NumPy's glossaries
    # (inventories a build without network access has not got): plain names
    "bool": "bool",
    "array": "numpy.ndarray",
    "array_like": "array_like",
    "array-like": "array-like",
    "scalar": "scalar",
    "iterable": "collections.abc.Iterable",
    "sequence": "collections.abc.Sequence",
    "generator": "collections.abc.Generator",
    "Info": "mne.Info",
    "Evoked": "mne.Evoked",
    "Report": "mne.Report",
    "Figure": "matplotlib.figure.Figure",
    "Axes": "matplotlib.axes.Axes",
    "FuncAnimation": "matplotlib.animation.FuncAnimation",
    "ndarray": "numpy.ndarray",
    "CoefAnimation": "mne_coefanim.CoefAnimation",
    "CoefData": "mne_coefanim.CoefData",
    "Sensors": "mne_coefanim.Sensors",
    "ScalpInterpolator": "mne_coefanim.ScalpInterpolator",
    "DemoStudy": "mne_coefanim.DemoStudy",
}
numpydoc_xref_ignore = "all"  # only aliases and dotted names become links

html_theme = "pydata_sphinx_theme"
html_title = "mne-coefanim"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
html_static_path = []
# the HTML files examples write (viewers, a report), shown in iframes
EXTRA.mkdir(exist_ok=True)
html_extra_path = [str(EXTRA)]
# the gallery's configuration holds functions (the scraper, the clean-up):
# Sphinx cannot cache it and says so, which is harmless
suppress_warnings = ["config.cache"]

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    # the saved animations, then any static figure still open
    "image_scrapers": (GifScraper(), "matplotlib"),
    "reset_modules": (remove_new_files, "matplotlib"),
    "reset_modules_order": "both",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "plot_gallery": "True",
    "within_subsection_order": "FileNameSortKey",
}

write_cli_page(os.path.join(os.path.dirname(__file__), "cli.rst"))
write_api_page(os.path.join(os.path.dirname(__file__), "api.rst"))


def setup(app):
    """Classes made by the package show no constructor."""
    app.connect("autodoc-process-signature", hide_constructor)
