import os
import re
import subprocess
import warnings

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import mne  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

try:  # small matrices: BLAS threads only fight over the 2 cores of CI
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
except ImportError:  # pragma: no cover
    pass

SHARED_DATA = os.path.join(
    os.path.dirname(__file__), os.pardir, os.pardir, "shared", "data"
)


@pytest.fixture(autouse=True, scope="session")
def _demo_cache(tmp_path_factory):
    """One demo cache for the session, outside the user's own cache."""
    if "MNE_COEFANIM_CACHE" not in os.environ:
        os.environ["MNE_COEFANIM_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rng():
    return np.random.default_rng(42)


def make_montage(name):
    """Build a standard montage (ships with MNE: no download).

    MNE 1.13 renamed 'standard_1020' and 'standard_1005' (same positions, now
    'colin27_*') and warns about the old names; users still pass them, so the
    tests keep using them and silence only that warning.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Montage name", FutureWarning)
        return mne.channels.make_standard_montage(name)


def make_info(montage="standard_1020", n_channels=None, sfreq=100.0):
    """Build an EEG Info from a standard montage (ships with MNE: no download)."""
    mont = make_montage(montage)
    names = mont.ch_names if n_channels is None else mont.ch_names[:n_channels]
    info = mne.create_info(names, sfreq, "eeg")
    info.set_montage(mont)
    return info


@pytest.fixture
def info():
    """32 channels of the 10-20 system with positions."""
    mont = make_montage("standard_1020")
    names = [
        "Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "FC5", "FC1", "FC2", "FC6",
        "T7", "C3", "Cz", "C4", "T8", "CP5", "CP1", "CP2", "CP6", "P7", "P3",
        "Pz", "P4", "P8", "PO9", "O1", "Oz", "O2", "PO10", "AF3", "AF4",
    ]  # fmt: skip
    info = mne.create_info(names, 100.0, "eeg")
    info.set_montage(mont)
    return info


@pytest.fixture
def biosemi_info():
    return make_info("biosemi64")


def map_visibility(anim):
    """Per pixel, how much of the map shows, from a black and a white map.

    1 where the map shows fully (nothing drawn over it), 0 where it does not
    show at all; in between under antialiased outline and marker edges.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    res, inside = anim.interp.res, anim.interp.inside
    images = map_images(anim)
    saved = [image.get_array().copy() for image in images]
    # a blitting animation marks the maps animated, which a plain draw skips
    animated = [image.get_animated() for image in images]
    for image in images:
        image.set_animated(False)
    renders = []
    for value in (0, 255):
        rgba = np.zeros((res, res, 4), np.uint8)
        rgba[inside] = (value, value, value, 255)
        for image in images:
            image.set_data(rgba)
        canvas = FigureCanvasAgg(anim.fig)
        canvas.draw()
        renders.append(np.asarray(canvas.buffer_rgba())[..., :3].astype(int))
    for image, array, was in zip(images, saved, animated, strict=True):
        image.set_data(array)
        image.set_animated(was)
    return (renders[1] - renders[0]).min(axis=-1) / 255.0


# -- what an animation shows, read through its public face ----------------------


def map_images(anim):
    """The map image of each panel (one image per map axes)."""
    return [ax.images[0] for ax in anim.map_axes]


def shown_colors(anim, k, panel=0):
    """RGB (uint8) of every map cell inside the head that frame k shows."""
    anim.show_frame(k)
    rgba = np.asarray(map_images(anim)[panel].get_array())
    return rgba[anim.interp.inside][:, :3]


def table_colors(anim, k=0):
    """The colours of colour table k, uint8 (n_levels, 3), from its colour bar.

    The colour bar's colormap is a ListedColormap of exactly the levels'
    colours (as floats in 0-1).
    """
    colors = np.asarray(anim.colorbars[k].cmap.colors)[:, :3]
    return np.rint(colors * 255).astype(np.uint8)


def cmap_names(anim):
    """The name of the colormap behind each colour bar (e.g. 'RdBu_r')."""
    return [bar.cmap.name.removesuffix("_levels") for bar in anim.colorbars]


def time_label(anim):
    """The time label shown: the text artists of the first map's axes."""
    return "".join(text.get_text() for text in anim.map_axes[0].texts).strip()


def time_label_box(anim, renderer=None):
    """The display box around the time label's text artists."""
    from matplotlib.transforms import Bbox

    texts = anim.map_axes[0].texts
    return Bbox.union([text.get_window_extent(renderer) for text in texts])


def mask_lines(anim, marker="o"):
    """The mask markers of each panel: its map axes' line with that marker."""
    lines = []
    for ax in anim.map_axes:
        (line,) = [line for line in ax.lines if line.get_marker() == marker]
        lines.append(line)
    return lines


def decode_video(path):
    """Decode every frame to RGB with the bundled ffmpeg.

    (imageio_ffmpeg.read_frames leaves ffmpeg's pipes open once ffmpeg has
    exited, which our warnings-as-errors setting turns into a failure.)
    """
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)]
    command += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    result = subprocess.run(command, capture_output=True, check=True)
    info = result.stderr.decode(errors="replace")
    width, height = map(int, re.search(r"Video: .*?, (\d+)x(\d+)", info).groups())
    fps = float(re.search(r"([\d.]+) fps", info).group(1))
    frames = np.frombuffer(result.stdout, np.uint8).reshape(-1, height, width, 3)
    return frames, fps


def small_animation(n_frames):
    """A small random animation of 32 EEG channels (res 32, dpi 40)."""
    from mne_coefanim import animate_coefs

    info = make_info(n_channels=32)
    data = np.random.default_rng(0).standard_normal((n_frames, 32))
    times = np.arange(n_frames) / 100.0
    return animate_coefs(data, info, times=times, res=32, dpi=40, show=False)
