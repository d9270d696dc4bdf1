"""The writer table and the writer protocol."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import option_helps, small_animation

from mne_coefanim import _batch, save_animations
from mne_coefanim.io import _viewer
from mne_coefanim.io._viewer import (
    SUFFIXES,
    WRITERS,
    format_list,
    make_writer,
)
from mne_coefanim.io._writers import FrameSource, Writer


class CountingWriter(Writer):
    """A null writer: counts frames, records the protocol's calls."""

    suffixes = (".gif",)
    made = []

    def __init__(self, path, *, fps, overwrite=False):
        super().__init__(path, overwrite=overwrite)
        self.fps, self.calls, self.n_frames = fps, [], 0
        CountingWriter.made.append(self)

    def setup(self, tmp, source):
        self.tmp, self.palette = tmp, source.palette
        self.calls.append("setup")

    def write(self, frame):
        self.n_frames += 1

    def finish(self):
        self.tmp.write_text(f"{self.n_frames} frames")
        self.calls.append("finish")

    def close(self):
        self.calls.append("close")

    def summary(self):
        return f"{self.n_frames} frames"


def test_table_is_the_list_of_formats():
    assert SUFFIXES == (".gif", ".html", ".mp4", ".webm")
    for suffix, entry in WRITERS.items():
        writer = entry.writer
        assert entry.name and issubclass(writer, Writer)
        assert suffix in writer.suffixes
        assert entry.requires == writer.requires
        assert isinstance(writer.options, tuple) and writer.unmarked in (True, False)


def test_format_list():
    assert format_list() == "GIF (.gif), MP4 (.mp4), WebM (.webm), HTML page (.html)"
    assert format_list(requirements=True) == (
        "GIF (.gif), MP4 (.mp4, needs imageio-ffmpeg), WebM (.webm, needs "
        "imageio-ffmpeg), HTML page (.html)"
    )


def test_help_texts_list_the_table(capsys):
    assert format_list() in save_animations.__doc__
    assert format_list(requirements=True) in option_helps(capsys, "demo")["--output"]


def test_writers_check_their_encoder_when_made(tmp_path, monkeypatch):
    # make_writer is what save calls before any frame: encoders fail early
    with pytest.raises(ValueError, match="fps must be <= 50 for a GIF"):
        make_writer(tmp_path / "a.gif", fps=60)
    make_writer(tmp_path / "a.gif", fps=50)
    make_writer(tmp_path / "a.html", fps=1000)  # the page plays at any rate
    with pytest.raises(ValueError, match="end in one of"):  # not a format
        make_writer(tmp_path / "a.png", fps=60)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(ImportError, match="Writing .webm needs the optional"):
        make_writer(tmp_path / "a.webm", fps=10)
    assert os.listdir(tmp_path) == []


def test_saving_renames_a_complete_file(tmp_path):
    writer = CountingWriter(tmp_path / "anim.gif", fps=10)
    with writer.saving(FrameSource.of([], "p")) as same:
        assert same is writer
        assert os.listdir(tmp_path) == [writer.tmp.name]  # hidden, .part.gif
        for _ in range(3):
            writer.write(np.zeros((2, 2), np.uint8))
    assert writer.calls == ["setup", "finish", "close"]
    assert writer.palette == "p"
    assert os.listdir(tmp_path) == ["anim.gif"]
    assert (tmp_path / "anim.gif").read_text() == "3 frames"


@pytest.mark.parametrize("exception", [RuntimeError, KeyboardInterrupt])
def test_saving_cleans_up_after_an_error(tmp_path, exception):
    (tmp_path / "anim.gif").write_text("precious")
    writer = CountingWriter(tmp_path / "anim.gif", fps=10, overwrite=True)
    source = FrameSource.of([])
    with pytest.raises(exception, match="renderer failed"), writer.saving(source):
        writer.write(np.zeros((2, 2), np.uint8))
        raise exception("renderer failed")
    assert writer.calls == ["setup", "close"]  # never finished
    assert os.listdir(tmp_path) == ["anim.gif"]
    assert (tmp_path / "anim.gif").read_text() == "precious"


def test_writer_checks_its_path(tmp_path):
    with pytest.raises(ValueError, match=r"end in one of \.gif; .*anim\.mp4'"):
        CountingWriter(tmp_path / "anim.mp4", fps=10)
    (tmp_path / "anim.gif").write_text("x")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        CountingWriter(tmp_path / "anim.gif", fps=10)


