"""Jobs on a second thread, results in order: the GIF encoder's pipeline."""

import sys
import threading
import time

import numpy as np
import pytest

from mne_coefanim._checks import one_core
from mne_coefanim.io import _gif
from mne_coefanim.io._gif import InOrder


def test_results_come_in_submission_order():
    taken = []
    pipeline = InOrder(taken.append, max_pending=3)
    try:
        for k in range(20):
            # later jobs finish sooner: the order must still hold
            pipeline.submit(lambda k=k: time.sleep(0.002 * (k % 3 == 0)) or k)
        pipeline.drain()
    finally:
        pipeline.close()
    assert taken == list(range(20))


def test_jobs_run_on_another_thread_and_errors_reach_the_caller():
    threads = []
    pipeline = InOrder(threads.append)
    try:
        pipeline.submit(threading.get_ident)
        pipeline.drain()
        assert threads and threads[0] != threading.get_ident()
        pipeline.submit(lambda: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            pipeline.drain()
    finally:
        pipeline.close()


def test_switch_interval_is_left_alone():
    before = sys.getswitchinterval()
    intervals = []
    pipeline = InOrder(intervals.append, n_workers=2)
    try:
        for _ in range(4):
            pipeline.submit(sys.getswitchinterval)
        assert sys.getswitchinterval() == before
        pipeline.drain()
    finally:
        pipeline.close()
        pipeline.close()  # twice is fine
    assert intervals == [before] * 4
    assert sys.getswitchinterval() == before


def test_gif_from_the_thread_equals_one_written_inline(tmp_path):
    rng = np.random.default_rng(0)
    palette = rng.integers(0, 256, (256, 3), dtype=np.uint8)
    base = rng.integers(0, 200, (60, 80), dtype=np.uint8)
    frames = []
    for k in range(30):  # changing rectangles, as in an animation
        frame = base.copy()
        frame[k : k + 10, 2 * k : 2 * k + 7] = 255 - k
        frames.append(frame)
    threaded = _gif.write_gif(tmp_path / "a.gif", frames, palette, fps=10)
    with one_core():  # in the caller's thread, compressed in memory
        inline = _gif.write_gif(tmp_path / "b.gif", frames, palette, fps=10)
    assert threaded.read_bytes() == inline.read_bytes()


def test_one_core_runs_jobs_in_the_callers_thread():
    before = sys.getswitchinterval()
    threads = []
    with one_core():
        pipeline = InOrder(threads.append)
        assert sys.getswitchinterval() == before  # no thread, no change
        pipeline.submit(threading.get_ident)
        assert threads == [threading.get_ident()]  # at once, here
        pipeline.close()
    pipeline = InOrder(threads.append)  # outside the block: threads again
    pipeline.submit(threading.get_ident)
    pipeline.drain()
    pipeline.close()
    assert threads[1] != threading.get_ident()
