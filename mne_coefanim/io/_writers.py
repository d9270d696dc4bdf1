"""Write already-rendered frames to GIF, MP4/WebM and HTML files.

The writers know nothing about matplotlib or MNE: they receive frames (palette
indices for GIF, RGB for video) as an iterable, possibly a generator producing
them lazily, and write each frame as it arrives, so memory does not grow with
the number of frames. Every file is written to a temporary file in the target
folder and renamed into place only when complete (:func:`atomic_output`), so an
error or Ctrl-C never leaves a truncated file or replaces an existing one.
"""

import contextlib
import functools
import io
import math
import os
import stat
import struct
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
from mne.utils import logger
from PIL import Image

from .._checks import (
    check_fps,
    check_int,
    check_palette,
    check_real,
    check_type,
    check_uint8,
)

OUTPUT_SUFFIXES = (".gif", ".html", ".mp4", ".webm")

# GIF delays are whole centiseconds and browsers show delays under 2 cs as
# 10 cs, so 50 frames per second is the fastest a GIF can really play.
GIF_MAX_FPS = 50

# The encoders we ask ffmpeg for, best first; a suffix maps to its candidates.
VIDEO_CODECS = {".mp4": ("libx264",), ".webm": ("libvpx-vp9", "libvpx")}

# Constant-quality settings (CRF) used when quality=None: 18 is "visually
# lossless" for H.264; 31 is the VP9 recommendation for HD content.
DEFAULT_CRF = {"libx264": 18, "libvpx-vp9": 31, "libvpx": 10}
MAX_CRF = {"libx264": 51, "libvpx-vp9": 63, "libvpx": 63}


# --------------------------------------------------------------------------
# Paths and atomic writing


def check_output(fname, *, overwrite=False, allowed=OUTPUT_SUFFIXES):
    """Check an output file name before anything is rendered.

    Parameters
    ----------
    fname : path-like
        The file to write. ``~`` is expanded.
    overwrite : bool
        Whether an existing file may be replaced.
    allowed : tuple of str
        The accepted suffixes, with their dot, e.g. ``('.gif', '.mp4')``.
        Matching ignores case.

    Returns
    -------
    path : pathlib.Path
        The expanded path.
    suffix : str
        Its suffix in lower case, one of ``allowed``.

    Raises
    ------
    TypeError
        If ``fname`` is not a str or path-like.
    ValueError
        If the suffix is not allowed, the folder does not exist or ``fname``
        names a folder.
    FileExistsError
        If the file exists and ``overwrite`` is False.
    """
    check_type("fname", fname, (str, os.PathLike), "a str or path-like")
    path = Path(fname).expanduser()
    allowed = tuple(s.lower() for s in allowed)
    suffix = path.suffix.lower()
    if suffix not in allowed:
        got = f"suffix {path.suffix!r}" if path.suffix else "no suffix"
        raise ValueError(
            f"fname must end in one of {', '.join(allowed)}; got {str(path)!r} "
            f"({got}). Choose the format with the file name, e.g. "
            f"{path.with_suffix(allowed[0]).name!r}."
        )
    if not path.parent.is_dir():
        raise ValueError(
            f"The folder of fname does not exist: {str(path.parent)!r}. "
            f"Create it first (e.g. os.makedirs) or choose another folder."
        )
    if path.is_dir():
        raise ValueError(f"fname {str(path)!r} is a folder; give a file name.")
    if path.exists() and not overwrite:
        raise FileExistsError(
            f"Output file {str(path)!r} exists; pass overwrite=True to replace it."
        )
    return path, suffix


@contextlib.contextmanager
def atomic_output(path):
    """Write a file through a temporary file renamed into place on success.

    The temporary file lives in the same folder as ``path`` (so the final
    rename is atomic), is hidden (its name starts with a dot) and ends in
    ``.part`` plus the suffix of ``path`` (so tools that infer the format from
    the name, like ffmpeg, still see it). On success it replaces ``path``
    (keeping the permissions of a file it replaces, otherwise the usual ones
    from the umask); on any exception, KeyboardInterrupt included, it is
    removed, ``path`` is left untouched and the exception propagates.

    Parameters
    ----------
    path : path-like
        The final file.

    Yields
    ------
    tmp : pathlib.Path
        The temporary file to write; it exists, empty, when the block starts.
    """
    path = Path(path)
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix=f".{path.name}.", suffix=f".part{path.suffix}"
        )
    except OSError as err:
        raise type(err)(
            err.errno,
            f"Cannot write {path.name!r}: no file can be created in the folder "
            f"{str(folder)!r} ({err.strerror}). Choose a folder you can write to",
        ) from err
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, _final_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _final_mode(path):
    """Return the permission bits the written file should get.

    mkstemp creates 0o600 files; a plain ``open(path, 'w')`` would keep the
    mode of a file it replaces, or else give 0o666 minus the umask.
    """
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)  # the only portable way to read the umask
        os.umask(umask)
        return 0o666 & ~umask


