"""The command line of ``mne-coefanim``: its options, their types, and its words.

Options named as parameters of :func:`~mne_coefanim.animate_coefs` come from
the parameter table (``_params.PARAMS``, ``cli`` entries): the same name,
default and help as in Python. A bad value is a usage error before anything
runs, in one line (:class:`OneLineParser`), as every message; Python's
wording (``pass chance=0.5``) becomes the command's (:func:`cli_wording`).
"""

import argparse
import re
import textwrap

import numpy as np

from .. import __version__
from .._checks import MAX_SCORE
from .._docs import summary
from .._params import PARAMS, VALUE_TEXT, spelled_as_options

PROG = "mne-coefanim"
DEMO_SUBJECTS = 8
INPUT_KINDS = ".npy, .npz, -ave.fif (Evoked) or -epo.fif (Epochs, averaged)"
# the largest array an input may declare unless --max-bytes says more: far above
# any decoder's coefficients (30 subjects x 5 folds x 1000 times x 306 channels
# of float64 are 0.34 GiB), far below what breaks a laptop
DEFAULT_MAX_BYTES = 2**30


# -- what the command prints ------------------------------------------------------


def flag_of(name):
    """Return the option of the parameter ``name``: ``--n-permutations``."""
    return "--" + name.replace("_", "-")


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
# name=value (a value as VALUE_TEXT reads it; a tuple or list is left as it is)
_ASSIGNMENT = rf"\b{{name}}=(?![(\[])({VALUE_TEXT})?"


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
        ``name=value`` becomes ``--name value`` for each option (``True`` the
        flag alone, ``False`` "without" it, ``None`` ``--name none``; a bare
        ``name_with_underscores`` its flag, not a quoted key; dicts' items as
        :func:`spelled_as_options` says); hints' Python phrases the command's.
    """
    text = spelled_as_options(text, options)
    for pattern, replacement in _PHRASES:
        text = re.sub(pattern, replacement, text)
    for name in sorted(options, key=len, reverse=True):
        dashed = flag_of(name)

        def option(match, dashed=dashed):
            value = (match.group(1) or "").strip("'\"")
            if value in ("", "True"):  # True: a switch given
                return dashed
            if value == "None":  # the command's choices say none
                return f"{dashed} none"
            return f"without {dashed}" if value == "False" else f"{dashed} {value}"

        text = re.sub(_ASSIGNMENT.format(name=re.escape(name)), option, text)
        if "_" in name:  # a bare identifier cannot be an English word
            # (not a quoted key, as in info['ch_names'])
            bare = rf"(?<![-\w'\"]){re.escape(name)}\b(?![='\"])"
            text = re.sub(bare, dashed, text)
    return text


# -- the options' types -------------------------------------------------------------


class OneLineParser(argparse.ArgumentParser):
    """An argument parser (and subcommand parser) with one-line usage errors."""

    def error(self, message):
        """Print ``message`` in one line and a ``--help`` hint; exit with 2."""
        self.exit(2, f"{PROG}: error: {one_line(message)} (see '{self.prog} --help')\n")


def _typed(convert, expected, *rules, words=None):
    """Return an argparse type: one of ``words``, or ``convert(text)`` checked.

    ``expected`` says what a text ``convert`` refuses should be; each rule is
    ``(test, must)``, ``must`` formatted with ``text`` (quoted) and ``value``.
    """

    def read(text):
        if words and text.strip().lower() in words:
            return words[text.strip().lower()]
        try:
            value = convert(text)
        except ValueError:
            message = f"expected {expected}, got {text!r}"
            raise argparse.ArgumentTypeError(message) from None
        for test, must in rules:
            if not test(value):
                message = "must be " + must.format(text=repr(text), value=value)
                raise argparse.ArgumentTypeError(message)
        return value

    return read


_FINITE = (np.isfinite, "finite, got {text}")
_POSITIVE = (lambda value: value > 0, "> 0, got {text}")
_AT_LEAST_1 = (lambda value: value >= 1, ">= 1, got {value}")
positive_int = _typed(int, "an integer", _AT_LEAST_1)
non_negative_int = _typed(int, "an integer", (lambda value: value >= 0,
                                              ">= 0, got {value}"))
n_permutations = _typed(int, "an integer", _AT_LEAST_1, words={"all": "all"})
finite_float = _typed(float, "a number", _FINITE)
positive_float = _typed(float, "a number", _FINITE, _POSITIVE)
float_or_none = _typed(float, "a number", _FINITE, words={"none": None})
probability = _typed(float, "a number", _FINITE, (lambda value: 0 < value < 1,
                                                   "between 0 and 1, got {text}"))
# positive, with a finite period (1e-320 Hz: every time would be inf)
sampling_frequency = _typed(float, "a number", _FINITE, _POSITIVE, (
    lambda value: np.isfinite(1.0 / value),
    "a sampling frequency in Hz with a finite period 1/HZ, got {text}"))  # fmt: skip
# Python's chance: an axis must span it, as scores are
chance = _typed(float, "auto, none or a number", _FINITE, (
    lambda value: abs(value) <= MAX_SCORE,
    f"within +-{MAX_SCORE:g}, as scores are, got {{text}}"),
    words={"auto": "auto", "none": None})  # fmt: skip


def _names(text):
    """Split comma-separated names (ValueError: none)."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise ValueError(text)
    return items


