"""Helper threads: when they run, the GIL's switch interval, work beside."""

import sys
import threading
import time

import pytest

from mne_coefanim import _threads
from mne_coefanim._threads import (
    SWITCH_INTERVAL,
    Beside,
    default_workers,
    fast_switching,
    one_core,
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


def test_beside_runs_on_another_thread_while_the_caller_goes_on(two_cpus):
    started, release = threading.Event(), threading.Event()

    def work(x):
        started.set()
        release.wait(5)
        return threading.get_ident(), x * 2

    before = sys.getswitchinterval()
    with Beside(work, 21) as helper:
        assert started.wait(5)  # running already, while this block runs
        assert sys.getswitchinterval() == fast(before)
        release.set()
    ident, value = helper.result()
    assert value == 42
    assert ident != threading.get_ident()
    assert sys.getswitchinterval() == before  # restored


def test_beside_runs_in_the_callers_thread_on_one_core(two_cpus):
    with one_core(), Beside(threading.get_ident) as helper:
        pass
    assert helper.result() == threading.get_ident()


def test_beside_raises_the_work_error_in_the_caller(two_cpus):
    def fail():
        raise ValueError("bad renders")

    with Beside(fail) as helper:
        pass
    with pytest.raises(ValueError, match="bad renders"):
        helper.result()


def test_leaving_after_an_error_waits_for_the_work(two_cpus):
    done = []

    def slow():
        time.sleep(0.05)
        done.append(True)

    with pytest.raises(KeyError), Beside(slow):
        raise KeyError("the caller's own error")
    assert done == [True]  # the helper finished before the error went on
