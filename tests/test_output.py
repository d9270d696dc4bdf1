import errno
import importlib.util
import os
import signal
import stat
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from PIL import Image

from mne_coefanim.io._gif import write_gif
from mne_coefanim.io._viewer import write_text
from mne_coefanim.io._writers import (
    STALE_AGE,
    TEMP_SUFFIX,
    atomic_output,
    check_output,
    temp_prefix,
)


@pytest.fixture
def palette(rng):
    """100 distinct colours, so that equal RGB means equal index."""
    codes = rng.choice(256**3, size=100, replace=False)
    return np.stack([codes >> 16, codes >> 8 & 255, codes & 255], -1).astype(np.uint8)


ALL = (".gif", ".html", ".mp4", ".webm")


def test_check_output(tmp_path):
    path, suffix = check_output(tmp_path / "Anim.GIF", allowed=ALL)
    assert (path, suffix) == (tmp_path / "Anim.GIF", ".gif")
    with pytest.raises(
        ValueError, match=r"one of .gif, .html, .mp4, .webm; got .*\(suffix '.png'\)"
    ):
        check_output(tmp_path / "anim.png", allowed=ALL)
    with pytest.raises(ValueError, match="end in one of .gif; .*no suffix"):
        check_output(tmp_path / "anim", allowed=(".gif",))
    with pytest.raises(ValueError, match="folder of fname does not exist"):
        check_output(tmp_path / "missing" / "anim.gif", allowed=ALL)
    (tmp_path / "dir.gif").mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        check_output(tmp_path / "dir.gif", allowed=ALL, overwrite=True)
    with pytest.raises(TypeError, match="fname must be a str or path-like"):
        check_output(3, allowed=ALL)


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
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith(TEMP_SUFFIX):  # the temporary files only
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
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
            assert tmp.name.endswith(".part")  # no media suffix: not a video
            assert stat.S_IMODE(tmp.stat().st_mode) == 0o600
            tmp.write_text("x")
        assert (tmp_path / "new.html").stat().st_mode & 0o777 == 0o644
        old = tmp_path / "old.html"
        old.write_text("old")
        old.chmod(0o640)
        with pytest.raises(FileExistsError, match="overwrite=True"):
            with atomic_output(old) as tmp:
                tmp.write_text("new")
        assert old.read_text() == "old"
        with atomic_output(old, overwrite=True) as tmp:
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


# -- publication: exactly one of two racing saves wins ----------------------------

RACER = r"""
import errno, os, sys
import mne
import numpy as np
from mne_coefanim.io._gif import write_gif

mne.set_log_level("warning")  # stdout carries the answers
tag = int(sys.argv[1])
if sys.argv[2] == "no-hard-links":  # a file system without hard links (FAT, SMB)
    def link(src, dst, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")
    os.link = link
palette = np.array([[0, 0, 0], [255, 255, 255], [255, 0, 0]], np.uint8)
while True:
    folder = sys.stdin.readline().strip()
    if not folder:
        break

    def frames():
        yield np.full((2, 3), tag, np.uint8)
        print("ready", flush=True)
        sys.stdin.readline()  # "go": both publish at once

    try:
        write_gif(os.path.join(folder, "anim.gif"), frames(), palette, fps=10)
        print("ok", flush=True)
    except FileExistsError:
        print("exists", flush=True)
"""


@pytest.mark.parametrize("links", ["hard-links", "no-hard-links"])
def test_racing_saves_exactly_one_wins(tmp_path, links):
    n_rounds = 10
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(tag), links],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for tag in (1, 2)
    ]
    outcomes = []
    try:
        for k in range(n_rounds):
            folder = tmp_path / f"round{k}"
            folder.mkdir()
            for racer in racers:
                racer.stdin.write(f"{folder}\n")
                racer.stdin.flush()
            # both checked the path (free) and wrote their file; now publish
            assert [racer.stdout.readline() for racer in racers] == ["ready\n"] * 2
            for racer in racers:
                racer.stdin.write("go\n")
                racer.stdin.flush()
            results = [racer.stdout.readline().strip() for racer in racers]
            outcomes.append(results)
            assert os.listdir(folder) == ["anim.gif"]  # the loser left nothing
            with Image.open(folder / "anim.gif") as im:
                winner = 1 + results.index("ok") if "ok" in results else None
                assert im.getpixel((0, 0)) == winner
    finally:
        for racer in racers:
            racer.stdin.close()
            racer.wait(timeout=60)
            racer.stdout.close()
    assert all(sorted(results) == ["exists", "ok"] for results in outcomes), outcomes