def _title_file(text):
    """TITLE=FILE: one panel's title and file, split at the last '='.

    A title may hold '=' (``C=0.01=c.npz`` is the title ``C=0.01``); a file
    name may not (rename the file).
    """
    title, sep, fname = text.rpartition("=")
    if not sep or not title.strip() or not fname.strip():
        raise ValueError(text)
    return title.strip(), fname.strip()


BYTE_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def _bytes(text):
    """Read a size in bytes: 500M, 2G (binary units, an optional B or iB)."""
    word = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = word[-1:] if word[-1:] in ("K", "M", "G", "T") else ""
    value = float(word[: len(word) - len(unit)]) * BYTE_UNITS[unit]
    if not np.isfinite(value) or value < 1:
        raise ValueError(text)
    return int(value)


comma_list = _typed(_names, "comma-separated names")
panel = _typed(_title_file, "TITLE=FILE (e.g. low=low-ave.fif)")
byte_size = _typed(_bytes, "a size such as 500M, 2G or 4096 (bytes), or none",
                   words={"none": None})


# -- the parser ------------------------------------------------------------------

# options of the command alone (not parameters of animate_coefs), by argument
# group: (flags, keywords of add_argument); "%(default)s" is argparse's
_TRANSFORM = dict(choices=("none", "abs", "zscore"), default="none")
_ALONE = {
    "output": [
        (("--overwrite",), dict(action="store_true", help="replace FILE if it exists "
                                "(default: refuse)")),
    ],
    "arrays": [
        (("--key",), dict(help="the array to animate in an .npz file (default: its "
                          "only array, not counting --times-key)")),
        (("--times-key",), dict(metavar="KEY", help="an array of an .npz file holding "
         "the time of each sample, in seconds (default: times from --sfreq and "
         "--first-time)")),
        (("--sfreq",), dict(type=sampling_frequency, metavar="HZ", help="sampling "
         "frequency of the array, to build times = FIRST_TIME + arange(n_times) / "
         "HZ (default: none; without it or --times-key, frames are labelled by "
         "sample index)")),
        (("--first-time",), dict(type=finite_float, metavar="SECONDS", help="time of "
         "the first sample, used with --sfreq (formerly --tmin) (default: 0)")),
        (("--dims",), dict(type=comma_list, metavar="AXES", help="comma-separated "
         "names of the array's axes, from subjects, folds, times and channels (or "
         "subject, fold, time, channel), e.g. channels,times for MNE's (n_channels, "
         "n_times) order (default: times,channels for 2-D, subjects,times,channels "
         "for 3-D, subjects,folds,times,channels for 4-D)")),
        (("--max-bytes",), dict(type=byte_size, default=DEFAULT_MAX_BYTES,
         metavar="SIZE", help="the largest array a .npy/.npz input (COEFS, --panel, "
         "--scores, --mask) may declare in its header, e.g. 500M or 4G (binary "
         "units), or none for no limit; a larger one is refused before it is "
         "read, as a compressed .npz can declare gigabytes in a few megabytes "
         "(default: 1G)")),
        (("--condition",), dict(help="the Evoked to read from an -ave.fif file: its "
         "index or its comment (default: 0, the first)")),
    ],
    "positions": [
        (("--ch-names",), dict(type=comma_list, metavar="NAMES", help="comma-"
         "separated channel names of an array, in its channel order, placed with "
         "--montage, e.g. Fz,Cz,Pz (default: none)")),
        (("--ch-type",), dict(help="the channel type to show when there are several, "
         "e.g. eeg, mag or grad (default: the only one)")),
    ],
    "look": [
        (("--transform",), dict(_TRANSFORM, help="applied after averaging: 'abs' "
         "shows strength only, 'zscore' standardises each frame across channels "
         "(default: %(default)s)")),
        (("--align-signs",), dict(action="store_true", help="for maps whose sign is "
         "arbitrary (CSP, PCA): flip each subject's or fold's maps, once over the "
         "whole time course, to agree with the group's leading spatio-temporal "
         "pattern before averaging, and log how many were flipped; a --mask test "
         "is then refused (default: off)")),
        (("--tmax",), dict(type=finite_float, metavar="SECONDS",
                           help="see --tmin (default: the last time)")),
        (("--times",), dict(nargs=2, type=float_or_none, metavar=("TMIN", "TMAX"),
                            help="deprecated, use --tmin and --tmax (default: none)")),
        (("--vlim",), dict(nargs=2, type=float_or_none, metavar=("VMIN", "VMAX"),
         help="colour limits, fixed for all frames; either may be 'none', and for "
         "signed values a single limit is mirrored (none 5 gives -5 5) (default: "
         "from the data, symmetric around 0 for signed values)")),
        (("--cmap",), dict(help="a matplotlib colour map (default: RdBu_r for signed "
         "values, Reds for non-negative ones)")),
    ],
    "score": [
        (("--scores-key",), dict(metavar="KEY", help="the array of the scores in an "
         ".npz FILE (default: its only array)")),
        (("--score-label",), dict(metavar="TEXT", help="the score axis label "
         "(default: the score's name when known, e.g. AUC, else Score)")),
    ],
    "mask": [
        (("--mask-key",), dict(metavar="KEY", help="the array of the mask in an .npz "
         "FILE (default: its only array)")),
        (("--alpha",), dict(type=probability, metavar="P", help="significance level "
         "of --mask cluster or fdr (default: 0.05)")),
        (("--tail",), dict(type=int, choices=(-1, 0, 1), help="the test's tail: 0 "
         "two-sided, 1 greater, -1 less than 0 (default: 0)")),
        (("--popmean",), dict(type=finite_float, metavar="LEVEL", help="the maps' "
         "value without an effect, tested against by --mask cluster or fdr: for "
         "maps that are non-negative everywhere (e.g. np.abs), with --tail 1 "
         "(default: 0)")),
        (("--threshold",), dict(type=finite_float, metavar="T", help="cluster-forming "
         "threshold on the t values of --mask cluster (default: MNE's, the t of p < "
         "0.05)")),
        (("--n-permutations",), dict(type=n_permutations, metavar="{N,all}",
         help="permutations of --mask cluster (default: 1024)")),
        (("--seed",), dict(type=non_negative_int, metavar="N", help="random seed of "
         "--mask cluster, for a reproducible mask (default: none)")),
    ],
}  # fmt: skip
_GROUPS = {  # argument group -> its title in the help (None: the command's own)
    "output": None, "arrays": "arrays (.npy, .npz)", "positions": "channel positions",
    "look": "what is shown", "score": "decoding score (drawn under the map)",
    "mask": "significance mask (markers on channels)",
}  # fmt: skip


