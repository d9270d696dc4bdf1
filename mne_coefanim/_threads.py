"""Helper threads: when to use them.

Saving an animation keeps the main thread busy with matplotlib and numpy;
work that releases the GIL for long stretches (Pillow's compression into a
file, zlib's compression) can run beside it on the second core. Work that
takes the GIL back between short numpy calls gains nothing (measured:
reading the compositor's probe renders on a helper, beside matplotlib's
drawing, took 33 ms instead of 16, and the set-up as a whole was slower).
No helper threads with one CPU to run on, or inside :func:`one_core` (a
job that should use one core, e.g. one of
:func:`~mne_coefanim.save_animations`' jobs): the work then runs in the
caller's thread.

Nothing here changes the process: :func:`one_core` sets a
:class:`contextvars.ContextVar`, so a block in one thread (or asyncio task)
never changes the number of helpers of a save in another, and blocks may
end in any order. A block covers the saves made in the thread that entered
it; threads it starts begin with a context of their own (or a copy of this
one where Python is set to copy it, e.g. ``-X thread_inherit_context=1``).
"""

import contextvars
import os
from contextlib import contextmanager

N_WORKERS = 2  # helpers at most: with the main thread, enough for two cores

# None: N_WORKERS (with more than one CPU); 0 inside one_core()
_WORKERS = contextvars.ContextVar("mne_coefanim_workers", default=None)


@contextmanager
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
