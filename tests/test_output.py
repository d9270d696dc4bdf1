import errno
import os
import stat
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest
from PIL import Image

from mne_coefanim.io._atomic import STALE_AGE, TEMP_SUFFIX, temp_prefix
from mne_coefanim.io._gif import write_gif
from mne_coefanim.io._output import atomic_output, check_output, write_text


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
def test_only_stale_leftovers_of_the_same_name_are_removed(tmp_path, palette):
    path = tmp_path / "anim.gif"

    def leftover(target=path, **kwargs):
        name = temp_prefix(target, **kwargs) + "abcd1234" + TEMP_SUFFIX
        (tmp_path / name).write_bytes(b"partial")
        return name

    dead = leftover(pid=_dead_pid())  # its writer was killed
    alive = leftover(pid=os.getppid())  # a save in progress
    other_name = leftover(tmp_path / "other.gif", pid=_dead_pid())
    remote = leftover(host="f" * 6)  # another host: its pid means nothing here
    old_remote = leftover(host="e" * 6)
    os.utime(tmp_path / old_remote, (time.time() - STALE_AGE - 60,) * 2)
    user_file = ".anim.gif.notes.part"  # not our pattern
    (tmp_path / user_file).write_bytes(b"mine")
    assert len({dead, alive, other_name, remote, old_remote, user_file}) == 6
    write_gif(path, [np.zeros((2, 2), np.uint8)], palette, fps=10)
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["anim.gif", alive, other_name, remote, user_file]
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
