import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from conftest import decode_video

from mne_coefanim.io import _video
from mne_coefanim.io._video import write_video

VIDEO_COLORS = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255], [200, 200, 50]])


def color_frames(n_frames, shape=(31, 41)):
    """Uniform frames cycling through VIDEO_COLORS (odd size on purpose)."""
    for k in range(n_frames):
        yield np.broadcast_to(VIDEO_COLORS[k % 4].astype(np.uint8), (*shape, 3))


@pytest.mark.parametrize("suffix", [".mp4", ".webm"])
def test_video_round_trip(tmp_path, suffix):
    pytest.importorskip("imageio_ffmpeg")
    path = tmp_path / f"anim{suffix}"
    assert write_video(path, color_frames(8), fps=10) == path
    frames, fps = decode_video(path)
    assert frames.shape == (8, 32, 42, 3)  # padded to even sizes
    assert fps == 10
    for k, frame in enumerate(frames):
        assert np.abs(frame.astype(int) - VIDEO_COLORS[k % 4]).max() <= 12
    assert os.listdir(tmp_path) == [path.name]


def test_video_failing_producer_leaves_no_trace(tmp_path):
    pytest.importorskip("imageio_ffmpeg")

    def frames():
        yield from color_frames(3)
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError, match="renderer failed"):
        write_video(tmp_path / "anim.mp4", frames(), fps=10)
    assert os.listdir(tmp_path) == []