def _python_options(group):
    """Yield the options of ``group`` that are parameters of animate_coefs."""
    for name, param in PARAMS.items():
        if param.cli and param.cli[0] == group:
            _, kind, metavar, default, more = param.cli
            text = summary(param.doc or name).replace("%", "%%")
            flag = dict(action="store_true") if kind == "flag" else {"metavar": metavar}
            kwargs = dict(help=f"{text} (default: {default}){more}", **flag)
            if isinstance(kind, tuple):
                kwargs["choices"] = kind
            elif kind not in (None, "flag"):
                kwargs["type"] = globals()[kind]
            if default == "%(default)s":
                kwargs["default"] = param.default
            yield (flag_of(name),), kwargs


def _add_group(sub, group, parent=None):
    """Add an argument group's options: the command's own, then Python's."""
    title = _GROUPS[group]  # None: the command's own
    parent = parent or (sub if title is None else sub.add_argument_group(title))
    for flags, kwargs in [*_ALONE[group], *_python_options(group)]:
        parent.add_argument(*flags, **kwargs)


def build_parser():
    """Build the argument parser of ``mne-coefanim``.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser, with the subcommands ``demo`` and ``render``.
    """
    parser = OneLineParser(prog=PROG, description="Animate time-resolved decoder "
                           "coefficients and Haufe patterns on the scalp (GIF, MP4, "
                           "WebM or HTML).", epilog=f"Run '{PROG} COMMAND --help' for "
                           "the options of a command.")  # fmt: skip
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND",
                                     dest="command", required=True)  # fmt: skip
    _add_demo_parser(commands)
    _add_render_parser(commands)
    return parser


def _add_output_options(sub):
    """Options shared by every subcommand: output file, speed and size."""
    from ..io._viewer import format_list

    sub.add_argument("-o", "--output", required=True, metavar="FILE",
                     help="the file to write; its suffix picks the format: "
                     f"{format_list(requirements=True)} (required)")  # fmt: skip
    _add_group(sub, "output")
    talk = sub.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="print nothing but "
                      "errors (default: warnings, one line each, and a summary line)")
    talk.add_argument("-v", "--verbose", action="store_true", help="also print MNE's "
                      "log lines and progress bars (adjacency, clustering, "
                      "permutations, saving) (default: only with --verbose, "
                      "whatever MNE_LOGGING_LEVEL says)")  # fmt: skip


