import os
import struct
import sys
import tempfile
import tracemalloc

import numpy as np
import pytest
from conftest import decode_video
from PIL import Image

from mne_coefanim.io import _writers
from mne_coefanim.io._writers import (
    atomic_output,
    check_output,
    write_gif,
    write_text,
    write_video,
)

HEIGHT, WIDTH = 30, 40


@pytest.fixture
def palette(rng):
    """100 distinct colours, so that equal RGB means equal index."""
    codes = rng.choice(256**3, size=100, replace=False)
    return np.stack([codes >> 16, codes >> 8 & 255, codes & 255], -1).astype(np.uint8)


def padded(palette):
    table = np.zeros((256, 3), np.uint8)
    table[: len(palette)] = palette
    return table


def index_frames(rng, n_colors, n_frames=8):
    """Frames exercising full, partial, one-pixel and no changes."""
    frame = rng.integers(0, n_colors, (HEIGHT, WIDTH)).astype(np.uint8)
    frames = [frame]
    for k in range(1, n_frames):
        frame = frame.copy()
        if k == 2:
            pass  # no change at all
        elif k == 3:
            frame[HEIGHT - 1, 0] = (frame[HEIGHT - 1, 0] + 1) % n_colors  # one pixel
        elif k == 5:
            frame[:] = rng.integers(0, n_colors, frame.shape)  # everything
        else:
            frame[5:12, 7:30] = rng.integers(0, n_colors, (7, 23))
        frames.append(frame)
    return frames


def read_gif(path):
    """Decode with Pillow: composed RGB frames, durations and the loop count."""
    rgb, durations = [], []
    with Image.open(path) as im:
        for k in range(im.n_frames):
            im.seek(k)
            durations.append(im.info["duration"])
            rgb.append(np.asarray(im.convert("RGB")))
        loop = im.info.get("loop")
    return np.array(rgb), durations, loop


def read_sub_blocks(data, pos):
    """Return the offset after the sub-blocks at ``pos`` and their contents."""
    contents = []
    while data[pos]:
        contents.append(data[pos + 1 : pos + 1 + data[pos]])
        pos += data[pos] + 1
    return pos + 1, contents


def gif_blocks(data):
    """Walk the GIF structure: screen flags, and per frame (gce, descriptor)."""
    assert data[:6] == b"GIF89a"
    screen_flags = data[10]
    pos = 13 + (3 << ((screen_flags & 7) + 1) if screen_flags & 0x80 else 0)
    blocks, extensions, gce = [], [], None
    while data[pos] != 0x3B:
        if data[pos] == 0x21:
            label = data[pos + 1]
            pos, sub_blocks = read_sub_blocks(data, pos + 2)
            if label == 0xF9:
                gce = sub_blocks[0]
            else:
                extensions.append(sub_blocks)
        else:
            assert data[pos] == 0x2C
            descriptor = struct.unpack_from("<HHHHB", data, pos + 1)
            blocks.append((gce, descriptor))
            gce = None
            # descriptor, LZW minimum code size, then the LZW data
            pos, _ = read_sub_blocks(data, pos + 11)
    assert pos == len(data) - 1
    return screen_flags, extensions, blocks


def test_gif_round_trip_exact(tmp_path, rng, palette):
    frames = index_frames(rng, len(palette))
    path = tmp_path / "anim.gif"
    assert write_gif(path, iter(frames), palette, fps=10) == path

    rgb, durations, loop = read_gif(path)
    assert rgb.shape == (len(frames), HEIGHT, WIDTH, 3)
    np.testing.assert_array_equal(rgb, padded(palette)[np.array(frames)])
    assert loop == 0
    assert durations == [100] * len(frames)
    with Image.open(path) as im:
        assert im.size == (WIDTH, HEIGHT)
        np.testing.assert_array_equal(np.asarray(im), frames[0])  # indices
        assert im.getpalette()[: 3 * len(palette)] == palette.ravel().tolist()


def test_gif_structure(tmp_path, rng, palette):
    frames = index_frames(rng, len(palette))
    path = tmp_path / "anim.gif"
    write_gif(path, frames, palette, fps=10)

    screen_flags, extensions, blocks = gif_blocks(path.read_bytes())
    assert screen_flags == 0xF7  # one global table of 256 colours
    assert extensions == [[b"NETSCAPE2.0", b"\x01\x00\x00"]]  # loop forever
    assert len(blocks) == len(frames)
    for gce, (*_, flags) in blocks:
        assert gce[0] == 0x04  # disposal 1, no transparency
        assert flags & 0x80 == 0  # no local colour table
    boxes = [descriptor[:4] for _, descriptor in blocks]  # left, top, w, h
    assert boxes[0] == (0, 0, WIDTH, HEIGHT)
    assert boxes[1] == (7, 5, 23, 7)  # only the changed rectangle
    assert boxes[2] == (0, 0, 1, 1)  # nothing changed
    assert boxes[3] == (0, HEIGHT - 1, 1, 1)
    assert boxes[5] == (0, 0, WIDTH, HEIGHT)


