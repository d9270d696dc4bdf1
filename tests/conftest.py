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
def info16():
    """16 EEG channels spread over the head (MNE's ``biosemi16`` montage)."""
    return make_info("biosemi16")


@pytest.fixture
def biosemi_info():
    return make_info("biosemi64")


def map_visibility(anim):
    """Per pixel, how much of the map shows, from a black and a white map.

    1 where the map shows fully (nothing drawn over it), 0 where it does not
    show at all; in between under antialiased outline and marker edges, and
    on the map's own antialiased edge (every cell filled: the clip cuts it).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    res = anim.interp.res
    images = map_images(anim)
    saved = [image.get_array().copy() for image in images]
    # a blitting animation marks the maps animated, which a plain draw skips
    animated = [image.get_animated() for image in images]
    for image in images:
        image.set_animated(False)
    renders = []
    for value in (0, 255):
        rgba = np.full((res, res, 4), (value, value, value, 255), np.uint8)
        for image in images:
            image.set_data(rgba)
        canvas = FigureCanvasAgg(anim.fig)
        canvas.draw()
        renders.append(np.asarray(canvas.buffer_rgba())[..., :3].astype(int))
    for image, array, was in zip(images, saved, animated, strict=True):
        image.set_data(array)
        image.set_animated(was)
    return (renders[1] - renders[0]).min(axis=-1) / 255.0


# -- the interpolator's points, read through its public face -------------------


def point_values(interp, values):
    """The values at ``interp.points`` (sensors, then extra points), shape (n_points,).

    As MNE's ``border='mean'`` sets them: each extra point takes the mean of
    the channels it is joined to in ``interp.triangulation``; one joined to no
    channel, the mean of the other extra points.
    """
    n_channels = interp.n_channels
    indptr, indices = interp.triangulation.vertex_neighbor_vertices
    extra = np.full(len(interp.points) - n_channels, np.nan)
    for row in range(len(extra)):
        joined = indices[indptr[n_channels + row] : indptr[n_channels + row + 1]]
        joined = joined[joined < n_channels]
        if joined.size:
            extra[row] = values[joined].mean()
    lonely = np.isnan(extra)
    extra[lonely] = extra[~lonely].mean() if not lonely.all() else values.mean()
    return np.concatenate([values, extra])


# -- what an animation shows, read through its public face ----------------------


def map_images(anim):
    """The map image of each panel (one image per map axes)."""
    return [ax.images[0] for ax in anim.map_axes]


def map_rgba(anim, panel=0):
    """RGBA (uint8, shape (res, res, 4)) of a panel's map image as it is shown."""
    image = map_images(anim)[panel]
    return np.asarray(image.to_rgba(image.get_array(), bytes=True))


def shown_colors(anim, k, panel=0):
    """RGB (uint8) of every map cell inside the head that frame k shows."""
    anim.show_frame(k)
    return map_rgba(anim, panel)[anim.interp.inside][:, :3]


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


def viewer_meta(html):
    """The first viewer's data ``M`` in a page or fragment, as the browser reads it."""
    import json

    return json.loads(re.search(r'\{"M":(\{.*?\}),\n"F":\[\n', html, re.S).group(1))


def small_animation(n_frames, **kwargs):
    """A small random animation of 32 EEG channels (res 32, dpi 40)."""
    from mne_coefanim import animate_coefs

    info = make_info(n_channels=32)
    data = np.random.default_rng(0).standard_normal((n_frames, 32))
    times = np.arange(n_frames) / 100.0
    return animate_coefs(data, info, times=times, res=32, dpi=40, show=False,
                         **kwargs)  # fmt: skip


# -- a composed frame against a full matplotlib draw ------------------------------