def _add_demo_parser(commands):
    sub = commands.add_parser(
        "demo",
        help="animate the built-in simulated working-memory study",
        description="Animate the decoders of a simulated visual working-memory "
        "EEG study (64 channels, -0.2 to 0.8 s): the patterns (or filters) "
        "are averaged over subjects and cross-validation folds and shown with "
        "the decoding score (ROC AUC) below the head. The decoders are "
        "trained on first use (about 2 s per subject) and then cached in the "
        "folder named by MNE_COEFANIM_CACHE (default ~/.cache/mne_coefanim).",
        epilog=f"Example: {PROG} demo -o demo.gif --what patterns --fps 12",
    )
    _add_output_options(sub)
    sub.add_argument("--what", choices=("patterns", "filters"), default="patterns",
                     help="what to animate: the Haufe patterns (in µV per standard "
                     "deviation of the decoder output, interpretable as brain "
                     "activity) or the classifier filters (weights per volt, not "
                     "interpretable on their own) (default: %(default)s)")
    sub.add_argument("--transform", **_TRANSFORM, help="applied after averaging: "
                     "'none' keeps the sign (signed patterns show which way each "
                     "channel moves with memory load, on a diverging colour map), "
                     "'abs' shows strength only, 'zscore' standardises each frame "
                     "across channels (default: %(default)s)")
    sub.add_argument("--subjects", type=positive_int, default=DEMO_SUBJECTS,
                     metavar="N", help="number of simulated subjects (default: "
                     "%(default)s)")  # fmt: skip


def _add_render_parser(commands):
    sub = commands.add_parser(
        "render",
        help="animate coefficients from a .npy/.npz array or an MNE file",
        # the raw formatter keeps the examples' lines: wrap the text here
        description=textwrap.fill(
            "Animate coefficients saved in COEFS, or several side by side "
            "with --panel TITLE=FILE (instead of COEFS). Arrays (.npy, .npz) "
            "are averaged over their subjects and folds axes and need channel "
            "positions from --info or --montage with --ch-names; MNE files "
            "(-ave.fif, -epo.fif) carry their own. Options named as "
            "parameters of animate_coefs mean what they mean in Python.",
            width=78,
        ),
        epilog="Examples:\n"
        f"  {PROG} render patterns.npy --info sub01-epo.fif --sfreq 100 "
        "--first-time -0.2 -o patterns.gif\n"
        f"  {PROG} render res.npz --key patterns --times-key times --info "
        "s-info.fif --scores res.npz --scores-key scores --scoring roc_auc "
        "--mask cluster -o patterns.gif\n"
        f"  {PROG} render results.npz --key patterns --times-key times "
        "--montage biosemi64 --ch-names Fp1,AF7,AF3 -o patterns.mp4\n"
        f"  {PROG} render patterns-ave.fif --transform abs --tmin 0 --tmax 0.5 "
        "-o patterns.html\n"
        f"  {PROG} render --panel low=low-ave.fif --panel high=high-ave.fif "
        "-o panels.gif",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("coefs", metavar="COEFS", nargs="?", help=f"the coefficients: "
                     f"{INPUT_KINDS}; an array's axes are named by --dims (required "
                     "unless --panel is given)")
    sub.add_argument("--panel", action="append", type=panel, metavar="TITLE=FILE",
                     help="one panel, titled TITLE, of coefficients read from FILE "
                     "as COEFS is, split at the last '=' (a title may hold '=', "
                     "e.g. C=0.01=c.npz; a FILE name may not); repeat for panels "
                     "side by side, in sync and on one colour scale (Python's "
                     "data={title: ...}); replaces COEFS, which cannot be given "
                     "too (default: none)")  # fmt: skip
    _add_output_options(sub)
    _add_group(sub, "arrays")
    positions = sub.add_argument_group(_GROUPS["positions"])
    where = positions.add_mutually_exclusive_group()
    where.add_argument("--info", metavar="FILE", help="an MNE .fif file holding the "
                       "channels' Info with positions (-info.fif, raw, -epo.fif, "
                       "-ave.fif, ...) (default: for MNE files, their own Info)")
    where.add_argument("--montage", metavar="NAME", help="a standard montage of EEG "
                       "positions, e.g. biosemi64 or easycap-M1 (see "
                       "mne.channels.get_builtin_montages()); for MNE files it "
                       "replaces their positions (default: none)")  # fmt: skip
    _add_group(sub, "positions", positions)
    for group in ("look", "score", "mask"):
        _add_group(sub, group)