def test_video_bad_frames(tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    with pytest.raises(ValueError, match="frames is empty"):
        write_video(tmp_path / "a.mp4", [], fps=10)
    with pytest.raises(ValueError, match="frame 0 has shape \\(4, 4, 3\\) but frame 1"):
        write_video(
            tmp_path / "a.mp4",
            [np.zeros((4, 4, 3), np.uint8), np.zeros((4, 6, 3), np.uint8)],
            fps=10,
        )
    with pytest.raises(ValueError, match="quality must be between 0 and 10"):
        write_video(tmp_path / "a.mp4", color_frames(1), fps=10, quality=11)
    assert os.listdir(tmp_path) == []


def test_video_needs_imageio_ffmpeg(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(
        ImportError,
        match=r"Writing .mp4 needs the optional dependency imageio-ffmpeg; "
        r"install it with pip install '\.\[video\]' in a clone of mne-coefanim",
    ):
        write_video(tmp_path / "anim.mp4", color_frames(2), fps=10)
    assert os.listdir(tmp_path) == []


def test_video_missing_encoder(tmp_path, monkeypatch):
    pytest.importorskip("imageio_ffmpeg")
    monkeypatch.setattr(_video, "_ffmpeg_encoders", lambda exe: {"libx264"})
    with pytest.raises(RuntimeError, match="no .webm encoder \\(looked for libvpx"):
        write_video(tmp_path / "anim.webm", color_frames(2), fps=10)
    assert os.listdir(tmp_path) == []


def test_encoder_options():
    assert _video._encoder_options("libx264", None)[:4] == [
        "-preset", "veryfast", "-crf", "18"
    ]  # fmt: skip
    assert _video._encoder_options("libx264", 10)[2:4] == ["-crf", "0"]
    assert _video._encoder_options("libx264", 0)[2:4] == ["-crf", "51"]
    assert _video._encoder_options("libvpx-vp9", 5)[:4] == ["-crf", "32", "-b:v", "0"]


# -- ffmpeg's failures, said in one line ------------------------------------------

FAKE_FFMPEG = """#!{python}
import os, signal, sys

if "-encoders" in sys.argv:
    print(" V....D libx264              libx264 H.264 (fake)")
    print(" V....D libvpx-vp9           libvpx VP9 (fake)")
    sys.exit(0)
sys.stdin.buffer.read({read})  # a frame or two, then
sys.stderr.write({message!r})
sys.stderr.flush()
{ending}
"""


def fake_ffmpeg(folder, message, ending="sys.exit(1)", read=4000):
    """An executable that lists encoders like ffmpeg, then fails as told."""
    path = folder / "ffmpeg"
    path.write_text(FAKE_FFMPEG.format(python=sys.executable, message=message,
                                       ending=ending, read=read))  # fmt: skip
    path.chmod(0o755)
    return path


FAILURES = {
    "disk full": (
        "[mp4 @ 0x5581] av_interleaved_write_frame(): No space left on device\n"
        "Error writing trailer of anim.mp4: No space left on device\n",
        "sys.exit(1)",
        OSError,
        r"^\[Errno 28\] Cannot write 'anim.mp4' \(libx264\): the disk is full "
        r"\(ffmpeg said: Error writing trailer of anim.mp4: No space left",
    ),
    # the ffmpeg of imageio-ffmpeg 0.8 (9.0) exits with 0 when it cannot close a
    # file on a full disk: the file would be published, broken
    "disk full, status 0": (
        "[out#0/mp4 @ 0x55f6] Error closing file: No space left on device\n",
        "sys.exit(0)",
        OSError,
        r"^\[Errno 28\] Cannot write 'anim.mp4' \(libx264\): the disk is full "
        r"\(ffmpeg said: \[out#0/mp4 @ 0x55f6\] Error closing file: No space",
    ),
    "encoder missing": (
        "Unknown encoder 'libx264'\n",
        "sys.exit(1)",
        RuntimeError,
        r"^Cannot write 'anim.mp4' \(libx264\): the ffmpeg at .* has no such "
        r"encoder \(ffmpeg said: Unknown encoder 'libx264'\)",
    ),
    "crash": (
        "x264 [error]: malloc of size 1234 failed\n",
        "os.kill(os.getpid(), signal.SIGSEGV)",
        RuntimeError,
        r"^ffmpeg crashed \(killed by SIGSEGV\) while writing 'anim.mp4' "
        r"\(libx264\); its last message: x264 \[error\]: malloc of size 1234",
    ),
    "exit status": (
        "Conversion failed!\n",
        "sys.exit(187)",
        RuntimeError,
        r"^ffmpeg failed \(exit status 187\) while writing 'anim.mp4' "
        r"\(libx264\); its last message: Conversion failed!$",
    ),
}


@pytest.mark.skipif(sys.platform == "win32", reason="a script as ffmpeg")
@pytest.mark.parametrize("n_frames", [2, 100])  # at the end; at a broken pipe
@pytest.mark.parametrize("failure", list(FAILURES))
def test_ffmpeg_failure_says_why(tmp_path, monkeypatch, failure, n_frames):
    message, ending, error, match = FAILURES[failure]
    exe = fake_ffmpeg(tmp_path, message, ending)
    monkeypatch.setattr(_video, "_ffmpeg_exe", lambda suffix: str(exe))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(error, match=match) as info:
        write_video(out / "anim.mp4", color_frames(n_frames, (100, 100)), fps=10)
    assert "\n" not in str(info.value)
    assert "Broken pipe" not in str(info.value)
    assert os.listdir(out) == []


def test_missing_ffmpeg_says_so_before_any_frame(tmp_path, monkeypatch):
    missing = tmp_path / "no" / "ffmpeg"
    monkeypatch.setattr(_video, "_ffmpeg_exe", lambda suffix: str(missing))

    def frames():
        raise AssertionError("a frame was rendered")
        yield

    match = rf"^Cannot run ffmpeg at '{missing}' \(No such file or directory\)\. "
    with pytest.raises(RuntimeError, match=match) as info:
        write_video(tmp_path / "anim.mp4", frames(), fps=10)
    assert "\n" not in str(info.value)
    assert os.listdir(tmp_path) == []


# -- a killed save: what it leaves, and who removes it -----------------------------

KILLED_VIDEO = r"""
import sys, time
import mne
import numpy as np
from mne_coefanim.io._video import write_video

mne.set_log_level("warning")

def frames():
    for k in range(int(sys.argv[2])):
        yield np.full((64, 64, 3), 40 * k % 256, np.uint8)
    print("ready", flush=True)
    time.sleep(600)

write_video(sys.argv[1], frames(), fps=10)
"""


def _children(pid):
    """The process ids of the children of ``pid`` (Linux)."""
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(FileNotFoundError):  # a thread that ended
            with open(f"/proc/{pid}/task/{task}/children") as fid:
                found += [int(child) for child in fid.read().split()]
    return found


def _gone(pid):
    """Whether process ``pid`` has ended (exited, or a zombie not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as fid:
            return fid.read().rsplit(")", 1)[1].split()[0] in "ZX"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
@pytest.mark.parametrize("suffix", [".mp4", ".webm"])
def test_killed_video_save_leaves_a_hidden_part_file_the_next_save_removes(
    tmp_path, suffix
):
    # what the save docstring and the docs say: SIGKILL runs no cleanup;
    # ffmpeg reads the end of its input, completes the hidden temporary file
    # and exits; the target's name never appears; the next save into the
    # folder (of any name) removes the leftover
    pytest.importorskip("imageio_ffmpeg")
    path = tmp_path / f"anim{suffix}"
    saver = subprocess.Popen(
        [sys.executable, "-c", KILLED_VIDEO, str(path), "30"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert saver.stdout.readline() == "ready\n"
    (ffmpeg,) = _children(saver.pid)
    saver.kill()
    saver.wait()
    saver.stdout.close()
    deadline = time.monotonic() + 60  # it ends by itself, once the input ends
    while not _gone(ffmpeg) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(ffmpeg), "ffmpeg outlived the killed save"
    (leftover,) = os.listdir(tmp_path)
    assert leftover.startswith(f".{path.name}.") and leftover.endswith(".part")
    assert f"-{saver.pid}." in leftover  # the dead writer's pid, in the name
    other = write_video(tmp_path / f"other{suffix}", color_frames(2), fps=10)
    assert os.listdir(tmp_path) == [other.name]


# -- Ctrl-C at any point of a save leaves nothing running and nothing behind --------

INTERRUPTS = ["popen-before", "popen-after", "thread-before", "thread-after",
              "frames", "finish"]  # fmt: skip


def _ctrl_c():
    """What Ctrl-C in a terminal does: SIGINT, raised in the main thread."""
    signal.raise_signal(signal.SIGINT)


def _interrupt_at(point, monkeypatch):
    """Patch subprocess and threading so that SIGINT arrives at ``point``."""
    real_popen, real_start = subprocess.Popen, threading.Thread.start
    calls = []

    class Popen(real_popen):
        def __init__(self, args, *more, **kwargs):
            ffmpeg = "-i" in args  # not the encoder listing
            if ffmpeg and point == "popen-before":
                _ctrl_c()
            super().__init__(args, *more, **kwargs)
            if ffmpeg and point == "popen-after":  # the process runs
                _ctrl_c()

        def wait(self, timeout=None):
            if point == "finish" and not calls:  # while ffmpeg completes
                calls.append(self)
                _ctrl_c()
            return super().wait(timeout)

    def start(self):
        if point == "thread-before":
            _ctrl_c()
        real_start(self)
        if point == "thread-after":  # the thread runs
            _ctrl_c()

    monkeypatch.setattr(subprocess, "Popen", Popen)
    monkeypatch.setattr(threading.Thread, "start", start)


def _what_runs():
    """This process's children (unreaped ones too), threads and descriptors."""
    fds = set(os.listdir("/proc/self/fd"))
    return sorted(_children(os.getpid())), set(threading.enumerate()), fds


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc (Linux)")
@pytest.mark.parametrize(
    "point, suffix",
    [*((point, ".mp4") for point in INTERRUPTS), ("popen-after", ".webm")],
)
def test_ctrl_c_at_any_point_leaves_nothing(tmp_path, monkeypatch, point, suffix):
    pytest.importorskip("imageio_ffmpeg")
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT does not raise KeyboardInterrupt here")
    _video._pick_codec(_video._ffmpeg_exe(suffix), suffix)  # listed before patching
    before = _what_runs()  # other tests' (a browser's) may run meanwhile

    def frames():
        yield from color_frames(3)
        if point == "frames":  # ffmpeg runs and has frames
            _ctrl_c()
        yield from color_frames(2)

    _interrupt_at(point, monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        write_video(tmp_path / f"anim{suffix}", frames(), fps=10)
    monkeypatch.undo()
    assert _what_runs() == before  # no ffmpeg, thread or descriptor left
    assert os.listdir(tmp_path) == []  # and no ffmpeg left to write one later


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc (Linux)")
def test_ctrl_c_in_a_save_of_an_animation(tmp_path, monkeypatch):
    pytest.importorskip("imageio_ffmpeg")
    from conftest import small_animation

    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("SIGINT does not raise KeyboardInterrupt here")
    anim = small_animation(3)
    anim.fig.canvas.draw()  # matplotlib opens its font files once, and keeps them
    _video._pick_codec(_video._ffmpeg_exe(".mp4"), ".mp4")
    before = _what_runs()  # other tests' (a browser's) may run meanwhile
    _interrupt_at("thread-after", monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        anim.save(tmp_path / "anim.mp4", verbose=False)
    monkeypatch.undo()
    assert _what_runs() == before
    assert os.listdir(tmp_path) == []
    anim.save(tmp_path / "anim.mp4", verbose=False)  # the save works again
    assert os.listdir(tmp_path) == ["anim.mp4"]
