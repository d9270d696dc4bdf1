"""Output files: the writer protocol and atomic publication.

A :class:`Writer` writes one file from a :class:`FrameSource` to a hidden
temporary file, published under its name only when complete
(:func:`atomic_output`): an error, Ctrl-C or a killed process never leaves a
truncated file or replaces an existing one; the umask is never set or read.
Temporary names (``.anim.gif.3fa2b1c4.5d41c0-12345.k2j3h4l5.part``) hold the
final name (cut to fit), its digest, the host's digest and the pid (to find
leftovers of dead saves) and a random part. Without ``overwrite`` a file is
published with a hard link: of two saves racing to a new file one wins.
"""

import contextlib
import errno
import functools
import hashlib
import os
import re
import secrets
import socket
import stat
import threading
import time
from pathlib import Path

import numpy as np

from .._checks import (
    AGG_LIMIT,
    MAX_FRAME_SIDE,
    check_bool,
    check_frame_size,
    check_type,
    check_uint8,
)

TEMP_SUFFIX = ".part"
# a leftover whose writer cannot be checked (another host) is removed after
# a day: longer than any save leaves its temporary file untouched
STALE_AGE = 24 * 3600
_DIGEST_LEN, _HOST_LEN, _PID_LEN, _RANDOM_LEN = 8, 6, 10, 8
# ".", the label, ".", digest, ".", host, "-", pid, ".", random, ".part"
_OVERHEAD = 5 + _DIGEST_LEN + _HOST_LEN + _PID_LEN + _RANDOM_LEN + len(TEMP_SUFFIX)
_TEMP_NAME = re.compile(
    rf"\.(?P<digest>[0-9a-f]{{{_DIGEST_LEN}}})\.(?P<host>[0-9a-f]{{{_HOST_LEN}}})"
    rf"-(?P<pid>[0-9]{{1,{_PID_LEN}}})\.[^.]+{re.escape(TEMP_SUFFIX)}\Z"
)
# os.link's errors on file systems without hard links (FAT, some network ones)
_NO_HARD_LINKS = {
    errno.EPERM, errno.EINVAL, errno.EMLINK, errno.ENOSYS, errno.EXDEV,
    errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP),
}  # fmt: skip
# the temporary files this process is writing: a leftover of this process
# that is not in the set belongs to a save that was interrupted
_WRITING = set()
_WRITING_LOCK = threading.Lock()


def check_output(fname, *, allowed, overwrite=False):
    """Return ``(path, suffix)``, checked; a folder that takes no files fails here."""
    check_type("fname", fname, (str, os.PathLike), "a str or path-like")
    overwrite = check_bool("overwrite", overwrite)
    path = Path(fname).expanduser()
    if "\0" in str(path):
        raise ValueError(
            f"fname must not contain a NUL character ('\\0'); got {str(path)!r}."
        )
    suffix = path.suffix.lower()
    if suffix not in allowed:
        got = f"suffix {path.suffix!r}" if path.suffix else "no suffix"
        raise ValueError(
            f"fname must end in one of {', '.join(allowed)}; got {str(path)!r} "
            f"({got}). Choose the format with the file name, e.g. "
            f"{path.with_suffix(allowed[0]).name!r}."
        )
    if not path.parent.is_dir():
        raise ValueError(
            f"The folder of fname does not exist: {str(path.parent)!r}. "
            f"Create it first (e.g. os.makedirs) or choose another folder."
        )
    length, limit = name_length(path.name), name_max(path.parent)
    if length > limit:
        raise ValueError(
            f"fname's file name is {length} bytes long; the file system of "
            f"{str(path.parent)!r} takes names of at most {limit}. Choose a "
            "shorter name."
        )
    if path.is_dir():
        raise ValueError(f"fname {str(path)!r} is a folder; give a file name.")
    if os.path.lexists(path) and not overwrite:
        what = " (a symbolic link to nothing)" if not path.exists() else ""
        raise FileExistsError(
            f"Output file {str(path)!r} exists{what}; pass overwrite=True to "
            "replace it."
        )
    with _temporary(path):  # the folder takes new files
        pass
    return path, suffix


