"""What the ``mne-coefanim`` command prints: one line per message.

Errors end the command as ``mne-coefanim: error: <message>``; warnings (e.g.
MNE's, while a file is read, or an old option's deprecation) become
``mne-coefanim: warning: <message>``, one line each, instead of Python's
two-line warning with a source line. A render ends with one line on stdout,
``Wrote FILE (N frames, SIZE) in S s``: the writer's own log line is held
back meanwhile.
"""

import logging
import sys
from contextlib import contextmanager

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


def deprecated(old, new):
    """Say, in one line on stderr, that ``old`` is deprecated for ``new``."""
    print(f"{PROG}: warning: {old} is deprecated, use {new}", file=sys.stderr)


class _NoWroteRecord(logging.Filter):
    """Drop the writer's own "Wrote ..." log record: the command says it once."""

    def filter(self, record):
        return not str(record.msg).startswith("Wrote ")


@contextmanager
def without_wrote_log():
    """Hold back the "Wrote ..." log record of a save (MNE's logger)."""
    from mne.utils import logger

    no_wrote = _NoWroteRecord()
    logger.addFilter(no_wrote)
    try:
        yield
    finally:
        logger.removeFilter(no_wrote)


def size_text(n_bytes):
    """Return a file size in decimal units, as ls --si says it."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{n_bytes} bytes"
