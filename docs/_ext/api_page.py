"""Write the API reference page, with each name's true signature.

autosummary's own table folds a signature into ``name(a[, b, c])`` and drops
required keyword-only arguments (``plot_coefs``' ``time``); this page lists
each public name with the signature :func:`inspect.signature` gives, and
writes each name's own page (``generated/``, from its docstring). Classes that users
get from a function (``CoefAnimation``, ``CoefData``, ``DemoStudy``,
``Sensors``) are listed without their constructors.
"""

import inspect
from pathlib import Path

import mne_coefanim

SECTIONS = {
    "Animations": [
        "animate_coefs", "plot_coefs", "CoefAnimation", "save_animations",
        "add_to_report",
    ],
    "Data": ["as_coef_data", "CoefData", "load_demo", "DemoStudy", "simulate_epochs"],
    "Statistics and patterns": ["significance_mask", "patterns_from_filters"],
    "Building blocks": [
        "topomap_positions", "resolve_sensors", "Sensors", "ScalpInterpolator",
    ],
}  # fmt: skip

# made by the package, not by the user: no constructor on the page
NOT_CONSTRUCTED = {"CoefAnimation", "CoefData", "DemoStudy", "Sensors"}


def signature(name):
    """Return the signature to show for a public name ('' for made-for-you classes)."""
    obj = getattr(mne_coefanim, name)
    if name in NOT_CONSTRUCTED:
        return ""
    text = str(inspect.signature(obj))
    return text.replace("*", r"\*")


def _summary(name):
    doc = inspect.getdoc(getattr(mne_coefanim, name)) or ""
    return doc.split("\n\n")[0].replace("\n", " ")


def _write_name_page(folder, name):
    """Write the page of one public name, from its docstring."""
    obj = getattr(mne_coefanim, name)
    title = f"mne_coefanim.{name}".replace("_", r"\_")
    if inspect.isclass(obj):
        body = f".. autoclass:: {name}\n   :members:\n"
    else:
        body = f".. autofunction:: {name}\n"
    text = f"{title}\n{'=' * len(title)}\n\n.. currentmodule:: mne_coefanim\n\n{body}"
    (folder / f"mne_coefanim.{name}.rst").write_text(text, encoding="utf-8")


def write_api_page(path):
    """Write the reST page of the API reference to ``path``, and its names'."""
    folder = Path(path).parent / "generated"
    folder.mkdir(exist_ok=True)
    parts = [
        "API reference\n=============\n",
        ".. currentmodule:: mne_coefanim\n",
    ]
    for title, names in SECTIONS.items():
        for name in names:
            _write_name_page(folder, name)
        parts.append(f"{title}\n{'-' * len(title)}\n")
        parts.append(
            ".. toctree::\n   :hidden:\n\n"
            + "".join(f"   generated/mne_coefanim.{n}\n" for n in names)
        )
        rows = [".. list-table::\n   :widths: 45 55\n"]
        for name in names:
            rows.append(
                f"   * - :obj:`{name}`\\ ``{signature(name)}``\n"
                f"     - {_summary(name)}\n"
                if signature(name)
                else f"   * - :obj:`{name}`\n     - {_summary(name)}\n"
            )
        parts.append("\n".join(rows))
    with open(path, "w", encoding="utf-8") as fid:
        fid.write("\n".join(parts))


def hide_constructor(app, what, name, obj, options, signature, return_annotation):
    """``autodoc-process-signature``: no constructor for made-for-you classes."""
    if what == "class" and name.rsplit(".", 1)[-1] in NOT_CONSTRUCTED:
        return "", return_annotation
    return None
