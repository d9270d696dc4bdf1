import sys

import numpy as np
import pytest
from conftest import make_info, small_animation

from mne_coefanim import _utils as _progress
from mne_coefanim._utils import (
    progress,
    quiet_progress,
    show_progress,
    stderr_is_tty,
)

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
    monkeypatch.setattr(_progress, "stderr_is_tty", lambda: True)
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