@contextlib.contextmanager
def atomic_output(path, *, overwrite=False):
    """Yield an empty temporary file, published as ``path`` if the block succeeds.

    Leftovers of killed saves are removed first; on any exception ``path``
    is left untouched.
    """
    path = Path(path)
    remove_stale(path.parent)
    with _temporary(path) as (tmp, mode):
        yield tmp
        publish(tmp, path, overwrite=overwrite, mode=mode)


def name_max(folder):
    """Return the longest file name ``folder`` takes (in bytes; else 255)."""
    with contextlib.suppress(AttributeError, OSError, ValueError):  # Windows, ...
        limit = os.pathconf(folder, "PC_NAME_MAX")
        return limit if limit > 0 else 255
    return 255


def name_length(name):
    """Return the length of a file name as the file system counts it."""
    if os.name == "nt":  # UTF-16 code units
        return len(name.encode("utf-16-le", "surrogatepass")) // 2
    return len(os.fsencode(name))


def temp_prefix(path, *, pid=None, host=None):
    """Return the start of the temporary names: ``.name.<digest>.<host>-<pid>.``."""
    label = path.name
    budget = max(0, name_max(path.parent) - _OVERHEAD)
    while name_length(label) > budget:
        label = label[:-1]
    pid = os.getpid() if pid is None else pid
    return f".{label}.{_digest(path.name)}.{host or _host()}-{pid}."


@contextlib.contextmanager
def _temporary(path):
    """Yield a new temporary file for ``path`` and a new file's mode, removed after."""
    created = []  # the names, each added before its file exists
    try:
        yield make_temp(path, created)
    finally:
        for tmp in created:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # published by os.replace: the name no longer exists
            release(tmp)


def make_temp(path, created):
    """Return a new private temporary file for ``path`` and a new file's mode."""
    try:
        prefix = temp_prefix(path)
        # a new file's mode, read on a probe: tmp itself is never open to others
        probe, fid = _create(path.parent, prefix, 0o666, created)
        with fid:
            mode = stat.S_IMODE(os.fstat(fid.fileno()).st_mode)
        os.unlink(probe)
        release(probe)
        tmp, fid = _create(path.parent, prefix, 0o600, created)
        with fid:
            if hasattr(os, "fchmod"):  # writable by its owner even under umask 0o277
                os.fchmod(fid.fileno(), stat.S_IRUSR | stat.S_IWUSR)
        return tmp, mode
    except OSError as err:
        if err.errno == errno.ENAMETOOLONG:
            why = f"the path of its folder {str(path.parent)!r} is too long"
        else:
            why = (
                f"no file can be created in the folder {str(path.parent)!r} "
                f"({err.strerror})"
            )
        raise type(err)(
            err.errno,
            f"Cannot write {path.name!r}: {why}. Choose a folder you can write to",
        ) from err


