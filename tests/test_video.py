import os
import sys

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
    assert _video._encoder_options("libx264", None)[:2] == ["-crf", "18"]
    assert _video._encoder_options("libx264", 10)[:2] == ["-crf", "0"]
    assert _video._encoder_options("libx264", 0)[:2] == ["-crf", "51"]
    assert _video._encoder_options("libvpx-vp9", 5)[:4] == ["-crf", "32", "-b:v", "0"]
