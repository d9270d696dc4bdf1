"""What the ``mne-coefanim`` command prints on stderr: one line per message.

Errors end the command as ``mne-coefanim: error: <message>``; warnings (e.g.
MNE's, while a file is read) become ``mne-coefanim: warning: <message>``,
one line each, instead of Python's two-line warning with a source line.
"""

import sys

PROG = "mne-coefanim"


def one_line(message):
    """Return a message (str or exception) on one line, whitespace collapsed."""
    text = " ".join(str(message).split())
    if not text and isinstance(message, BaseException):
        return type(message).__name__
    return text


def print_warnings(caught, prefix=""):
    """Print recorded warnings, one line each and each once, on stderr.

    Parameters
    ----------
    caught : list of warnings.WarningMessage
        As recorded by ``warnings.catch_warnings(record=True)``.
    prefix : str
        Put before each message, e.g. the option the warning is about.
    """
    seen = set()
    for item in caught:
        text = one_line(item.message)
        if text and text not in seen:
            seen.add(text)
            print(f"{PROG}: warning: {prefix}{text}", file=sys.stderr)