@pytest.mark.parametrize("fps", [30, 24, 12.5, 7, 50])
def test_gif_durations_add_up(tmp_path, fps):
    n_frames = 17
    frames = (np.full((4, 6), k % 2, np.uint8) for k in range(n_frames))
    path = tmp_path / "timing.gif"
    write_gif(path, frames, np.array([[0, 0, 0], [255, 255, 255]], np.uint8), fps=fps)
    _, durations, _ = read_gif(path)
    assert len(durations) == n_frames
    assert abs(sum(durations) - 1000 * n_frames / fps) <= 5
    assert max(durations) - min(durations) <= 10  # one centisecond apart at most
    assert min(durations) >= 20
    if fps == 30:
        assert durations[:6] == [30, 40, 30, 30, 40, 30]


@pytest.mark.parametrize("loop", [None, 3])
def test_gif_loop(tmp_path, palette, loop):
    path = tmp_path / "loop.gif"
    write_gif(path, [np.zeros((3, 3), np.uint8)] * 2, palette, fps=5, loop=loop)
    assert read_gif(path)[2] == loop


def test_gif_producer_may_reuse_its_buffer(tmp_path, rng, palette):
    expected = index_frames(rng, len(palette))

    def reuse_one_buffer():
        buffer = np.empty((HEIGHT, WIDTH), np.uint8)
        for frame in expected:
            buffer[:] = frame
            yield buffer

    path = tmp_path / "reuse.gif"
    write_gif(path, reuse_one_buffer(), palette, fps=10)
    np.testing.assert_array_equal(
        read_gif(path)[0], padded(palette)[np.array(expected)]
    )


def test_gif_streams_frames(tmp_path, palette):
    """Memory stays flat however many frames the generator yields."""
    n_frames, size = 300, 200
    frame_bytes = size * size

    def frames():
        for k in range(n_frames):
            yield np.full((size, size), k % len(palette), np.uint8)

    # the first GIF written in a process imports and caches a few things
    write_gif(tmp_path / "warm_up.gif", [np.zeros((2, 2), np.uint8)], palette, fps=1)
    tracemalloc.start()
    try:
        write_gif(tmp_path / "long.gif", frames(), palette, fps=25)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the producer's frame, our copy of the previous one and the mask of
    # changed pixels; keeping every frame would take 12 MB
    assert peak < 3 * frame_bytes + 100_000
    with Image.open(tmp_path / "long.gif") as im:
        assert im.n_frames == n_frames


@pytest.mark.parametrize(
    "frames, kwargs, error, match",
    [
        ([], {}, ValueError, "frames is empty"),
        ([np.zeros((3, 4, 3), np.uint8)], {}, ValueError, "frame 0 has shape"),
        ([np.zeros((3, 4))], {}, TypeError, "frame 0 must be a uint8 array"),
        (
            [np.zeros((3, 4), np.uint8), np.zeros((4, 3), np.uint8)],
            {},
            ValueError,
            "frame 0 has shape \\(3, 4\\) but frame 1",
        ),
        ([np.full((3, 4), 7, np.uint8)], {}, ValueError, "index 7 but the palette"),
        ([np.zeros((3, 4), np.uint8)], {"fps": 60}, ValueError, "fps must be <= 50"),
        ([np.zeros((3, 4), np.uint8)], {"fps": 0}, ValueError, "fps must be > 0"),
        ([np.zeros((3, 4), np.uint8)], {"fps": 1e-3}, ValueError, "fps must be >= 0"),
        ([np.zeros((3, 4), np.uint8)], {"loop": -1}, ValueError, "loop must be >="),
        ([np.zeros((3, 4), np.uint8)], {"loop": 1.5}, TypeError, "loop must be an"),
    ],
)
def test_gif_bad_input(tmp_path, frames, kwargs, error, match):
    kwargs = {"fps": 10, **kwargs}
    palette = np.zeros((5, 3), np.uint8)
    with pytest.raises(error, match=match):
        write_gif(tmp_path / "bad.gif", frames, palette, **kwargs)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "palette, error, match",
    [
        (np.zeros((5, 3)), TypeError, "palette must be a uint8 array"),
        (np.zeros((5, 4), np.uint8), ValueError, "palette must have shape"),
        (np.zeros((257, 3), np.uint8), ValueError, "got shape \\(257, 3\\)"),
    ],
)
def test_gif_bad_palette(tmp_path, palette, error, match):
    with pytest.raises(error, match=match):
        write_gif(tmp_path / "bad.gif", [np.zeros((2, 2), np.uint8)], palette, fps=1)


