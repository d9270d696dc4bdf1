"""The writer table: which writer writes each output format.

:data:`WRITERS` is the one list of output formats: :meth:`CoefAnimation.save`
looks the file's suffix up in it, and the help of the command line and of
:func:`~mne_coefanim.save_animations` lists it. Adding a format takes a
:class:`~mne_coefanim.io._output.Writer` subclass in its own module, one entry
here and its test.
"""

from typing import NamedTuple

from ._gif import GifWriter
from ._output import Writer
from ._video import VideoWriter
from ._viewer import ViewerWriter


class OutputFormat(NamedTuple):
    """One entry of the writer table.

    Attributes
    ----------
    name : str
        What users call the format, e.g. ``'WebM'``.
    writer : type
        The :class:`~mne_coefanim.io._output.Writer` subclass that writes it.
    """

    name: str
    writer: type[Writer]


# the order of help texts: the default format first
WRITERS = {
    ".gif": OutputFormat("GIF", GifWriter),
    ".mp4": OutputFormat("MP4", VideoWriter),
    ".webm": OutputFormat("WebM", VideoWriter),
    ".html": OutputFormat("HTML page", ViewerWriter),
}

# sorted, the order error messages have always listed them in
SUFFIXES = tuple(sorted(WRITERS))


def format_list(*, requirements=False):
    """Return the formats for help texts, e.g. ``'GIF (.gif), MP4 (.mp4)'``.

    Parameters
    ----------
    requirements : bool
        Also name the optional dependency a format needs, e.g.
        ``'MP4 (.mp4, needs imageio-ffmpeg)'``.

    Returns
    -------
    formats : str
        The formats of :data:`WRITERS`, in its order, separated by commas.
    """
    entries = []
    for suffix, (name, writer) in WRITERS.items():
        needs = f", needs {writer.requires}" if requirements and writer.requires else ""
        entries.append(f"{name} ({suffix}{needs})")
    return ", ".join(entries)


def check_encoder(suffix, fps):
    """Fail early if ``suffix`` cannot be written at ``fps`` here.

    Nothing is checked for a suffix that is not in :data:`WRITERS`
    (:func:`~mne_coefanim.io._output.check_output` refuses those).

    Parameters
    ----------
    suffix : str
        The output suffix, in lower case, e.g. ``'.gif'`` or ``'.mp4'``.
    fps : float
        Frames per second.
    """
    if suffix in WRITERS:
        WRITERS[suffix].writer.check_encoder(suffix, fps)


def fill_formats(function):
    """Put the list of formats in a docstring, at ``%(output_formats)s``.

    Apply it below :func:`mne.utils.verbose`, which fills MNE's own keys
    and would not know this one.

    Parameters
    ----------
    function : callable
        The function whose docstring to fill; changed in place.

    Returns
    -------
    function : callable
        The same function.
    """
    doc = function.__doc__
    function.__doc__ = doc.replace("%(output_formats)s", format_list())
    return function