def test_dangling_symlink_counts_as_existing(tmp_path, palette):
    path = tmp_path / "anim.gif"
    path.symlink_to(tmp_path / "nowhere.gif")
    with pytest.raises(FileExistsError, match="exists .a symbolic link to nothing"):
        write_gif(path, [np.zeros((2, 2), np.uint8)], palette, fps=10)
    assert path.is_symlink() and os.listdir(tmp_path) == ["anim.gif"]
    write_gif(path, [np.zeros((2, 2), np.uint8)], palette, fps=10, overwrite=True)
    assert not path.is_symlink() and path.is_file()


@pytest.mark.parametrize("overwrite", ["no", 1, None, np.array([True, False])])
def test_overwrite_must_be_a_bool(tmp_path, palette, overwrite):
    path = tmp_path / "anim.gif"
    path.write_bytes(b"precious")
    with pytest.raises(TypeError, match="overwrite must be a bool"):
        write_gif(path, [np.zeros((2, 2), np.uint8)], palette, fps=10,
                  overwrite=overwrite)  # fmt: skip
    assert path.read_bytes() == b"precious"
    check_output(path, allowed=ALL, overwrite=np.bool_(True))  # numpy's bool is fine


def test_nul_byte_in_the_name(tmp_path):
    with pytest.raises(ValueError, match="fname .* NUL"):
        check_output(str(tmp_path / "an\0im.gif"), allowed=ALL)


# -- temporary names ----------------------------------------------------------------


def _name_max(folder):
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # pragma: no cover
        return 255


