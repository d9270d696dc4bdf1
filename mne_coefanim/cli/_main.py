"""The ``mne-coefanim`` command: animate coefficients from the shell.

Two subcommands:

- ``mne-coefanim demo -o FILE`` renders the built-in simulated study;
- ``mne-coefanim render COEFS -o FILE`` renders coefficients saved as a NumPy
  array (``.npy`` / ``.npz``), an Evoked (``-ave.fif``) or Epochs
  (``-epo.fif``, averaged).

Every mistake a user can make (a bad option value, a missing or pickled file,
an existing output) ends the command with one line on stderr,
``mne-coefanim: error: <message>``, and exit code 2, the code argparse uses
for its own usage errors. Anything else is a bug and keeps its traceback.
"""

import argparse
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

from .. import __version__

PROG = "mne-coefanim"
EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130

# OSError covers FileNotFoundError, FileExistsError and PermissionError.
USER_ERRORS = (ValueError, TypeError, OSError, ImportError)

# MNE's file name conventions (``mne.read_evokeds`` / ``mne.read_epochs`` warn
# about other names, so only these are routed to them).
EVOKED_ENDINGS = ("-ave.fif", "_ave.fif", "-ave.fif.gz", "_ave.fif.gz")
EPOCHS_ENDINGS = ("-epo.fif", "_epo.fif", "-epo.fif.gz", "_epo.fif.gz")
INPUT_KINDS = ".npy, .npz, -ave.fif (Evoked) or -epo.fif (Epochs, averaged)"

DEFAULT_FPS, DEFAULT_DPI, DEFAULT_RES = 10, 100, 256
DEMO_SUBJECTS = 8
VOLTS_TO_MICROVOLTS = 1e6  # the demo's normalised patterns are stored in volts


# -- entry point --------------------------------------------------------------


def main(argv=None):
    """Run the ``mne-coefanim`` command.

    Parameters
    ----------
    argv : list of str | None
        The arguments, without the program name; None reads ``sys.argv``.

    Returns
    -------
    code : int
        The exit code: 0 on success, 2 for a usage error or a user mistake
        (reported as one line on stderr), 130 when interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return _exit_code(exc.code)
    try:
        return args.run(args)
    except USER_ERRORS as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _exit_code(code):
    if code is None:
        return EXIT_OK
    return code if isinstance(code, int) else EXIT_USAGE


def _one_line(exc):
    """Return the exception's message on one line (whitespace runs collapsed)."""
    message = " ".join(str(exc).split())
    return message or type(exc).__name__


# -- parser -------------------------------------------------------------------


def build_parser():
    """Build the argument parser of ``mne-coefanim``.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser, with the subcommands ``demo`` and ``render``.
    """
    parser = argparse.ArgumentParser(
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
        type=_positive_int,
        default=DEMO_SUBJECTS,
        metavar="N",
        help="number of simulated subjects (default: %(default)s)",
    )
    sub.set_defaults(run=run_demo)


def _add_render_parser(commands):
    sub = commands.add_parser(
        "render",
        help="animate coefficients from a .npy/.npz array or an MNE file",
        # the raw formatter keeps the examples' lines: wrap the text here
        description=textwrap.fill(
            "Animate coefficients saved in COEFS. Arrays (.npy, .npz) are "
            "averaged over their subjects and folds axes and need channel "
            "positions from --info or --montage with --ch-names; MNE files "
            "(-ave.fif, -epo.fif) carry their own.",
            width=78,
        ),
        epilog="Examples:\n"
        f"  {PROG} render patterns.npy --info sub01-epo.fif --sfreq 100 "
        "--tmin -0.2 -o patterns.gif\n"
        f"  {PROG} render results.npz --key patterns --times-key times "
        "--montage biosemi64 --ch-names Fp1,AF7,AF3 -o patterns.mp4\n"
        f"  {PROG} render patterns-ave.fif --transform abs --times 0 0.5 "
        "-o patterns.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument(
        "coefs",
        metavar="COEFS",
        help=f"the coefficients: {INPUT_KINDS}; an array's axes are named by --dims",
    )
    _add_output_options(sub)
    _add_array_options(sub)
    _add_position_options(sub)
    _add_look_options(sub)
    sub.set_defaults(run=run_render)