class FrameDiff:
    """How a composed frame differs from a full draw of the same frame.

    Pixels are split by how much of a map shows through (``map_visibility``):
    ``map`` where it shows fully, ``partial`` where outlines, sensors or mask
    markers partly cover it (blends), ``chrome`` everywhere else (background,
    outlines, colour bars, texts, score panel).

    Attributes
    ----------
    diff : array of int, shape (height, width)
        Per pixel, the largest difference over R, G and B (in levels, 0-255).
    regions : dict of str to array of bool
        The ``map``, ``partial`` and ``chrome`` pixels.
    """

    def __init__(self, composed, drawn, visibility):
        self.diff = np.abs(composed.astype(int) - drawn.astype(int)).max(axis=-1)
        self.regions = {
            "map": visibility == 1,
            "partial": (visibility > 0) & (visibility < 1),
            "chrome": visibility == 0,
        }

    def max(self, region):
        """The largest difference in a region (0 for an empty region)."""
        values = self.diff[self.regions[region]]
        return int(values.max()) if values.size else 0

    def count(self, region, above=0):
        """How many pixels of a region differ by more than ``above`` levels."""
        return int((self.diff[self.regions[region]] > above).sum())

    def where(self, region, above=0, n=5):
        """``(row, col, difference)`` of the worst pixels of a region."""
        diff = np.where(self.regions[region], self.diff, -1)
        worst = np.argsort(diff, axis=None)[::-1][:n]
        rows, cols = np.unravel_index(worst, diff.shape)
        pixels = zip(rows, cols, strict=True)
        return [
            (int(r), int(c), int(diff[r, c])) for r, c in pixels if diff[r, c] > above
        ]

    def box(self, region, above=0):
        """Rows and columns (first, last) spanned by the differing pixels."""
        rows, cols = np.nonzero(self.regions[region] & (self.diff > above))
        if not rows.size:
            return None
        return (int(rows.min()), int(rows.max())), (int(cols.min()), int(cols.max()))

    def __str__(self):
        lines = []
        for region, pixels in self.regions.items():
            lines.append(
                f"{region}: {int(pixels.sum())} px, {self.count(region)} differ "
                f"({self.count(region, 16)} by > 16 levels), max "
                f"{self.max(region)}, rows/cols {self.box(region)}, worst "
                f"{self.where(region)}"
            )
        return "\n".join(lines)

    __repr__ = __str__


def compare_frame(anim, k, dpi=None):
    """Frame ``k`` composed for a file against a full matplotlib draw of it.

    The composed frame comes from ``anim.iter_frames(dpi=dpi)`` as palette
    indices, made RGB through ``anim.palette``; the draw is
    ``anim.show_frame(k)`` drawn through a FigureCanvasAgg at the same dpi,
    with the "animated" flags of a blitting animation cleared (a plain draw
    skips animated artists). Use it to debug a pixel mismatch:
    ``print(compare_frame(anim, 3)[2])``.

    Returns
    -------
    composed, drawn : array of uint8, shape (height, width, 3)
        RGB of the composed frame and of the draw.
    report : FrameDiff
        The differences, by region (map, partly covered, chrome).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = anim.fig
    dpi = anim.dpi if dpi is None else dpi
    frames = anim.iter_frames(dpi=dpi)
    try:
        for _ in range(k + 1):
            indices = next(frames)
    finally:
        frames.close()
    composed = anim.palette[indices]
    # what a blitting animation marks animated: maps, label, markers, cursors,
    # contours (fig.findobj() would make every axis create all its ticks)
    artists = [*fig.texts]
    for ax in fig.axes:
        artists += [*ax.images, *ax.lines, *ax.texts, *ax.collections]
    animated = [a for a in artists if a.get_animated()]
    original_canvas, original_dpi = fig.canvas, fig.dpi
    anim.show_frame(k)
    for artist in animated:
        artist.set_animated(False)
    try:
        fig.set_dpi(dpi)
        visibility = map_visibility(anim)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        drawn = np.asarray(canvas.buffer_rgba())[..., :3].copy()
    finally:
        for artist in animated:
            artist.set_animated(True)
        fig.set_dpi(original_dpi)
        fig.set_canvas(original_canvas)
    return composed, drawn, FrameDiff(composed, drawn, visibility)


# -- the command line: what it passes to animate_coefs, and its one-line errors


@pytest.fixture
def spy(monkeypatch):
    """Record the options the CLI passes to animate_options (and what it returns)."""
    from types import SimpleNamespace

    from mne_coefanim import _api

    calls = []
    real = _api.animate_options

    def recording(data, info=None, **kwargs):
        anim = real(data, info, **kwargs)
        calls.append(SimpleNamespace(data=data, info=info, kwargs=kwargs, anim=anim))
        return anim

    monkeypatch.setattr(_api, "animate_options", recording)
    return calls


def run(capsys, *argv):
    """Run ``mne-coefanim ARGV``; return (exit code, stdout, stderr)."""
    from mne_coefanim.cli._main import main

    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def option_helps(capsys, command):
    """Each option's help as ``mne-coefanim COMMAND --help`` prints it, on one line.

    A dict from each of an option's strings (``'-o'``, ``'--output'``) to its
    help text; positional arguments are left out.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COLUMNS", "10000")  # argparse wraps at the terminal's width
        code, out, _ = run(capsys, command, "--help")
    assert code == 0
    helps, strings = {}, None
    for line in out.splitlines():
        if line.startswith("  -"):  # an option's entry starts
            invocation, *text = re.split(r"\s{2,}", line.strip(), maxsplit=1)
            strings = [part.split()[0] for part in invocation.split(", ")]
            for string in strings:
                helps[string] = " ".join(text)
        elif strings and line.startswith("   "):  # its help goes on
            for string in strings:
                helps[string] = f"{helps[string]} {line.strip()}".strip()
        else:  # a blank line, a group's title or a positional argument
            strings = None
    return helps


