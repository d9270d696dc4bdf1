"""Temporary files and their publication: the pieces of atomic output.

A file is written under a temporary name in its target folder and published
under its final name only when complete (see
:func:`~mne_coefanim.io._output.atomic_output`). This module names the
temporary files, removes those that interrupted saves left behind, and
publishes a finished file.

Nothing process-wide is changed to write a file: the permissions a new file
gets come from the kernel, which applies the umask (or the folder's default
ACL) when the temporary file is created with mode 0o666, exactly as for a
file opened with ``open(path, 'w')``; the umask is never set, not even to be
read.

Temporary names look like ``.anim.gif.3fa2b1c4.5d41c0-12345.k2j3h4l5.part``:
hidden (a leading dot), the final name (cut to fit the file system's name
limit), a digest of the final name (which final file it is for, even when
the name was cut), a digest of the host name and the process id of the
writer (whether it still runs), a random part, and ``.part``. They end in no
media suffix, so that nothing takes a partial file for a video or image.

Publication never replaces a file unless asked to: without ``overwrite`` the
file is published with a hard link, which fails when the final name exists
(a dangling symbolic link included), so that of two saves racing to the
same new file exactly one wins and the other gets :class:`FileExistsError`.
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

TEMP_SUFFIX = ".part"
# a leftover whose writer cannot be checked (another host) is removed after
# a day: longer than any save leaves its temporary file untouched
STALE_AGE = 24 * 3600
_DIGEST_LEN, _HOST_LEN, _PID_LEN, _RANDOM_LEN = 8, 6, 10, 8  # pid: at most
# ".", the label, ".", digest, ".", host, "-", pid, ".", random, ".part"
_OVERHEAD = 5 + _DIGEST_LEN + _HOST_LEN + _PID_LEN + _RANDOM_LEN + len(TEMP_SUFFIX)
_TEMP_NAME = re.compile(
    rf"\.(?P<digest>[0-9a-f]{{{_DIGEST_LEN}}})\.(?P<host>[0-9a-f]{{{_HOST_LEN}}})"
    rf"-(?P<pid>[0-9]{{1,{_PID_LEN}}})\.[^.]+{re.escape(TEMP_SUFFIX)}\Z"
)
# the errors of os.link on file systems without hard links (FAT, exFAT, some
# network and FUSE file systems)
_NO_HARD_LINKS = {
    errno.EPERM,
    errno.EINVAL,
    errno.EMLINK,
    errno.ENOSYS,
    errno.EXDEV,
    errno.EOPNOTSUPP,
    getattr(errno, "ENOTSUP", errno.EOPNOTSUPP),
}
# the temporary files this process is writing (their names): a leftover of
# this process that is not in the set belongs to a save that was interrupted
_WRITING = set()
_WRITING_LOCK = threading.Lock()


def name_max(folder):
    """Return the longest file name the file system of ``folder`` takes.

    In bytes on POSIX (``NAME_MAX``, 255 on most file systems); 255 where it
    cannot be asked.
    """
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

    :func:`create_temp` adds the random part and :data:`TEMP_SUFFIX`; the
    whole name stays within :func:`name_max` for any final name that does.

    Parameters
    ----------
    path : pathlib.Path
        The final file.
    pid : int | None
        The writer's process id; None for this process.
    host : str | None
        The digest of the writer's host name; None for this host.

    Returns
    -------
    prefix : str
        E.g. ``'.anim.gif.3fa2b1c4.5d41c0-12345.'``.
    """
    label = path.name
    budget = max(0, name_max(path.parent) - _OVERHEAD)
    while name_length(label) > budget:
        label = label[:-1]
    pid = os.getpid() if pid is None else pid
    return f".{label}.{_digest(path.name)}.{host or _host()}-{pid}."


def create_temp(path, created):
    """Create the empty temporary file for ``path``, next to it.

    It is private (mode 0o600) from the start, so that nobody can open the
    content while it is written. The mode a new file of that name gets
    (0o666 less the umask, or what the folder's default ACL says) is learnt
    from a probe: an empty temporary file created with 0o666, which the
    kernel reduces, and removed at once.

    Parameters
    ----------
    path : pathlib.Path
        The final file.
    created : list of pathlib.Path
        Each temporary name is appended before the file is created, so that
        after an interrupt at any moment the caller can remove what exists.

    Returns
    -------
    tmp : pathlib.Path
        The temporary file, empty, mode 0o600. Call :func:`release` once it
        is published or removed.
    mode : int
        The permission bits of a file newly created in its folder.

    Raises
    ------
    OSError
        The file system's error, if no file can be created in the folder.
    """
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

    Only names of our own pattern are considered (for any final name), and
    only stale ones are removed: their writer, a process of this host, no
    longer runs (by its id), or is this process but no longer writes them
    (a save interrupted at a moment that left its file behind), or they have
    not changed for :data:`STALE_AGE` (writers on other hosts of a shared
    folder, whose processes cannot be checked). The temporary files of saves
    in progress stay.

    Parameters
    ----------
    folder : pathlib.Path
        The folder of the final file.
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

    With ``overwrite``, ``tmp`` is renamed over ``path`` (atomic). Without,
    ``path`` is made a hard link to ``tmp``, which fails if anything has that
    name (a dangling symbolic link included), and ``tmp`` is removed. Where
    hard links are impossible, the name is reserved with an exclusive create
    (which fails the same way), then ``tmp`` is renamed over the reservation.

    Parameters
    ----------
    tmp : pathlib.Path
        The complete temporary file.
    path : pathlib.Path
        The final file.
    overwrite : bool
        Whether an existing ``path`` may be replaced.
    mode : int
        The permission bits of a new file (from :func:`create_temp`); a file
        that is replaced keeps its own.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is False (e.g. another save
        published it while this one was writing).
    """
    os.chmod(tmp, final_mode(path, mode))
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
    with contextlib.suppress(OSError):  # the file is published; a leftover
        os.unlink(tmp)  # name would be removed as stale by a later save


def final_mode(path, new):
    """Return the permission bits the written file should get.

    As with a plain ``open(path, 'w')``: the mode of the file it replaces,
    else ``new``, the mode of a new file (0o666 less the umask).
    """
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return new


def _publish_exclusive(tmp, path):
    """Publish without hard links: reserve the name, then rename over it.

    The exclusive create fails if ``path`` exists, so the race has one
    winner as with a hard link. For the moment between the two steps the
    name holds an empty file; should the rename fail, the reservation is
    removed (unless something replaced it meanwhile).
    """
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
    except BaseException:
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