@pytest.mark.parametrize("extra", [0, 1, 17, 18, 19])
@pytest.mark.parametrize("char", ["a", "é"])
def test_long_names_can_be_saved(tmp_path, palette, extra, char):
    # the longest valid names: within 19 bytes of the file system's limit
    limit = _name_max(tmp_path)
    size = len(char.encode())
    name = char * ((limit - 4 - extra) // size) + ".gif"
    assert limit - 19 - size < len(os.fsencode(name)) <= limit
    path = write_gif(tmp_path / name, [np.zeros((2, 2), np.uint8)], palette, fps=10)
    assert os.listdir(tmp_path) == [name]
    with Image.open(path) as im:
        assert im.size == (2, 2)


def test_too_long_name_blames_the_name(tmp_path):
    limit = _name_max(tmp_path)
    name = "a" * (limit - 3) + ".gif"
    with pytest.raises(
        ValueError, match=f"file name is {limit + 1} bytes long.*{limit}"
    ):
        check_output(tmp_path / name, allowed=ALL)


KILLED = r"""
import sys, time
import mne
import numpy as np
from mne_coefanim.io._gif import write_gif

mne.set_log_level("warning")

def frames():
    yield np.zeros((4, 4), np.uint8)
    yield np.ones((4, 4), np.uint8)
    print("ready", flush=True)
    time.sleep(600)

write_gif(sys.argv[1], frames(), np.eye(3, dtype=np.uint8) * 255, fps=10)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_leftover_of_a_killed_save_is_removed(tmp_path, palette):
    path = tmp_path / "anim.gif"
    saver = subprocess.Popen([sys.executable, "-c", KILLED, str(path)],
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert saver.stdout.readline() == "ready\n"
    saver.kill()
    saver.wait()
    saver.stdout.close()
    (leftover,) = os.listdir(tmp_path)  # a hidden temporary file, never the GIF
    assert leftover.startswith(".anim.gif.") and leftover.endswith(".part")
    write_gif(path, [np.zeros((2, 2), np.uint8)], palette, fps=10)
    assert os.listdir(tmp_path) == ["anim.gif"]


def _dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.skipif(sys.platform == "win32", reason="pids are not checked")
def test_stale_leftovers_in_the_folder_are_removed(tmp_path, palette):
    path = tmp_path / "anim.gif"

    def leftover(target=path, **kwargs):
        name = temp_prefix(target, **kwargs) + "abcd1234" + TEMP_SUFFIX
        (tmp_path / name).write_bytes(b"partial")
        return name

    dead = leftover(pid=_dead_pid())  # its writer was killed
    other_name = leftover(tmp_path / "other.mp4", pid=_dead_pid())  # any name
    long_name = leftover(tmp_path / ("b" * 300 + ".gif"), pid=_dead_pid())  # cut
    mine = leftover()  # this process, but no save of it runs: interrupted
    alive = leftover(pid=os.getppid())  # a save in progress
    remote = leftover(host="f" * 6)  # another host: its pid means nothing here
    old_remote = leftover(host="e" * 6)
    os.utime(tmp_path / old_remote, (time.time() - STALE_AGE - 60,) * 2)
    user_files = [".anim.gif.notes.part",  # not our pattern, nor a forged digest
                  dead.replace(dead.split(".")[3], "0" * 8)]  # fmt: skip
    for name in user_files:
        (tmp_path / name).write_bytes(b"mine")
    assert len({dead, other_name, long_name, mine, alive, remote, old_remote}) == 7
    with atomic_output(tmp_path / "writing.gif") as writing:  # in progress here
        write_gif(path, [np.zeros((2, 2), np.uint8)], palette, fps=10)
        assert writing.exists()
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["anim.gif", "writing.gif", alive, remote, *user_files]
    )


def _no_hard_links(*args, **kwargs):
    raise OSError(errno.EPERM, "Operation not permitted")


@pytest.mark.parametrize("links", [True, False])
def test_file_made_during_the_save_is_kept(tmp_path, monkeypatch, palette, links):
    if not links:
        monkeypatch.setattr(os, "link", _no_hard_links)
    path = tmp_path / "anim.gif"

    def frames():
        yield np.zeros((2, 2), np.uint8)
        path.write_bytes(b"precious")  # another program, meanwhile

    with pytest.raises(FileExistsError, match="created while this one was being"):
        write_gif(path, frames(), palette, fps=10)
    assert os.listdir(tmp_path) == ["anim.gif"]
    assert path.read_bytes() == b"precious"


def test_without_hard_links_a_failed_rename_frees_the_name(tmp_path, monkeypatch,
                                                          palette):  # fmt: skip
    monkeypatch.setattr(os, "link", _no_hard_links)
    write_gif(tmp_path / "a.gif", [np.zeros((2, 2), np.uint8)], palette, fps=10)
    assert os.listdir(tmp_path) == ["a.gif"]

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_gif(tmp_path / "b.gif", [np.zeros((2, 2), np.uint8)], palette, fps=10)
    assert os.listdir(tmp_path) == ["a.gif"]  # no empty reservation left


# -- nothing process-wide is changed to write a file ------------------------------


@pytest.fixture
def umask_077():
    umask = os.umask(0o077)
    yield
    os.umask(umask)


@pytest.mark.slow
def test_saves_never_change_the_umask_for_other_threads(
    tmp_path, monkeypatch, palette, umask_077
):
    # should a save change the umask, make its moment long enough to be seen
    real_umask = os.umask

    def umask(mask):
        old = real_umask(mask)
        time.sleep(0.001)
        return old

    monkeypatch.setattr(os, "umask", umask)
    probes, out = tmp_path / "probes", tmp_path / "out"
    probes.mkdir(), out.mkdir()
    stop, modes = threading.Event(), []

    def create_files():
        while not stop.is_set():
            name = probes / f"{len(modes)}"
            os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            modes.append(stat.S_IMODE(os.stat(name).st_mode))
            os.unlink(name)

    thread = threading.Thread(target=create_files)
    thread.start()
    try:
        for k in range(200):  # the GIF writer of save(): the whole atomic path
            write_gif(out / f"{k}.gif", [np.zeros((2, 2), np.uint8)], palette, fps=10)
    finally:
        stop.set()
        thread.join()
    assert len(modes) > 200  # the thread ran during the saves
    assert set(modes) == {0o600}  # not one file world-writable (or readable)
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o600}


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002, 0o277])
def test_new_files_get_the_umask_mode(tmp_path, monkeypatch, umask):
    def forbidden(*args):
        raise AssertionError("a save changed the process's umask")

    old = os.umask(umask)
    try:
        monkeypatch.setattr(os, "umask", forbidden)
        path = write_text(tmp_path / "a.html", "<p>x</p>")
        probe = tmp_path / "probe"  # what open(path, 'w') gives
        probe.write_text("x")
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(probe.stat().st_mode)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_saves_touch_no_process_wide_state(tmp_path, monkeypatch, palette):
    def forbidden(*args, **kwargs):
        raise AssertionError("a save changed process-wide state")

    setters = [(os, "umask"), (os, "chdir"), (signal, "signal"),
               (signal, "pthread_sigmask"), (signal, "set_wakeup_fd")]  # fmt: skip
    for module, name in setters:
        monkeypatch.setattr(module, name, forbidden)
    # the writers of save(), each through its whole atomic path
    write_gif(tmp_path / "anim.gif", [np.zeros((2, 2), np.uint8)], palette, fps=10)
    write_text(tmp_path / "anim.html", "<p>x</p>")
    names = ["anim.gif", "anim.html"]
    if importlib.util.find_spec("imageio_ffmpeg") is not None:
        from mne_coefanim.io._video import write_video

        write_video(tmp_path / "anim.mp4", [np.zeros((2, 2, 3), np.uint8)], fps=10)
        names.append("anim.mp4")
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == names
