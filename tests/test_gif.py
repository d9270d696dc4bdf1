import contextlib
import functools
import os
import struct
import threading
import tracemalloc

import numpy as np
import pytest
from PIL import Image

from mne_coefanim._checks import N_WORKERS, default_workers, one_core
from mne_coefanim.io._gif import FRAMES_PER_JOB, MAX_PENDING, write_gif

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
    # the producer's frame, the mask of changed pixels, and our copies of
    # the frames gathered, queued for the encoder threads and being encoded
    # (in jobs of FRAMES_PER_JOB); keeping every frame would take 12 MB
    in_flight = (MAX_PENDING + N_WORKERS + 1) * FRAMES_PER_JOB
    assert peak < (4 + in_flight) * frame_bytes + 100_000
    assert 4 + in_flight < n_frames / 3  # far from keeping every frame
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


@pytest.mark.parametrize("threads", [True, False])
def test_gif_frames_made_later_write_the_same_file(tmp_path, rng, palette, threads):
    """Callables that make the frames (on the encoder threads) change nothing."""
    if threads and not default_workers():
        pytest.skip("one CPU: no encoder threads")
    frames = index_frames(rng, len(palette), n_frames=3 * FRAMES_PER_JOB + 3)
    write_gif(tmp_path / "arrays.gif", frames, palette, fps=10)
    calls = []

    def made(k):
        calls.append((k, threading.get_ident()))
        return frames[k].copy()

    makers = [functools.partial(made, k) for k in range(len(frames))]
    with contextlib.nullcontext() if threads else one_core():
        write_gif(tmp_path / "made.gif", makers, palette, fps=10)
    arrays = (tmp_path / "arrays.gif").read_bytes()
    assert (tmp_path / "made.gif").read_bytes() == arrays
    here = threading.get_ident()
    if threads:  # the first here (the header needs its size), the others there
        assert calls[0] == (0, here)
        assert all(ident != here for _, ident in calls[1:])
        # each job after the first makes the frame before it once more
        n_jobs = -(-(len(frames) - 1) // FRAMES_PER_JOB)
        assert len(calls) <= len(frames) + n_jobs
    else:  # one CPU: each made once, here
        assert calls == [(k, here) for k in range(len(frames))]


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (lambda: np.zeros((4, 3), np.uint8), ValueError, "frame 0 has shape"),
        (lambda: np.zeros((3, 4)), TypeError, "must be a uint8 array"),
        (lambda: np.full((3, 4), 7, np.uint8), ValueError, "index 7 but the palette"),
        (lambda: 1 / 0, ZeroDivisionError, "division"),
    ],
)
def test_gif_frames_made_later_are_checked(tmp_path, bad, error, match):
    """A frame made on an encoder thread fails the save, and leaves no file."""
    palette = np.zeros((5, 3), np.uint8)
    frames = [np.zeros((3, 4), np.uint8)] * 10 + [bad]
    with pytest.raises(error, match=match):
        write_gif(tmp_path / "bad.gif", frames, palette, fps=10)
    assert os.listdir(tmp_path) == []
