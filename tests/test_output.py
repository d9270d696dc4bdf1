import os
import tempfile

import numpy as np
import pytest
from PIL import Image

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