def test_save_streams_frames_to_the_writer_of_the_table(tmp_path, monkeypatch):
    anim = small_animation(7)
    monkeypatch.setitem(WRITERS, ".gif", _viewer.OutputFormat("GIF", CountingWriter))
    monkeypatch.setattr(CountingWriter, "made", [])
    path = anim.save(tmp_path / "anim.gif", fps=5, verbose=False)
    (writer,) = CountingWriter.made
    assert (writer.path, writer.fps, writer.n_frames) == (path, 5, len(anim))
    assert writer.palette is anim.palette
    assert path.read_text() == "7 frames"


# -- every format: the folder must take new files, checked before any frame ----------


def _can_create(folder):
    try:
        fd = os.open(
            os.path.join(folder, ".probe"), os.O_CREAT | os.O_EXCL | os.O_WRONLY
        )
    except OSError:
        return False
    os.close(fd)
    os.unlink(os.path.join(folder, ".probe"))
    return True


@pytest.fixture
def unwritable_folder(tmp_path):
    """A folder in which this user, root included, cannot create files.

    Permission bits stop a user but not root (CI runs as root); the immutable
    attribute stops root too, where it may be set; sysfs takes no new files
    from anyone.
    """
    if sys.platform == "win32":
        pytest.skip("no such folder on Windows")
    folder = tmp_path / "locked"
    folder.mkdir()
    undo = None
    if os.geteuid() != 0:
        folder.chmod(0o500)
        undo = ["chmod", "700", str(folder)]
    elif shutil.which("chattr"):
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
        if done.returncode == 0:
            undo = ["chattr", "-i", str(folder)]
    if undo is None or _can_create(folder):
        folder = Path("/sys")  # sysfs: no new files, for root too
        if not folder.is_dir() or _can_create(folder):
            pytest.skip("no folder here refuses this user")
    try:
        yield folder
    finally:
        if undo is not None:
            subprocess.run(undo, check=True)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_unwritable_folder_fails_before_any_frame(unwritable_folder, suffix,
                                                  monkeypatch):  # fmt: skip
    anim = small_animation(3)

    def render(*args, **kwargs):
        raise AssertionError("a frame was rendered")

    monkeypatch.setattr(type(anim), "iter_frames", render)
    monkeypatch.setattr(type(anim), "to_html", render)
    monkeypatch.setattr(_batch, "animate_coefs", render)
    path = unwritable_folder / f"anim{suffix}"
    with pytest.raises(PermissionError, match="no file can be created in the folder"):
        anim.save(path)
    # a batch fails before any animation is built
    positions = np.array([[0, 0.05], [0.05, 0], [0, -0.05], [-0.05, 0]])
    with pytest.raises(PermissionError, match="no file can be created in the folder"):
        save_animations([np.ones((3, 4))], [path], info=positions)
    assert not os.path.lexists(path)


# -- writer options (save's **writer_kwargs) ---------------------------------------


@pytest.mark.parametrize("loop", [0, 3])
def test_gif_loop_option_is_read_back(tmp_path, loop):
    from PIL import Image

    anim = small_animation(3)
    path = anim.save(tmp_path / "anim.gif", loop=loop, verbose=False)
    with Image.open(path) as im:
        assert im.info["loop"] == loop


def test_unknown_writer_option_is_refused_before_any_frame(tmp_path):
    anim = small_animation(3)
    with pytest.raises(TypeError, match="GIF writer got an unexpected option "
                       "'quallity'; its options are: loop"):  # fmt: skip
        anim.save(tmp_path / "anim.gif", quallity=5)
    with pytest.raises(TypeError, match="HTML page writer got an unexpected "
                       "option 'quality'; its options are: loop"):  # fmt: skip
        anim.save(tmp_path / "anim.html", quality=5)
    with pytest.raises(ValueError, match="loop must be one of 'once', 'loop', "
                       "'reflect' for the viewer"):  # fmt: skip
        anim.save(tmp_path / "anim.html", loop=0)
    assert os.listdir(tmp_path) == []


def test_mp4_quality_and_codec_options(tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    anim = small_animation(3)
    low = anim.save(tmp_path / "low.mp4", quality=1, codec="libx264", verbose=False)
    high = anim.save(tmp_path / "high.mp4", quality=9, verbose=False)
    assert 0 < low.stat().st_size < high.stat().st_size
    with pytest.raises(ValueError, match="codec must be one of 'libx264'"):
        anim.save(tmp_path / "bad.mp4", codec="libvpx")
    with pytest.raises(ValueError, match="quality must be between 0 and 10"):
        anim.save(tmp_path / "bad.mp4", quality=11)
