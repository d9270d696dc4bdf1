"""The GIF writer: palette-index frames into a looping GIF, one palette.

Only the rectangle that changed since the previous frame is encoded. Pillow
compresses each; into a real file it releases the GIL, so with two or more
CPUs blocks are made on helper threads (:class:`InOrder`) and written in
order: byte for byte what one thread writes.
"""

import itertools
import math
import struct
import tempfile
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import numpy as np
from PIL import Image

from .._checks import check_fps, check_int, check_palette, default_workers
from ._writers import FrameSource, Writer, checked_frame

# GIF delays are whole centiseconds and browsers show delays under 2 cs as
# 10 cs, so 50 frames per second is the fastest a GIF can really play.
GIF_MAX_FPS = 50
MAX_PENDING = 8  # jobs queued at most: bounded memory, enough to overlap
FRAMES_PER_JOB = 8  # frames per job of a writer: fewer hand-overs of the GIL


def write_gif(path, frames, palette, *, fps, loop=0, overwrite=False):
    """Stream palette-index frames into a looping GIF with one fixed palette.

    One global colour table (never re-quantised); each frame encodes only the
    rectangle that changed, disposal 1 ("do not dispose"). Frame ``k`` ends at
    ``round((k + 1) * 100 / fps)`` cs: delays alternate (3, 4, 3 cs at 30 fps).

    Parameters
    ----------
    path : path-like
        The ``.gif`` file to write.
    frames : iterable of array, shape (height, width), dtype uint8
        Palette indices, all frames the same shape. Consumed once, one frame
        at a time; the writer keeps only a copy of the last frame, so the
        producer may reuse one buffer.
    palette : array, shape (n_colors, 3), dtype uint8
        RGB colours, ``1 <= n_colors <= 256``.
    fps : float
        Frames per second, ``0 < fps <= 50`` (browsers slow down faster GIFs).
    loop : int | None
        How many times to repeat after the first play (NETSCAPE2.0 loop
        count); 0 repeats forever. None plays once (no loop extension).
    overwrite : bool
        Whether an existing file may be replaced.

    Returns
    -------
    path : pathlib.Path
        The written file.
    """
    writer = GifWriter(path, fps=fps, loop=loop, overwrite=overwrite)
    return writer.write_from(FrameSource.of(frames, palette))


class GifWriter(Writer):
    """Write a looping GIF from frames of palette indices (see :func:`write_gif`).

    Only the frames of the jobs in flight are kept (copies, or callables).
    """

    suffixes = (".gif",)
    options = ("loop",)
    size_limit = "GIF stores the width and height in 16 bits (at most 65,535 px)"
    defers = True  # frames made on the encoder threads, beside compressing

    def __init__(self, path, *, fps, loop=0, overwrite=False):
        super().__init__(path, overwrite=overwrite)
        self.fps = check_fps(fps)  # its lower bound keeps delays within 16 bits
        if self.fps > GIF_MAX_FPS:
            raise ValueError(
                f"fps must be <= {GIF_MAX_FPS} for a GIF: its delays are whole "
                f"centiseconds and browsers show delays under 2 cs as 10 cs; got "
                f"fps={self.fps:g}. Lower fps (e.g. use every other frame) or write "
                ".mp4."
            )
        if loop is not None:  # it fits the loop block's 16 bits
            loop = check_int("loop", loop, minimum=0)
            if loop > 0xFFFF:
                raise ValueError(f"loop must be <= 65535 (or None); got {loop}.")
        self.loop = loop

    def setup(self, tmp, source):
        """Open the temporary file; the header waits for the first frame's size."""
        self._palette = check_palette(source.palette)
        # padded with black to 256 colours: 768 bytes
        self._table = self._palette.tobytes().ljust(768, b"\0")
        self._delays = _gif_delays(self.fps)
        self._shape = None  # the first frame's
        self.n_frames = 0
        self._fid = open(tmp, "wb")  # closed by close()
        # compression runs on other threads, each into a scratch file of its
        # own beside the output (Pillow releases the GIL only into a file)
        self._tmp_dir, self._scratches = tmp.parent, []
        self._local = threading.local()
        self._encoder = InOrder(self._fid.write, job=self._encode_batch)
        self._previous = None  # the last frame: a copy, or the callable making it

    def write(self, frame):
        """Add one frame: an index array, or a callable returning a new one.

        A callable runs on a thread (and again as the next job's previous),
        or here for frame 0 and without threads; errors there come later.
        """
        made_here = not self._encoder.threaded or self._shape is None
        if callable(frame) and made_here:  # the header needs the first's size
            frame = frame()
        if not callable(frame):
            frame = _check_index_frame(frame, self.n_frames, self._shape)
            if self._shape is None:
                self._shape = frame.shape
                self._fid.write(_gif_header(frame.shape, self._table, self.loop))
            # our own copy, never changed: the producer may reuse its buffer
            # while the threads read this one (as this frame and as the next
            # one's previous)
            frame = frame.copy()
        self._encoder.add((self._previous, frame, self.n_frames, next(self._delays)))
        self._previous = frame
        self.n_frames += 1

    def _encode_batch(self, batch):
        """Return the blocks of ``(previous, frame, index, delay)`` items (a thread)."""
        previous = self._made(batch[0][0], batch[0][2] - 1)
        blocks = []
        for _, frame, index, delay in batch:
            frame = self._made(frame, index)
            blocks.append(self._encode(frame, previous, index, delay))
            previous = frame
        return b"".join(blocks)

    def _made(self, frame, index):
        """Return the frame itself: made by its callable (and checked) if it is one."""
        if callable(frame):
            frame = _check_index_frame(frame(), index, self._shape)
        return frame

    def _encode(self, frame, previous, index, delay):
        """Return the frame's graphic control and image blocks (encoder thread)."""
        _check_indices(frame, index, len(self._palette))
        if previous is None:
            top, bottom, left, right = 0, frame.shape[0], 0, frame.shape[1]
        else:
            top, bottom, left, right = _changed_box(frame, previous)
        scratch = getattr(self._local, "scratch", None)
        if scratch is None and self._encoder.threaded:  # the thread's first frame
            scratch = self._local.scratch = tempfile.TemporaryFile(dir=self._tmp_dir)
            self._scratches.append(scratch)  # list.append is thread-safe
        rect = frame[top:bottom, left:right]
        block = encode_image(rect, left, top, self._table, scratch)
        return _graphic_control(delay) + block

    def finish(self):
        """Write the trailer; a GIF needs at least one frame."""
        if self._shape is None:
            raise ValueError("frames is empty; a GIF needs at least one frame.")
        self._encoder.drain()
        self._fid.write(b"\x3b")  # trailer

    def close(self):
        """Stop the encoder thread and release the files; safe to call twice."""
        encoder, self._encoder = getattr(self, "_encoder", None), None
        if encoder is not None:
            encoder.close()
        for scratch in getattr(self, "_scratches", ()):
            scratch.close()
        self._scratches = []
        super().close()

    def summary(self):
        """Return the frame count and rate, e.g. ``'145 frames at 10 fps'``."""
        return f"{self.n_frames} frames at {self.fps:g} fps"


