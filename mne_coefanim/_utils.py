"""Small services shared by the writers and the batch: progress bars, helper threads.

Progress bars are MNE's own :class:`mne.utils.ProgressBar` (tqdm underneath,
so ``MNE_TQDM=off`` turns them off as everywhere in MNE), drawn when MNE's
log level is INFO or more verbose (``verbose=False`` hides them) *and* stderr
is a terminal: a bar redrawn with carriage returns would only clutter a
captured log, a CI job or a notebook cell.

Helper threads: saving keeps the main thread busy with matplotlib and numpy;
work that releases the GIL for long stretches (Pillow's compression into a
file, zlib's compression) can run beside it on the second core. Work that
takes the GIL back between short numpy calls gains nothing (measured:
reading the compositor's probe renders on a helper, beside matplotlib's
drawing, took 33 ms instead of 16, and the set-up as a whole was slower).
No helper threads with one CPU to run on, or inside :func:`one_core` (a
job that should use one core, e.g. one of
:func:`~mne_coefanim.save_animations`' jobs): the work then runs in the
caller's thread.

Nothing here changes the process: :func:`one_core` and
:func:`quiet_progress` set a :class:`contextvars.ContextVar`, so a block in
one thread (or asyncio task) never changes the saves of another, and blocks
may end in any order. A block covers the saves made in the thread that
entered it; threads it starts begin with a context of their own (or a copy
of this one where Python is set to copy it, e.g.
``-X thread_inherit_context=1``).
"""

import contextlib
import logging
import os
import sys
from contextvars import ContextVar

# True inside ``quiet_progress()``: e.g. batch jobs, whose one overall bar
# replaces a bar per animation
_QUIET = ContextVar("mne_coefanim_quiet_progress", default=False)


def stderr_is_tty():
    """Return whether ``sys.stderr`` is an interactive terminal.

    False when stderr is redirected, captured, closed or missing (as in
    ``pythonw``).
    """
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # None, no isatty, or a closed stream
        return False


def show_progress():
    """Return whether a progress bar should be drawn now.

    True when MNE's log level is INFO or lower (what
    :class:`mne.utils.ProgressBar` itself requires), stderr is a terminal and
    no :func:`quiet_progress` block is active.
    """
    from mne.utils import logger  # MNE loads only when a bar may be drawn

    if _QUIET.get():
        return False
    # the level of the caller (a @verbose function sets it for its call)
    return logger.level <= logging.INFO and stderr_is_tty()


@contextlib.contextmanager
def quiet_progress():
    """Hide progress bars inside the block (logging is unchanged)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


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
    from mne.utils import ProgressBar, use_log_level

    # as MNE's @verbose would, for this decision only
    with contextlib.nullcontext() if verbose is None else use_log_level(verbose):
        show = show_progress()
    if not show:
        return iter(iterable)
    return iter(ProgressBar(iterable, max_value=int(total), mesg=str(desc)))


# -- helper threads ----------------------------------------------------------

N_WORKERS = 2  # helpers at most: with the main thread, enough for two cores

# None: N_WORKERS (with more than one CPU); 0 inside one_core()
_WORKERS = ContextVar("mne_coefanim_workers", default=None)


@contextlib.contextmanager
def one_core():
    """Run helper threads' work in the caller's thread while in this block.

    For a job that should use one core, e.g. one of several jobs that
    already share the machine's cores (:func:`~mne_coefanim.save_animations`).
    Only the current thread's context is affected: blocks in other threads
    may overlap with this one in any order.
    """
    token = _WORKERS.set(0)
    try:
        yield
    finally:
        _WORKERS.reset(token)


def default_workers():
    """Return :data:`N_WORKERS`, or 0 in :func:`one_core` or with one CPU."""
    workers = _WORKERS.get()
    if workers is not None:
        return workers
    try:
        n_cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n_cpus = os.cpu_count() or 1
    return N_WORKERS if n_cpus > 1 else 0