def write_text(path, text, *, overwrite=False):
    """Write a text (HTML) file atomically, encoded as UTF-8.

    Parameters
    ----------
    path : path-like
        The ``.html`` (or ``.htm``) file to write.
    text : str
        The content.
    overwrite : bool
        Whether an existing file may be replaced.

    Returns
    -------
    path : pathlib.Path
        The written file.
    """
    check_type("text", text, str, "a str")
    path, _ = check_output(path, overwrite=overwrite, allowed=(".html", ".htm"))
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    logger.info(f"Wrote {path} ({len(text)} characters).")
    return path


# --------------------------------------------------------------------------
# GIF


def write_gif(path, frames, palette, *, fps, loop=0, overwrite=False):
    """Stream palette-index frames into a looping GIF with one fixed palette.

    The file is a GIF89a with a single global colour table (``palette``
    padded to 256 entries) and no local colour tables, so colours are never
    re-quantised. Each frame carries a graphics control extension with its
    delay and disposal method 1 ("do not dispose"), and only the rectangle of
    pixels that changed since the previous frame is encoded (the first frame
    in full; a single pixel if nothing changed). The LZW compression is done
    by Pillow.

    GIF delays are whole centiseconds: frame ``k`` ends at
    ``round((k + 1) * 100 / fps)`` cs, so the delays alternate where needed
    (30 fps gives 3, 4, 3, 3, 4, 3, ... cs) and the total duration is right to
    within 5 ms.

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
    path, _ = check_output(path, overwrite=overwrite, allowed=(".gif",))
    palette = check_palette(palette)
    fps = _check_gif_fps(fps)
    if loop is not None:
        loop = check_int("loop", loop, minimum=0)
        if loop > 0xFFFF:
            raise ValueError(f"loop must be <= 65535 (or None); got {loop}.")
    with atomic_output(path) as tmp, open(tmp, "wb") as fid:
        n_frames = _stream_gif(fid, frames, palette, fps, loop)
    logger.info(f"Wrote {path} ({n_frames} frames at {fps:g} fps).")
    return path


def check_encoder(suffix, fps):
    """Fail early if ``suffix`` cannot be written at ``fps`` here.

    Parameters
    ----------
    suffix : str
        ``'.gif'``, ``'.mp4'`` or ``'.webm'``.
    fps : float
        Frames per second.
    """
    if suffix == ".gif":
        _check_gif_fps(fps)
    elif suffix in VIDEO_CODECS:
        _pick_codec(_import_imageio_ffmpeg(suffix).get_ffmpeg_exe(), suffix)


def _check_gif_fps(fps):
    """Return ``fps`` as float, checking that a GIF can play it."""
    fps = check_fps(fps)  # its lower bound keeps delays within 16 bits
    if fps > GIF_MAX_FPS:
        raise ValueError(
            f"fps must be <= {GIF_MAX_FPS} for a GIF: its delays are whole "
            f"centiseconds and browsers show delays under 2 cs as 10 cs; got "
            f"fps={fps:g}. Lower fps (e.g. use every other frame) or write .mp4."
        )
    return fps


def _stream_gif(fid, frames, palette, fps, loop):
    """Write the whole GIF to the open file ``fid``; return the frame count."""
    table = _global_color_table(palette)
    delays = _gif_delays(fps)
    previous = None
    n_frames = 0
    for frame in frames:
        frame = _check_index_frame(frame, n_frames, previous, len(palette))
        if previous is None:
            fid.write(_gif_header(frame.shape, table, loop))
            previous = frame.copy()
            top, bottom, left, right = 0, frame.shape[0], 0, frame.shape[1]
        else:
            top, bottom, left, right = _changed_box(frame, previous)
            previous[top:bottom, left:right] = frame[top:bottom, left:right]
        fid.write(_graphic_control(next(delays)))
        # no name for the rectangle: a view would keep this frame alive while
        # the producer makes the next one
        _write_image(fid, frame[top:bottom, left:right], left, top, table)
        n_frames += 1
    if previous is None:
        raise ValueError("frames is empty; a GIF needs at least one frame.")
    fid.write(b"\x3b")  # trailer
    return n_frames


def _check_index_frame(frame, index, previous, n_colors):
    """Check one frame of palette indices against the first one."""
    frame = check_uint8(f"frame {index}", np.asarray(frame), colors=False)
    if frame.ndim != 2:
        raise ValueError(
            f"frames must hold 2-D arrays of palette indices, shape (height, "
            f"width); frame {index} has shape {frame.shape}."
        )
    if previous is not None and frame.shape != previous.shape:
        raise ValueError(
            f"All frames must have the same shape; frame 0 has shape "
            f"{previous.shape} but frame {index} has shape {frame.shape}."
        )
    if previous is None and not 1 <= min(frame.shape) <= max(frame.shape) <= 0xFFFF:
        raise ValueError(
            f"GIF frames must be 1 to 65535 pixels wide and high; got shape "
            f"{frame.shape}."
        )
    top = int(frame.max())
    if top >= n_colors:
        raise ValueError(
            f"frame {index} holds palette index {top} but the palette has only "
            f"{n_colors} colours (indices 0 to {n_colors - 1})."
        )
    return frame


def _global_color_table(palette):
    """Return the palette as 768 bytes, padded with black to 256 colours."""
    table = np.zeros((256, 3), np.uint8)
    table[: len(palette)] = palette
    return table.tobytes()


def _gif_delays(fps):
    """Yield frame delays in centiseconds whose running sum tracks 100 / fps.

    Rounding each delay alone would drift (30 fps -> 3 cs = 33.3 fps);
    instead frame ``k`` ends at ``round((k + 1) * 100 / fps)``.
    """
    step = Fraction(100) / Fraction(fps)
    half = Fraction(1, 2)
    end = 0
    k = 0
    while True:
        k += 1
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


def _write_image(fid, rect, left, top, table):
    """Write the image descriptor and LZW data of ``rect`` placed at (left, top).

    Pillow does the LZW compression: we save ``rect`` as a one-frame GIF with
    our palette and no optimisation (which would remap indices), then copy its
    image block, moved to (left, top), without its colour table.
    """
    height, width = rect.shape
    image = Image.frombytes("P", (width, height), np.ascontiguousarray(rect))
    image.putpalette(table)
    buffer = io.BytesIO()
    image.save(buffer, format="GIF", optimize=False, interlace=False)
    with buffer.getbuffer() as data:
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
        # keep only the interlace flag: no local table, no sort flag
        fid.write(
            b"\x2c" + struct.pack("<HHHHB", left, top, width, height, flags & 0x40)
        )
        fid.write(data[pos:end])


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
    """Make sure Pillow kept our palette, so its indices are ours.

    Pillow may shorten the table to fewer bits; the indices are then still
    ours if the shortened table is a prefix of our palette.
    """
    written = bytes(written)
    shortened = len(written) < len(table)
    if written != table[: len(written)] or (
        shortened and int(rect.max()) >= len(written) // 3
    ):
        raise RuntimeError(
            "Pillow changed the palette while encoding a GIF frame; the colours "
            "would be wrong. Please report this with your Pillow version."
        )


# --------------------------------------------------------------------------
# Video


def write_video(path, frames, *, fps, overwrite=False, quality=None):
    """Stream RGB frames into an MP4 (H.264) or WebM (VP9) video with ffmpeg.

    Needs the optional dependency imageio-ffmpeg, whose wheel carries an
    ffmpeg binary. Frames go to ffmpeg one at a time through a pipe. The
    pixel format is yuv420p, which plays everywhere but needs an even width
    and height: an odd size is padded by repeating the last row or column.

    Parameters
    ----------
    path : path-like
        The ``.mp4`` or ``.webm`` file to write.
    frames : iterable of array, shape (height, width, 3), dtype uint8
        RGB frames, all the same shape. Consumed once, one frame at a time.
    fps : float
        Frames per second, > 0.
    overwrite : bool
        Whether an existing file may be replaced.
    quality : float | None
        Constant quality from 0 (worst) to 10 (lossless), mapped linearly onto
        the encoder's CRF scale (H.264: 51 to 0; VP9: 63 to 0). None uses the
        encoder's recommended setting (H.264: CRF 18, about quality 6.5;
        VP9: CRF 31, about quality 5).

    Returns
    -------
    path : pathlib.Path
        The written file.
    """
    path, suffix = check_output(path, overwrite=overwrite, allowed=(".mp4", ".webm"))
    fps = check_fps(fps)
    if quality is not None:
        quality = check_real("quality", quality, minimum=0)
        if quality > 10:
            raise ValueError(f"quality must be between 0 and 10; got {quality:g}.")
    imageio_ffmpeg = _import_imageio_ffmpeg(suffix)
    codec = _pick_codec(imageio_ffmpeg.get_ffmpeg_exe(), suffix)
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        raise ValueError("frames is empty; a video needs at least one frame.")
    first = _check_rgb_frame(first, 0, None)
    with atomic_output(path) as tmp:
        n_frames = _stream_video(
            imageio_ffmpeg, tmp, first, frames, fps, codec, quality
        )
        if tmp.stat().st_size == 0:
            raise RuntimeError(
                f"ffmpeg wrote nothing to {path.name!r} (codec {codec}); see "
                f"ffmpeg's error messages above."
            )
    logger.info(f"Wrote {path} ({n_frames} frames at {fps:g} fps, {codec}).")
    return path


def _import_imageio_ffmpeg(suffix):
    """Import imageio_ffmpeg or explain how to install it."""
    try:
        import imageio_ffmpeg
    except ImportError as err:
        raise ModuleNotFoundError(
            f"Writing {suffix} needs the optional dependency imageio-ffmpeg; "
            f"install it with: pip install 'mne-coefanim[video]'",
            name="imageio_ffmpeg",
        ) from err
    return imageio_ffmpeg


@functools.lru_cache(maxsize=4)
def _ffmpeg_encoders(exe):
    """Return the names of the video encoders ``exe`` was built with."""
    result = subprocess.run(
        [exe, "-hide_banner", "-encoders"],
        capture_output=True,
        text=True,
        check=True,
    )
    # lines look like " V....D libx264   libx264 H.264 / AVC / ..."
    return frozenset(
        parts[1]
        for parts in (line.split() for line in result.stdout.splitlines())
        if len(parts) > 1 and parts[0].startswith("V")
    )


def _pick_codec(exe, suffix):
    """Return the best encoder ``exe`` has for ``suffix``, or raise."""
    candidates = VIDEO_CODECS[suffix]
    available = _ffmpeg_encoders(exe)
    for codec in candidates:
        if codec in available:
            return codec
    raise RuntimeError(
        f"The ffmpeg used by imageio-ffmpeg ({exe}) has no {suffix} encoder "
        f"(looked for {' or '.join(candidates)}). Write .mp4 or .gif instead, or "
        f"point the IMAGEIO_FFMPEG_EXE environment variable to an ffmpeg built "
        f"with {candidates[0]}."
    )


def _check_rgb_frame(frame, index, first_shape):
    """Check one RGB frame against the first one."""
    frame = check_uint8(f"frame {index}", np.asarray(frame))
    if frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(
            f"frames must hold RGB arrays of shape (height, width, 3); frame "
            f"{index} has shape {frame.shape}."
        )
    if first_shape is not None and frame.shape != first_shape:
        raise ValueError(
            f"All frames must have the same shape; frame 0 has shape "
            f"{first_shape} but frame {index} has shape {frame.shape}."
        )
    return frame


def _even(frame):
    """Pad an odd height or width by repeating the last row or column."""
    height, width = frame.shape[:2]
    if height % 2 or width % 2:
        frame = np.pad(frame, ((0, height % 2), (0, width % 2), (0, 0)), mode="edge")
    return np.ascontiguousarray(frame)


def _encoder_options(codec, quality):
    """Return ffmpeg output options for constant-quality encoding."""
    if quality is None:
        crf = DEFAULT_CRF[codec]
    else:
        crf = round(MAX_CRF[codec] * (1 - quality / 10))
    if codec == "libx264":
        # faststart puts the index first so browsers can play while loading
        return ["-crf", str(crf), "-movflags", "+faststart"]
    if codec == "libvpx-vp9":
        # -b:v 0 selects constant quality; row-mt and cpu-used 4 make VP9
        # encode several times faster at a small cost in size
        return ["-crf", str(crf), "-b:v", "0", "-row-mt", "1", "-cpu-used", "4"]
    # VP8 needs a bitrate ceiling for -crf, and a CRF of at least 4
    return ["-crf", str(max(crf, 4)), "-b:v", "10M"]


def _stream_video(imageio_ffmpeg, tmp, first, frames, fps, codec, quality):
    """Pipe ``first`` then ``frames`` into ffmpeg; return the frame count."""
    padded = _even(first)
    height, width = padded.shape[:2]
    writer = imageio_ffmpeg.write_frames(
        str(tmp),
        (width, height),
        fps=fps,
        codec=codec,
        quality=None,  # replaced by our own CRF options
        pix_fmt_out="yuv420p",
        macro_block_size=1,  # we padded to even sizes already
        ffmpeg_log_level="error",
        output_params=_encoder_options(codec, quality),
    )
    writer.send(None)  # start ffmpeg
    n_frames = 0
    try:
        writer.send(padded)
        n_frames = 1
        for frame in frames:
            writer.send(_even(_check_rgb_frame(frame, n_frames, first.shape)))
            n_frames += 1
    finally:
        writer.close()  # waits for ffmpeg to finish the file
    return n_frames
