"""The video writer: RGB frames into MP4 (H.264) or WebM (VP9) with ffmpeg.

Frames go through a pipe to imageio-ffmpeg's ffmpeg, which a thread starts
(so Ctrl-C never lands inside ``subprocess.Popen``) and whose last lines of
standard error it keeps, to say why a save failed. ffmpeg runs in its own
session; :meth:`FfmpegPipe.abort` ends it before the temporary file goes.
"""

import collections
import contextlib
import errno
import functools
import re
import signal
import subprocess
import sys
import threading
from fractions import Fraction

import numpy as np

from .._checks import (
    MAX_FRAME_SIDE,
    check_fps,
    check_frame_size,
    check_option,
    check_real,
)
from ._writers import FrameSource, Writer, checked_frame

# the encoders we ask ffmpeg for, best first
VIDEO_CODECS = {".mp4": ("libx264",), ".webm": ("libvpx-vp9", "libvpx")}
# the largest frame side each encoder takes (after padding to an even size):
# x264's 16384, VP8's 16383 (its g_w range), VP9's 65536 (past Agg's 65535)
MAX_SIDE = {"libx264": 16384, "libvpx": 16383, "libvpx-vp9": 65536}
# the CRF of quality=None: 18 is "visually lossless" for H.264; 31 is the
# VP9 recommendation for HD content
DEFAULT_CRF = {"libx264": 18, "libvpx-vp9": 31, "libvpx": 10}
MAX_CRF = {"libx264": 51, "libvpx-vp9": 63, "libvpx": 63}
X264_PRESET = "veryfast"  # speed over the last bytes (see _encoder_options)
_TAIL = 50  # lines of ffmpeg's standard error kept
_WAIT = 60  # seconds to wait for ffmpeg to exit once its input is gone
# what ffmpeg says when the system refuses to write: errno and the cause
_SYSTEM_ERRORS = {
    "No space left on device": (errno.ENOSPC, "the disk is full"),
    "Disk quota exceeded": (getattr(errno, "EDQUOT", errno.ENOSPC),
                            "the disk quota is exceeded"),
    "File too large": (errno.EFBIG, "the file is too large for the file system"),
    "Read-only file system": (errno.EROFS, "the file system is read-only"),
}  # fmt: skip
# ffmpeg in a session of its own: Ctrl-C in a terminal reaches Python, which
# stops it (an interrupted ffmpeg would complete the file as if all were sent)
_NEW_SESSION = (
    {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    if sys.platform == "win32" else {"start_new_session": True}
)  # fmt: skip
_NO_ENCODER = re.compile(r"Unknown encoder|Encoder not found|encoder.*not found", re.I)


def write_video(path, frames, *, fps, overwrite=False, quality=None, codec=None):
    """Stream RGB frames into an MP4 or WebM video (see :class:`VideoWriter`)."""
    writer = VideoWriter(path, fps=fps, quality=quality, codec=codec,
                         overwrite=overwrite)  # fmt: skip
    return writer.write_from(FrameSource.of(frames))


class VideoWriter(Writer):
    """Write an MP4 (H.264) or WebM (VP9) video, one frame at a time, with ffmpeg.

    Frames are RGB uint8 (or palette indices with a palette in the source);
    odd sizes are padded (yuv420p). ``quality`` 0 to 10 maps linearly onto
    the encoder's CRF (None: its recommended one); ``codec`` (None: the best
    the ffmpeg has) is the encoder used. See ``CoefAnimation.save``.
    """

    suffixes = (".mp4", ".webm")
    options = ("quality", "codec")
    requires = "imageio-ffmpeg"

    def __init__(self, path, *, fps, quality=None, codec=None, overwrite=False):
        super().__init__(path, overwrite=overwrite)
        self.fps = check_fps(fps)
        if quality is not None:
            quality = check_real("quality", quality, minimum=0)
            if quality > 10:
                raise ValueError(f"quality must be between 0 and 10; got {quality:g}.")
        self.quality = quality
        if codec is not None:
            check_option("codec", codec, VIDEO_CODECS[self.suffix])
        self._exe = _ffmpeg_exe(self.suffix)
        self.codec = _pick_codec(self._exe, self.suffix, codec)
        self._pipe = None

    def check_frame(self, shape, dpi):
        """Refuse frames the encoder cannot take (before padding to even sizes)."""
        limit = min(MAX_SIDE.get(self.codec, MAX_FRAME_SIDE), MAX_FRAME_SIDE)
        cause = (f"the {self.codec} encoder ({self.suffix}) takes frames of at "
                 f"most {limit:,} px per side")  # fmt: skip
        # an odd side is padded by one: with an odd limit, it must be below it
        check_frame_size(shape, dpi, limit - limit % 2, cause)

    def setup(self, tmp, source):
        """Remember the temporary file; ffmpeg starts with the first frame."""
        self._tmp, self._palette = tmp, source.palette  # the animation's, checked
        self._shape = None  # the first frame's
        self.n_frames = 0

    def write(self, frame):
        """Send one frame (RGB, or palette indices) to ffmpeg, padded to even sizes."""
        if self._palette is not None:
            # np.take copies whole rows of the palette: 5x faster than
            # palette[frame] (a fancy index, element by element), same bytes
            frame = np.take(self._palette, frame, axis=0)
        frame = checked_frame(frame, self.n_frames, self._shape, rgb=True)
        padded = _even(frame)
        if self._pipe is None:
            self._shape = frame.shape
            # kept before it starts: close() ends it, whenever Ctrl-C comes
            self._pipe = self._ffmpeg(padded.shape)
            self._pipe.start()
        self._pipe.write(padded)
        self.n_frames += 1

    def finish(self):
        """Wait for ffmpeg to complete the file (OSError or RuntimeError: why)."""
        pipe = self._pipe
        if pipe is None:
            raise ValueError("frames is empty; a video needs at least one frame.")
        pipe.finish()  # if it raises, close() still ends what is left
        self._pipe = None
        if self._tmp.stat().st_size == 0:
            raise RuntimeError(
                f"ffmpeg wrote nothing to {self.path.name!r} (codec {self.codec}); "
                f"its last message: {pipe.last_message()}"
            )

    def close(self):
        """Stop ffmpeg if it still runs (after an error): the file is dropped."""
        if self._pipe is not None:
            self._pipe.abort()  # safe to repeat: dropped only once it returned
            self._pipe = None

    def summary(self):
        """Return e.g. ``'145 frames at 10 fps, libx264'``, for the log."""
        return f"{self.n_frames} frames at {self.fps:g} fps, {self.codec}"

    def _ffmpeg(self, shape):
        """Return the (unstarted) ffmpeg pipe for frames of ``shape`` (even)."""
        height, width = shape[:2]
        # raw RGB in, yuv420p out (plays everywhere); the options and their
        # order are imageio-ffmpeg's (write_frames), whose files we keep
        command = [self._exe, "-y", "-f", "rawvideo", "-vcodec", "rawvideo"]
        command += ["-s", f"{width}x{height}", "-pix_fmt", "rgb24"]
        command += ["-r", str(Fraction(self.fps).limit_denominator())]
        command += ["-i", "-", "-an", "-vcodec", self.codec, "-pix_fmt", "yuv420p"]
        command += ["-v", "error", *_encoder_options(self.codec, self.quality)]
        # the temporary name has no video suffix: name the format (the muxer
        # is named as the suffix)
        command += ["-f", self.suffix[1:], str(self._tmp)]
        return FfmpegPipe(command, what=f"{self.path.name!r} ({self.codec})")


def _ffmpeg_exe(suffix):
    """Return imageio-ffmpeg's ffmpeg (or IMAGEIO_FFMPEG_EXE), or say how to get it."""
    try:
        import imageio_ffmpeg
    except ImportError as err:
        raise ModuleNotFoundError(
            f"Writing {suffix} needs the optional dependency imageio-ffmpeg; "
            "install it with pip install '.[video]' in a clone of mne-coefanim, "
            "or pip install imageio-ffmpeg",
            name="imageio_ffmpeg",
        ) from err
    return imageio_ffmpeg.get_ffmpeg_exe()


@functools.lru_cache(maxsize=4)
def _ffmpeg_encoders(exe):
    """Return the names of the video encoders ``exe`` was built with."""
    try:
        result = subprocess.run([exe, "-hide_banner", "-encoders"],
                                capture_output=True, text=True, check=True)  # fmt: skip
    except OSError as err:  # missing, not executable
        raise cannot_run(exe, err) from None
    except subprocess.CalledProcessError as err:
        lines = err.stderr.strip().splitlines() or ["nothing"]
        raise RuntimeError(
            f"The ffmpeg at {exe!r} cannot list its encoders (exit status "
            f"{err.returncode}; its last message: {lines[-1].strip()}). Reinstall "
            "imageio-ffmpeg or point IMAGEIO_FFMPEG_EXE to a working ffmpeg."
        ) from None
    # lines look like " V....D libx264   libx264 H.264 / AVC / ..."
    return frozenset(
        parts[1]
        for parts in (line.split() for line in result.stdout.splitlines())
        if len(parts) > 1 and parts[0].startswith("V")
    )


def _pick_codec(exe, suffix, codec=None):
    """Return ``codec``, or the best encoder ``exe`` has for ``suffix``, or raise."""
    candidates = VIDEO_CODECS[suffix] if codec is None else (codec,)
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
        # faststart: the index first, to play while loading; veryfast: twice
        # medium's speed for 6 % more bytes (145 frames of 496 x 430 px)
        return ["-preset", X264_PRESET, "-crf", str(crf), "-movflags", "+faststart"]
    if codec == "libvpx-vp9":
        # -b:v 0 selects constant quality; row-mt and cpu-used 4 make VP9
        # encode several times faster at a small cost in size
        return ["-crf", str(crf), "-b:v", "0", "-row-mt", "1", "-cpu-used", "4"]
    # VP8 needs a bitrate ceiling for -crf, and a CRF of at least 4
    return ["-crf", str(max(crf, 4)), "-b:v", "10M"]


class FfmpegPipe:
    """One ffmpeg process fed through its standard input (``what``: for errors).

    Keep the object before :meth:`start`: :meth:`abort` ends ffmpeg whatever
    an interrupt left.
    """

    def __init__(self, command, *, what):
        self.exe, self.what = command[0], what
        self._command = list(command)
        self._lines = collections.deque(maxlen=_TAIL)
        self._process = None
        self._error = None  # what stopped Popen
        self._lock = threading.Lock()  # the thread starts ffmpeg, or abort() did first
        self._began = self._cancelled = False
        self._settled = threading.Event()  # Popen has returned or raised
        self._thread = threading.Thread(target=self._run, name="ffmpeg", daemon=True)

    def start(self):
        """Start ffmpeg on the thread that then reads its messages."""
        self._thread.start()
        self._settled.wait()
        if isinstance(self._error, OSError):
            raise cannot_run(self.exe, self._error) from None
        if self._error is not None:  # pragma: no cover (MemoryError, ...)
            raise self._error

    def _run(self):
        """Start ffmpeg unless aborted, then keep its last lines until it ends."""
        with self._lock:
            if self._cancelled:
                return
            self._began = True
        try:  # never interrupted: KeyboardInterrupt goes to the main thread
            self._process = subprocess.Popen(
                self._command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, **_NEW_SESSION,
            )  # fmt: skip
        except BaseException as err:  # OSError: it cannot be run
            self._error = err
        finally:
            self._settled.set()
        if self._process is not None:  # keep the last lines until it ends
            stream = self._process.stderr
            with contextlib.suppress(OSError, ValueError), stream:  # ValueError: closed
                for raw in stream:
                    self._lines.append(raw.decode("utf-8", "replace").rstrip())

    def write(self, data):
        """Send bytes (or a C-contiguous array) to ffmpeg; raise why it stopped."""
        try:
            self._process.stdin.write(data)
        except BrokenPipeError:  # ffmpeg exited: its own words say why
            self._end()
            raise self._failure(stopped=True) from None

    def finish(self):
        """Close the input, wait for ffmpeg to complete the file; raise if it failed."""
        try:
            with contextlib.suppress(BrokenPipeError):  # the status says why
                self._process.stdin.close()
            self._process.wait()
            self._end()
        except BaseException:  # Ctrl-C while ffmpeg completes the file
            self.abort()
            raise
        failure = self._failure()
        if failure is not None:
            raise failure

    def abort(self):
        """Stop ffmpeg, its pipes and the thread (then raise a Ctrl-C that came)."""
        interrupt = None
        while True:  # cleanup that must not stop halfway: repeat it
            try:
                self._abort()
                break
            except KeyboardInterrupt as err:
                interrupt = err
        if interrupt is not None:
            raise interrupt

    def _abort(self):
        with self._lock:
            self._cancelled = True
            began = self._began
        if began:  # the thread is in Popen, or was: wait for the process
            self._settled.wait()
        if self._process is None:
            if self._thread.is_alive():  # it started nothing, and ends
                self._thread.join()
            return
        if self._process.poll() is None:
            self._process.kill()
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        self._end()

    def last_message(self):
        """Return the last line ffmpeg printed, or ``'nothing'``."""
        lines = [" ".join(line.split()) for line in self._lines if line]
        if not lines:
            return "nothing"
        return lines[-1] if len(lines[-1]) <= 300 else lines[-1][:297] + "..."

    def _end(self):
        """Wait for ffmpeg to exit and for its standard error to be read."""
        if self._process is None:  # it never started
            return
        try:
            self._process.wait(timeout=_WAIT)
        except subprocess.TimeoutExpired:  # it stopped reading but runs on
            self._process.kill()
            self._process.wait()
        self._thread.join()

    def _failure(self, stopped=False):
        """Return the error ffmpeg's exit status and messages describe."""
        text = "\n".join(self._lines)
        last = self.last_message()
        for message, (code, cause) in _SYSTEM_ERRORS.items():
            if message in text:
                return OSError(
                    code, f"Cannot write {self.what}: {cause} (ffmpeg said: {last})"
                )
        status = self._process.returncode
        if status == 0 and not stopped:
            return None
        if _NO_ENCODER.search(text):
            return RuntimeError(
                f"Cannot write {self.what}: the ffmpeg at {self.exe} has no such "
                f"encoder (ffmpeg said: {last}). Write .gif, or point the "
                "IMAGEIO_FFMPEG_EXE environment variable to a complete ffmpeg."
            )
        if status is not None and status < 0:
            try:
                name = signal.Signals(-status).name
            except ValueError:
                name = f"signal {-status}"
            how = f"crashed (killed by {name})"
        elif status == 0:
            how = "stopped reading frames (exit status 0)"
        else:
            how = f"failed (exit status {status})"
        return RuntimeError(
            f"ffmpeg {how} while writing {self.what}; its last message: {last}"
        )


def cannot_run(exe, err):
    """Return the error for an ffmpeg that cannot be started at all."""
    return RuntimeError(
        f"Cannot run ffmpeg at {exe!r} ({err.strerror or err}). Reinstall "
        "imageio-ffmpeg (pip install imageio-ffmpeg) or point the "
        "IMAGEIO_FFMPEG_EXE environment variable to a working ffmpeg."
    )