def _check_index_frame(frame, index, shape):
    """Check one frame's type and shape against the first one's (None: first)."""
    frame = checked_frame(frame, index, shape, rgb=False)
    if shape is None and not 1 <= min(frame.shape) <= max(frame.shape) <= 0xFFFF:
        raise ValueError(
            f"GIF frames must be 1 to 65535 pixels wide and high; got shape "
            f"{frame.shape}."
        )
    return frame


def _check_indices(frame, index, n_colors):
    """Check that a frame's indices are in the palette."""
    top = int(frame.max())
    if top >= n_colors:
        raise ValueError(
            f"frame {index} holds palette index {top} but the palette has only "
            f"{n_colors} colours (indices 0 to {n_colors - 1})."
        )


def _gif_delays(fps):
    """Yield delays in cs: frame ``k`` ends at ``round((k + 1) * 100 / fps)``."""
    step, half, end = Fraction(100) / Fraction(fps), Fraction(1, 2), 0
    for k in itertools.count(1):
        new_end = math.floor(k * step + half)
        yield new_end - end
        end = new_end


def _gif_header(shape, table, loop):
    """Return the header, logical screen, global colour table and loop block."""
    height, width = shape
    # packed: global table present (0x80), 8 bits per primary (0x70), 256
    # entries (size field 7); background index 0; no aspect ratio.
    screen = struct.pack("<HHBBB", width, height, 0xF7, 0, 0)
    header = b"GIF89a" + screen + table
    if loop is not None:
        header += b"\x21\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", loop) + b"\0"
    return header


def _graphic_control(delay):
    """Return a graphic control extension: disposal 1, ``delay`` cs."""
    # packed 0x04: disposal method 1 (leave the frame in place, so unchanged
    # pixels outside the next rectangle persist), no transparency.
    return b"\x21\xf9\x04\x04" + struct.pack("<H", delay) + b"\0\0"