def _add_output_options(sub):
    """Options shared by every subcommand: output file, speed and size."""
    sub.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the file to write; its suffix picks the format: .gif, .mp4, "
        ".webm (MP4/WebM need imageio-ffmpeg) or .html (required)",
    )
    sub.add_argument(
        "--overwrite",
        action="store_true",
        help="replace FILE if it exists (default: refuse)",
    )
    sub.add_argument(
        "--fps",
        type=_positive_float,
        default=DEFAULT_FPS,
        metavar="N",
        help="frames per second (default: %(default)s)",
    )
    sub.add_argument(
        "--dpi",
        type=_positive_float,
        default=DEFAULT_DPI,
        metavar="N",
        help="resolution of the frames, dots per inch (default: %(default)s)",
    )
    sub.add_argument(
        "--res",
        type=_positive_int,
        default=DEFAULT_RES,
        metavar="N",
        help="pixels along each side of the interpolated head image "
        "(default: %(default)s)",
    )
    sub.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print nothing but errors (default: MNE's log level, and a summary line)",
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
        "seconds (default: times from --sfreq and --tmin)",
    )
    group.add_argument(
        "--sfreq",
        type=_positive_float,
        metavar="HZ",
        help="sampling frequency of the array, to build times = TMIN + "
        "arange(n_times) / HZ (default: none; without it or --times-key, "
        "frames are labelled by sample index)",
    )
    group.add_argument(
        "--tmin",
        type=_finite_float,
        metavar="SECONDS",
        help="time of the first sample, used with --sfreq (default: 0)",
    )
    group.add_argument(
        "--dims",
        type=_comma_list,
        metavar="AXES",
        help="comma-separated names of the array's axes, from subjects, "
        "folds, times and channels (or subject, fold, time, channel), e.g. "
        "channels,times for MNE's (n_channels, n_times) order (default: "
        "times,channels for 2-D, subjects,times,channels for 3-D, "
        "subjects,folds,times,channels for 4-D)",
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
        type=_comma_list,
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
        "--times",
        nargs=2,
        type=_float_or_none,
        metavar=("TMIN", "TMAX"),
        help="animate only this time range, in seconds; either may be 'none' "
        "(default: all times)",
    )
    group.add_argument(
        "--vlim",
        nargs=2,
        type=_float_or_none,
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
        default="cubic",
        help="interpolation between sensors (default: %(default)s)",
    )
    group.add_argument(
        "--extrapolate",
        choices=("auto", "head", "local", "box"),
        default="auto",
        help="extrapolation beyond the sensors, as in MNE (default: %(default)s)",
    )
    group.add_argument("--title", help="the figure title (default: none)")
    group.add_argument(
        "--units",
        help="the colour bar label (default: from the data when known)",
    )
    group.add_argument(
        "--time-unit",
        choices=("s", "ms"),
        default="s",
        help="unit of the time labels (default: %(default)s)",
    )


# -- argument types (argparse reports their errors as usage errors) ----------


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _finite_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be finite, got {text!r}")
    return value


def _positive_float(text):
    value = _finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return value


def _float_or_none(text):
    if text.strip().lower() == "none":
        return None
    return _finite_float(text)


def _comma_list(text):
    items = [item.strip() for item in text.split(",")]
    items = [item for item in items if item]
    if not items:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated names, got {text!r}"
        )
    return items


# -- commands -----------------------------------------------------------------


def run_demo(args):
    """Render the built-in demo study (the ``demo`` subcommand).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options of ``mne-coefanim demo``.

    Returns
    -------
    code : int
        0 on success.
    """
    start = time.perf_counter()
    verbose = _verbose(args)
    output = _check_output(args.output, args.overwrite)
    study = _load_demo(args.subjects, verbose)
    transform = _transform(args.transform)
    if args.what == "patterns":
        values, units = study.normalized_patterns * VOLTS_TO_MICROVOLTS, "µV"
    else:
        values, units = study.coefs, "a.u."
    n_subjects = study.normalized_patterns.shape[0]
    anim = _animate(
        values,
        study.info,
        times=study.times,
        dims=study.dims,
        transform=transform,
        units=None if transform == "zscore" else units,
        scores=study.scores,
        score_label="AUC",
        title=f"Memory load decoding: {args.what} "
        f"({n_subjects} subject{'s' if n_subjects > 1 else ''})",
        res=args.res,
        fps=args.fps,
        dpi=args.dpi,
        verbose=verbose,
    )
    return _save(anim, output, args, start)


