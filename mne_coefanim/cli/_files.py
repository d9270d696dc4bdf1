"""The files the ``render`` command reads: whatever is wrong with one, one error.

Arrays (``.npy`` / ``.npz``, never unpickled), the Info or montage placing
their channels, MNE files (an Evoked, or Epochs averaged), ``--scores`` and
``--mask`` files. Any reader's failure on a damaged file becomes one
:class:`InputFileError` naming the file (:func:`reading`); a bug elsewhere
keeps its traceback. NumPy headers are checked before any data is read: more
bytes than the file holds, or than ``--max-bytes`` (a 2 MB ``.npz`` can
declare 2 GiB of zeros), are refused.
"""

import os
import sys
import warnings
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import numpy as np

from ._parser import INPUT_KINDS, PROG, cli_wording, one_line

NPY_MAGIC = b"\x93NUMPY"
# how a zip archive starts: a local file header, or the end record of an empty one
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# each kind of input by its file name's ending: MNE's conventions for its files
# (its readers warn about other names)
ENDINGS = {
    "npy": (".npy",), "npz": (".npz",),
    "evoked": ("-ave.fif", "_ave.fif", "-ave.fif.gz", "_ave.fif.gz"),
    "epochs": ("-epo.fif", "_epo.fif", "-epo.fif.gz", "_epo.fif.gz"),
}  # fmt: skip
KIND_NAMES = {  # each kind of input, as the error messages name it
    "npy": ".npy array", "npz": ".npz archive",
    "evoked": "-ave.fif file (Evoked)", "epochs": "-epo.fif file (Epochs)",
}  # fmt: skip
MASK_METHODS = ("cluster", "fdr")


def print_warnings(caught, prefix="", options=()):
    """Print recorded warnings on stderr, one line each and each once.

    After ``prefix`` (e.g. the option concerned), in the command's words.
    """
    seen = set()
    for item in caught:
        text = cli_wording(one_line(item.message), options)
        if text and text not in seen:
            seen.add(text)
            print(f"{PROG}: warning: {prefix}{text}", file=sys.stderr)


def size_text(n_bytes, binary=False):
    """Return a file size in decimal units, as ls --si says it (binary: KiB...)."""
    base, units = (2**10, "KiB MiB GiB") if binary else (1e3, "kB MB GB")
    for power, unit in reversed(list(enumerate(units.split(), 1))):
        if n_bytes >= base**power:
            return f"{n_bytes / base**power:.1f} {unit}"
    return f"{n_bytes} bytes"


class InputFileError(ValueError):
    """An input file that cannot be read (the message names it)."""


def check_file_exists(what, path):
    """Refuse a missing, empty or folder path before reading it."""
    if not path.exists():
        raise FileNotFoundError(f"{what} file not found: {str(path)!r}.")
    if path.is_dir():
        raise IsADirectoryError(f"{what} {str(path)!r} is a folder; give a file.")
    if path.stat().st_size == 0:  # exists() has just stat'ed it
        raise InputFileError(f"{what} file {str(path)!r} is empty (0 bytes): it was "
                             "not written, or not completely; write it again.")


