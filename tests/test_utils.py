"""Progress bars and helper threads (in ``_checks``): shown to a person at a
terminal only; helper threads only where they help; nothing process-wide
changes."""

import os
import sys
import threading

import numpy as np
import pytest
from conftest import (
    GifEncoderThreads,
    make_info,
    save_with_both_cores,
    small_animation,
)

from mne_coefanim import _checks
from mne_coefanim._checks import (
    N_WORKERS,
    default_workers,
    one_core,
    progress,
    quiet_progress,
    show_progress,
    stderr_is_tty,
)
from mne_coefanim.io._gif import FRAMES_PER_JOB, InOrder

N_FRAMES = 6


@pytest.fixture(scope="module")
def anim():
    """One small animation for the module (building it is the slow part)."""
    return small_animation(N_FRAMES)


@pytest.fixture
def fake_tty(capsys, monkeypatch):
    """Make the check see a terminal; the bar still goes to captured stderr.

    (pytest swaps sys.stderr between a fixture's setup and the test, so the
    check itself is patched here; test_stderr_is_tty covers the check.)
    """
    monkeypatch.setattr(_checks, "stderr_is_tty", lambda: True)
    return capsys


def _counting(n, seen):
    for k in range(n):
        seen.append(k)
        yield k


@pytest.mark.parametrize("tty", [False, True])
def test_progress_streams_items(tty, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    seen = []
    items = progress(_counting(5, seen), total=5, desc="demo")
    # nothing is collected up front: one item produced per item consumed
    assert next(items) == 0
    assert seen == [0]
    assert list(items) == [1, 2, 3, 4]
    assert seen == [0, 1, 2, 3, 4]
    err = capsys.readouterr().err
    assert ("5/5" in err) is tty


def test_no_bar_when_not_a_terminal(anim, tmp_path, capsys):
    assert not stderr_is_tty()  # pytest captures stderr
    anim.save(tmp_path / "a.gif")
    assert "%|" not in capsys.readouterr().err


def test_bar_at_a_terminal(anim, tmp_path, fake_tty):
    path = anim.save(tmp_path / "a.gif")
    err = fake_tty.readouterr().err
    assert "100%|" in err
    assert f"{N_FRAMES}/{N_FRAMES}" in err
    assert "a.gif" in err  # the bar names the file being written
    assert path.read_bytes()[:6] == b"GIF89a"


def test_verbose_false_hides_bar(anim, tmp_path, fake_tty):
    anim.save(tmp_path / "a.gif", verbose=False)
    assert fake_tty.readouterr().err == ""
    anim.save(tmp_path / "a.mp4", verbose="warning")
    assert fake_tty.readouterr().err == ""


def test_bar_on_video(anim, tmp_path, fake_tty):
    pytest.importorskip("imageio_ffmpeg")
    anim.save(tmp_path / "a.mp4")
    assert f"{N_FRAMES}/{N_FRAMES}" in fake_tty.readouterr().err


def test_bar_does_not_change_output(anim, tmp_path, fake_tty, monkeypatch):
    with_bar = anim.save(tmp_path / "bar.gif").read_bytes()
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    without = anim.save(tmp_path / "plain.gif").read_bytes()
    assert with_bar == without


def test_quiet_progress(fake_tty):
    assert show_progress()
    with quiet_progress():
        assert not show_progress()
        assert list(progress(iter(range(3)), total=3, desc="x")) == [0, 1, 2]
    assert show_progress()
    assert "3/3" not in fake_tty.readouterr().err


class FakeStream:
    def __init__(self, tty):
        self.tty = tty

    def isatty(self):
        return self.tty


@pytest.mark.parametrize("tty", [False, True])
def test_stderr_is_tty(tty, monkeypatch):
    monkeypatch.setattr(sys, "stderr", FakeStream(tty))
    assert stderr_is_tty() is tty


def test_stderr_is_tty_edge_cases(monkeypatch):
    monkeypatch.setattr(sys, "stderr", None)  # e.g. pythonw
    assert not stderr_is_tty()

    class Closed:
        def isatty(self):
            raise ValueError("I/O operation on closed file")

    monkeypatch.setattr(sys, "stderr", Closed())
    assert not stderr_is_tty()
    monkeypatch.setattr(sys, "stderr", object())  # no isatty at all
    assert not stderr_is_tty()


@pytest.mark.parametrize("talk, bar", [(None, False), ("--verbose", True),
                                       ("--quiet", False)])  # fmt: skip
def test_cli_bar_only_with_verbose(talk, bar, tmp_path, fake_tty):
    """Even on a terminal: the command's bars are --verbose's."""
    from mne_coefanim.cli._main import main

    np.save(tmp_path / "coefs.npy", np.random.default_rng(0).standard_normal((6, 32)))
    ch_names = make_info("biosemi32").ch_names
    argv = [
        "render", str(tmp_path / "coefs.npy"), "-o", str(tmp_path / "out.gif"),
        "--montage", "biosemi32", "--ch-names", ",".join(ch_names),
        "--sfreq", "100", "--res", "32", "--dpi", "40",
    ] + ([] if talk is None else [talk])  # fmt: skip
    assert main(argv) == 0
    assert ("6/6" in fake_tty.readouterr().err) is bar
    assert (tmp_path / "out.gif").read_bytes()[:6] == b"GIF89a"


# -- helper threads ----------------------------------------------------------

N_JOB_FRAMES = 2 * FRAMES_PER_JOB + 4  # three encoder jobs


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
    small_animation(N_JOB_FRAMES).save(tmp_path / "a.gif")
    assert all(name.startswith("mne_coefanim") for name in encoders.names)
    assert encoders.intervals == [before] * N_JOB_FRAMES
    assert sys.getswitchinterval() == before


def test_saves_from_two_threads_at_once_then_both_cores(two_cpus, tmp_path,
                                                        monkeypatch):  # fmt: skip
    """Two saves on one core each, in blocks that end out of order, leave
    later saves on two cores (a global count would stay at 0 for good)."""
    anims = [small_animation(N_JOB_FRAMES) for _ in range(2)]
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
