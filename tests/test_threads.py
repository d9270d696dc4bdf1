"""Helper threads: when they run; nothing process-wide changes."""

import os
import sys
import threading

from conftest import GifEncoderThreads, save_with_both_cores, small_animation

from mne_coefanim._utils import N_WORKERS, default_workers, one_core
from mne_coefanim.io._gif import FRAMES_PER_JOB
from mne_coefanim.io._in_order import InOrder

N_FRAMES = 2 * FRAMES_PER_JOB + 4  # three encoder jobs


def test_one_cpu_means_no_threads(two_cpus, monkeypatch):
    """A process allowed one CPU compresses in its own thread."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert default_workers() == 0
    pipeline = InOrder(lambda result: None)
    assert not pipeline.threaded
    pipeline.close()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert default_workers() == N_WORKERS
    pipeline = InOrder(lambda result: None)
    assert pipeline.threaded
    pipeline.close()


def test_one_core_nests_and_ends_in_any_order_across_threads(two_cpus):
    """Blocks in two threads, the first ending first: each thread sees its own."""
    entered, both_in, first_out = (threading.Event() for _ in range(3))
    seen = {}

    def first():
        with one_core():
            seen["first, inside"] = default_workers()
            entered.set()
            both_in.wait(10)
        seen["first, after"] = default_workers()
        first_out.set()

    def second():
        entered.wait(10)
        with one_core():
            with one_core():  # nested: the outer block still holds after it
                pass
            both_in.set()
            first_out.wait(10)
            seen["second, inside"] = default_workers()
        seen["second, after"] = default_workers()

    threads = [threading.Thread(target=f) for f in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert seen == {
        "first, inside": 0,
        "first, after": N_WORKERS,
        "second, inside": 0,
        "second, after": N_WORKERS,
    }
    assert default_workers() == N_WORKERS  # this thread was never in a block


def test_helper_threads_leave_the_switch_interval_alone(two_cpus, tmp_path,
                                                       monkeypatch):  # fmt: skip
    before = sys.getswitchinterval()
    encoders = GifEncoderThreads(monkeypatch, meet=2)  # two threads at once
    small_animation(N_FRAMES).save(tmp_path / "a.gif")
    assert all(name.startswith("mne_coefanim") for name in encoders.names)
    assert encoders.intervals == [before] * N_FRAMES
    assert sys.getswitchinterval() == before


def test_saves_from_two_threads_at_once_then_both_cores(two_cpus, tmp_path,
                                                        monkeypatch):  # fmt: skip
    """Two saves on one core each, in blocks that end out of order, leave
    later saves on two cores (a global count would stay at 0 for good)."""
    anims = [small_animation(N_FRAMES) for _ in range(2)]
    expected = save_with_both_cores(anims[0], tmp_path / "before.gif", monkeypatch)
    encoders = GifEncoderThreads(monkeypatch)  # records, never waits
    entered, both_in, first_out = (threading.Event() for _ in range(3))
    errors = []

    def first():
        try:
            with one_core():
                entered.set()
                both_in.wait(10)
                anims[0].save(tmp_path / "first.gif")
            first_out.set()
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)
            first_out.set()

    def second():
        try:
            entered.wait(10)
            with one_core():
                both_in.set()
                anims[1].save(tmp_path / "second.gif")
                first_out.wait(10)  # the first block ends before this one
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=f, name=f.__name__) for f in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    # each save compressed in its own thread: one core each
    assert sorted(set(encoders.names)) == ["first", "second"]
    assert (tmp_path / "first.gif").read_bytes() == expected
    assert (tmp_path / "second.gif").read_bytes() == expected

    # later saves, here and in another thread, compress on two threads at once
    here = save_with_both_cores(anims[1], tmp_path / "here.gif", monkeypatch)
    assert here == expected
    later, path = [], tmp_path / "there.gif"

    def there():
        later.append(save_with_both_cores(anims[0], path, monkeypatch))

    thread = threading.Thread(target=there)
    thread.start()
    thread.join(60)
    assert later == [expected]
