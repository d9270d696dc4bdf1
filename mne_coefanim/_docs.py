"""Parameter descriptions written once, filled into every public docstring.

A docstring names an entry as ``%(name)s`` on a line of its own, at the
indentation of a parameter; :func:`fill_doc` puts the entry there,
re-indented. Entries that MNE defines (``verbose``) are left for MNE's own
``verbose`` decorator to fill.
"""

import re
import textwrap

from ._docdict_data import docdict as _data_entries
from ._docdict_look import docdict as _look_entries

docdict = {**_data_entries, **_look_entries}


def fill_doc(func):
    """Fill the ``%(name)s`` entries of ``func``'s docstring from ``docdict``.

    Parameters
    ----------
    func : callable
        A function (or method) whose docstring uses ``%(name)s`` lines.

    Returns
    -------
    func : callable
        The same function, its docstring filled (unknown names are left for
        MNE's ``verbose`` decorator).
    """
    func.__doc__ = fill_text(func.__doc__)
    return func


def fill_text(doc):
    """Return ``doc`` with its ``%(name)s`` lines replaced by the entries."""
    lines = []
    for line in (doc or "").split("\n"):
        key = line.strip()
        name = key[2:-2] if key.startswith("%(") and key.endswith(")s") else None
        if name in docdict:
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(textwrap.indent(docdict[name].strip("\n"), indent))
        else:
            lines.append(line)
    return "\n".join(lines)


_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")


def summary(name):
    """Return the first sentence of an entry's description, as plain text.

    The command line's help uses it, so that an option says what the
    Python parameter of the same meaning says.

    Parameters
    ----------
    name : str
        A key of ``docdict``.

    Returns
    -------
    text : str
        The sentence without its final period and without reST markup,
        lower-cased at its start, e.g. ``'frames per second on screen and in
        saved files'``.
    """
    description = " ".join(
        line.strip() for line in docdict[name].strip("\n").split("\n")[1:]
    )
    # the first ". " that ends a sentence (not the one of "e.g." or "i.e.")
    ends = r"(?<=[a-z0-9)])(?<!\be\.g)(?<!\bi\.e)\. "
    sentence = re.split(ends, description + " ", maxsplit=1)[0]
    plain = _ROLE.sub(r"\1", sentence).replace("``", "").rstrip(". ")
    return plain[:1].lower() + plain[1:]
