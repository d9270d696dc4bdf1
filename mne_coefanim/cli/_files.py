"""Reading the user's files: whatever is wrong with one, one error naming it.

The readers (NumPy's, MNE's) fail on a damaged file in their own ways: a
``BadZipFile``, an ``EOFError``, an ``AttributeError`` deep inside MNE, a
``MemoryError`` for a header that announces 74 GiB. :func:`reading` turns
any exception raised while a file is read into an :class:`InputFileError`
(a ValueError) naming the file, what it was read as and why; warnings
raised meanwhile are printed one line each if the file is read, and folded
into the error if not. Only the reading is guarded: a bug elsewhere keeps
its traceback.

NumPy headers are checked before any data is read: an array whose header
announces more bytes than the file holds, or more than ``--max-bytes``
(default :data:`DEFAULT_MAX_BYTES`, 1 GiB), is refused without allocating
it. The limit matters for compressed ``.npz`` members: a 2 MB archive can
declare (and hold, deflated) 2 GiB of zeros.
"""

import os
import warnings
from contextlib import contextmanager

import numpy as np

from ._messages import one_line, print_warnings

NPY_MAGIC = b"\x93NUMPY"
# the largest array an input file may declare, unless --max-bytes says more:
# far above any decoder's coefficients (30 subjects x 5 folds x 1000 times x
# 306 channels of float64 are 0.34 GiB), far below what breaks a laptop
DEFAULT_MAX_BYTES = 2**30


class InputFileError(ValueError):
    """An input file that cannot be read (the message names it)."""


def check_file_exists(what, path):
    """Refuse a missing, empty or folder path before reading it."""
    if not path.exists():
        raise FileNotFoundError(f"{what} file not found: {str(path)!r}.")
    if path.is_dir():
        raise IsADirectoryError(f"{what} {str(path)!r} is a folder; give a file.")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(f"{what} {str(path)!r} cannot be read: {exc}") from exc
    if size == 0:
        raise InputFileError(
            f"{what} file {str(path)!r} is empty (0 bytes): it was not written, "
            "or not completely; write it again."
        )


@contextmanager
def reading(what, path, kind):
    """Turn any failure while reading ``path`` into one InputFileError.

    Parameters
    ----------
    what : str
        How the messages name the file, e.g. ``'COEFS'`` or ``'--info'``.
    path : pathlib.Path
        The file.
    kind : str
        What it is read as, e.g. ``'a .npz archive'``.
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
    if isinstance(exc, ValueError) and "pickle" in str(exc):
        # numpy's message for object arrays and for files that are no array
        return pickle_error(what, path)
    if isinstance(exc, MemoryError):
        reason = f"it does not fit in memory ({one_line(exc)})"
    elif isinstance(exc, OSError) and exc.strerror:
        reason = exc.strerror  # e.g. Permission denied
    else:
        reason = one_line(exc)
        warned = [one_line(item.message) for item in caught]
        if warned:
            reason += f" (warning while reading: {warned[0]})"
        reason += "; the file may be damaged or truncated"
    return InputFileError(
        f"{what} {str(path)!r} could not be read as {kind}: {reason}."
    )


def pickle_error(what, path):
    """Explain why a file that needs unpickling is refused."""
    return InputFileError(
        f"{what} {str(path)!r} holds pickled Python objects (e.g. an object "
        "array) or is not a NumPy file; mne-coefanim never unpickles files, "
        "because unpickling can run arbitrary code. Save a numeric array "
        "instead, e.g. np.save(fname, np.asarray(coefs, dtype=float))."
    )


def check_npy_header(fid, size, what, path, max_bytes=None):
    """Refuse a .npy stream whose header announces more data than it holds.

    ``fid`` is at the start of the .npy data (a file, or a member of an
    .npz archive) and ``size`` its length in bytes; it is left after the
    header. An array of more than ``max_bytes`` bytes (None: no limit) is
    refused too, before anything of it is read. Headers this cannot parse
    are left to :func:`numpy.load`.
    """
    if fid.read(len(NPY_MAGIC)) != NPY_MAGIC:
        raise InputFileError(
            f"{what} {str(path)!r} is not a NumPy .npy array: it does not "
            "start with NumPy's signature (another format renamed, or a "
            "damaged file). Save the array with np.save or np.savez."
        )
    version = tuple(fid.read(2))
    readers = {
        (1, 0): np.lib.format.read_array_header_1_0,
        (2, 0): np.lib.format.read_array_header_2_0,
        # 3.0 is 2.0 with field names in UTF-8 (read as latin-1 here: the
        # shape and the item size, all that is checked, come out the same)
        (3, 0): np.lib.format.read_array_header_2_0,
    }
    if version not in readers:
        return  # numpy.load says what is wrong
    shape, _, dtype = readers[version](fid)
    if dtype.hasobject:
        return  # numpy.load refuses to unpickle it
    needed = int(np.prod(shape, dtype=object)) * dtype.itemsize
    held = size - fid.tell()
    if needed > held:
        raise InputFileError(
            f"{what} {str(path)!r} is damaged or truncated: its header announces "
            f"an array of shape {shape} and dtype {dtype} ({_size(needed)}), but "
            f"the file holds {_size(max(held, 0))} of data. Save it again."
        )
    if max_bytes is not None and needed > max_bytes:
        raise InputFileError(
            f"{what} {str(path)!r} declares an array of shape {shape} and dtype "
            f"{dtype} ({_size(needed)}), more than the limit of "
            f"{_size(max_bytes)} an input array may take (--max-bytes); if you "
            f"mean to read it, raise the limit, e.g. --max-bytes "
            f"{_size_option(needed)}."
        )


def file_size(fid):
    """Return the size in bytes of an open file."""
    return os.fstat(fid.fileno()).st_size


def _size_option(n_bytes):
    """Return the smallest whole number of GiB (or MiB) at least ``n_bytes``."""
    if n_bytes >= 2**30:
        return f"{-(-n_bytes // 2**30)}G"
    return f"{-(-n_bytes // 2**20)}M"


def _size(n_bytes):
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{n_bytes} bytes"
