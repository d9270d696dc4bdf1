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

from cli_page import write_cli_page  # noqa: E402
from gif_scraper import GifScraper, remove_new_files  # noqa: E402

import mne_coefanim  # noqa: E402

project = "mne-coefanim"
author = "mne-coefanim developers"
copyright = "2026, mne-coefanim developers"  # noqa: A001
release = version = mne_coefanim.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
templates_path = []
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
root_doc = "index"

# API reference: one page per public name, from the numpydoc docstrings
autosummary_generate = True
autodoc_default_options = {"inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

html_theme = "pydata_sphinx_theme"
html_title = "mne-coefanim"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
html_static_path = []
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
