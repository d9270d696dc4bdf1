"""The HTML writer: a whole page, written atomically as UTF-8.

The page is made elsewhere (:meth:`CoefAnimation.to_html`, matplotlib's
``to_jshtml`` player); this writer only puts it in the file, so that ``.html``
goes through the same protocol and table as the other formats.
"""

from .._checks import check_type
from ._output import Writer


class HtmlWriter(Writer):
    """Write an HTML page, given whole to :meth:`write`.

    See :class:`Writer` for the protocol.

    Parameters
    ----------
    path : path-like
        The ``.html`` (or ``.htm``) file to write.
    fps : float | None
        Unused: the page carries its own frame rate. Accepted so that every
        writer of the table is made the same way.
    overwrite : bool
        Whether an existing file may be replaced.
    """

    suffixes = (".html", ".htm")
    takes = "page"

    def __init__(self, path, *, fps=None, overwrite=False):
        super().__init__(path, overwrite=overwrite)
        self._n_chars = None

    def setup(self, tmp):
        """Remember the temporary file.

        Parameters
        ----------
        tmp : pathlib.Path
            The temporary file.
        """
        self._tmp = tmp

    def write(self, frame):
        """Write the page (once).

        Parameters
        ----------
        frame : str
            The whole page.
        """
        check_type("text", frame, str, "a str")
        if self._n_chars is not None:
            raise ValueError("An HTML page is written whole, in one write().")
        self._tmp.write_text(frame, encoding="utf-8", newline="")
        self._n_chars = len(frame)

    def finish(self):
        """Check that the page was written."""
        if self._n_chars is None:
            raise ValueError("No HTML page was written; call write(page) once.")

    def summary(self):
        """Return the page's length, for the log.

        Returns
        -------
        summary : str
            E.g. ``'123456 characters'``.
        """
        return f"{self._n_chars} characters"
