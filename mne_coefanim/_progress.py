"""Progress bars for long renders, shown only to a person at a terminal.

The bar is MNE's own :class:`mne.utils.ProgressBar` (tqdm underneath, so
``MNE_TQDM=off`` turns it off as everywhere in MNE). It is drawn when MNE's
log level is INFO or more verbose (``verbose=False`` hides it) *and* stderr
is a terminal: a bar redrawn with carriage returns would only clutter a
captured log, a CI job or a notebook cell.
"""

import contextlib
import logging
import sys
from contextvars import ContextVar

from mne.utils import ProgressBar, logger, verbose

# True inside ``quiet_progress()``: e.g. batch jobs, whose one overall bar
# replaces a bar per animation
_QUIET = ContextVar("mne_coefanim_quiet_progress", default=False)


def stderr_is_tty():
    """Return whether ``sys.stderr`` is an interactive terminal.

    Returns
    -------
    is_tty : bool
        False when stderr is redirected, captured, closed or missing (as in
        ``pythonw``).
    """
    stream = sys.stderr
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def show_progress():
    """Return whether a progress bar should be drawn now.

    Returns
    -------
    show : bool
        True when MNE's log level is INFO or lower (what
        :class:`mne.utils.ProgressBar` itself requires), stderr is a
        terminal and no :func:`quiet_progress` block is active.
    """
    if _QUIET.get():
        return False
    # the level MNE's @verbose decorator has just set for this call
    return logger.level <= logging.INFO and stderr_is_tty()


@contextlib.contextmanager
def quiet_progress():
    """Hide progress bars inside the block (logging is unchanged).

    Yields
    ------
    None
    """
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


@verbose
def progress(iterable, *, total, desc, verbose=None):
    """Wrap an iterable in MNE's progress bar when a person is watching.

    The decision is taken now, under the log level of the caller (so a
    ``@verbose`` function's ``verbose=False`` hides the bar), not when the
    items are consumed. Items are passed through one at a time: a generator
    stays a stream and is never collected into a list.

    Parameters
    ----------
    iterable : iterable
        The items, e.g. a generator of frames.
    total : int
        The number of items (a generator has no ``len``).
    desc : str
        The text next to the bar, e.g. the output file name.
    verbose : bool | str | int | None
        Control the verbosity of the logging output; None uses MNE's level
        (see :func:`mne.set_log_level`).

    Returns
    -------
    items : iterator
        The same items, in the same order: ``iter(iterable)`` when no bar is
        shown, otherwise an iterator that also advances the bar.
    """
    if not show_progress():
        return iter(iterable)
    bar = ProgressBar(iterable, max_value=int(total), mesg=str(desc))
    return iter(bar)
