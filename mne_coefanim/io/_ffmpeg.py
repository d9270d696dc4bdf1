"""Run ffmpeg for the video writer: frames in through a pipe, errors out in one line.

ffmpeg reads raw frames from a pipe and writes the temporary file. Its
standard error is read by a thread (only the last lines are kept), so that
when the pipe breaks or ffmpeg fails the error says why, in one line: the
disk is full, the encoder is missing, or ffmpeg crashed (its exit status and
last message).

Ctrl-C never leaves ffmpeg behind. The thread that reads ffmpeg's messages
also starts it: Python raises KeyboardInterrupt in the main thread only, so
an interrupt can never land inside ``subprocess.Popen`` and lose the
process. Whenever the save is interrupted (while ffmpeg starts, while frames
are sent, while ffmpeg completes the file), :meth:`FfmpegPipe.abort` ends
ffmpeg, waits for it, closes its pipes and joins the thread, before the
temporary file is removed (so that ffmpeg cannot create it again). ffmpeg
runs in its own session, so that Ctrl-C in a terminal reaches Python only.

A process killed outright (SIGKILL, the out-of-memory killer; SIGTERM and
SIGHUP too, which Python does not catch by default) runs no cleanup: ffmpeg
then reads the end of its input, completes a video of the frames it got and
exits. The file stays, hidden, next to the target, under its temporary name
(``.anim.mp4.<digest>.<host>-<pid>.<random>.part``) and never under the
target's name; the next save into that folder removes it.
"""

import collections
import contextlib
import errno
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


class FfmpegPipe:
    """One ffmpeg process, fed through its standard input.

    Making the object starts nothing; :meth:`start` starts ffmpeg, and
    :meth:`abort` (or :meth:`finish`) ends it, whatever state an interrupt
    left it in: keep the object before calling :meth:`start`.

    Parameters
    ----------
    command : list of str
        ffmpeg and its arguments; the input must be ``-`` (the pipe).
    what : str
        What is written, for error messages, e.g. ``"'anim.mp4' (libx264)"``.
    """

    def __init__(self, command, *, what):
        self.exe, self.what = command[0], what
        self._command = list(command)
        self._lines = collections.deque(maxlen=_TAIL)
        self._process = None
        self._error = None  # what stopped Popen
        # under _lock: whether the thread got to start ffmpeg, or abort() ran
        # first (the thread then starts nothing)
        self._lock = threading.Lock()
        self._began = self._cancelled = False
        self._settled = threading.Event()  # Popen has returned or raised
        self._thread = threading.Thread(target=self._run, name="ffmpeg", daemon=True)

    def start(self):
        """Start ffmpeg, on the thread that then reads its messages.

        Raises
        ------
        RuntimeError
            If ffmpeg cannot be run at all.
        """
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
                self._command,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                **_popen_options(),
            )
        except BaseException as err:  # OSError: it cannot be run
            self._error = err
        finally:
            self._settled.set()
        if self._process is not None:
            _read_lines(self._process.stderr, self._lines)

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
        """Stop ffmpeg at once (its file is not complete); safe to repeat.

        Whatever state an interrupt left the start in, ffmpeg has exited and
        been waited for, its pipes are closed and the thread has ended when
        this returns. A Ctrl-C meanwhile is raised once that is done.
        """
        _to_the_end(self._abort)

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
        lines = [line for line in self._lines if line]
        return _one_line(lines[-1]) if lines else "nothing"

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
        "imageio-ffmpeg (pip install imageio-ffmpeg) or point the "
        "IMAGEIO_FFMPEG_EXE environment variable to a working ffmpeg."
    )


def _read_lines(stream, lines):
    """Keep the last lines of ``stream`` in ``lines`` until it ends."""
    with contextlib.suppress(OSError, ValueError), stream:  # ValueError: closed
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
    """Start ffmpeg in a session (process group) of its own.

    Ctrl-C in a terminal goes to the terminal's foreground process group:
    ffmpeg does not get it, Python does, and stops ffmpeg itself (an
    interrupted ffmpeg would complete the file as if all frames were sent).
    """
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _to_the_end(function):
    """Call ``function`` until it completes once; then re-raise a Ctrl-C it got.

    For cleanup that must not stop halfway (``function`` can be repeated).
    """
    interrupt = None
    while True:
        try:
            function()
        except KeyboardInterrupt as err:
            interrupt = err
            continue
        break
    if interrupt is not None:
        raise interrupt
