"""Run ffmpeg for the video writer: frames in through a pipe, errors out in one line.

ffmpeg reads raw frames from a pipe and writes the temporary file. Its
standard error is read by a thread (only the last lines are kept), so that
when the pipe breaks or ffmpeg fails the error says why, in one line: the
disk is full, the encoder is missing, or ffmpeg crashed (its exit status and
last message).

ffmpeg must not outlive the save. When the process that feeds it dies (a
SIGKILL, the out-of-memory killer), the pipe closes, and ffmpeg takes that
for the end of the input and completes a playable video under the temporary
name. On Linux it is therefore started with ``PR_SET_PDEATHSIG`` = SIGKILL:
the kernel kills it together with the thread that started it, leaving an
unfinished file (an MP4 without its index, which does not play) that the
next save of the same file removes. Elsewhere the next save removes the
leftover too, but a killed save may leave a complete hidden ``.part`` file
until then. ffmpeg also runs in its own process group, so that Ctrl-C in a
terminal reaches Python only, which stops ffmpeg and removes the file.
"""

import collections
import contextlib
import errno
import functools
import os
import re
import signal
import subprocess
import sys
import threading

_TAIL = 50  # lines of ffmpeg's standard error kept
_WAIT = 60  # seconds to wait for ffmpeg to exit once its input is gone
# what ffmpeg says when the system refuses to write: errno and the cause
_SYSTEM_ERRORS = {
    "No space left on device": (errno.ENOSPC, "the disk is full"),
    "Disk quota exceeded": (
        getattr(errno, "EDQUOT", errno.ENOSPC),
        "the disk quota is exceeded",
    ),
    "File too large": (errno.EFBIG, "the file is too large for the file system"),
    "Read-only file system": (errno.EROFS, "the file system is read-only"),
}
_NO_ENCODER = re.compile(r"Unknown encoder|Encoder not found|encoder.*not found", re.I)
PR_SET_PDEATHSIG = 1


class FfmpegPipe:
    """One ffmpeg process, fed through its standard input.

    Parameters
    ----------
    command : list of str
        ffmpeg and its arguments; the input must be ``-`` (the pipe).
    what : str
        What is written, for error messages, e.g. ``"'anim.mp4' (libx264)"``.
    """

    def __init__(self, command, *, what):
        self.exe, self.what = command[0], what
        self._lines = collections.deque(maxlen=_TAIL)
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                **_popen_options(),
            )
        except OSError as err:
            raise cannot_run(self.exe, err) from None
        self._reader = threading.Thread(
            target=_read_lines,
            args=(self._process.stderr, self._lines),
            name="ffmpeg-stderr",
            daemon=True,
        )
        self._reader.start()

    @property
    def pid(self):
        """The process id of ffmpeg."""
        return self._process.pid

    def write(self, data):
        """Send bytes (or a C-contiguous array) to ffmpeg.

        Raises
        ------
        OSError | RuntimeError
            If ffmpeg has stopped reading: why, in one line.
        """
        try:
            self._process.stdin.write(data)
        except BrokenPipeError:  # ffmpeg exited: its own words say why
            self._end()
            raise self._failure(stopped=True) from None

    def finish(self):
        """Close the input, wait for ffmpeg to complete the file, check it.

        Raises
        ------
        OSError | RuntimeError
            If ffmpeg failed: why, in one line.
        """
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
        """Stop ffmpeg at once (its file is not complete); safe to repeat."""
        if self._process.poll() is None:
            self._process.kill()
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        self._end()

    def last_message(self):
        """Return the last line ffmpeg printed, or ``'nothing'``."""
        lines = [line for line in self._lines if line]
        return _one_line(lines[-1]) if lines else "nothing"

    def _end(self):
        """Wait for ffmpeg to exit and for its standard error to be read."""
        try:
            self._process.wait(timeout=_WAIT)
        except subprocess.TimeoutExpired:  # it stopped reading but runs on
            self._process.kill()
            self._process.wait()
        self._reader.join()

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
            how = f"crashed (killed by {_signal_name(-status)})"
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
        "imageio-ffmpeg (pip install 'mne-coefanim[video]') or point the "
        "IMAGEIO_FFMPEG_EXE environment variable to a working ffmpeg."
    )


def _read_lines(stream, lines):
    """Keep the last lines of ``stream`` in ``lines`` until it ends."""
    with stream:
        for raw in stream:
            lines.append(raw.decode("utf-8", "replace").rstrip())


def _one_line(text, limit=300):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _popen_options():
    """Start ffmpeg in its own process group, on Linux dying with its parent."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    prctl = _prctl() if sys.platform.startswith("linux") else None
    return {"preexec_fn": functools.partial(_in_child, os.getpid(), prctl)}


def _in_child(parent, prctl):
    """Run in ffmpeg's process between fork and exec: no locks, no imports."""
    os.setpgrp()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl
            os._exit(1)


@functools.lru_cache(maxsize=1)
def _prctl():
    """Return libc's prctl, or None where it cannot be loaded."""
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (AttributeError, OSError):  # pragma: no cover
        return None
    prctl.argtypes = [ctypes.c_int, *[ctypes.c_ulong] * 4]
    prctl.restype = ctypes.c_int
    return prctl
