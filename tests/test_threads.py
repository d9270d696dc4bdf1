"""Helper threads: when they run, the GIL's switch interval, work beside."""

import sys
import threading

import pytest

from mne_coefanim import _threads
from mne_coefanim._threads import (
    SWITCH_INTERVAL,
    default_workers,
    fast_switching,
)
from mne_coefanim.io._in_order import InOrder


def fast(before):
    """The interval inside a fast block (Python keeps whole microseconds)."""
    return pytest.approx(min(before, SWITCH_INTERVAL), rel=1e-3)


@pytest.fixture
def two_cpus(monkeypatch):
    if not hasattr(_threads.os, "sched_getaffinity"):
        pytest.skip("no CPU affinity on this platform")
    monkeypatch.setattr(_threads.os, "sched_getaffinity", lambda pid: {0, 1})


def test_one_cpu_means_no_threads(two_cpus, monkeypatch):
    """A process allowed one CPU compresses in its own thread."""
    monkeypatch.setattr(_threads.os, "sched_getaffinity", lambda pid: {0})
    assert default_workers() == 0
    pipeline = InOrder(lambda result: None)
    assert not pipeline.threaded
    pipeline.close()
    monkeypatch.setattr(_threads.os, "sched_getaffinity", lambda pid: {0, 1})
    assert default_workers() == _threads.N_WORKERS
    pipeline = InOrder(lambda result: None)
    assert pipeline.threaded
    pipeline.close()


def test_fast_switching_nests_and_restores():
    before = sys.getswitchinterval()
    with fast_switching():
        assert sys.getswitchinterval() == fast(before)
        with fast_switching():
            assert sys.getswitchinterval() == fast(before)
        # the outer block still runs: still fast
        assert sys.getswitchinterval() == fast(before)
    assert sys.getswitchinterval() == before


def test_fast_switching_overlapping_in_threads():
    """Blocks that end out of order: the interval comes back after the last."""
    before = sys.getswitchinterval()
    inner_entered, outer_done = threading.Event(), threading.Event()

    def other():
        with fast_switching():
            inner_entered.set()
            outer_done.wait(5)
            assert sys.getswitchinterval() == fast(before)

    outer = fast_switching()
    outer.__enter__()
    thread = threading.Thread(target=other)
    thread.start()
    inner_entered.wait(5)
    outer.__exit__(None, None, None)  # ends first
    assert sys.getswitchinterval() == fast(before)
    outer_done.set()
    thread.join()
    assert sys.getswitchinterval() == before
