import os
import subprocess
import sys
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
        r"install it with: pip install 'mne-coefanim\[video\]'",
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


# -- a killed save leaves no video --------------------------------------------------

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


def _plays(path):
    """How many frames of ``path`` ffmpeg can decode (0 if none)."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path)]
    command += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    result = subprocess.run(command, capture_output=True)
    return len(result.stdout) // (64 * 64 * 3)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
@pytest.mark.parametrize("suffix", [".mp4", ".webm"])
def test_killed_video_save_leaves_no_playable_file(tmp_path, suffix):
    pytest.importorskip("imageio_ffmpeg")
    path = tmp_path / f"anim{suffix}"
    n_frames = 30
    saver = subprocess.Popen(
        [sys.executable, "-c", KILLED_VIDEO, str(path), str(n_frames)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert saver.stdout.readline() == "ready\n"
    (ffmpeg,) = _children(saver.pid)
    saver.kill()
    saver.wait()
    saver.stdout.close()
    deadline = time.monotonic() + 30  # a surviving ffmpeg would finish by then
    while not _gone(ffmpeg) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert _gone(ffmpeg), "ffmpeg outlived the killed save"
    leftovers = os.listdir(tmp_path)
    assert path.name not in leftovers
    for name in leftovers:
        assert _plays(tmp_path / name) < n_frames, f"{name} is a complete video"
        if suffix == ".mp4":
            assert _plays(tmp_path / name) == 0, f"{name} plays"
    # the next save of the same file removes what the killed one left
    write_video(path, color_frames(2), fps=10)
    assert os.listdir(tmp_path) == [path.name]
