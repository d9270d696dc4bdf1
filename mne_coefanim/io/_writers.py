"""Output files: the writer protocol and the table of formats.

:data:`WRITERS` is the one list of output formats: :meth:`CoefAnimation.save`
looks the suffix up in it, and the help of the command line and of
:func:`~mne_coefanim.save_animations` lists it. It names each writer's module
(resolved on use, like the package's lazy table), so that the help texts load
no writer. Adding a format takes a :class:`Writer` subclass, one entry here
and its test. Files are written atomically (:mod:`._atomic`).
"""

import contextlib
import importlib
import os
from pathlib import Path
from typing import NamedTuple

from .._checks import AGG_LIMIT, MAX_FRAME_SIDE, check_frame_size
from ._atomic import atomic_output, check_output


class OutputFormat(NamedTuple):
    """One entry of the writer table: the format's name and its writer.

    ``module`` and ``cls`` name the :class:`Writer` subclass (see
    :func:`writer_class`); ``requires`` is the optional dependency it needs.
    """

    name: str
    module: str
    cls: str
    requires: str | None = None


# the order of help texts: the default format first
WRITERS = {
    ".gif": OutputFormat("GIF", "._gif", "GifWriter"),
    ".mp4": OutputFormat("MP4", "._video", "VideoWriter", "imageio-ffmpeg"),
    ".webm": OutputFormat("WebM", "._video", "VideoWriter", "imageio-ffmpeg"),
    ".html": OutputFormat("HTML page", "._viewer", "ViewerWriter"),
}
SUFFIXES = tuple(sorted(WRITERS))  # the order error messages list them in


def writer_class(suffix):
    """Return the :class:`Writer` subclass of ``suffix`` (a key of :data:`WRITERS`)."""
    entry = WRITERS[suffix]
    return getattr(importlib.import_module(entry.module, __package__), entry.cls)


def format_list(*, requirements=False):
    """Return the formats for help texts, e.g. ``'GIF (.gif), MP4 (.mp4)'``.

    With ``requirements``, also name the optional dependency a format needs,
    e.g. ``'MP4 (.mp4, needs imageio-ffmpeg)'``.
    """
    return ", ".join(
        f"{name} ({suffix}"
        + (f", needs {needs}" if requirements and needs else "") + ")"
        for suffix, (name, _, _, needs) in WRITERS.items()
    )


def fill_formats(function):
    """Put the list of formats in a docstring, at ``%(output_formats)s``.

    Apply it below :func:`mne.utils.verbose`, which would not know this key.
    """
    function.__doc__ = function.__doc__.replace("%(output_formats)s", format_list())
    return function


def check_encoder(suffix, fps):
    """Fail early if ``suffix`` cannot be written at ``fps`` here.

    Nothing is checked for a suffix not in :data:`WRITERS` (:func:`check_output`
    refuses those).
    """
    if suffix in WRITERS:
        writer_class(suffix).check_encoder(suffix, fps)


def make_writer(fname, *, fps, overwrite=False, **options):
    """Return the writer of ``fname``'s format, every setting checked.

    ``options`` are the writer's own (:attr:`Writer.options`); anything else
    is refused with a :class:`TypeError` that lists them.
    """
    path_like = isinstance(fname, str | os.PathLike)
    suffix = Path(fname).suffix.lower() if path_like else None
    if suffix not in WRITERS:
        check_output(fname, allowed=SUFFIXES, overwrite=overwrite)  # raises
    cls = writer_class(suffix)
    for option in options:
        if option not in cls.options:
            known = ", ".join(cls.options) if cls.options else None
            raise TypeError(
                f"{WRITERS[suffix].name} writer got an unexpected option "
                f"{option!r}; "
                + (f"its options are: {known}" if known else "it takes no options")
            )
    return cls(fname, fps=fps, overwrite=overwrite, **options)


class FrameSource:
    """The frames of one save: the one object every writer takes them from.

    ``frames(unmarked=False, deferred=False)`` returns a closable iterator of
    frames of palette indices, shape (height, width); with ``unmarked``,
    ``(frame, frame without markers | None)`` pairs; with ``deferred``, a
    frame may come as a callable that makes it (see :attr:`Writer.defers`).
    ``palette()`` returns the palette, shape (n_colors, 3) (None: RGB frames),
    once the first frame is made; ``meta(shape)`` what the viewer shows
    besides the frames.
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


class Writer:
    """Write one output file from a stream, atomically: the writer protocol.

    A writer is made for one file. Its constructor checks the path (that the
    folder takes new files included, see :func:`check_output`) and every
    setting, so that a mistake fails before any frame is rendered.
    :meth:`saving` opens a temporary file next to the target
    (:func:`atomic_output`) and calls :meth:`setup`; inside the block, each
    :meth:`write` adds one frame; when the block ends, :meth:`finish`
    completes the file and it is published. Whatever happens, :meth:`close`
    releases what the writer holds and the temporary file is removed, so an
    existing file is left untouched::

        writer = GifWriter("anim.gif", fps=10)
        with writer.saving(FrameSource.of([], palette)):
            for frame in frames:
                writer.write(frame)

    :meth:`write_from` does all of it from a :class:`FrameSource`. A subclass
    sets the class attributes below and implements :meth:`setup`,
    :meth:`write`, :meth:`finish` and :meth:`summary` (and :meth:`close` if
    it holds a file or a process). Its constructor takes ``path``, ``fps``,
    ``overwrite`` and its :attr:`options`.
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

    @classmethod
    def check_encoder(cls, suffix, fps):
        """Fail early if ``suffix`` cannot be written at ``fps`` here."""

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
        """Write the whole file from ``source``, a :class:`FrameSource`.

        The first frame is made before the temporary file is opened (the
        palette is known then); the source's iterator is always closed.
        """
        frames = source.frames(unmarked=self.unmarked, deferred=self.defers)
        try:
            first = next(frames, None)
            with self.saving(source):
                if first is not None:
                    self.write(first)
                for frame in frames:
                    self.write(frame)
        finally:
            frames.close()
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
