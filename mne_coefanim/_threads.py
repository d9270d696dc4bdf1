"""Helper threads: when to use them, and how to hand the GIL over quickly.

Saving an animation keeps the main thread busy with matplotlib and numpy;
work that releases the GIL for long stretches (Pillow's compression into a
file, about 1 ms a frame) can run beside it on the second core. Work that
takes the GIL back between short numpy calls gains nothing (measured:
reading the compositor's probe renders on a helper, beside matplotlib's
drawing, took 33 ms instead of 16, and the set-up as a whole was slower).
Two rules hold for every helper thread:

* none with one CPU to run on, or inside :func:`one_core` (a job that
  should use one core, e.g. one of :func:`~mne_coefanim.save_animations`'
  worker processes): the work then runs in the caller's thread;
* while helpers run, Python's "switch interval" is 0.1 ms instead of 5 ms:
  a thread that waits for the GIL gets it only after that interval, so a
  helper that releases the GIL for every numpy call or write and then
  waits 5 ms to get it back runs at a fraction of its speed (measured on 2
  cores: with 0.1 ms, the GIF encoder runs at full speed beside a busy main
  thread).
"""

import os
import sys
import threading
from contextlib import contextmanager

N_WORKERS = 2  # helpers at most: with the main thread, enough for two cores
SWITCH_INTERVAL = 1e-4  # s, while helpers run (Python's default: 5e-3)
_workers = [N_WORKERS]  # the default, changed by one_core()
_switching = threading.Lock()
_fast = [0, None]  # blocks inside fast_switching(), the interval before them


@contextmanager
def one_core():
    """Run helper threads' work in the caller's thread while in this block.

    For a job that should use one core, e.g. one of several processes that
    already share the machine's cores (:func:`~mne_coefanim.save_animations`).
    """
    before, _workers[0] = _workers[0], 0
    try:
        yield
    finally:
        _workers[0] = before


def default_workers():
    """Return :data:`N_WORKERS`, or 0 in :func:`one_core` or with one CPU."""
    try:
        n_cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n_cpus = os.cpu_count() or 1
    return _workers[0] if n_cpus > 1 else 0


@contextmanager
def fast_switching():
    """Hand the GIL to waiting threads every 0.1 ms while in this block.

    Blocks may nest and overlap (in several threads): the interval is
    restored when the last one ends.
    """
    with _switching:
        _fast[0] += 1
        if _fast[0] == 1:
            _fast[1] = sys.getswitchinterval()
            sys.setswitchinterval(min(_fast[1], SWITCH_INTERVAL))
    try:
        yield
    finally:
        with _switching:
            _fast[0] -= 1
            if _fast[0] == 0:
                sys.setswitchinterval(_fast[1])
