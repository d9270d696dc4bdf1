"""Run ffmpeg for the video writer: frames in through a pipe, errors out in one line.

A thread reads ffmpeg's standard error (the last lines kept), so a failure
says why in one line (disk full, encoder missing, a crash). That thread also
starts ffmpeg: KeyboardInterrupt comes to the main thread only, so Ctrl-C
never lands inside ``subprocess.Popen`` and loses the process, and
:meth:`FfmpegPipe.abort` ends ffmpeg, its pipes and the thread before the
temporary file is removed. ffmpeg runs in its own session (Ctrl-C reaches
Python only). A process killed outright (SIGKILL; SIGTERM and SIGHUP, which
Python does not catch) runs no cleanup: ffmpeg completes a video of the
frames it got under the hidden temporary name
(``.anim.mp4.<digest>.<host>-<pid>.<random>.part``), never the target's
name, and the next save into that folder removes it.
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


class FfmpegPipe:
    """One ffmpeg process, fed through its standard input.

    ``command``: ffmpeg and its arguments (the input ``-``); ``what``: what
    is written, for errors, e.g. ``"'anim.mp4' (libx264)"``. Making the
    object starts nothing; :meth:`start` starts ffmpeg, and :meth:`abort` (or
    :meth:`finish`) ends it, whatever state an interrupt left it in: keep the
    object before calling :meth:`start`.
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

    @property
    def pid(self):
        """The process id of ffmpeg."""
        return self._process.pid

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
        """Stop ffmpeg at once (its file is not complete); safe to repeat.

        Whatever state an interrupt left the start in, ffmpeg has exited, its
        pipes are closed and the thread has ended when this returns; a Ctrl-C
        meanwhile is raised once that is done.
        """
        interrupt = None
        while True:  # cleanup that must not stop halfway: repeat it
            try:
                self._abort()
            except KeyboardInterrupt as err:
                interrupt = err
                continue
            break
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
