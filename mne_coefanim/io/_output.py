"""Output files: path checks, atomic writing and the writer protocol.

Every output file is written to a temporary file in the target folder and
renamed into place only when complete (:func:`atomic_output`), so an error or
Ctrl-C never leaves a truncated file or replaces an existing one. The
:class:`Writer` base class is the protocol every format's writer follows (see
:mod:`mne_coefanim.io._formats` for the table of formats).
"""

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from mne.utils import logger

from .._checks import check_type


def check_output(fname, *, allowed, overwrite=False):
    """Check an output file name before anything is rendered.

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
        If ``fname`` is not a str or path-like.
    ValueError
        If the suffix is not allowed, the folder does not exist or ``fname``
        names a folder.
    FileExistsError
        If the file exists and ``overwrite`` is False.
    """
    check_type("fname", fname, (str, os.PathLike), "a str or path-like")
    path = Path(fname).expanduser()
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
    if path.is_dir():
        raise ValueError(f"fname {str(path)!r} is a folder; give a file name.")
    if path.exists() and not overwrite:
        raise FileExistsError(
            f"Output file {str(path)!r} exists; pass overwrite=True to replace it."
        )
    return path, suffix


@contextlib.contextmanager
def atomic_output(path):
    """Write a file through a temporary file renamed into place on success.

    The temporary file lives in the same folder as ``path`` (so the final
    rename is atomic), is hidden (its name starts with a dot) and ends in
    ``.part`` plus the suffix of ``path`` (so tools that infer the format from
    the name, like ffmpeg, still see it). On success it replaces ``path``
    (keeping the permissions of a file it replaces, otherwise the usual ones
    from the umask); on any exception, KeyboardInterrupt included, it is
    removed, ``path`` is left untouched and the exception propagates.

    Parameters
    ----------
    path : path-like
        The final file.

    Yields
    ------
    tmp : pathlib.Path
        The temporary file to write; it exists, empty, when the block starts.
    """
    path = Path(path)
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix=f".{path.name}.", suffix=f".part{path.suffix}"
        )
    except OSError as err:
        raise type(err)(
            err.errno,
            f"Cannot write {path.name!r}: no file can be created in the folder "
            f"{str(folder)!r} ({err.strerror}). Choose a folder you can write to",
        ) from err
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, _final_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _final_mode(path):
    """Return the permission bits the written file should get.

    mkstemp creates 0o600 files; a plain ``open(path, 'w')`` would keep the
    mode of a file it replaces, or else give 0o666 minus the umask.
    """
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)  # the only portable way to read the umask
        os.umask(umask)
        return 0o666 & ~umask


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
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    logger.info(f"Wrote {path} ({len(text)} characters).")
    return path


class Writer:
    """Write one output file from a stream, atomically: the writer protocol.

    A writer is made for one file. Its constructor checks the path and every
    setting, so that a mistake fails before any frame is rendered, and writes
    nothing. :meth:`saving` then opens a temporary file next to the target
    (:func:`atomic_output`) and calls :meth:`setup`; inside the block, each
    :meth:`write` adds one frame; when the block ends, :meth:`finish`
    completes the file and it is renamed into place. Whatever happens (an
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
        values) or ``'page'`` (a whole HTML page, one str).
    requires : str | None
        The optional dependency the writer needs, as pip names it.
    path : pathlib.Path
        The file to write (``~`` expanded).
    suffix : str
        Its suffix, in lower case.
    """

    suffixes = ()
    takes = None
    requires = None

    def __init__(self, path, *, overwrite=False):
        self.path, self.suffix = check_output(
            path, overwrite=overwrite, allowed=self.suffixes
        )

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
        with atomic_output(self.path) as tmp:
            try:
                self.setup(tmp, **inputs)
                yield self
                self.finish()
            finally:
                self.close()
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

    def close(self):
        """Release the writer's file or process; safe to call twice."""

    def summary(self):
        """Return what was written, for the log (e.g. ``'8 frames at 10 fps'``).

        Returns
        -------
        summary : str
            A few words.
        """
        raise NotImplementedError
