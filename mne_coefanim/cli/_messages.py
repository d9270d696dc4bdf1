"""What the ``mne-coefanim`` command prints: one line per message.

Errors end the command as ``mne-coefanim: error: <message>``; warnings (e.g.
MNE's, while a file is read, or an old option's deprecation) become
``mne-coefanim: warning: <message>``, one line each, instead of Python's
two-line warning with a source line. A render ends with one line on stdout,
``Wrote FILE (N frames, SIZE) in S s``: the writer's own log line is held
back meanwhile. Messages written for Python callers (``pass chance=0.5``,
``method='fdr'``, ``scores[:, np.newaxis]``) are reworded for the command
line (:func:`cli_wording`): ``--chance 0.5``, ``--mask fdr``, a file's shape.
"""

import logging
import re
import sys
from contextlib import contextmanager

from .._params import DICTS, RENAMED

PROG = "mne-coefanim"


def one_line(message):
    """Return a message (str or exception) on one line, whitespace collapsed."""
    text = " ".join(str(message).split())
    if not text and isinstance(message, BaseException):
        return type(message).__name__
    return text


# Python phrases of the library's hints, and what the command line says
_PHRASES = (
    (r"scores\[:, np\.newaxis\] \(subjects\) or scores\[np\.newaxis\] \(folds "
     r"of one subject\), shaped \(n_subjects, n_folds, n_times\)",
     "--scores saved with shape (n_subjects, 1, n_times) (subjects) or "
     "(1, n_folds, n_times) (folds of one subject)"),
    (r" \(with a fitted classifier as data for the accuracies' number of "
     r"classes\)", ""),
    (r"\bmethod='(cluster|fdr)'", r"--mask \1"),
    (r"pass times / 1e3 \(times are in seconds\)",
     "save them divided by 1e3 (times are in seconds)"),
)  # fmt: skip
# name=value, the value quoted, <a placeholder>, a word or a number, or none
# (a tuple or list value is left as Python writes it)
# (a sentence's full stop is no part of a value)
_ASSIGNMENT = (r"\b{name}=(?![(\[])('[^']*'|\"[^\"]*\"|<[^>]+>|\.\.\.|"
               r"[\w+-]+(?:\.[\w+-]+)*)?")
# 0.2's dict spellings, coef_params=dict(align_signs=True) or
# score_params['stats'], and their keys' options (mask's method is --mask)
_KEYS = {**DICTS, "mask": {"method": "mask"}}
_VALUE = r"'[^']*'|\"[^\"]*\"|<[^>]+>|\.\.\.|[\w+-]+(?:\.[\w+-]+)*"
_DICT_ITEMS = re.compile(
    rf"\b({'|'.join(_KEYS)})=dict\(((?:\w+=(?:{_VALUE})(?:, )?)+)\)"
)
_DICT_KEY = re.compile(rf"\b({'|'.join(_KEYS)})\['(\w+)'\]")


def _flat_options(text, options):
    """Spell the dicts' items whose options the command has as ``option=value``."""

    def option(name, key):
        flat = _KEYS[name].get(key, key if name == "mask" else None)
        return flat if flat in options else None

    def items(match):
        pairs = re.findall(rf"(\w+)=({_VALUE})", match.group(2))
        flat = [option(match.group(1), key) for key, _ in pairs]
        if None in flat:  # an item the command cannot set: Python's spelling
            return match.group(0)
        values = (value for _, value in pairs)
        named = zip(flat, values, strict=True)
        return " ".join(f"{name}={value}" for name, value in named)

    def key(match):
        flat = option(*match.groups())
        return match.group(0) if flat is None else "--" + flat.replace("_", "-")

    text = _DICT_KEY.sub(key, _DICT_ITEMS.sub(items, text))
    for public, flat in RENAMED.items():  # beyond_sensors is --extrapolated
        if flat in options:
            text = re.sub(rf"\b{public}\b", flat, text)
    return text


def cli_wording(text, options=()):
    """Reword a message written for Python callers for the command line.

    Parameters
    ----------
    text : str
        The message.
    options : iterable of str
        The parameter names that are options of the command, spelled as
        Python spells them (``n_permutations`` is ``--n-permutations``).

    Returns
    -------
    text : str
        ``name=value`` becomes ``--name value`` for each option
        (``name=True`` the flag alone, ``name=False`` "without" it,
        ``name=None`` ``--name none``; a bare
        ``name_with_underscores`` its flag, not a quoted key), a dict's item
        whose option the command has is that option
        (``score_params=dict(stats='fdr')`` is ``--score-stats fdr``,
        ``score_params['stats']`` is ``--score-stats``, ``beyond_sensors``
        is ``--extrapolated``), and the Python phrases of the hints say what
        to pass to the command.
    """
    text = _flat_options(text, options)
    for pattern, replacement in _PHRASES:
        text = re.sub(pattern, replacement, text)
    for name in sorted(options, key=len, reverse=True):
        flag = "--" + name.replace("_", "-")

        def option(match, flag=flag):
            value = (match.group(1) or "").strip("'\"")
            if value in ("", "True"):  # True: a switch given
                return flag
            if value == "None":  # the command's choices say none
                return f"{flag} none"
            return f"without {flag}" if value == "False" else f"{flag} {value}"

        text = re.sub(_ASSIGNMENT.format(name=re.escape(name)), option, text)
        if "_" in name:  # a bare identifier cannot be an English word
            # (not a quoted key, as in info['ch_names'])
            bare = rf"(?<![-\w'\"]){re.escape(name)}\b(?![='\"])"
            text = re.sub(bare, flag, text)
    return text


def print_warnings(caught, prefix="", options=()):
    """Print recorded warnings, one line each and each once, on stderr.

    Parameters
    ----------
    caught : list of warnings.WarningMessage
        As recorded by ``warnings.catch_warnings(record=True)``.
    prefix : str
        Put before each message, e.g. the option the warning is about.
    options : iterable of str
        The command's options, as for :func:`cli_wording`.
    """
    seen = set()
    for item in caught:
        text = cli_wording(one_line(item.message), options)
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


class _CliWording(logging.Filter):
    """Reword log records written for Python callers (see cli_wording)."""

    def __init__(self, options):
        super().__init__()
        self.options = tuple(options)

    def filter(self, record):
        record.msg = cli_wording(record.getMessage(), self.options)
        record.args = ()
        return True


@contextmanager
def cli_wording_of_logs(options):
    """Reword the log lines of the block for the command line (cli_wording).

    Parameters
    ----------
    options : iterable of str
        The command's options, as for :func:`cli_wording`.
    """
    from mne.utils import logger

    wording = _CliWording(options)
    logger.addFilter(wording)
    try:
        yield
    finally:
        logger.removeFilter(wording)


def size_text(n_bytes):
    """Return a file size in decimal units, as ls --si says it."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{n_bytes} bytes"