@contextmanager
def reading(what, path, kind):
    """Turn any failure while reading ``path`` (as ``kind``) into an InputFileError.

    Warnings meanwhile are printed one line each (``what`` names the file).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except InputFileError:
            raise
        except Exception as exc:  # any reader's failure on a damaged file
            raise _unreadable(what, path, kind, exc, caught) from exc
    print_warnings(caught, prefix=f"{what} {str(path)!r}: ")


def _unreadable(what, path, kind, exc, caught):
    """Return the InputFileError saying why ``path`` could not be read."""
    if isinstance(exc, ValueError) and "pickle" in str(exc):
        # numpy's message for object arrays and for files that are no array
        return InputFileError(
            f"{what} {str(path)!r} holds pickled Python objects (e.g. an object "
            "array) or is not a NumPy file; mne-coefanim never unpickles files, "
            "because unpickling can run arbitrary code. Save a numeric array "
            "instead, e.g. np.save(fname, np.asarray(coefs, dtype=float)).")
    if isinstance(exc, MemoryError):
        reason = f"it does not fit in memory ({one_line(exc)})"
    elif isinstance(exc, OSError) and exc.strerror:
        reason = exc.strerror  # e.g. Permission denied
    else:
        reason = one_line(exc)
        if caught:
            reason += f" (warning while reading: {one_line(caught[0].message)})"
        reason += "; the file may be damaged or truncated"
    return InputFileError(f"{what} {str(path)!r} could not be read as {kind}: "
                          f"{reason}.")  # fmt: skip


def check_npy_header(fid, size, what, path, max_bytes=None, numeric="iuf"):
    """Refuse a .npy stream (``size`` bytes) whose header announces more data.

    Or more than ``max_bytes`` (None: no limit), or a dtype whose kind is not
    one of ``numeric``. ``fid`` is left after the header; headers this cannot
    parse are left to :func:`numpy.load`.
    """
    if fid.read(len(NPY_MAGIC)) != NPY_MAGIC:
        raise InputFileError(
            f"{what} {str(path)!r} is not a NumPy .npy array: it does not "
            "start with NumPy's signature (another format renamed, or a "
            "damaged file). Save the array with np.save or np.savez.")
    version = tuple(fid.read(2))
    if version not in ((1, 0), (2, 0), (3, 0)):
        return  # numpy.load says what is wrong
    # 3.0 is 2.0 with field names in UTF-8 (read as latin-1 here: the shape
    # and the item size, all that is checked, come out the same)
    read_header = getattr(np.lib.format, f"read_array_header_{min(version[0], 2)}_0")
    shape, _, dtype = read_header(fid)
    if dtype.hasobject:
        return  # numpy.load refuses to unpickle it
    needed = int(np.prod(shape, dtype=object)) * dtype.itemsize
    held = size - fid.tell()
    if needed > held:
        raise InputFileError(
            f"{what} {str(path)!r} is damaged or truncated: its header announces "
            f"an array of shape {shape} and dtype {dtype} ({size_text(needed, True)}), "
            f"but the file holds {size_text(max(held, 0), True)} of data. Save it "
            "again.")  # fmt: skip
    if max_bytes is not None and needed > max_bytes:
        # the smallest whole number of GiB (or MiB) that holds it
        raise_to = (f"{-(-needed // 2**30)}G" if needed >= 2**30
                    else f"{-(-needed // 2**20)}M")
        raise InputFileError(
            f"{what} {str(path)!r} declares an array of shape {shape} and dtype "
            f"{dtype} ({size_text(needed, True)}), more than the limit of "
            f"{size_text(max_bytes, True)} an input array may take (--max-bytes); "
            f"if you mean to read it, raise the limit, e.g. --max-bytes {raise_to}.")
    if dtype.kind not in numeric:
        raise InputFileError(f"{what} {str(path)!r} must hold real numbers; got "
                             f"dtype {dtype} with shape {shape}.")


# -- arrays: .npy and .npz -------------------------------------------------------


def read_array(what, path, key=None, key_option="--key", times_key=None,
               numeric="iuf", *, max_bytes, read=True):  # fmt: skip
    """Return ``(values, times)`` of a .npy or .npz file, its headers checked first.

    ``key`` (the option ``key_option``) names the member of an .npz archive
    (None: its only array, not counting ``times_key``, the times' member).
    ``read=False``: the checks only.
    """
    if path.name.lower().endswith(".npy"):
        with reading(what, path, "a .npy array"), open(path, "rb") as fid:
            check_npy_header(fid, os.fstat(fid.fileno()).st_size, what, path,
                             max_bytes, numeric)  # fmt: skip
            fid.seek(0)
            values = np.load(fid, allow_pickle=False) if read else None
        return values, None
    with ExitStack() as opened:
        with reading(what, path, "an .npz archive"):
            # our own handle: numpy leaks its own on errors
            fid = opened.enter_context(open(path, "rb"))
            _check_npz_signature(fid, path, what)
            archive = opened.enter_context(np.load(fid, allow_pickle=False))
        key = _pick_key(path, list(archive.files), key, times_key, key_option)
        limits = dict(max_bytes=max_bytes, read=read)
        values = _npz_member(archive, path, key, numeric, **limits)
        times = None
        if times_key is not None:
            times = _npz_member(archive, path, times_key, **limits)
    return values, times


def _check_npz_signature(fid, path, what):
    """Refuse, by its first bytes, a file that is no zip archive."""
    start = fid.read(len(NPY_MAGIC))
    fid.seek(0)
    if start.startswith(NPY_MAGIC):
        raise InputFileError(f"{what} {str(path)!r} is a .npy array, not an .npz "
                             "archive; rename it to .npy.")
    if not start.startswith(ZIP_SIGNATURES):
        raise InputFileError(
            f"{what} {str(path)!r} is not an .npz archive: it does not start as a "
            "zip file does (another format renamed, or a damaged file). Save "
            "the arrays with np.savez.")  # fmt: skip


def _npz_member(archive, path, key, numeric="iuf", *, max_bytes, read=True):
    """Read one array of an .npz archive, its header checked first."""
    what = f"array {key!r} of"
    with reading(what, path, "an array of an .npz archive"):
        member = f"{key}.npy"
        if member not in archive.zip.namelist():
            raise InputFileError(f"{what} {str(path)!r} is not a NumPy array (no "
                                 f"{member} in the archive); save the archive with "
                                 "np.savez.")
        with archive.zip.open(member) as stream:
            size = archive.zip.getinfo(member).file_size
            check_npy_header(stream, size, what, path, max_bytes, numeric)
        return archive[key] if read else None


def _pick_key(path, names, key, times_key, key_option="--key"):
    """Choose the array to animate (or read) in an .npz archive."""
    listing = ", ".join(names) if names else "none"
    for option, name in ((key_option, key), ("--times-key", times_key)):
        if name is not None and name not in names:
            raise ValueError(f"{option} {name!r} is not an array of {str(path)!r}; "
                             f"its arrays are: {listing}.")
    if key is not None:
        return key
    if not names:
        raise ValueError(f"{str(path)!r} is an .npz archive without arrays; save "
                         "the coefficients into it, e.g. np.savez(fname, "
                         "coefs=coefs).")
    candidates = [name for name in names if name != times_key]
    if len(candidates) != 1:
        raise ValueError(
            f"{str(path)!r} holds {len(candidates)} candidate arrays "
            f"({listing}); choose one with {key_option}"
            + (" (and the times with --times-key)." if key_option == "--key" else "."))
    return candidates[0]


# -- the inputs: COEFS or --panel files, with their positions -------------------


def check_input(fname, what="COEFS"):
    """Return the input path and its kind: 'npy', 'npz', 'evoked', 'epochs'."""
    path = Path(fname).expanduser()
    kinds = [kind for kind, ends in ENDINGS.items() if path.name.lower().endswith(ends)]
    if not kinds:
        raise ValueError(
            f"{what} must be {INPUT_KINDS}; got {str(path)!r}. Other .fif files "
            "must be named as MNE expects, e.g. sub01-ave.fif for an Evoked.")
    check_file_exists(what, path)
    return path, kinds[0]


def check_headers(inputs, args):
    """Check the headers of every array a render reads (no data read).

    Before the positions (MNE's import takes seconds): a damaged or oversized
    (``--max-bytes``) array is refused at once.
    """
    for item in inputs:
        if item.kind in ("npy", "npz"):
            read_array(item.what, item.path, args.key, "--key", args.times_key,
                       max_bytes=args.max_bytes, read=False)  # fmt: skip
    extra_arrays(args, read=False)


def read_inputs(inputs, args, montage, verbose):
    """Return ``(info, coefs)``: the Info of arrays (or --info) and each input read."""
    if inputs[0].kind not in ("npy", "npz"):
        info = None if args.info is None else read_info(args.info, verbose)
        return info, [_mne_data(item, args, montage, verbose) for item in inputs]
    info = _array_info(args, montage, verbose)
    return info, [_array_data(item, args, info, verbose) for item in inputs]


def _array_data(item, args, info, verbose):
    """Load an array's coefficients as a CoefData with times."""
    from ..inputs._coefs import as_coef_data
    from ..inputs._labelled import OrientationError, check_orientation
    from ..inputs._sensors import resolve_sensors

    values, times = read_array(item.what, item.path, args.key, "--key",
                               args.times_key, max_bytes=args.max_bytes)  # fmt: skip
    dims = None if args.dims is None else tuple(args.dims)
    # refuse times and channels axes that look swapped, as the API does
    counts = (len(info.ch_names),)
    with suppress(ValueError, TypeError):  # animate_coefs explains
        sensors = resolve_sensors(info, ch_type=args.ch_type, verbose=False)
        counts += (len(sensors.ch_names),)
    try:
        check_orientation(values.shape, dims, times=times, n_channels=counts,
                          name=item.what)  # fmt: skip
        first = 0.0 if args.first_time is None else args.first_time
        coef_data = as_coef_data(values, times=times, dims=dims, sfreq=args.sfreq,
                                 tmin=first, align_signs=args.align_signs,
                                 verbose=verbose)
    except OrientationError as exc:  # the advice, in the command's words
        advice = "Name its axes with --dims."
        if exc.dims is not None:
            advice = f"Pass --dims {','.join(exc.dims)} (its axes, in order)."
        raise ValueError(f"{exc.evidence} {advice}") from exc
    n_channels = coef_data.data.shape[1]
    if args.info is None and len(args.ch_names) != n_channels:
        raise ValueError(
            f"--ch-names names {len(args.ch_names)} channels, but {item.what} "
            f"{str(item.path)!r} has {n_channels} (shape {values.shape}); give one "
            "name per channel, in the array's order (or name its axes with "
            "--dims if another axis holds the channels).")
    return coef_data


def _array_info(args, montage, verbose):
    """Build the Info placing an array's channels, from --info or --montage."""
    import mne

    if args.info is not None:
        return read_info(args.info, verbose)
    if montage is None or args.ch_names is None:
        raise ValueError(
            "an array carries no channel positions: give --info FILE (an MNE "
            "file with the channels' Info), or --montage NAME with "
            "--ch-names A,B,C in the array's channel order.")
    info = mne.create_info(args.ch_names, args.sfreq or 1000.0, "eeg")
    info.set_montage(montage, verbose=verbose)
    return info


def make_montage(name):
    """Return the standard montage ``name``; MNE's warnings one line each."""
    import mne

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            montage = mne.channels.make_standard_montage(name)
        except ValueError as exc:
            raise ValueError(f"--montage: {exc}") from exc
    print_warnings(caught, prefix="--montage: ")
    return montage


def read_info(fname, verbose):
    """Read the Info of the --info file."""
    import mne

    path = Path(fname).expanduser()
    check_file_exists("--info", path)
    if not path.name.lower().endswith((".fif", ".fif.gz")):
        raise ValueError(f"--info must be an MNE .fif file (e.g. -info.fif, raw.fif, "
                         f"-epo.fif, -ave.fif); got {str(path)!r}.")
    with reading("--info", path, "an MNE .fif file with an Info"):
        return mne.io.read_info(str(path), verbose=verbose)  # fmt: skip


def _mne_data(item, args, montage, verbose):
    """Read an Evoked, or average Epochs, optionally with new positions."""
    import mne

    with reading(item.what, item.path, f"a {KIND_NAMES[item.kind]}"):
        if item.kind == "evoked":
            evokeds = mne.read_evokeds(str(item.path), verbose=verbose)
        else:
            epochs = mne.read_epochs(str(item.path), preload=True, verbose=verbose)
    if item.kind == "evoked":
        evoked = _pick_condition(item.path, evokeds, args.condition)
    else:
        evoked = epochs.average()
    if montage is not None:
        evoked.set_montage(montage, verbose=verbose)
    return evoked


def _pick_condition(path, evokeds, condition):
    """Choose one Evoked of a file by index (a number) or by comment."""
    comments = ", ".join(f"{k}: {evoked.comment!r}" for k, evoked in enumerate(evokeds))
    text = "0" if condition is None else condition.strip()
    if text.lstrip("-").isdigit():
        if -len(evokeds) <= int(text) < len(evokeds):
            return evokeds[int(text)]
    else:
        for evoked in evokeds:
            if evoked.comment == text:
                return evoked
    raise ValueError(
        f"--condition {text!r} matches no Evoked of {str(path)!r}; give an index "
        f"or a comment of one of its {len(evokeds)} Evoked: {comments}.")  # fmt: skip


# -- scores and masks -----------------------------------------------------------


def extra_arrays(args, read=True):
    """Return the arrays of --scores and of a --mask FILE (None: not given).

    Checked as COEFS is; ``read=False``: the checks only.
    """
    mask = args.mask if mask_method(args.mask) is None else None
    arrays = []
    for what, fname, key, numeric in (("--scores", args.scores, args.scores_key, "iuf"),
                                      ("--mask", mask, args.mask_key, "biuf")):
        if fname is None:
            arrays.append(None)
            continue
        path = Path(fname).expanduser()
        if not path.name.lower().endswith((".npy", ".npz")):
            raise ValueError(f"{what} must be a .npy or .npz file; got {str(path)!r}.")
        if key is not None and not path.name.lower().endswith(".npz"):
            raise ValueError(f"{what}-key does not apply to the .npy array {what} "
                             f"{str(path)!r}; remove it.")
        check_file_exists(what, path)
        arrays.append(read_array(what, path, key, f"{what}-key", None, numeric,
                                 max_bytes=args.max_bytes, read=read)[0])
    return tuple(arrays)


def mask_method(mask):
    """Return 'cluster' or 'fdr' for a --mask that names a test, else None."""
    method = None if mask is None else mask.strip().lower()
    return method if method in MASK_METHODS else None