def _changed_box(frame, previous):
    """Return (top, bottom, left, right) bounding the pixels that changed."""
    changed = frame != previous
    rows = np.flatnonzero(changed.any(axis=1))
    if rows.size == 0:
        return 0, 1, 0, 1  # GIF frames cannot be empty: repeat one pixel
    cols = np.flatnonzero(changed[rows[0] : rows[-1] + 1].any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def encode_image(rect, left, top, table, scratch=None):
    """Return the image descriptor and LZW data of ``rect``, placed at ``left, top``.

    Without ``scratch`` (in the caller's thread) Pillow's GIF encoder
    compresses the indices straight into bytes. With one (a ``'w+b'`` file,
    on a helper thread) the data is copied out of the one-frame GIF Pillow
    writes with ``table`` into it, since only into a file does Pillow release
    the GIL. Both give the same bytes (``tests/test_gif_blocks.py``).
    """
    height, width = rect.shape
    image = Image.frombytes("P", (width, height), np.ascontiguousarray(rect))
    # no local colour table, not interlaced
    descriptor = b"\x2c" + struct.pack("<HHHHB", left, top, width, height, 0)
    if scratch is None:
        # minimum code size 8 and encoder options (8 bits, not interlaced) as
        # Pillow's GIF plugin uses them; a zero-length block ends the data
        return descriptor + b"\x08" + image.tobytes("gif", "P", 8, 0) + b"\0"
    image.putpalette(table)
    scratch.seek(0)  # no truncate: what follows this GIF is not read
    image.save(scratch, format="GIF", optimize=False, interlace=False)
    size = scratch.tell()
    scratch.seek(0)
    data = memoryview(scratch.read(size))
    with data:
        pos = _skip_to_image(data, table, rect)
        if struct.unpack_from("<HH", data, pos + 5) != (width, height):
            raise RuntimeError("Pillow wrote a GIF frame of an unexpected size.")
        flags = data[pos + 9]
        pos += 10
        if flags & 0x80:  # a local colour table: drop it once checked
            n_bytes = 3 << ((flags & 0x07) + 1)
            _check_pillow_table(data[pos : pos + n_bytes], table, rect)
            pos += n_bytes
        end = _skip_sub_blocks(data, pos + 1)  # after the LZW minimum code size
        return descriptor + bytes(data[pos:end])


def _skip_to_image(data, table, rect):
    """Return the offset of the image descriptor in a GIF written by Pillow."""
    if bytes(data[:3]) != b"GIF":
        raise RuntimeError("Pillow did not write a GIF.")
    flags = data[10]
    pos = 13
    if flags & 0x80:
        n_bytes = 3 << ((flags & 0x07) + 1)
        _check_pillow_table(data[pos : pos + n_bytes], table, rect)
        pos += n_bytes
    while data[pos] == 0x21:  # extension: introducer, label, sub-blocks
        pos = _skip_sub_blocks(data, pos + 2)
    if data[pos] != 0x2C:
        raise RuntimeError("Pillow wrote a GIF without an image descriptor.")
    return pos


def _skip_sub_blocks(data, pos):
    """Return the offset just after the sub-blocks starting at ``pos``."""
    while data[pos]:
        pos += data[pos] + 1
    return pos + 1  # the 0x00 terminator


def _check_pillow_table(written, table, rect):
    """Make sure Pillow kept our palette (or a prefix the indices fit in)."""
    written = bytes(written)
    shortened = len(written) < len(table)
    if written != table[: len(written)] or (
        shortened and int(rect.max()) >= len(written) // 3
    ):
        raise RuntimeError(
            "Pillow changed the palette while encoding a GIF frame; the colours "
            "would be wrong. Please report this with your Pillow version."
        )


class InOrder:
    """Jobs on worker threads, each result passed to ``take`` in submission order.

    At most ``max_pending`` jobs wait; ``n_workers=0`` runs them in the
    caller's thread (None: ``default_workers()``). :meth:`add` gathers items
    into jobs ``job(items)`` of ``FRAMES_PER_JOB`` (fewer hand-overs of the GIL).
    """

    def __init__(self, take, max_pending=MAX_PENDING, n_workers=None, job=None):
        self._take, self._job, self._items = take, job, []
        self._max_pending = max_pending
        self._pending = deque()
        n_workers = default_workers() if n_workers is None else n_workers
        self._executor = None
        if n_workers:  # else: inline, in the caller's thread
            self._executor = ThreadPoolExecutor(n_workers, "mne_coefanim")
        # whether the jobs run on worker threads (else in the caller's)
        self.threaded = self._executor is not None

    def submit(self, func, *args):
        """Queue ``func(*args)``; hand on the results ready (raising a job's error)."""
        if self._executor is None:
            self._take(func(*args))
            return
        self._pending.append(self._executor.submit(func, *args))
        while self._pending and (
            len(self._pending) > self._max_pending or self._pending[0].done()
        ):
            self._take(self._pending.popleft().result())

    def add(self, item):
        """Gather ``item``; queue a job once there are enough (without threads: now)."""
        self._items.append(item)
        if len(self._items) == FRAMES_PER_JOB or not self.threaded:
            self._submit_items()

    def _submit_items(self):
        if self._items:
            self.submit(self._job, self._items)
            self._items = []

    def drain(self):
        """Queue the items gathered, wait for every queued job, hand on its result."""
        self._submit_items()
        while self._pending:
            self._take(self._pending.popleft().result())

    def close(self):
        """Stop the threads, dropping the jobs not started; safe to call twice."""
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
