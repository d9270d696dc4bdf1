"""The command line of ``mne-coefanim``: its subcommands, options and defaults.

Builds the :mod:`argparse` parser; the argument types here reject a bad
value (a negative fps, a non-number) as a usage error before anything runs.
"""

import argparse
import textwrap

from .. import __version__
from .._params import (
    DEFAULT_DPI,
    DEFAULT_EXTRAPOLATE,
    DEFAULT_FPS,
    DEFAULT_IMAGE_INTERP,
    DEFAULT_RES,
    DEFAULT_TIME_UNIT,
)
from ._extras import add_mask_options, add_score_options
from ._files import DEFAULT_MAX_BYTES
from ._messages import PROG as PROG  # re-exported
from ._messages import one_line
from ._readers import INPUT_KINDS
from ._types import (
    byte_size,
    comma_list,
    finite_float,
    float_or_none,
    panel,
    positive_float,
    positive_int,
    python_help,
    sampling_frequency,
)

DEMO_SUBJECTS = 8


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, with a help hint.

    argparse prints the whole usage (22 lines for ``render``) before the
    error; the command promises one line on stderr, the same
    ``mne-coefanim: error: ...`` as every other mistake, and exit code 2.
    Subcommand parsers are of this class too (argparse makes them of the
    parent's class).
    """

    def error(self, message):
        """Print ``message`` in one line and a ``--help`` hint; exit with 2."""
        self.exit(2, f"{PROG}: error: {one_line(message)} (see '{self.prog} --help')\n")


def build_parser():
    """Build the argument parser of ``mne-coefanim``.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser, with the subcommands ``demo`` and ``render``.
    """
    parser = OneLineParser(
        prog=PROG,
        description="Animate time-resolved decoder coefficients and Haufe "
        "patterns on the scalp (GIF, MP4, WebM or HTML).",
        epilog=f"Run '{PROG} COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", dest="command", required=True
    )
    _add_demo_parser(commands)
    _add_render_parser(commands)
    return parser


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
    sub.add_argument(
        "--what",
        choices=("patterns", "filters"),
        default="patterns",
        help="what to animate: the Haufe patterns (in µV per standard "
        "deviation of the decoder output, interpretable as brain activity) or "
        "the classifier filters (weights per volt, not interpretable on their "
        "own) (default: %(default)s)",
    )
    sub.add_argument(
        "--transform",
        choices=("none", "abs", "zscore"),
        default="none",
        help="applied after averaging: 'none' keeps the sign (signed patterns "
        "show which way each channel moves with memory load, on a diverging "
        "colour map), 'abs' shows strength only, 'zscore' standardises each "
        "frame across channels (default: %(default)s)",
    )
    sub.add_argument(
        "--subjects",
        type=positive_int,
        default=DEMO_SUBJECTS,
        metavar="N",
        help="number of simulated subjects (default: %(default)s)",
    )


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
    sub.add_argument(
        "coefs",
        metavar="COEFS",
        nargs="?",
        help=f"the coefficients: {INPUT_KINDS}; an array's axes are named by "
        "--dims (required unless --panel is given)",
    )
    sub.add_argument(
        "--panel",
        action="append",
        type=panel,
        metavar="TITLE=FILE",
        help="one panel, titled TITLE, of coefficients read from FILE as COEFS "
        "is, split at the last '=' (a title may hold '=', e.g. C=0.01=c.npz; a "
        "FILE name may not); repeat for panels side by side, in sync and on "
        "one colour scale (Python's data={title: ...}); replaces COEFS, which "
        "cannot be given too (default: none)",
    )
    _add_output_options(sub)
    _add_array_options(sub)
    _add_position_options(sub)
    _add_look_options(sub)
    add_score_options(sub)
    add_mask_options(sub)


def _add_output_options(sub):
    """Options shared by every subcommand: output file, speed and size."""
    from ..io._formats import format_list

    sub.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the file to write; its suffix picks the format: "
        f"{format_list(requirements=True)} (required)",
    )
    sub.add_argument(
        "--overwrite",
        action="store_true",
        help="replace FILE if it exists (default: refuse)",
    )
    sub.add_argument(
        "--fps",
        type=positive_float,
        default=DEFAULT_FPS,
        metavar="N",
        help=python_help("fps"),
    )
    sub.add_argument(
        "--dpi",
        type=positive_float,
        default=DEFAULT_DPI,
        metavar="N",
        help=python_help("dpi"),
    )
    sub.add_argument(
        "--res",
        type=positive_int,
        default=DEFAULT_RES,
        metavar="N",
        help=python_help("res"),
    )
    talk = sub.add_mutually_exclusive_group()
    talk.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print nothing but errors (default: warnings, one line each, and "
        "a summary line)",
    )
    talk.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also print MNE's log lines and progress bars (adjacency, "
        "clustering, permutations, saving) (default: only with --verbose, "
        "whatever MNE_LOGGING_LEVEL says)",
    )


def _add_array_options(sub):
    group = sub.add_argument_group("arrays (.npy, .npz)")
    group.add_argument(
        "--key",
        help="the array to animate in an .npz file (default: its only array, "
        "not counting --times-key)",
    )
    group.add_argument(
        "--times-key",
        metavar="KEY",
        help="an array of an .npz file holding the time of each sample, in "
        "seconds (default: times from --sfreq and --first-time)",
    )
    group.add_argument(
        "--sfreq",
        type=sampling_frequency,
        metavar="HZ",
        help="sampling frequency of the array, to build times = FIRST_TIME + "
        "arange(n_times) / HZ (default: none; without it or --times-key, "
        "frames are labelled by sample index)",
    )
    group.add_argument(
        "--first-time",
        type=finite_float,
        metavar="SECONDS",
        help="time of the first sample, used with --sfreq (formerly --tmin) "
        "(default: 0)",
    )
    group.add_argument(
        "--dims",
        type=comma_list,
        metavar="AXES",
        help="comma-separated names of the array's axes, from subjects, "
        "folds, times and channels (or subject, fold, time, channel), e.g. "
        "channels,times for MNE's (n_channels, n_times) order (default: "
        "times,channels for 2-D, subjects,times,channels for 3-D, "
        "subjects,folds,times,channels for 4-D)",
    )
    group.add_argument(
        "--max-bytes",
        type=byte_size,
        default=DEFAULT_MAX_BYTES,
        metavar="SIZE",
        help="the largest array a .npy/.npz input (COEFS, --panel, --scores, "
        "--mask) may declare in its header, e.g. 500M or 4G (binary units), "
        "or none for no limit; a larger one is refused before it is read, as "
        "a compressed .npz can declare gigabytes in a few megabytes (default: "
        "1G)",
    )
    group.add_argument(
        "--condition",
        help="the Evoked to read from an -ave.fif file: its index or its "
        "comment (default: 0, the first)",
    )


def _add_position_options(sub):
    group = sub.add_argument_group("channel positions")
    where = group.add_mutually_exclusive_group()
    where.add_argument(
        "--info",
        metavar="FILE",
        help="an MNE .fif file holding the channels' Info with positions "
        "(-info.fif, raw, -epo.fif, -ave.fif, ...) (default: for MNE files, "
        "their own Info)",
    )
    where.add_argument(
        "--montage",
        metavar="NAME",
        help="a standard montage of EEG positions, e.g. biosemi64 or "
        "easycap-M1 (see mne.channels.get_builtin_montages()); for MNE "
        "files it replaces their positions (default: none)",
    )
    group.add_argument(
        "--ch-names",
        type=comma_list,
        metavar="NAMES",
        help="comma-separated channel names of an array, in its channel "
        "order, placed with --montage, e.g. Fz,Cz,Pz (default: none)",
    )
    group.add_argument(
        "--ch-type",
        help="the channel type to show when there are several, e.g. eeg, mag "
        "or grad (default: the only one)",
    )


def _add_look_options(sub):
    group = sub.add_argument_group("what is shown")
    group.add_argument(
        "--transform",
        choices=("none", "abs", "zscore"),
        default="none",
        help="applied after averaging: 'abs' shows strength only, 'zscore' "
        "standardises each frame across channels (default: %(default)s)",
    )
    group.add_argument(
        "--align-signs",
        action="store_true",
        help="for maps whose sign is arbitrary (CSP, PCA): flip each subject's "
        "or fold's maps, once over the whole time course, to agree with the "
        "group's leading spatio-temporal pattern before averaging, and log how "
        "many were flipped; a --mask test is then refused (default: off)",
    )
    group.add_argument(
        "--tmin",
        type=finite_float,
        metavar="SECONDS",
        help=python_help("tmin", default="the first time")
        + "; with --sfreq and without --first-time, it is still read as the "
        "first sample's time, with a deprecation warning, for one release",
    )
    group.add_argument(
        "--tmax",
        type=finite_float,
        metavar="SECONDS",
        help="see --tmin (default: the last time)",
    )
    group.add_argument(
        "--times",
        nargs=2,
        type=float_or_none,
        metavar=("TMIN", "TMAX"),
        help="deprecated, use --tmin and --tmax (default: none)",
    )
    group.add_argument(
        "--vlim",
        nargs=2,
        type=float_or_none,
        metavar=("VMIN", "VMAX"),
        help="colour limits, fixed for all frames; either may be 'none', "
        "and for signed values a single limit is mirrored (none 5 gives -5 5) "
        "(default: from the data, symmetric around 0 for signed values)",
    )
    group.add_argument(
        "--cmap",
        help="a matplotlib colour map (default: RdBu_r for signed values, "
        "Reds for non-negative ones)",
    )
    group.add_argument(
        "--image-interp",
        choices=("cubic", "linear", "nearest"),
        default=DEFAULT_IMAGE_INTERP,
        help=python_help("image_interp"),
    )
    group.add_argument(
        "--extrapolate",
        choices=("auto", "head", "local", "box"),
        default=DEFAULT_EXTRAPOLATE,
        help=python_help("extrapolate"),
    )
    group.add_argument(
        "--extrapolated",
        choices=("show", "fade", "hide"),
        default="show",
        help=python_help("extrapolated"),
    )
    group.add_argument("--title", help=python_help("title", default="none"))
    group.add_argument(
        "--units",
        help=python_help("units", default="from the data when known"),
    )
    group.add_argument(
        "--scalings",
        type=finite_float,
        metavar="FACTOR",
        help=python_help("scalings", default="MNE's for an Evoked, else 1")
        + ", e.g. 1e6 for patterns saved in volts, with --units µV",
    )
    group.add_argument(
        "--time-unit",
        choices=("s", "ms"),
        default=DEFAULT_TIME_UNIT,
        help=python_help("time_unit"),
    )
