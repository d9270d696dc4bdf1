"""The types of the command's option values, and help in Python's words.

argparse reports the errors of these types as usage errors, before anything
is loaded or rendered.
"""

import argparse

import numpy as np

from .._checks import MAX_SCORE
from .._docs import summary


def python_help(name, default="%(default)s"):
    """Return the help of an option meaning what the parameter ``name`` means."""
    return f"{summary(name).replace('%', '%%')} (default: {default})"


def _int_at_least(text, minimum):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
    return value


def positive_int(text):
    return _int_at_least(text, 1)


def finite_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text!r}")
    return value


def positive_float(text):
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return value


def sampling_frequency(text):
    """Read a sampling frequency: positive, finite, with a finite period."""
    value = positive_float(text)
    if not np.isfinite(1.0 / value):  # e.g. 1e-320: every time would be inf
        raise argparse.ArgumentTypeError(
            f"must be a sampling frequency in Hz with a finite period 1/HZ, "
            f"got {text!r}"
        )
    return value


def float_or_none(text):
    if text.strip().lower() == "none":
        return None
    return finite_float(text)


def comma_list(text):
    items = [item.strip() for item in text.split(",")]
    items = [item for item in items if item]
    if not items:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated names, got {text!r}"
        )
    return items


def probability(text):
    """Read a significance level, strictly between 0 and 1."""
    value = finite_float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text!r}")
    return value


def non_negative_int(text):
    return _int_at_least(text, 0)


def n_permutations(text):
    """Read a number of permutations, or 'all' (every sign flip)."""
    return "all" if text.strip().lower() == "all" else positive_int(text)


def chance(text):
    """'auto', 'none' (no line) or a number: Python's chance."""
    word = text.strip().lower()
    if word in ("auto", "none"):
        return None if word == "none" else "auto"
    try:
        value = finite_float(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected auto, none or a number, got {text!r}"
        ) from None
    if abs(value) > MAX_SCORE:  # as Python's chance: an axis must span it
        raise argparse.ArgumentTypeError(
            f"must be within +-{MAX_SCORE:g}, as scores are, got {text!r}"
        )
    return value


def panel(text):
    """TITLE=FILE: one panel's title and file, split at the last '='.

    A title may hold '=' (``C=0.01=c.npz`` is the title ``C=0.01``); a file
    name may not (rename the file).
    """
    title, sep, fname = text.rpartition("=")
    if not sep or not title.strip() or not fname.strip():
        raise argparse.ArgumentTypeError(
            f"expected TITLE=FILE (e.g. low=low-ave.fif), got {text!r}"
        )
    return title.strip(), fname.strip()


BYTE_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def byte_size(text):
    """Read a size in bytes: 500M, 2G (binary units, an optional B or iB), or none."""
    word = text.strip().upper().removesuffix("B").removesuffix("I")
    if word == "NONE":
        return None
    number, unit = word[:-1], word[-1:]
    if unit not in BYTE_UNITS or unit == "":
        number, unit = word, ""
    try:
        value = float(number) * BYTE_UNITS[unit]
    except ValueError:
        value = None
    if value is None or not np.isfinite(value) or value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a size such as 500M, 2G or 4096 (bytes), or none, got {text!r}"
        )
    return int(value)


# -- options checked as Python checks them, before anything is loaded -----------


def check_vlim_option(vlim):
    """Check --vlim with the Python check, its error naming the option."""
    from ..viz._colors import check_vlim

    return _as_option("--vlim", check_vlim, None if vlim is None else tuple(vlim))


def check_cmap_option(name):
    """Check --cmap with the Python check, its error naming the option."""
    from ..viz._colors import check_cmap

    if name is not None:
        _as_option("--cmap", check_cmap, name)


def check_label_options(args):
    """Refuse a label whose mathtext does not parse, naming its option."""
    from .._checks import check_mathtext

    labels = [("--title", args.title), ("--units", args.units),
              ("--score-label", args.score_label)]  # fmt: skip
    labels += [("--panel title", title) for title in args.titles if title is not None]
    for flag, text in labels:
        check_mathtext(flag, text)  # the message names the option


def _as_option(flag, check, value):
    """Run a Python check; say its error in terms of the option ``flag``."""
    try:
        return check(value)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{flag}: {exc}") from None
