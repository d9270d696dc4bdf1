"""Atomic output: checked paths, temporary files and their publication.

Every output file is written to a hidden temporary file in the target folder
and published under its name only when complete (:func:`atomic_output`), so
an error, Ctrl-C or a killed process never leaves a truncated file or
replaces an existing one. Nothing process-wide is changed: a new file's
permissions come from the kernel (umask or the folder's default ACL), which
is never set, not even to be read.

Temporary names look like ``.anim.gif.3fa2b1c4.5d41c0-12345.k2j3h4l5.part``:
hidden, the final name (cut to fit the file system's name limit), a digest
of the final name, a digest of the host name and the writer's process id
(whether it still runs), a random part and ``.part`` (no media suffix, so
nothing takes a partial file for a video). Without ``overwrite`` a file is
published with a hard link, which fails when the name exists (a dangling
symbolic link included): of two saves racing to a new file exactly one wins
and the other gets :class:`FileExistsError`.
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

from .._checks import check_bool, check_type

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
    """Check an output file name before anything is rendered.

    ``~`` is expanded, and a temporary file is created in the folder and
    removed, so that a folder nothing can be written to fails here, before
    any frame is rendered. ``allowed``: the accepted suffixes with their dot
    (matched ignoring case).

    Returns
    -------
    path : pathlib.Path
        The expanded path.
    suffix : str
        Its suffix in lower case, one of ``allowed``.
    """
    check_type("fname", fname, (str, os.PathLike), "a str or path-like")
    overwrite = check_bool("overwrite", overwrite)
    path = Path(fname).expanduser()
    if "\0" in str(path):
        raise ValueError(
            f"fname must not contain a NUL character ('\\0'); got {str(path)!r}."
        )
    allowed = tuple(s.lower() for s in allowed)
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
    """Write a file through a temporary file published on success.

    Temporary files that killed saves left in the folder are removed first.
    On success the file gets its final name (keeping the permissions of a
    file it replaces); on any exception, KeyboardInterrupt included, it is
    removed, ``path`` is left untouched and the exception propagates.
    Without ``overwrite``, the file is published only under a name that is
    still free when it is complete. Yields the temporary file, empty.
    """
    path = Path(path)
    overwrite = check_bool("overwrite", overwrite)
    remove_stale(path.parent)
    with _temporary(path) as (tmp, mode):
        yield tmp
        publish(tmp, path, overwrite=overwrite, mode=mode)


def write_text(path, text, *, overwrite=False):
    """Write a text (HTML) file atomically, encoded as UTF-8; return its path."""
    check_type("text", text, str, "a str")
    path, _ = check_output(path, overwrite=overwrite, allowed=(".html", ".htm"))
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    from mne.utils import logger

    logger.info(f"Wrote {path} ({len(text)} characters).")
    return path


def name_max(folder):
    """Return the longest file name ``folder`` takes (in bytes; else 255)."""
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # Windows; odd file systems
        limit = None
    return limit if limit and limit > 0 else 255


def name_length(name):
    """Return the length of a file name as the file system counts it."""
    if os.name == "nt":  # UTF-16 code units
        return len(name.encode("utf-16-le", "surrogatepass")) // 2
    return len(os.fsencode(name))


def temp_prefix(path, *, pid=None, host=None):
    """Return the start of the temporary names for ``path``.

    E.g. ``'.anim.gif.3fa2b1c4.5d41c0-12345.'``; the whole name stays within
    :func:`name_max`. ``pid`` and ``host`` (its digest) default to this
    process's.
    """
    label = path.name
    budget = max(0, name_max(path.parent) - _OVERHEAD)
    while name_length(label) > budget:
        label = label[:-1]
    pid = os.getpid() if pid is None else pid
    return f".{label}.{_digest(path.name)}.{host or _host()}-{pid}."


@contextlib.contextmanager
def _temporary(path):
    """Yield a new temporary file for ``path`` and the mode of a new file.

    When the block ends, the temporary file is removed if it still exists
    (whatever ended the block, a Ctrl-C at any moment included).
    """
    created = []  # the names, each added before its file exists
    try:
        yield make_temp(path, created)
    finally:
        for tmp in created:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # published: the name no longer exists
            release(tmp)


def make_temp(path, created):
    """Create the empty temporary file for ``path``, next to it.

    It is private (mode 0o600) from the start. The mode a new file of that
    name gets is learnt from a probe created with 0o666 (which the kernel
    reduces) and removed at once. Each name is appended to ``created`` before
    its file exists. Returns the file and that mode; an OSError says that no
    file can be created in the folder (or that the path is too long).
    """
    try:
        prefix = temp_prefix(path)
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
    """Remove the temporary files that interrupted saves left in ``folder``.

    Only names of our pattern, and only stale ones: their writer, on this
    host, no longer runs, or is this process but no longer writes them, or
    they have not changed for :data:`STALE_AGE` (writers on other hosts).
    """
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
    """Give the complete temporary file ``tmp`` its final name ``path``.

    With ``overwrite``, ``tmp`` is renamed over ``path``. Without, ``path``
    is made a hard link to ``tmp`` (which fails if anything has that name)
    and ``tmp`` is removed; without hard links, the name is reserved with an
    exclusive create, then ``tmp`` renamed over it. ``mode``: the permission
    bits of a new file (a file that is replaced keeps its own).
    """
    try:  # as open(path, 'w') would: the replaced file's mode, else a new one's
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        pass
    os.chmod(tmp, mode)
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise _exists_now(path) from None
    except OSError as err:
        if err.errno not in _NO_HARD_LINKS:
            raise
        _publish_exclusive(tmp, path)
        return
    with contextlib.suppress(OSError):  # published; a leftover name would be
        os.unlink(tmp)  # removed as stale by a later save


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
    if not (name.startswith(".") and name.endswith(TEMP_SUFFIX)):
        return None
    match = _TEMP_NAME.search(name)
    if match is None:
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
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process
        return True
    return True


def _digest(text, length=_DIGEST_LEN):
    return hashlib.sha256(os.fsencode(text)).hexdigest()[:length]


def _host():
    return _digest(socket.gethostname(), _HOST_LEN)
