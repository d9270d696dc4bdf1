"""The ``mne-coefanim`` command: animate coefficients from the shell.

``mne-coefanim demo -o FILE`` renders the built-in simulated study;
``mne-coefanim render COEFS -o FILE`` renders coefficients saved as a NumPy
array (``.npy`` / ``.npz``), an Evoked (``-ave.fif``) or Epochs (``-epo.fif``,
averaged), or several side by side (``--panel TITLE=FILE``), with scores and
masks from files (``_files``). An option named as a parameter of
``animate_coefs`` passes that parameter, with its meaning. Every mistake a
user can make (a bad option value, a missing, pickled or damaged file, an
existing output) ends the command with one line on stderr and exit code 2,
the code argparse uses for its usage errors; anything else is a bug and keeps
its traceback. MNE's log lines and progress bars appear only with
``--verbose``, whatever ``MNE_LOGGING_LEVEL`` says; ``--quiet`` prints errors
only.
"""

import gc
import sys
import time
import warnings
from contextlib import contextmanager
from types import SimpleNamespace

import numpy as np

from .._params import DEFAULTS, PARAMS
from . import _files
from ._files import print_warnings, size_text
from ._parser import PROG, build_parser, cli_wording, flag_of, one_line

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130
# OSError covers FileNotFoundError, FileExistsError and PermissionError.
USER_ERRORS = (ValueError, TypeError, OSError, ImportError)
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
VOLTS_TO_MICROVOLTS = 1e6  # the demo's normalised patterns are stored in volts
SCORE_OPTIONS = ("scores_key", "chance", "score_label", "scoring", "score_stats")
ARRAYS = {"npy", "npz"}
# the options of some inputs only: the kinds of input they apply to
APPLIES_TO = {"key": {"npz"}, "times_key": {"npz"}, "sfreq": ARRAYS,
              "first_time": ARRAYS, "dims": ARRAYS, "condition": {"evoked"},
              "ch_names": ARRAYS, "align_signs": ARRAYS}  # fmt: skip