def run_render(args):
    """Render coefficients from a file (the ``render`` subcommand).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options of ``mne-coefanim render``.

    Returns
    -------
    code : int
        0 on success.
    """
    start = time.perf_counter()
    verbose = _verbose(args)
    vlim = _check_vlim(args.vlim)
    _check_cmap(args.cmap)
    tmin, tmax = _check_time_range(args.times)
    path, kind = _check_input(args.coefs)
    _check_option_combination(args, kind)
    output = _check_output(args.output, args.overwrite)
    # positions first: they are quick to check, the data may be large
    montage = None if args.montage is None else _make_montage(args.montage)
    if kind in ("npy", "npz"):
        info = _array_info(args, montage, verbose)
        data = _array_data(path, kind, args, info, verbose)
    else:
        info = _mne_info(args, verbose)
        data = _mne_data(path, kind, args, montage, verbose)
    anim = _animate(
        data,
        info,
        transform=_transform(args.transform),
        ch_type=args.ch_type,
        tmin=tmin,
        tmax=tmax,
        image_interp=args.image_interp,
        extrapolate=args.extrapolate,
        res=args.res,
        vlim=vlim,
        cmap=args.cmap,
        units=args.units,
        title=args.title,
        time_unit=args.time_unit,
        fps=args.fps,
        dpi=args.dpi,
        verbose=verbose,
    )
    return _save(anim, output, args, start)


def _verbose(args):
    # None defers to MNE's log level (MNE_LOGGING_LEVEL, mne.set_log_level)
    return False if args.quiet else None


def _transform(name):
    return None if name == "none" else name


def _animate(data, info, **kwargs):
    # looked up at call time, so that it can be wrapped (e.g. by the tests)
    from .._api import animate_coefs

    return animate_coefs(data, info, show=False, **kwargs)


def _save(anim, output, args, start):
    """Write the animation and report where, unless --quiet."""
    import matplotlib.pyplot as plt

    try:
        path = anim.save(
            output,
            fps=args.fps,
            dpi=args.dpi,
            overwrite=args.overwrite,
            verbose=_verbose(args),
        )
    finally:
        plt.close(anim.fig)
    if not args.quiet:
        elapsed = time.perf_counter() - start
        print(f"Wrote {path} ({len(anim)} frames) in {elapsed:.1f} s")
    return EXIT_OK


def _load_demo(n_subjects, verbose):
    from ..adapters import _demo

    try:
        return _demo.load_demo(n_subjects=n_subjects, verbose=verbose)
    except ImportError as exc:
        raise ImportError(
            f"the demo trains scikit-learn decoders and could not import them "
            f"({exc}); install them with: pip install 'mne-coefanim[demo]'"
        ) from exc


# -- checks done before anything is loaded or rendered -----------------------


def _check_output(fname, overwrite):
    """Fail before rendering if the output cannot be written."""
    from ..io._writers import check_output

    path = Path(fname).expanduser()
    if path.is_file() and not overwrite:
        raise FileExistsError(
            f"output file {str(path)!r} exists; pass --overwrite to replace it "
            "or choose another name with -o."
        )
    try:
        return check_output(path, overwrite=overwrite)[0]
    except ValueError as exc:
        raise ValueError(f"-o/--output: {exc}") from exc


def _check_vlim(vlim):
    if vlim is None:
        return (None, None)
    vmin, vmax = vlim
    if vmin is not None and vmax is not None and not vmin < vmax:
        raise ValueError(
            f"--vlim needs VMIN < VMAX; got VMIN={vmin:g}, VMAX={vmax:g}. Swap "
            "them, or pass 'none' for a limit taken from the data."
        )
    return (vmin, vmax)


def _check_cmap(name):
    import matplotlib

    if name is not None and name not in matplotlib.colormaps:
        raise ValueError(
            f"--cmap {name!r} is not a matplotlib colour map; use e.g. RdBu_r, "
            "viridis or Reds (list them with matplotlib.colormaps)."
        )


def _check_time_range(times):
    if times is None:
        return None, None
    tmin, tmax = times
    if tmin is not None and tmax is not None and not tmin <= tmax:
        raise ValueError(
            f"--times needs TMIN <= TMAX; got TMIN={tmin:g}, TMAX={tmax:g}."
        )
    return tmin, tmax