def _create(folder, prefix, mode, created):
    """Create a new temporary file in ``folder``; return it, open."""
    # os.open through a C partial: no Python frame in which an interrupt
    # could land after the file is created and before it is wrapped
    opener = functools.partial(os.open, mode=mode)
    for _ in range(100):
        tmp = folder / (prefix + secrets.token_hex(_RANDOM_LEN // 2) + TEMP_SUFFIX)
        with _WRITING_LOCK:  # before the file exists: never taken for a leftover
            _WRITING.add(tmp.name)
        created.append(tmp)
        try:  # a file object: closed even if an interrupt loses it
            return tmp, open(tmp, "xb", buffering=0, opener=opener)
        except FileExistsError:  # another file's name: not ours to remove
            created.remove(tmp)
            release(tmp)
    raise FileExistsError(  # pragma: no cover (2**32 names, 100 times taken)
        errno.EEXIST, f"No free temporary name in {str(folder)!r}"
    )


def release(tmp):
    """Forget the temporary file ``tmp`` (published or removed)."""
    with _WRITING_LOCK:
        _WRITING.discard(tmp.name)


def remove_stale(folder):
    """Remove temporary files of saves no longer running (or older than a day)."""
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # make_temp will say what is wrong with the folder
    for entry in entries:
        match = _ours(entry.name, folder)
        if match is None or not _is_stale(entry, match, now):
            continue
        from mne.utils import logger  # MNE loads only when there is a leftover

        with contextlib.suppress(OSError):  # e.g. removed by another save
            os.unlink(entry.path)
            logger.info(f"Removed {entry.name!r}, left by an interrupted save.")


def publish(tmp, path, *, overwrite, mode):
    """Give the complete ``tmp`` its final name ``path`` (``mode``: a new file's)."""
    try:  # as open(path, 'w') would: the replaced file's mode, else a new one's
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        pass
    os.chmod(tmp, mode)
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # tmp's own name is removed by _temporary
    except FileExistsError:
        raise _exists_now(path) from None
    except OSError as err:
        if err.errno not in _NO_HARD_LINKS:
            raise
        _publish_exclusive(tmp, path)


def _publish_exclusive(tmp, path):
    """Publish without hard links: reserve the name, then rename over it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _exists_now(path) from None
    try:
        reserved = os.fstat(fd)
    finally:
        os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:  # remove the reservation, unless something replaced it
        with contextlib.suppress(OSError):
            now = os.stat(path, follow_symlinks=False)
            if (now.st_dev, now.st_ino) == (reserved.st_dev, reserved.st_ino):
                os.unlink(path)
        raise


def _exists_now(path):
    return FileExistsError(
        errno.EEXIST,
        f"Output file {str(path)!r} exists: it was created while this one was "
        "being written (another save to the same file?); pass overwrite=True "
        "to replace it",
    )


def _ours(name, folder):
    """Return the match of ``name`` if it is one of our temporary names."""
    match = name.startswith(".") and _TEMP_NAME.search(name)
    if not match:
        return None
    label = name[1 : match.start()]
    if match["digest"] == _digest(label):  # the whole final name: ours
        return match
    # a final name cut to fit: its digest cannot be checked, its length can
    cut = name_length(label) > name_max(folder) - _OVERHEAD - 4
    return match if cut else None


def _is_stale(entry, match, now):
    """Whether the temporary file of ``entry`` belongs to no running save."""
    pid = int(match["pid"])
    if match["host"] == _host():
        if pid == os.getpid():
            with _WRITING_LOCK:
                return entry.name not in _WRITING
        if not _running(pid):
            return True
    try:
        mtime = entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    return now - mtime > STALE_AGE


def _running(pid):
    """Whether process ``pid`` of this host runs (or may run)."""
    if os.name == "nt":  # os.kill(pid, 0) would terminate it there
        return True
    try:
        os.kill(pid, 0) if pid > 0 else None
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process
        pass
    return pid > 0


def _digest(text, length=_DIGEST_LEN):
    return hashlib.sha256(os.fsencode(text)).hexdigest()[:length]


def _host():
    return _digest(socket.gethostname(), _HOST_LEN)


class FrameSource:
    """The frames of one save, which every writer takes them from.

    ``frames(unmarked, deferred)``: a closable iterator (see
    :attr:`Writer.unmarked`, :attr:`Writer.defers`); ``palette()``, known after
    the first frame (None: RGB); ``meta(shape)``: the viewer's data.
    """

    def __init__(self, frames, palette, meta=None):
        self.frames, self._palette, self.meta = frames, palette, meta

    @classmethod
    def of(cls, frames, palette=None):
        """Return the source of an iterable of frames (``meta`` empty)."""

        def iterate(unmarked=False, deferred=False):
            yield from (((f, None) if unmarked else f) for f in frames)

        return cls(iterate, lambda: palette, lambda shape: {})

    @property
    def palette(self):
        """The frames' palette (None: the frames are RGB)."""
        return self._palette()


def checked_frame(frame, index, first_shape, *, rgb):
    """Return frame ``index`` (RGB, or palette indices), checked against frame 0."""
    frame = check_uint8(f"frame {index}", np.asarray(frame), colors=rgb)
    if frame.ndim != 2 + rgb or (rgb and frame.shape[2] != 3):
        holds = ("RGB arrays of shape (height, width, 3)" if rgb else
                 "2-D arrays of palette indices, shape (height, width)")  # fmt: skip
        raise ValueError(
            f"frames must hold {holds}; frame {index} has shape {frame.shape}."
        )
    if first_shape is not None and frame.shape != first_shape:
        raise ValueError(
            f"All frames must have the same shape; frame 0 has shape "
            f"{first_shape} but frame {index} has shape {frame.shape}."
        )
    return frame


class Writer:
    """Write one output file from a stream, atomically: the writer protocol.

    Made for one file, checking the path and every setting first.
    :meth:`saving` calls :meth:`setup`, then :meth:`finish` at the block's end
    (the file is published), and :meth:`close` always; :meth:`write_from`
    feeds it a :class:`FrameSource`. Subclasses set the attributes below.
    """

    suffixes = ()  # the suffixes it writes, in lower case with their dot
    options = ()  # its own keyword arguments (save's **writer_kwargs)
    unmarked = False  # write() takes (frame, frame without markers) pairs
    defers = False  # write() also takes a callable making a frame (any thread)
    requires = None  # the optional dependency it needs, as pip names it
    max_side = MAX_FRAME_SIDE  # the largest frame side the format takes, in px
    size_limit = AGG_LIMIT  # what sets that limit, for the error

    def __init__(self, path, *, overwrite=False):
        self.path, self.suffix = check_output(
            path, overwrite=overwrite, allowed=self.suffixes
        )
        self.overwrite = bool(overwrite)

    def check_frame(self, shape, dpi):
        """Refuse frames of ``(height, width)`` this format cannot hold at ``dpi``."""
        check_frame_size(shape, dpi, self.max_side, self.size_limit)

    @contextlib.contextmanager
    def saving(self, source):
        """Set up from ``source`` (a :class:`FrameSource`), yield self, finish."""
        with atomic_output(self.path, overwrite=self.overwrite) as tmp:
            try:
                self.setup(tmp, source)
                yield self
                self.finish()
            finally:
                self.close()
        from mne.utils import logger

        logger.info(f"Wrote {self.path} ({self.summary()}).")

    def write_from(self, source):
        """Write the file from a :class:`FrameSource` (first frame before setup)."""
        frames = source.frames(unmarked=self.unmarked, deferred=self.defers)
        with contextlib.closing(frames):
            first = next(frames, None)
            with self.saving(source):
                if first is not None:
                    self.write(first)
                for frame in frames:
                    self.write(frame)
        return self.path

    def setup(self, tmp, source):
        """Start writing to the temporary file ``tmp`` (empty) for ``source``."""
        raise NotImplementedError

    def write(self, frame):
        """Add one frame (what :attr:`unmarked` and :attr:`defers` say)."""
        raise NotImplementedError

    def finish(self):
        """Complete the file; raise if it cannot be complete (no frame)."""
        raise NotImplementedError

    _fid = None  # the open temporary file of writers that write one

    def close(self):
        """Release the writer's file or process; safe to call twice."""
        if self._fid is not None:
            self._fid.close()
            self._fid = None

    def summary(self):
        """Return what was written, for the log (e.g. ``'8 frames at 10 fps'``)."""
        raise NotImplementedError