def test_check_output(tmp_path):
    path, suffix = check_output(tmp_path / "Anim.GIF")
    assert (path, suffix) == (tmp_path / "Anim.GIF", ".gif")
    with pytest.raises(
        ValueError, match=r"one of .gif, .html, .mp4, .webm; got .*\(suffix '.png'\)"
    ):
        check_output(tmp_path / "anim.png")
    with pytest.raises(ValueError, match="end in one of .gif; .*no suffix"):
        check_output(tmp_path / "anim", allowed=(".gif",))
    with pytest.raises(ValueError, match="folder of fname does not exist"):
        check_output(tmp_path / "missing" / "anim.gif")
    (tmp_path / "dir.gif").mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        check_output(tmp_path / "dir.gif", overwrite=True)
    with pytest.raises(TypeError, match="fname must be a str or path-like"):
        check_output(3)


def test_overwrite(tmp_path, palette):
    path = tmp_path / "anim.gif"
    write_gif(path, [np.zeros((4, 4), np.uint8)], palette, fps=10)
    first = path.read_bytes()
    with pytest.raises(FileExistsError, match="exists; pass overwrite=True"):
        write_gif(path, [np.ones((4, 4), np.uint8)], palette, fps=10)
    assert path.read_bytes() == first
    write_gif(path, [np.ones((5, 5), np.uint8)], palette, fps=10, overwrite=True)
    with Image.open(path) as im:
        assert im.size == (5, 5)
    assert os.listdir(tmp_path) == ["anim.gif"]


@pytest.mark.parametrize("exception", [RuntimeError, KeyboardInterrupt])
@pytest.mark.parametrize("existing", [False, True])
def test_failing_producer_leaves_no_trace(tmp_path, palette, exception, existing):
    path = tmp_path / "anim.gif"
    if existing:
        path.write_bytes(b"precious")

    def frames():
        yield np.zeros((4, 4), np.uint8)
        yield np.ones((4, 4), np.uint8)
        raise exception("renderer failed")

    with pytest.raises(exception, match="renderer failed"):
        write_gif(path, frames(), palette, fps=10, overwrite=True)
    assert os.listdir(tmp_path) == (["anim.gif"] if existing else [])
    if existing:
        assert path.read_bytes() == b"precious"


def test_unwritable_folder(tmp_path, monkeypatch, palette):
    # we run as root, for whom chmod 0o500 does not stop writing: simulate
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(PermissionError, match="no file can be created in the folder"):
        write_gif(tmp_path / "a.gif", [np.zeros((2, 2), np.uint8)], palette, fps=1)
    assert os.listdir(tmp_path) == []


def test_failed_rename_leaves_no_trace(tmp_path, monkeypatch, palette):
    path = tmp_path / "anim.gif"
    path.write_bytes(b"precious")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_gif(path, [np.zeros((2, 2), np.uint8)], palette, fps=1, overwrite=True)
    assert os.listdir(tmp_path) == ["anim.gif"]
    assert path.read_bytes() == b"precious"


def test_atomic_output_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        with atomic_output(tmp_path / "new.html") as tmp:
            assert tmp.parent == tmp_path
            assert tmp.name.startswith(".new.html.")
            assert tmp.name.endswith(".part.html")
            tmp.write_text("x")
        assert (tmp_path / "new.html").stat().st_mode & 0o777 == 0o644
        old = tmp_path / "old.html"
        old.write_text("old")
        old.chmod(0o640)
        with atomic_output(old) as tmp:
            tmp.write_text("new")
        assert old.stat().st_mode & 0o777 == 0o640
        assert old.read_text() == "new"
    finally:
        os.umask(umask)


def test_write_text(tmp_path):
    text = "<p>Fp1 → Oz, 5 µV</p>\n"
    path = write_text(tmp_path / "anim.html", text)
    assert path.read_text(encoding="utf-8") == text
    with pytest.raises(FileExistsError, match="overwrite=True"):
        write_text(path, "other")
    with pytest.raises(ValueError, match="one of .html, .htm"):
        write_text(tmp_path / "anim.txt", text)


# ---------------------------------------------------------------- video

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
    monkeypatch.setattr(_writers, "_ffmpeg_encoders", lambda exe: {"libx264"})
    with pytest.raises(RuntimeError, match="no .webm encoder \\(looked for libvpx"):
        write_video(tmp_path / "anim.webm", color_frames(2), fps=10)
    assert os.listdir(tmp_path) == []


def test_encoder_options():
    assert _writers._encoder_options("libx264", None)[:2] == ["-crf", "18"]
    assert _writers._encoder_options("libx264", 10)[:2] == ["-crf", "0"]
    assert _writers._encoder_options("libx264", 0)[:2] == ["-crf", "51"]
    assert _writers._encoder_options("libvpx-vp9", 5)[:4] == ["-crf", "32", "-b:v", "0"]