def _check_input(fname):
    """Return the input path and its kind: 'npy', 'npz', 'evoked', 'epochs'."""
    path = Path(fname).expanduser()
    name = path.name.lower()
    if name.endswith(".npy"):
        kind = "npy"
    elif name.endswith(".npz"):
        kind = "npz"
    elif name.endswith(EVOKED_ENDINGS):
        kind = "evoked"
    elif name.endswith(EPOCHS_ENDINGS):
        kind = "epochs"
    else:
        raise ValueError(
            f"COEFS must be {INPUT_KINDS}; got {str(path)!r}. Other .fif files "
            "must be named as MNE expects, e.g. sub01-ave.fif for an Evoked."
        )
    _check_file_exists("COEFS", path)
    return path, kind


def _check_file_exists(what, path):
    if not path.exists():
        raise FileNotFoundError(f"{what} file not found: {str(path)!r}.")
    if path.is_dir():
        raise IsADirectoryError(f"{what} {str(path)!r} is a folder; give a file.")


def _check_option_combination(args, kind):
    """Reject options that mean nothing for this kind of input."""
    is_array = kind in ("npy", "npz")
    meaningless = {
        "--key": args.key is not None and kind != "npz",
        "--times-key": args.times_key is not None and kind != "npz",
        "--sfreq": args.sfreq is not None and not is_array,
        "--tmin": args.tmin is not None and not is_array,
        "--dims": args.dims is not None and not is_array,
        "--condition": args.condition is not None and kind != "evoked",
        "--ch-names": args.ch_names is not None and not is_array,
    }
    for option, given in meaningless.items():
        if given:
            raise ValueError(
                f"{option} does not apply to a {_KIND_NAMES[kind]} (COEFS "
                f"{args.coefs!r}); remove it."
            )
    if args.sfreq is not None and args.times_key is not None:
        raise ValueError(
            "--sfreq and --times-key cannot both be given: the times come "
            "either from the .npz file or from --sfreq and --tmin."
        )
    if args.tmin is not None and args.sfreq is None:
        raise ValueError("--tmin needs --sfreq to build the times; add --sfreq HZ.")
    if args.ch_names is not None and args.montage is None:
        raise ValueError("--ch-names needs --montage NAME to place the channels.")


_KIND_NAMES = {
    "npy": ".npy array",
    "npz": ".npz archive",
    "evoked": "-ave.fif file (Evoked)",
    "epochs": "-epo.fif file (Epochs)",
}


# -- loading arrays -------------------------------------------------------------


def _array_data(path, kind, args, info, verbose):
    """Load an array's coefficients as a CoefData with times."""
    from ..adapters._coefs import as_coef_data
    from ..adapters._labelled import OrientationError

    if kind == "npy":
        values, times = _load_npy(path), None
    else:
        values, times = _load_npz(path, args.key, args.times_key)
    dims = None if args.dims is None else tuple(args.dims)
    try:
        _check_orientation(values, dims, times, info, args.ch_type)
        return as_coef_data(
            values,
            times=times,
            dims=dims,
            sfreq=args.sfreq,
            tmin=0.0 if args.tmin is None else args.tmin,
            verbose=verbose,
        )
    except OrientationError as exc:  # the advice, in the command's words
        advice = "Name its axes with --dims."
        if exc.dims is not None:
            advice = f"Pass --dims {','.join(exc.dims)} (its axes, in order)."
        raise ValueError(f"{exc.evidence} {advice}") from exc


def _check_orientation(values, dims, times, info, ch_type):
    """Refuse an array whose times and channels axes look swapped, as the API does."""
    from ..adapters._labelled import check_orientation
    from ..adapters._positions import resolve_sensors

    counts = (len(info.ch_names),)
    try:
        counts += (len(resolve_sensors(info, ch_type=ch_type, verbose=False).ch_names),)
    except (ValueError, TypeError):  # animate_coefs explains
        pass
    check_orientation(values.shape, dims, times=times, n_channels=counts, name="COEFS")


def _load_npy(path):
    try:
        values = np.load(path, allow_pickle=False)
    except ValueError as exc:
        if not _needs_unpickling(exc):
            raise
        raise _pickle_error(path) from exc
    return _numeric("COEFS", path, values)


def _load_npz(path, key, times_key):
    try:
        with np.load(path, allow_pickle=False) as archive:
            names = list(archive.files)
            key = _pick_key(path, names, key, times_key)
            values = _numeric(f"array {key!r} of", path, archive[key])
            times = None
            if times_key is not None:
                times = _numeric(f"array {times_key!r} of", path, archive[times_key])
    except ValueError as exc:
        if not _needs_unpickling(exc):
            raise
        raise _pickle_error(path) from exc
    return values, times