# the test options of --mask cluster/fdr (mask dict keys): cluster only?
TEST_OPTIONS = {"alpha": False, "tail": False, "popmean": False, "seed": True,
                "threshold": True, "n_permutations": True}  # fmt: skip


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
        code = EXIT_OK if exc.code is None else exc.code
        return code if isinstance(code, int) else EXIT_USAGE
    run = {"demo": run_demo, "render": run_render}[args.command]
    options = [name for name in vars(args) if name not in ("command", "coefs")]
    with warnings.catch_warnings(record=True) as caught, command_log(options):
        # Python's default filters: each warning once, none of the libraries'
        # deprecations (which are for developers, not for the command's user)
        warnings.simplefilter("default")
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        try:
            return run(args)
        except USER_ERRORS as exc:
            print(f"{PROG}: error: {cli_wording(one_line(exc), options)}",
                  file=sys.stderr)  # fmt: skip
            return EXIT_USAGE
        except KeyboardInterrupt:
            print(f"{PROG}: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        finally:  # Python's warnings, one line each (not a source line)
            if not args.quiet:
                print_warnings(caught, options=options)


# -- commands -----------------------------------------------------------------


def run_demo(args):
    """Render the built-in demo study (the ``demo`` subcommand); return 0."""
    from ..datasets import _demo

    verbose = _verbose(args)
    args.output = _check_output(args.output, args.overwrite)
    try:
        study = _demo.load_demo(n_subjects=args.subjects, verbose=verbose)
    except ImportError as exc:
        raise ImportError(
            f"the demo trains scikit-learn decoders and could not import them "
            f"({exc}); install them with pip install '.[demo]' in a clone of "
            "mne-coefanim, or pip install scikit-learn"
        ) from exc
    start = time.perf_counter()  # the render's time, not the training's
    transform = None if args.transform == "none" else args.transform
    if args.what == "patterns":
        # µV per SD of the decoder output (Haufe et al. 2014)
        values, units = study.normalized_patterns * VOLTS_TO_MICROVOLTS, "µV / SD"
    else:
        values, units = study.coefs, "a.u."
    n_subjects = study.normalized_patterns.shape[0]
    title = (f"Memory load decoding: {args.what} "
             f"({n_subjects} subject{'s' if n_subjects > 1 else ''})")  # fmt: skip
    return _render(
        values, study.info, args, start, times=study.times, dims=study.dims,
        transform=transform, units=None if transform == "zscore" else units,
        scores=study.scores, score_label="AUC", title=title, res=args.res,
        fps=args.fps, dpi=args.dpi, decim=args.decim, verbose=verbose,
    )  # fmt: skip


def run_render(args):
    """Render coefficients from a file (the ``render`` subcommand); return 0."""
    verbose = _verbose(args)
    vlim = _as_option("--vlim", "check_vlim", args.vlim)  # (vmin, vmax)
    if args.cmap is not None:
        _as_option("--cmap", "check_cmap", args.cmap)
    args.first_time, args.tmin, args.tmax = _resolve_times(args)
    inputs = _check_inputs(args)
    _check_labels(args)
    _check_option_combination(args, inputs)
    _check_extras(args)
    args.output = _check_output(args.output, args.overwrite)
    # the arrays' headers first (sizes, damage: no data read), then the
    # positions (quick to check), then the data, which may be large
    _files.check_headers(inputs, args)
    montage = None if args.montage is None else _files.make_montage(args.montage)
    info, read = _files.read_inputs(inputs, args, montage, verbose)
    scores, mask = _files.extra_arrays(args)
    mask = mask_value(args, mask)
    check_named_for_tests(inputs, read, args, scores)
    # the options generated from animate_coefs' parameters pass as they are
    options = {name: getattr(args, name) for name, p in PARAMS.items() if p.cli}
    options.update(
        tmax=args.tmax, ch_type=args.ch_type, cmap=args.cmap, vlim=vlim,
        score_label=args.score_label, scores=scores, mask=mask, verbose=verbose,
        transform=None if args.transform == "none" else args.transform,
    )  # fmt: skip
    if inputs[0].kind in ARRAYS:  # an MNE file's units are known
        options["units"], options["scalings"] = display_units(args, read)
    data = read[0] if args.panel is None else dict(zip(args.titles, read, strict=True))
    start = time.perf_counter()  # the render's time, not the loading's
    return _render(data, info, args, start, **options)


def check_named_for_tests(inputs, read, args, scores):
    """Refuse a test across the first axis of an array whose axes are guessed.

    ``--mask cluster|fdr`` and ``--score-stats`` (2-D scores) test across it,
    which may hold folds. The API refuses too; this names the file and --dims.
    """
    tests = []
    if _files.mask_method(args.mask) is not None:
        tests.append(f"--mask {_files.mask_method(args.mask)}")
    if args.score_stats is not None and np.ndim(scores) == 2:
        tests.append(f"--score-stats {args.score_stats}")
    for item, coef in zip(inputs, read, strict=True):
        dims = getattr(coef, "guessed_dims", None)  # an Evoked names its own
        if not tests or dims is None:
            continue
        singular = ",".join(name.rstrip("s") for name in dims)
        raise ValueError(
            f"{' and '.join(tests)} test across the first axis of {item.what} "
            f"{str(item.path)!r}, but its axes are not named: a {len(dims)}-D "
            f"array is read as {','.join(dims)} by default, and its first axis "
            f"could as well hold cross-validation folds (a test across folds "
            f"marks pure noise as significant). Pass --dims {singular} if it "
            f"holds subjects; folds are never tested (remove "
            f"{' and '.join(t.split()[0] for t in tests)}).")  # fmt: skip


def mask_value(args, values):
    """Return animate_coefs' ``mask``: None, a method, a dict or the file's booleans."""
    method = _files.mask_method(args.mask)
    if method is not None:
        settings = {key: getattr(args, key) for key in TEST_OPTIONS
                    if getattr(args, key) is not None}  # fmt: skip
        return dict(method=method, **settings) if settings else method
    if values is not None and values.dtype.kind != "b":
        if values.size and not ((values == 0) | (values == 1)).all():
            raise ValueError(
                f"--mask {args.mask!r} must hold booleans (True/False, or 0/1); "
                f"got values of dtype {values.dtype} other than 0 and 1.")
        values = values.astype(bool)
    return values


def display_units(args, read):
    """Return ``(units, scalings)`` for arrays whose units nobody gave.

    ``'a.u.'``, and unless --vlim sets the limits in the array's own numbers,
    values scaled by the power of 1000 that brings the largest into [1, 1000),
    the factor in the label (``'a.u. (×10⁻⁶)'``): ticks without offset text.
    """
    units, scalings = args.units, args.scalings
    given = units is not None or scalings is not None
    if given or args.transform == "zscore" or any(c.units is not None for c in read):
        return units, scalings
    largest = max(float(np.abs(item.data).max()) for item in read)
    if args.vlim is not None or not np.isfinite(largest) or largest == 0:
        return "a.u.", None
    exponent = 3 * int(np.floor(np.log10(largest) / 3))
    if exponent == 0:
        return "a.u.", None
    return f"a.u. (×10{str(exponent).translate(_SUPERSCRIPT)})", 10.0**-exponent


def _verbose(args):
    """Return every call's ``verbose``: MNE's info lines only with --verbose."""
    return False if args.quiet else "info" if args.verbose else "warning"


def _render(data, info, args, start, **options):
    """Build and write the animation; say so in one line (size, time since ``start``).

    The options are keyed as PARAMS (no deprecation warning);
    ``_api.animate_options`` is looked up at call time: the tests wrap it.
    """
    from .. import _api

    anim = _api.animate_options(data, info, **options)
    # the figure is not pyplot's (animate_options): nothing to close
    path = anim.save(args.output, fps=args.fps, dpi=args.dpi,
                     overwrite=args.overwrite, verbose=_verbose(args))
    if not args.quiet:
        elapsed = time.perf_counter() - start
        size = size_text(path.stat().st_size)
        kept = f", one in {args.decim}" if args.decim > 1 else ""  # --decim
        print(f"Wrote {path} ({len(anim)} frames{kept}, {size}) in {elapsed:.1f} s")
    return EXIT_OK


# -- what the command prints -------------------------------------------------


def deprecated(old, new):
    """Say, in one line on stderr, that ``old`` is deprecated for ``new``."""
    print(f"{PROG}: warning: {old} is deprecated, use {new}", file=sys.stderr)


@contextmanager
def command_log(options):
    """Reword MNE's log records of the block for the command line (cli_wording).

    The writer's own "Wrote ..." record is dropped: the command says it once.
    """
    from mne.utils import logger

    def reword(record):
        if str(record.msg).startswith("Wrote "):
            return False
        record.msg, record.args = cli_wording(record.getMessage(), options), ()
        return True

    logger.addFilter(reword)
    try:
        yield
    finally:
        logger.removeFilter(reword)


# -- checks done before anything is loaded or rendered -----------------------


def _check_output(fname, overwrite):
    """Fail before rendering if the output cannot be written (or exists)."""
    from ..io._viewer import SUFFIXES
    from ..io._writers import check_output

    try:
        return check_output(fname, allowed=SUFFIXES, overwrite=overwrite)[0]
    except ValueError as exc:
        raise ValueError(f"-o/--output: {exc}") from exc


def _resolve_times(args):
    """Return (first_time, tmin, tmax), the old spellings translated.

    ``--tmin``/``--tmax`` crop, as Python's do. For one release, ``--tmin``
    with ``--sfreq`` but no ``--first-time`` is still the first sample's time
    and ``--times TMIN TMAX`` the range shown, with a warning.
    """
    first_time, tmin, tmax = args.first_time, args.tmin, args.tmax
    if tmin is not None and args.sfreq is not None and first_time is None:
        deprecated("--tmin with --sfreq (as the first sample's time)",
                   "--first-time (give it, even 0, and --tmin crops what is "
                   "shown, as Python's tmin)")
        first_time, tmin = tmin, None
    if args.times is not None:
        if tmin is not None or tmax is not None:
            raise ValueError("--times (deprecated) and --tmin/--tmax cannot both "
                             "be given; use --tmin and --tmax only.")
        deprecated("--times", "--tmin and --tmax")
        tmin, tmax = args.times
    if first_time is not None and args.sfreq is None:
        raise ValueError("--first-time needs --sfreq to build the times; add "
                         "--sfreq HZ.")
    if tmin is not None and tmax is not None and not tmin <= tmax:
        raise ValueError(f"--tmin must be <= --tmax; got --tmin {tmin:g}, --tmax "
                         f"{tmax:g}.")
    return first_time, tmin, tmax


def _check_inputs(args):
    """Return the inputs (COEFS, or one per --panel), each checked."""
    if args.panel is not None and args.coefs is not None:
        raise ValueError(f"give COEFS or --panel TITLE=FILE, not both; for COEFS as "
                         f"a panel too, add --panel TITLE={args.coefs}.")
    if args.panel is None and args.coefs is None:
        raise ValueError("the coefficients are missing: give COEFS, or --panel "
                         "TITLE=FILE once per panel.")
    given = [(None, args.coefs)] if args.panel is None else args.panel
    args.titles = [title for title, _ in given]
    repeated = sorted({t for t in args.titles if args.titles.count(t) > 1} - {None})
    if repeated:
        raise ValueError(f"--panel titles must differ; {repeated[0]!r} is repeated.")
    inputs = []
    for title, fname in given:
        what = "COEFS" if title is None else f"--panel {title!r}"
        path, kind = _files.check_input(fname, what)
        inputs.append(SimpleNamespace(what=what, path=path, kind=kind))
    if len({item.kind in ARRAYS for item in inputs}) > 1:
        raise ValueError(
            "--panel files must be all arrays (.npy, .npz) or all MNE files "
            "(-ave.fif, -epo.fif): arrays take their positions from --info or "
            "--montage, MNE files carry theirs.")
    return inputs


def _check_option_combination(args, inputs):
    """Reject options that mean nothing for these inputs."""
    kinds = {item.kind for item in inputs}
    first = inputs[0]
    kind = _files.KIND_NAMES[first.kind]
    for name, applies_to in APPLIES_TO.items():
        value = getattr(args, name)  # None, or False for a switch: not given
        if value is not None and value is not False and not kinds & applies_to:
            raise ValueError(f"{flag_of(name)} does not apply to a {kind} "
                             f"({first.what} {str(first.path)!r}); remove it.")
    if args.sfreq is not None and args.times_key is not None:
        raise ValueError("--sfreq and --times-key cannot both be given: the times "
                         "come either from the .npz file or from --sfreq and "
                         "--first-time.")
    if args.ch_names is not None and args.montage is None:
        raise ValueError("--ch-names needs --montage NAME to place the channels.")
    # (--info and --montage exclude each other)
    if kinds & ARRAYS and args.montage is not None and args.ch_names is None:
        raise ValueError(
            f"--montage places channels by name, and the {kind} {first.what} "
            f"{str(first.path)!r} has none: add --ch-names A,B,C (its "
            "channels, in order), or give --info FILE instead.")  # fmt: skip


def _check_extras(args):
    """Refuse score and mask options that would do nothing; before any loading."""
    for name in SCORE_OPTIONS:
        if args.scores is None and getattr(args, name) != DEFAULTS.get(name):
            option = flag_of(name)
            raise ValueError(f"{option} needs --scores FILE; add it or remove "
                             f"{option}.")
    method = _files.mask_method(args.mask)
    file = None if method is not None else args.mask
    if file is not None and not file.lower().endswith((".npy", ".npz")):
        raise ValueError(f"--mask must be cluster, fdr or a boolean .npy or .npz "
                         f"file; got {args.mask!r}.")
    if args.mask_key is not None and file is None:
        raise ValueError("--mask-key names the array of a --mask FILE (.npz); "
                         "remove it.")
    for name, cluster_only in TEST_OPTIONS.items():
        if getattr(args, name) is None:
            continue
        option = flag_of(name)
        if method is None:
            raise ValueError(
                f"{option} sets the test of --mask cluster or --mask fdr; "
                f"{'a mask file is not tested' if args.mask else 'add --mask'}.")
        if cluster_only and method != "cluster":
            raise ValueError(f"{option} applies to --mask cluster only, not {method}.")


def _check_labels(args):
    """Refuse a label whose mathtext does not parse, naming its option."""
    from .._checks import check_mathtext

    labels = [("--title", args.title), ("--units", args.units),
              ("--score-label", args.score_label)]
    labels += [("--panel title", title) for title in args.titles if title is not None]
    for flag, text in labels:
        check_mathtext(flag, text)  # the message names the option


def _as_option(flag, check, value):
    """Run the Python check ``check`` (of the colours); its error names ``flag``."""
    from ..scene import _colors

    try:
        return getattr(_colors, check)(value)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{flag}: {exc}") from None


def run():
    """Run the command as a process of its own: the console script's entry.

    Returns
    -------
    code : int
        The exit code of :func:`main`.
    """
    code = main()
    # The process ends here, its output published and its streams flushed.
    # Freezing the objects the collector tracks spares the interpreter's last
    # full collection over everything mne, scipy and matplotlib created on
    # import (about 0.2 s of a 1.3 s command; only garbage left in cycles is
    # not finalised, and the process frees it on exit). main() itself leaves
    # the collector alone, since it also runs inside other programs.
    sys.stdout.flush()
    gc.freeze()
    return code


if __name__ == "__main__":  # python -m mne_coefanim.cli._main
    sys.exit(run())
