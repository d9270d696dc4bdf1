"""Link names of MNE, scikit-learn, NumPy, SciPy, matplotlib and pandas offline.

intersphinx needs each project's inventory, which a build without network
access cannot download. Each of these projects documents every public name
on a page whose address follows from the name, so a ``missing-reference``
handler can build the link itself: ``mne.Report`` becomes
``https://mne.tools/stable/generated/mne.Report.html``. A name the pattern
cannot place is left unlinked, as before.
"""

from docutils import nodes

# top-level package -> address of a name's page (methods: the class's page
# with an anchor)
PATTERNS = {
    "mne": "https://mne.tools/stable/generated/{page}.html#{full}",
    "sklearn": "https://scikit-learn.org/stable/modules/generated/{page}.html#{full}",
    "numpy": "https://numpy.org/doc/stable/reference/generated/{page}.html#{full}",
    "scipy": "https://docs.scipy.org/doc/scipy/reference/generated/{page}.html#{full}",
    "pandas": "https://pandas.pydata.org/docs/reference/api/{page}.html#{full}",
    "matplotlib": "https://matplotlib.org/stable/api/_as_gen/{page}.html#{full}",
}
# matplotlib documents Axes on its module's page, not on a page of its own
MATPLOTLIB_PAGES = {"matplotlib.axes.Axes": "https://matplotlib.org/stable/api/axes_api.html"}


def _page(full):
    """Return the page documenting a dotted name: its own, or its class's."""
    parts = full.split(".")
    # a lowercase last part after a capitalised one is a method or attribute
    if len(parts) > 2 and parts[-2][:1].isupper() and not parts[-1][:1].isupper():
        return ".".join(parts[:-1])
    return full


def external_url(full):
    """Return the address of the page documenting ``full``, or None."""
    top = full.split(".")[0]
    pattern = PATTERNS.get(top)
    if pattern is None or "." not in full:
        return None
    if _page(full) in MATPLOTLIB_PAGES:
        return f"{MATPLOTLIB_PAGES[_page(full)]}#{full}"
    return pattern.format(page=_page(full), full=full)


def resolve(app, env, node, contnode):
    """``missing-reference``: link a known project's Python name to its page."""
    if node.get("refdomain") != "py":
        return None
    url = external_url(node.get("reftarget", ""))
    if url is None:
        return None
    target = node["reftarget"]
    ref = nodes.reference("", "", internal=False, refuri=url, reftitle=target)
    ref.append(contnode)
    return ref


def setup(app):
    """Register the handler."""
    app.connect("missing-reference", resolve)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