def _pick_key(path, names, key, times_key):
    """Choose the array to animate in an .npz archive."""
    listing = ", ".join(names) if names else "none"
    for option, name in (("--key", key), ("--times-key", times_key)):
        if name is not None and name not in names:
            raise ValueError(
                f"{option} {name!r} is not an array of {str(path)!r}; its "
                f"arrays are: {listing}."
            )
    if key is not None:
        return key
    candidates = [name for name in names if name != times_key]
    if len(candidates) != 1:
        raise ValueError(
            f"{str(path)!r} holds {len(candidates)} candidate arrays "
            f"({listing}); choose one with --key (and the times with "
            "--times-key)."
        )
    return candidates[0]


def _needs_unpickling(exc):
    # numpy's messages for object arrays and for pickle files
    return "allow_pickle" in str(exc) or "pickle" in str(exc)


def _pickle_error(path):
    """Explain why a file that needs unpickling is refused."""
    return ValueError(
        f"{str(path)!r} holds pickled Python objects (e.g. an object array) "
        "or is not a NumPy file; mne-coefanim never unpickles files, because "
        "unpickling can run arbitrary code. Save a numeric array instead, "
        "e.g. np.save(fname, np.asarray(coefs, dtype=float))."
    )


def _numeric(what, path, values):
    if values.dtype.kind not in "iuf":
        raise ValueError(
            f"{what} {str(path)!r} must hold real numbers; got dtype "
            f"{values.dtype} with shape {values.shape}."
        )
    return values


def _array_info(args, montage, verbose):
    """Build the Info placing an array's channels, from --info or --montage."""
    import mne

    if args.info is not None:
        return _read_info(args.info, verbose)
    if montage is None or args.ch_names is None:
        raise ValueError(
            "an array carries no channel positions: give --info FILE (an MNE "
            "file with the channels' Info), or --montage NAME with "
            "--ch-names A,B,C in the array's channel order."
        )
    info = mne.create_info(args.ch_names, args.sfreq or 1000.0, "eeg")
    info.set_montage(montage, verbose=verbose)
    return info


def _make_montage(name):
    import mne

    try:
        return mne.channels.make_standard_montage(name)
    except ValueError as exc:
        raise ValueError(f"--montage: {exc}") from exc


def _read_info(fname, verbose):
    import mne

    path = Path(fname).expanduser()
    _check_file_exists("--info", path)
    if not path.name.lower().endswith((".fif", ".fif.gz")):
        raise ValueError(
            f"--info must be an MNE .fif file (e.g. -info.fif, raw.fif, "
            f"-epo.fif, -ave.fif); got {str(path)!r}."
        )
    return mne.io.read_info(path, verbose=verbose)


# -- loading MNE files ----------------------------------------------------------


def _mne_data(path, kind, args, montage, verbose):
    """Read an Evoked, or average Epochs, optionally with new positions."""
    import mne

    if kind == "evoked":
        evokeds = mne.read_evokeds(path, verbose=verbose)
        evoked = _pick_condition(path, evokeds, args.condition)
    else:
        epochs = mne.read_epochs(path, preload=True, verbose=verbose)
        evoked = epochs.average()
    if montage is not None:
        evoked.set_montage(montage, verbose=verbose)
    return evoked


def _mne_info(args, verbose):
    # None makes animate_coefs use the Evoked's own Info
    return None if args.info is None else _read_info(args.info, verbose)


def _pick_condition(path, evokeds, condition):
    """Choose one Evoked of a file by index (a number) or by comment."""
    comments = ", ".join(f"{k}: {evoked.comment!r}" for k, evoked in enumerate(evokeds))
    text = "0" if condition is None else condition.strip()
    if text.lstrip("-").isdigit():
        index = int(text)
        if -len(evokeds) <= index < len(evokeds):
            return evokeds[index]
    else:
        for evoked in evokeds:
            if evoked.comment == text:
                return evoked
    raise ValueError(
        f"--condition {text!r} matches no Evoked of {str(path)!r}; give an index "
        f"or a comment of one of its {len(evokeds)} Evoked: {comments}."
    )


if __name__ == "__main__":  # python -m mne_coefanim._cli
    sys.exit(main())
