"""Run one kind of job on other threads, taking the results in order.

GIF compression (Pillow's LZW encoder) releases the GIL when it writes to a
real file, so it can run on the second core while the main thread composes
the next frames (two workers: compressing takes longer than composing).
The results are taken in the order the jobs were given, so the file is byte
for byte the one a single thread writes. Python's switch interval is left
as the user has it: jobs hold a few frames each (fewer hand-overs of the
GIL), and most of a job's time is spent in C with the GIL released.
"""

from collections import deque
from concurrent.futures import ThreadPoolExecutor

from .._utils import default_workers

MAX_PENDING = 8  # jobs queued at most: bounded memory, enough to overlap
FRAMES_PER_JOB = 8  # frames per job of a writer: fewer hand-overs of the GIL


class InOrder:
    """Jobs on worker threads, their results handed on in submission order.

    Parameters
    ----------
    take : callable
        Called in the caller's thread with each result, in order.
    max_pending : int
        How many jobs may wait before :meth:`submit` waits for the oldest.
    n_workers : int | None
        The worker threads; jobs must not share state (each thread may keep
        its own, e.g. in a :class:`threading.local`). 0: run each job at
        once in the caller's thread. None:
        :func:`~mne_coefanim._utils.default_workers` (none inside
        :func:`~mne_coefanim._utils.one_core` or when this process may use
        one CPU only).
    """

    def __init__(self, take, max_pending=MAX_PENDING, n_workers=None):
        self._take = take
        self._max_pending = max_pending
        self._pending = deque()
        n_workers = default_workers() if n_workers is None else n_workers
        self._executor = None
        if n_workers:  # else: inline, in the caller's thread
            self._executor = ThreadPoolExecutor(n_workers, "mne_coefanim")

    @property
    def threaded(self):
        """Whether the jobs run on worker threads (else in the caller's)."""
        return self._executor is not None

    def submit(self, func, *args):
        """Queue ``func(*args)``; hand on the results that are ready.

        An error in a job is raised here (or by :meth:`drain`), in the
        caller's thread.
        """
        if self._executor is None:
            self._take(func(*args))
            return
        self._pending.append(self._executor.submit(func, *args))
        while self._pending and (
            len(self._pending) > self._max_pending or self._pending[0].done()
        ):
            self._take(self._pending.popleft().result())

    def drain(self):
        """Wait for every queued job and hand on its result."""
        while self._pending:
            self._take(self._pending.popleft().result())

    def close(self):
        """Stop the thread, dropping the jobs not started; safe to call twice."""
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
