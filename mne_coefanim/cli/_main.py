"""The ``mne-coefanim`` command: animate coefficients from the shell.

Two subcommands:

- ``mne-coefanim demo -o FILE`` renders the built-in simulated study;
- ``mne-coefanim render COEFS -o FILE`` renders coefficients saved as a NumPy
  array (``.npy`` / ``.npz``), an Evoked (``-ave.fif``) or Epochs
  (``-epo.fif``, averaged).

Every mistake a user can make (a bad option value, a missing, pickled or
damaged file, an existing output) ends the command with one line on stderr,
``mne-coefanim: error: <message>``, and exit code 2, the code argparse uses
for its own usage errors. Whatever goes wrong while an input file is read is
such a mistake (``_files.reading``); anything else is a bug and keeps its
traceback.
"""

import sys
import time
from pathlib import Path

from ._messages import PROG, one_line
from ._parser import DEMO_SUBJECTS as DEMO_SUBJECTS  # re-exported
from ._parser import build_parser
from ._readers import (
    _KIND_NAMES,
    _array_data,
    _array_info,
    _check_input,
    _make_montage,
    _mne_data,
    _mne_info,
)

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130

# OSError covers FileNotFoundError, FileExistsError and PermissionError.
USER_ERRORS = (ValueError, TypeError, OSError, ImportError)

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
    run = {"demo": run_demo, "render": run_render}[args.command]
    try:
        return run(args)
    except USER_ERRORS as exc:
        print(f"{PROG}: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _exit_code(code):
    if code is None:
        return EXIT_OK
    return code if isinstance(code, int) else EXIT_USAGE


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
    from ..io._formats import SUFFIXES
    from ..io._output import check_output

    path = Path(fname).expanduser()
    if path.is_file() and not overwrite:
        raise FileExistsError(
            f"output file {str(path)!r} exists; pass --overwrite to replace it "
            "or choose another name with -o."
        )
    try:
        return check_output(path, allowed=SUFFIXES, overwrite=overwrite)[0]
    except ValueError as exc:
        raise ValueError(f"-o/--output: {exc}") from exc


def _check_vlim(vlim):
    # the Python check, named as the option: one rule, one message
    from ..viz._colors import check_vlim

    return _as_option("--vlim", check_vlim, None if vlim is None else tuple(vlim))


def _check_cmap(name):
    from ..viz._colors import check_cmap

    if name is not None:
        _as_option("--cmap", check_cmap, name)


def _as_option(flag, check, value):
    """Run a Python check; say its error in terms of the option ``flag``."""
    try:
        return check(value)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{flag}: {exc}") from None


def _check_time_range(times):
    if times is None:
        return None, None
    tmin, tmax = times
    if tmin is not None and tmax is not None and not tmin <= tmax:
        raise ValueError(
            f"--times needs TMIN <= TMAX; got TMIN={tmin:g}, TMAX={tmax:g}."
        )
    return tmin, tmax


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
    if is_array and args.montage is not None and args.info is None:
        if args.ch_names is None:
            raise ValueError(
                f"--montage places channels by name, and the {_KIND_NAMES[kind]} "
                f"COEFS {args.coefs!r} has none: add --ch-names A,B,C (its "
                "channels, in order), or give --info FILE instead."
            )


if __name__ == "__main__":  # python -m mne_coefanim.cli._main
    sys.exit(main())
