"""Output files: path checks, atomic writing and the writer protocol.

Every output file is written to a temporary file in the target folder and
published under its name only when complete (:func:`atomic_output`), so an
error, Ctrl-C or a killed process never leaves a truncated file or replaces
an existing one; without ``overwrite`` an existing name is never replaced,
even by a save that raced this one. The :class:`Writer` base class is the
protocol every format's writer follows (see :mod:`mne_coefanim.io._formats`
for the table of formats); the temporary files and their publication are in
:mod:`mne_coefanim.io._atomic`.
"""

import contextlib
import errno
import os
from pathlib import Path

from .._checks import (
    AGG_LIMIT,
    MAX_FRAME_SIDE,
    check_bool,
    check_frame_size,
    check_type,
)
from ._atomic import (
    create_temp,
    name_length,
    name_max,
    publish,
    release,
    remove_stale,
)


def check_output(fname, *, allowed, overwrite=False):
    """Check an output file name before anything is rendered.

    Besides the name, the folder is tried: a temporary file is created in it
    and removed, so that a folder nothing can be written to (read-only,
    immutable, a read-only file system; for root too) fails here, before any
    frame is rendered, for every format.

    Parameters
    ----------
    fname : path-like
        The file to write. ``~`` is expanded.
    overwrite : bool
        Whether an existing file may be replaced.
    allowed : tuple of str
        The accepted suffixes, with their dot, e.g. ``('.gif', '.mp4')``;
        every output format is ``io._formats.SUFFIXES``. Matching ignores
        case.

    Returns
    -------
    path : pathlib.Path
        The expanded path.
    suffix : str
        Its suffix in lower case, one of ``allowed``.

    Raises
    ------
    TypeError
        If ``fname`` is not a str or path-like, or ``overwrite`` not a bool.
    ValueError
        If ``fname`` holds a NUL character, its suffix is not allowed, its
        folder does not exist, it names a folder or its name is longer than
        the file system takes.
    FileExistsError
        If something has that name (a dangling symbolic link too) and
        ``overwrite`` is False.
    OSError
        If no file can be created in the folder (e.g. PermissionError).
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

    The temporary file lives in the same folder as ``path`` (so that
    publishing it is atomic), is hidden and ends in ``.part`` (see
    :mod:`~mne_coefanim.io._atomic` for its name, which fits the file
    system's name limit whenever ``path`` does). Temporary files that earlier
    saves left in the folder when they were killed (of any final name) are
    removed first. On success the file gets its final name (keeping the
    permissions of a file it replaces, otherwise the usual ones from the
    umask, which is read without being changed); on any exception,
    KeyboardInterrupt included, it is removed, ``path`` is left untouched and
    the exception propagates.

    Parameters
    ----------
    path : path-like
        The final file.
    overwrite : bool
        Whether an existing ``path`` may be replaced. If False, the file is
        published only under a name that is still free when it is complete:
        of two saves racing to the same new file exactly one succeeds and the
        other raises :class:`FileExistsError`.

    Yields
    ------
    tmp : pathlib.Path
        The temporary file to write; it exists, empty, when the block starts.
    """
    path = Path(path)
    overwrite = check_bool("overwrite", overwrite)
    remove_stale(path.parent)
    with _temporary(path) as (tmp, mode):
        yield tmp
        publish(tmp, path, overwrite=overwrite, mode=mode)


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

    Parameters
    ----------
    path : pathlib.Path
        The final file.
    created : list of pathlib.Path
        Where the temporary names are added (see
        :func:`~mne_coefanim.io._atomic.create_temp`).

    Returns
    -------
    tmp : pathlib.Path
        The temporary file, empty, readable and writable by its owner only
        (see :func:`~mne_coefanim.io._atomic.create_temp`).
    mode : int
        The permission bits of a file newly created in its folder.

    Raises
    ------
    OSError
        Of the type of the file system's error, saying that no file can be
        created in the folder (or that the path is too long).
    """
    try:
        return create_temp(path, created)
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


def write_text(path, text, *, overwrite=False):
    """Write a text (HTML) file atomically, encoded as UTF-8.

    Parameters
    ----------
    path : path-like
        The ``.html`` (or ``.htm``) file to write.
    text : str
        The content.
    overwrite : bool
        Whether an existing file may be replaced.

    Returns
    -------
    path : pathlib.Path
        The written file.
    """
    check_type("text", text, str, "a str")
    path, _ = check_output(path, overwrite=overwrite, allowed=(".html", ".htm"))
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    from mne.utils import logger

    logger.info(f"Wrote {path} ({len(text)} characters).")
    return path


class Writer:
    """Write one output file from a stream, atomically: the writer protocol.

    A writer is made for one file. Its constructor checks the path (that the
    folder takes new files included, see :func:`check_output`) and every
    setting, so that a mistake fails before any frame is rendered, and leaves
    nothing behind. :meth:`saving` then opens a temporary file next to the
    target (:func:`atomic_output`) and calls :meth:`setup`; inside the block,
    each :meth:`write` adds one frame; when the block ends, :meth:`finish`
    completes the file and it is published under its name (without
    ``overwrite``, only if that name is still free). Whatever happens (an
    error in the block or in :meth:`finish`, Ctrl-C), :meth:`close` releases
    what the writer holds and the temporary file is removed, so an existing
    file is left untouched::

        writer = GifWriter("anim.gif", fps=10)
        with writer.saving(palette=palette):
            for frame in frames:
                writer.write(frame)

    A subclass sets :attr:`suffixes` and :attr:`takes` and implements
    :meth:`setup`, :meth:`write`, :meth:`finish` and :meth:`summary` (and
    :meth:`close` if it holds a file or a process).

    Parameters
    ----------
    path : path-like
        The file to write; its suffix must be one of :attr:`suffixes`.
    overwrite : bool
        Whether an existing file may be replaced.

    Attributes
    ----------
    suffixes : tuple of str
        The suffixes the writer writes, in lower case with their dot.
    takes : str
        What :meth:`write` takes: ``'indices'`` (a frame of palette indices,
        the palette given to :meth:`saving`), ``'rgb'`` (a frame of RGB
        values) or ``'viewer'`` (a frame of palette indices, the palette
        and the viewer's ``meta`` given to :meth:`saving`).
    defers : bool
        Whether :meth:`write` also takes a frame to be made later: a
        callable returning a new frame, which the writer may call on another
        thread, and more than once.
    requires : str | None
        The optional dependency the writer needs, as pip names it.
    max_side : int
        The largest frame side, in px, the format takes.
    size_limit : str
        What sets that limit, for the error (see :meth:`check_frame`).
    path : pathlib.Path
        The file to write (``~`` expanded).
    suffix : str
        Its suffix, in lower case.
    overwrite : bool
        Whether an existing file may be replaced.
    """

    suffixes = ()
    takes = None
    defers = False
    requires = None
    max_side = MAX_FRAME_SIDE
    size_limit = AGG_LIMIT

    def __init__(self, path, *, overwrite=False):
        self.path, self.suffix = check_output(
            path, overwrite=overwrite, allowed=self.suffixes
        )
        self.overwrite = bool(overwrite)

    @classmethod
    def check_encoder(cls, suffix, fps):
        """Fail early if ``suffix`` cannot be written at ``fps`` here.

        The check the constructor does on the settings, without a path.

        Parameters
        ----------
        suffix : str
            One of :attr:`suffixes`.
        fps : float
            Frames per second.
        """

    def check_frame(self, shape, dpi):
        """Refuse frames this format cannot hold, before any is rendered.

        Parameters
        ----------
        shape : tuple of int
            The frames' ``(height, width)`` in px.
        dpi : float
            The resolution that makes them so (named in the error).
        """
        check_frame_size(shape, dpi, self.max_side, self.size_limit)

    @contextlib.contextmanager
    def saving(self, **inputs):
        """Write the file: set up, yield the writer, finish, always clean up.

        Parameters
        ----------
        **inputs
            Passed to :meth:`setup` (e.g. ``palette``).

        Yields
        ------
        writer : Writer
            This writer, to :meth:`write` frames to.
        """
        with atomic_output(self.path, overwrite=self.overwrite) as tmp:
            try:
                self.setup(tmp, **inputs)
                yield self
                self.finish()
            finally:
                self.close()
        from mne.utils import logger

        logger.info(f"Wrote {self.path} ({self.summary()}).")

    def setup(self, tmp, **inputs):
        """Start writing to the temporary file ``tmp``.

        Parameters
        ----------
        tmp : pathlib.Path
            The temporary file, empty, renamed into place when complete.
        **inputs
            What the format needs besides the frames (e.g. ``palette``).
        """
        raise NotImplementedError

    def write(self, frame):
        """Add one frame (or, for a page, the whole page) to the file.

        Parameters
        ----------
        frame : array | str
            What :attr:`takes` says.
        """
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
        """Return what was written, for the log (e.g. ``'8 frames at 10 fps'``).

        Returns
        -------
        summary : str
            A few words.
        """
        raise NotImplementedError