def assert_one_line_error(code, err, match):
    """The CLI's promise: one line on stderr, exit code 2."""
    assert code == 2
    assert err.startswith("mne-coefanim: error: "), err
    assert err.count("\n") == 1, err
    assert match in err, err


# -- the threads that compress a GIF's frames ----------------------------------


@pytest.fixture
def two_cpus(monkeypatch):
    """A process that may use two CPUs (saves compress on helper threads)."""
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no CPU affinity on this platform")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})


class GifEncoderThreads:
    """Record the threads on which Pillow compresses GIF frames.

    Wraps Pillow's public ``Image.save`` (format ``'GIF'``, the encoder
    threads' route) and ``Image.tobytes`` (encoder ``'gif'``, the route in the
    caller's thread) for the test that passes ``monkeypatch``. With ``meet=n``,
    the first ``n`` compressions wait for each other (up to 20 s): a save
    that does not compress on ``n`` threads at once fails with
    :class:`threading.BrokenBarrierError`, a worker count observed, not read.

    Attributes
    ----------
    names : list of str
        The name of the thread of each compression, in order.
    intervals : list of float
        Python's switch interval at each compression.
    """

    def __init__(self, monkeypatch, meet=0):
        import sys
        import threading

        from PIL import Image

        from mne_coefanim.io._gif import encode_image

        # the once-a-process check of the routes compresses too: not counted
        encode_image(np.zeros((1, 1), np.uint8), 0, 0, bytes(768))
        self.names, self.intervals = [], []
        lock = threading.Lock()
        barrier = threading.Barrier(meet, timeout=20) if meet else None

        def compressing():
            with lock:
                self.names.append(threading.current_thread().name)
                self.intervals.append(sys.getswitchinterval())
                k = len(self.names)
            if k <= meet:
                barrier.wait()

        def save(image, fp, format=None, **params):
            if format == "GIF":
                compressing()
            return _PIL_SAVE(image, fp, format, **params)

        def tobytes(image, encoder_name="raw", *args):
            if encoder_name == "gif":
                compressing()
            return _PIL_TOBYTES(image, encoder_name, *args)

        monkeypatch.setattr(Image.Image, "save", save)
        monkeypatch.setattr(Image.Image, "tobytes", tobytes)


def _pil_methods():
    from PIL import Image

    return Image.Image.save, Image.Image.tobytes


_PIL_SAVE, _PIL_TOBYTES = _pil_methods()


def save_with_both_cores(anim, path, monkeypatch):
    """Save ``anim``, asserting that two encoder threads compressed at once."""
    encoders = GifEncoderThreads(monkeypatch, meet=2)
    anim.save(path)
    helpers = set(encoders.names)
    assert len(helpers) == 2, encoders.names
    assert all(name.startswith("mne_coefanim") for name in helpers)
    return path.read_bytes()
