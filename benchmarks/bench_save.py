"""Benchmark saving a scalp animation as a GIF: ours, MNE's, and hand-rolled.

One run measures, on the same data (64 EEG channels of MNE's ``biosemi64``
montage, 145 frames of smooth random values from a fixed seed, a 5 fps GIF of
about 500 x 500 px):

A. the three routes end to end (ours; ``Evoked.animate_topomap`` + pillow
   writer; per-frame ``griddata`` + ``FuncAnimation`` + pillow writer);
B. the floor: the pieces our save cannot avoid, each timed alone;
C. how our save scales with frames (with peak memory, one fresh process per
   run), channels and resolution;
D. how building the interpolator scales with the number of channels (256,
   1,000 and 4,000 random positions in a disk; time and peak memory, one
   fresh process per count);
E. the interactive HTML viewer against the GIF, from the same animation: save
   time and file size for 145 frames x 64 channels (paired runs), and peak
   memory for 100 and 10,000 frames (one fresh process per run);
F. start-up: the CPU time of fresh processes that import the package, use a
   public name first, or print the command's help, against ``import mne``.

Usage::

    python benchmarks/bench_save.py [--quick] [--out results.json]

Absolute times drift 10-15 % between runs on a shared machine: compare the
ratios, which are measured within one run. See benchmarks/README.md.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
# one BLAS thread (unless set by the caller): idle BLAS threads spin and add
# CPU time that is no work, and the routes are single-threaded anyway
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import bench_end_to_end as e2e  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import mne  # noqa: E402
import numpy as np  # noqa: E402
import PIL  # noqa: E402
import scipy  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402
from PIL import Image  # noqa: E402
from scipy.interpolate import griddata  # noqa: E402
from scipy.ndimage import gaussian_filter1d  # noqa: E402

import mne_coefanim  # noqa: E402
from mne_coefanim.io._gif import write_gif  # noqa: E402

N_FRAMES = 145
MONTAGE = "biosemi64"
FPS = 5
RES = 256
SEED = 0
SFREQ = 250.0
TMIN = -0.1
AMPLITUDE = 5e-6  # volts, as MNE expects EEG
# our map at dpi=100, if it cannot be read from the figure: side, top, left
DEFAULT_MAP_BOX = (310, 75, 45)
N_LEVELS = 192  # map colours in our palette
HANDROLLED_GRIDS = ((1000, 2000), (256, 256))  # (rows, cols)
HANDROLLED_SIZE = (5, 5)  # inches at 100 dpi: 500 x 500 px
QUICK_FIT_FRAMES = (3, 12)  # quick mode: hand-rolled frame counts for the fit
TARGETS = {
    "mne_over_ours": 15.0,
    "handrolled_over_ours": 40.0,
    "save_over_floor": 1.5,
    "memory_growth_mb": 200.0,
    "viewer_time_over_gif": 1.5,
    "viewer_size_over_gif": 1.3,
    "ch256_over_ch32": 1.5,
    # issue 13: `import mne_coefanim` at most 0.35x the CPU of the eager import
    # (every public name loaded, as `from mne_coefanim import *` does now)
    "import_over_eager": 0.35,
    "help_cpu_s": 0.5,  # `mne-coefanim --help`, CPU seconds
}
SCALING_FRAMES = (10, 100, 1000, 10000)
SCALING_FRAMES_QUICK = (10, 100, 1000)
SCALING_MONTAGES = ("biosemi32", "biosemi64", "biosemi128", "biosemi256")
SCALING_RES = (64, 128, 256, 512)
CHILD_ARG = "--child-frames"
BUILD_CHANNELS = (256, 1000, 4000)
CHANNELS_CHILD_ARG = "--child-channels"
DISK_RADIUS = 0.08  # m: random channels inside MNE's 95 mm head
EAGER = "eager: from mne_coefanim import *"  # what `import` loaded up to 0.1.0
STARTUP_RUNS = 5  # fresh processes per start-up row (median)
CLI = ("-m", "mne_coefanim.cli._main")  # the console script's code, no shim
STARTUP = (  # row -> the interpreter's arguments
    ("python -c pass", ("-c", "pass")),
    ("import mne", ("-c", "import mne")),
    ("import mne_coefanim", ("-c", "import mne_coefanim")),
    (EAGER, ("-c", "from mne_coefanim import *")),
    ("first use: mne_coefanim.animate_coefs",
     ("-c", "import mne_coefanim; mne_coefanim.animate_coefs")),
    ("mne-coefanim --help", (*CLI, "--help")),
    ("mne-coefanim render --help", (*CLI, "render", "--help")),
)  # fmt: skip


# --------------------------------------------------------------------------
# data


def make_info(montage=MONTAGE):
    """Return an EEG Info with the positions of a built-in montage."""
    mont = mne.channels.make_standard_montage(montage)
    info = mne.create_info(mont.ch_names, SFREQ, "eeg")
    info.set_montage(mont)
    return info


def make_data(n_frames, pos, seed=SEED):
    """Smooth random data, shape (n_frames, n_channels), in volts.

    White noise smoothed in time (Gaussian, 4 frames) and in space (Gaussian
    over the 2-D sensor distance), so the maps look like topographies and
    consecutive frames resemble each other, as with real data (GIF sizes and
    LZW times depend on that).
    """
    rng = np.random.default_rng(seed)
    pad = 20
    noise = rng.standard_normal((n_frames + 2 * pad, len(pos)))
    temporal = gaussian_filter1d(noise, sigma=4.0, axis=0)[pad:-pad]
    dist = np.linalg.norm(pos[:, np.newaxis] - pos[np.newaxis], axis=-1)
    width = 0.3 * np.ptp(pos, axis=0).max()
    data = temporal @ np.exp(-0.5 * (dist / width) ** 2)
    return data * (AMPLITUDE / np.abs(data).max())


class Scene:
    """The inputs every route shares: info, sensors, data and times."""

    def __init__(self, n_frames=N_FRAMES, montage=MONTAGE):
        self.info = make_info(montage)
        self.sensors = mne_coefanim.resolve_sensors(self.info)
        self.pos = self.sensors.pos
        self.data = make_data(n_frames, self.pos)
        self.times = TMIN + np.arange(n_frames) / SFREQ

    def interpolator(self, res=RES):
        """Our interpolator for these sensors, as animate_coefs builds it."""
        return mne_coefanim.ScalpInterpolator(
            self.pos, res=res, sphere=self.sensors.sphere, ch_type="eeg"
        )


# --------------------------------------------------------------------------
# timing helpers


def clock():
    return time.perf_counter()


class Lap:
    """Record wall-clock and CPU seconds of consecutive steps.

    ``lap('save')`` stores the time since the previous call (or creation) as
    ``result['save']`` (wall clock) and ``result['save_cpu']`` (this
    process's CPU time, all threads). On a shared machine, waiting for a CPU
    stretches wall-clock times but not CPU times (a busy sibling hyperthread
    still slows both).
    """

    def __init__(self):
        self.result = {}
        self._start = (time.perf_counter(), time.process_time())

    def __call__(self, name):
        now = (time.perf_counter(), time.process_time())
        self.result[name] = now[0] - self._start[0]
        self.result[f"{name}_cpu"] = now[1] - self._start[1]
        self._start = (time.perf_counter(), time.process_time())
        return self.result


def add_total(result):
    """Add ``total`` (and ``total_cpu``) = build + save to a Lap result."""
    result["total"] = result["build"] + result["save"]
    result["total_cpu"] = result["build_cpu"] + result["save_cpu"]
    return result


def timed(func):
    """Run ``func()``; return its seconds (wall and CPU) for :func:`repeat`."""
    lap = Lap()
    func()
    return lap("seconds")


def repeat(run, repeats):
    """Call ``run()`` (a dict of numbers) ``repeats`` times; medians per key."""
    results = [run() for _ in range(repeats)]
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def gif_size(path):
    with Image.open(path) as image:
        return image.size, image.n_frames


def peak_rss_mb():
    """Peak resident memory of this process so far, in MB.

    On Linux, VmHWM: ``ru_maxrss`` also counts the parent's memory at fork
    time, which a child keeps across ``exec``.
    """
    try:
        with open("/proc/self/status") as fid:
            for line in fid:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, else kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


# --------------------------------------------------------------------------
# A. routes


def run_ours(scene, path, res=RES, interpolate=False):
    """Our route: build the animation, then save it; seconds of each.

    With ``interpolate``, also time ``interpolate_inside`` of all frames
    through the animation's own operator (between build and save).
    """
    lap = Lap()
    anim = mne_coefanim.animate_coefs(
        scene.data, scene.info, times=scene.times, res=res, fps=FPS,
        show=False, verbose=False,
    )  # fmt: skip
    lap("build")
    if interpolate:  # cheap: median of 3 (the first call also faults pages in)
        runs = [timed(lambda: anim.interp.interpolate_inside(scene.data))
                for _ in range(3)]  # fmt: skip
        for key in ("", "_cpu"):
            lap.result[f"interpolate{key}"] = statistics.median(
                r[f"seconds{key}"] for r in runs
            )
        lap("interpolate_timing")  # keeps the timing calls out of the save
    anim.save(path, overwrite=True, verbose=False)
    lap("save")
    plt.close(anim.fig)
    return add_total(lap.result)


def run_mne(evoked, path, butterfly):
    """MNE's route, with its defaults (res=64, contours=6, 6 x 5 in figure)."""
    with warnings.catch_warnings():
        # MNE warns for more than 25 time points; an animation has more
        warnings.filterwarnings("ignore", "More than 25 topomaps", RuntimeWarning)
        lap = Lap()
        fig, anim = evoked.animate_topomap(
            times=evoked.times, frame_rate=FPS, blit=True, show=False,
            time_unit="s", butterfly=butterfly,
        )  # fmt: skip
        lap("build")
        anim.save(path, writer="pillow", fps=FPS)
        lap("save")
    plt.close(fig)
    return add_total(lap.result)


def run_handrolled(scene, path, grid, n_frames):
    """Per-frame cubic griddata on a (rows, cols) grid, imshow, FuncAnimation."""
    lap = Lap()
    center, radius = scene.sensors.sphere[:2], scene.sensors.sphere[3]
    x = np.linspace(center[0] - radius, center[0] + radius, grid[1])
    y = np.linspace(center[1] - radius, center[1] + radius, grid[0])
    xx, yy = np.meshgrid(x, y)
    # microvolts, as users plot EEG: with volts and metres, scipy's gradient
    # estimate iterates far longer and griddata is 10-30x slower
    data = scene.data * 1e6
    vmax = np.abs(data).max()
    fig, ax = plt.subplots(figsize=HANDROLLED_SIZE, dpi=100)
    image = ax.imshow(
        np.full(grid, np.nan), extent=(x[0], x[-1], y[0], y[-1]), origin="lower",
        cmap="RdBu_r", vmin=-vmax, vmax=vmax,
    )  # fmt: skip
    ax.scatter(*scene.pos.T, s=6, c="k")
    ax.add_patch(Circle(center, radius, fill=False, lw=2))
    ax.set_axis_off()
    title = ax.set_title("")

    def update(k):
        image.set_data(griddata(scene.pos, data[k], (xx, yy), method="cubic"))
        title.set_text(f"{scene.times[k]:0.3f} s")
        return [image, title]

    anim = FuncAnimation(fig, update, frames=n_frames, interval=1000 / FPS)
    lap("build")
    anim.save(path, writer="pillow", fps=FPS)
    lap("save")
    plt.close(fig)
    return add_total(lap.result)


def handrolled_extrapolated(scene, path, grid, repeats):
    """Time two short saves; extrapolate the save linearly to N_FRAMES."""
    n_small, n_large = QUICK_FIT_FRAMES
    small = repeat(lambda: run_handrolled(scene, path, grid, n_small), repeats)
    large = repeat(lambda: run_handrolled(scene, path, grid, n_large), repeats)
    result = {"extrapolated": True}
    for suffix in ("", "_cpu"):
        save_small, save_large = small[f"save{suffix}"], large[f"save{suffix}"]
        per_frame = (save_large - save_small) / (n_large - n_small)
        result[f"per_frame{suffix}"] = per_frame
        result[f"save{suffix}"] = save_large + (N_FRAMES - n_large) * per_frame
        builds = small[f"build{suffix}"], large[f"build{suffix}"]
        result[f"build{suffix}"] = statistics.mean(builds)
    return add_total(result)


def section_routes(scene, folder, args):
    slow = 1 if args.quick else args.repeats
    results = {}
    path = folder / "ours.gif"
    results["ours"] = repeat(lambda: run_ours(scene, path), args.repeats)
    results["ours"]["gif"] = gif_size(path)

    evoked = mne.EvokedArray(scene.data.T, scene.info, tmin=TMIN)
    variants = [("mne", False)] + ([] if args.quick else [("mne_butterfly", True)])
    for name, butterfly in variants:
        path = folder / f"{name}.gif"
        results[name] = repeat(lambda p=path, b=butterfly: run_mne(evoked, p, b), slow)
        results[name]["gif"] = gif_size(path)

    for grid in HANDROLLED_GRIDS:
        name = f"handrolled_{grid[0]}x{grid[1]}"
        path = folder / f"{name}.gif"
        if args.quick:
            results[name] = handrolled_extrapolated(scene, path, grid, slow)
        else:
            results[name] = repeat(
                lambda p=path, g=grid: run_handrolled(scene, p, g, N_FRAMES), slow
            )
            results[name]["extrapolated"] = False
        results[name]["gif"] = gif_size(path)
    return results


def print_routes(results):
    ours = results["ours"]
    rows = []
    for name, res in results.items():
        note = ""
        if res.get("extrapolated"):
            n_small, n_large = QUICK_FIT_FRAMES
            note = f"save extrapolated from {n_small} and {n_large} frames"
        (width, height), n_frames = res["gif"]
        rows.append([
            name, f"{res['build']:.2f}", f"{res['save']:.2f}",
            f"{res['total']:.2f}", f"{res['total'] / ours['total']:.1f}x",
            f"{res['save'] / ours['save']:.1f}x", f"{res['total_cpu']:.2f}",
            f"{res['total_cpu'] / ours['total_cpu']:.1f}x",
            f"{width}x{height}/{n_frames}", note,
        ])  # fmt: skip
    print_table(
        f"A. Routes: {N_FRAMES} frames -> GIF at {FPS} fps (median seconds)",
        ["route", "build", "save", "total", "total/ours", "save/ours",
         "CPU total", "CPU total/ours", "GIF px/frames", "note"],
        rows,
    )  # fmt: skip
    print(
        "  build: until the animation object exists; save: anim.save(...) alone;\n"
        "  total = build + save, wall clock; CPU = this process's CPU time.\n"
        "  MNE runs with its defaults (res=64, contours=6, 6x5 in figure).\n"
        "  GIF frames: what was written (fewer when extrapolated)."
    )
    checks = [
        ("mne", "mne_over_ours", "MNE"),
        ("handrolled_1000x2000", "handrolled_over_ours", "hand-rolled 1000x2000"),
    ]
    for name, key, label in checks:
        ratio = results[name]["total"] / ours["total"]
        ratio_cpu = results[name]["total_cpu"] / ours["total_cpu"]
        target = TARGETS[key]
        print(
            f"  target {label} / ours >= {target:g}x: wall {ratio:.1f}x "
            f"({verdict(ratio >= target)}), CPU {ratio_cpu:.1f}x "
            f"({verdict(ratio_cpu >= target)})"
        )


def verdict(met):
    return "met" if met else "MISSED"


# --------------------------------------------------------------------------
# B. the floor


def palette_256(cmap="RdBu_r"):
    """N_LEVELS colours of the map, then greys for the rest of the figure."""
    centres = (np.arange(N_LEVELS) + 0.5) / N_LEVELS
    colors = np.round(matplotlib.colormaps[cmap](centres)[:, :3] * 255)
    greys = np.linspace(0, 255, 256 - N_LEVELS)[:, np.newaxis].repeat(3, axis=1)
    return np.concatenate([colors, greys]).astype(np.uint8)


def our_map_box(anim):
    """Where our frames show the map: (side, top, left) in output pixels.

    The image spans ``anim.interp.extent`` in the map axes' data units; the
    saved frames are the figure at its own dpi. Read from public matplotlib
    objects; falls back to DEFAULT_MAP_BOX.
    """
    try:
        fig = anim.fig
        ax = next(ax for ax in fig.axes if ax.get_images())
        fig.canvas.draw()  # apply the equal aspect before reading transforms
        xmin, xmax, ymin, ymax = anim.interp.extent
        (left, top), (right, _) = ax.transData.transform([(xmin, ymax), (xmax, ymin)])
        height = fig.bbox.height
        return round(right - left), round(height - top), round(left)
    except Exception:  # noqa: BLE001
        return DEFAULT_MAP_BOX


def head_pixel_map(interp, shape, box):
    """Output pixels of the head and the inside-cell each one shows.

    Nearest upsampling of the res x res grid to a square of ``box = (side,
    top, left)`` pixels in a frame of ``shape``, where our frames show it.

    Returns
    -------
    pixels : array, shape (n_pixels,)
        Flat indices into the frame.
    cells : array, shape (n_pixels,)
        Index of each pixel's cell among the interpolator's inside cells.
    """
    side, top, left = box
    source = np.arange(side) * interp.res // side
    # row 0 of the frame is the top of the head: the grid's last row
    grid_cell = (source[::-1, np.newaxis] * interp.res + source).ravel()
    inside = interp.inside.ravel()
    rank = np.cumsum(inside) - 1
    rows, cols = np.divmod(np.arange(side * side), side)
    flat = (rows + top) * shape[1] + (cols + left)
    keep = inside[grid_cell]
    return flat[keep], rank[grid_cell[keep]]


def static_background(shape, box):
    """A white frame (index 255) with a black head circle (index N_LEVELS)."""
    side, top, left = box
    rows, cols = np.indices(shape)
    half = side / 2
    dist = np.hypot(rows - top - half, cols - left - half)
    frame = np.full(shape, 255, np.uint8)
    frame[np.abs(dist - half + 2) < 1.5] = N_LEVELS
    return frame


def run_floor(scene, path, shape, box):
    """Time each unavoidable piece of a save alone; seconds per piece."""
    lap = Lap()
    interp = scene.interpolator()
    lap("build_operator")
    pixels, cells = head_pixel_map(interp, shape, box)
    background = static_background(shape, box)
    palette = palette_256()
    lap("build_pixel_map")

    values = interp.interpolate_inside(scene.data)
    lap("interpolate")

    vmax = np.abs(scene.data).max()
    vmin = -vmax
    # in place on step 1's output: a new 59 MB array would add page faults
    # (0.02 s of arithmetic became 0.09-0.11 s in some runs), and a floor
    # must not pay for what a careful implementation avoids
    values -= vmin
    values *= N_LEVELS / (vmax - vmin)
    np.clip(values, 0, N_LEVELS - 1, out=values)
    levels = values.astype(np.uint8)
    lap("colour_index")

    frames = []
    for frame_levels in levels:
        frame = background.copy()
        frame.ravel()[pixels] = frame_levels[cells]
        frames.append(frame)
    lap("compose")

    write_gif(path, frames, palette, fps=FPS, overwrite=True)
    seconds = lap("write_gif")
    pieces = ("interpolate", "colour_index", "compose", "write_gif")
    seconds["floor"] = sum(seconds[k] for k in pieces)
    seconds["floor_cpu"] = sum(seconds[f"{k}_cpu"] for k in pieces)
    return seconds


def section_floor(scene, folder, args, routes):
    (width, height), _ = routes["ours"]["gif"]
    anim = mne_coefanim.animate_coefs(
        scene.data, scene.info, times=scene.times, res=RES, fps=FPS,
        show=False, verbose=False,
    )  # fmt: skip
    box = our_map_box(anim)
    path = folder / "floor.gif"

    def paired():
        # our save right after the floor, so that both see the same machine
        result = run_floor(scene, path, (height, width), box)
        ours = run_ours(scene, folder / "ours_paired.gif")
        for key in ("", "_cpu"):
            result[f"ours_save{key}"] = ours[f"save{key}"]
            result[f"ratio{key}"] = ours[f"save{key}"] / result[f"floor{key}"]
        return result

    floor = repeat(paired, args.repeats)
    floor["gif"] = gif_size(path)
    floor["map_box"] = box
    floor["our_build"] = {
        "scalp_interpolator": repeat(lambda: timed(scene.interpolator), args.repeats)[
            "seconds"
        ],
        "compositor_init": time_compositor(anim, args.repeats),
    }
    plt.close(anim.fig)
    return floor


def time_compositor(anim, repeats):
    """Seconds to set up our frame compositor (inside save); None if unknown."""
    try:  # private API: may change while the save path is being optimised
        from mne_coefanim.compose._compose import FrameCompositor

        return repeat(
            lambda: timed(lambda: FrameCompositor(anim._cfig.layers, anim.dpi)), repeats
        )["seconds"]
    except Exception:  # noqa: BLE001
        return None


def print_floor(floor, routes):
    pieces = [
        ("interpolate", f"(1) interpolate_inside, all frames, res={RES}"),
        ("colour_index", "(2) values -> uint8 colour index (arithmetic LUT)"),
        ("compose", "(3) gather into a static background, per frame"),
        ("write_gif", "(4) write_gif: indexed frames, one palette"),
        ("floor", "(5) floor = (1) + (2) + (3) + (4)"),
        ("ours_save", "ours: CoefAnimation.save, right after each floor run"),
    ]
    rows = []
    for key, label in pieces:
        seconds, cpu = floor[key], floor[f"{key}_cpu"]
        rows.append([label, f"{seconds:.3f}", f"{1000 * seconds / N_FRAMES:.2f}",
                     f"{cpu:.3f}"])  # fmt: skip
    (width, height), _ = floor["gif"]
    print_table(
        f"B. Floor: the same {N_FRAMES} frames, {width}x{height} px GIF, "
        f"{floor['map_box'][0]} px map as ours (median seconds)",
        ["piece", "s", "ms/frame", "CPU s"],
        rows,
    )
    target = TARGETS["save_over_floor"]
    ratio, ratio_cpu = floor["ratio"], floor["ratio_cpu"]
    print(
        f"  ours save / floor (median over pairs) <= {target:g}x: wall {ratio:.2f}x "
        f"({verdict(ratio <= target)}), CPU {ratio_cpu:.2f}x "
        f"({verdict(ratio_cpu <= target)})"
    )
    build = floor["our_build"]
    compositor = build["compositor_init"]
    compositor = "n/a" if compositor is None else f"{compositor:.3f} s"
    print(
        f"  floor set-up, not counted: operator {floor['build_operator']:.3f} s, "
        f"pixel map {floor['build_pixel_map']:.3f} s\n"
        f"  our build: animate_coefs {routes['ours']['build']:.3f} s, including "
        f"ScalpInterpolator(res={RES}) {build['scalp_interpolator']:.3f} s;\n"
        f"  our save includes FrameCompositor init {compositor}"
    )


# --------------------------------------------------------------------------
# C. scaling


def child_main(n_frames, folder, suffix=".gif"):
    """One frames-scaling run in a fresh process: print timings and memory."""
    scene = Scene(n_frames)
    after_import = peak_rss_mb()
    path = Path(folder) / f"frames_{n_frames}{suffix}"
    lap = Lap()
    anim = mne_coefanim.animate_coefs(
        scene.data, scene.info, times=scene.times, res=RES, fps=FPS,
        show=False, verbose=False,
    )  # fmt: skip
    lap("build")
    after_build = peak_rss_mb()
    anim.save(path, overwrite=True, verbose=False)
    result = {
        **add_total(lap("save")), "rss_after_import": after_import,
        "rss_after_build": after_build, "peak_rss": peak_rss_mb(),
        "gif_mb": path.stat().st_size / 2**20,
    }  # fmt: skip
    path.unlink()
    print(json.dumps(result))


def run_child(n_frames, folder, suffix=".gif"):
    cmd = [sys.executable, os.path.abspath(__file__), CHILD_ARG, str(n_frames),
           str(folder), suffix]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"child for {n_frames} frames failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def scaling_frames(folder, args):
    counts = SCALING_FRAMES_QUICK if args.quick else SCALING_FRAMES
    rows = {}
    for n in counts:
        repeats = 1 if (args.quick or n >= 10000) else args.repeats
        rows[n] = repeat(lambda n=n: run_child(n, folder), repeats)
    return rows


def scaling_channels(folder, args):
    # our saves are fast: all repeats even in quick mode (1 run is too noisy)
    rows = {}
    for montage in SCALING_MONTAGES:
        scene = Scene(montage=montage)
        path = folder / f"{montage}.gif"
        row = repeat(
            lambda s=scene, p=path: run_ours(s, p, interpolate=True), args.repeats
        )
        rows[montage] = {"n_channels": len(scene.pos), **row}
    return rows


def scaling_res(folder, args):
    repeats = args.repeats  # as in scaling_channels: fast enough for quick mode
    scene = Scene()
    rows = {}
    for res in SCALING_RES:
        build = repeat(lambda r=res: timed(lambda: scene.interpolator(r)), repeats)
        path = folder / f"res_{res}.gif"
        row = repeat(
            lambda r=res, p=path: run_ours(scene, p, res=r, interpolate=True),
            repeats,
        )
        rows[res] = {
            "operator_build": build["seconds"],
            "operator_build_cpu": build["seconds_cpu"],
            **row,
        }
    return rows


def section_scaling(folder, args):
    return {
        "frames": scaling_frames(folder, args),
        "channels": scaling_channels(folder, args),
        "res": scaling_res(folder, args),
    }


def print_scaling(scaling):
    print_frames(scaling["frames"])
    print_channels(scaling["channels"])
    print_res(scaling["res"])


def print_frames(frames):
    rows, previous = [], None
    for n, row in frames.items():
        marginal = ["", ""]
        if previous is not None:
            n0, row0 = previous
            marginal = [
                f"{1000 * (row[key] - row0[key]) / (n - n0):.2f}"
                for key in ("save", "save_cpu")
            ]
        rows.append([
            n, f"{row['build']:.2f}", f"{row['save']:.2f}",
            f"{1000 * row['save'] / n:.2f}", f"{1000 * row['save_cpu'] / n:.2f}",
            *marginal, f"{row['rss_after_import']:.0f}", f"{row['peak_rss']:.0f}",
            f"{row['peak_rss'] - row['rss_after_import']:.0f}",
            f"{row['gif_mb']:.1f}",
        ])  # fmt: skip
        previous = (n, row)
    print_table(
        f"C1. Frames (ours, 64 ch, res={RES}; a fresh process per run)",
        ["frames", "build s", "save s", "save ms/fr", "CPU ms/fr",
         "marginal ms/fr", "CPU marginal", "RSS import MB", "peak RSS MB",
         "peak-import MB", "GIF MB"],
        rows,
    )  # fmt: skip
    print(
        "  marginal: extra save time per extra frame since the previous row\n"
        "  (constant when the cost is linear in frames). RSS = VmHWM."
    )
    largest = max(frames)
    if 100 in frames and largest > 100:
        growth = frames[largest]["peak_rss"] - frames[100]["peak_rss"]
        target = TARGETS["memory_growth_mb"]
        print(
            f"  peak RSS, {largest} frames - 100 frames = {growth:.0f} MB (target "
            f"for 10000 frames: <= {target:g} MB) -> {verdict(growth <= target)}"
        )


def print_channels(channels):
    rows = [
        [f"{montage} ({row['n_channels']})", f"{row['build']:.2f}",
         f"{1000 * row['interpolate'] / N_FRAMES:.3f}",
         f"{1000 * row['save'] / N_FRAMES:.2f}",
         f"{1000 * row['save_cpu'] / N_FRAMES:.2f}"]
        for montage, row in channels.items()
    ]  # fmt: skip
    print_table(
        f"C2. Channels (ours, {N_FRAMES} frames, res={RES}; per frame once built)",
        ["montage (channels)", "animate_coefs s", "interpolate ms/fr",
         "save ms/fr", "CPU save ms/fr"],
        rows,
    )  # fmt: skip
    low, high = channels[SCALING_MONTAGES[0]], channels[SCALING_MONTAGES[-1]]
    target = TARGETS["ch256_over_ch32"]
    ratio = high["save"] / low["save"]
    ratio_cpu = high["save_cpu"] / low["save_cpu"]
    print(
        f"  save per frame, 256 ch / 32 ch <= {target:g}x: wall {ratio:.2f}x "
        f"({verdict(ratio <= target)}), CPU {ratio_cpu:.2f}x "
        f"({verdict(ratio_cpu <= target)})\n"
        f"  interpolate_inside alone, 256 ch / 32 ch: "
        f"{high['interpolate'] / low['interpolate']:.2f}x"
    )


def print_res(res_rows):
    rows = [
        [res, f"{row['operator_build']:.3f}", f"{row['operator_build_cpu']:.3f}",
         f"{1000 * row['interpolate'] / N_FRAMES:.3f}", f"{row['build']:.2f}",
         f"{row['save']:.2f}", f"{row['save_cpu']:.2f}"]
        for res, row in res_rows.items()
    ]  # fmt: skip
    print_table(
        f"C3. Resolution (ours, 64 ch, {N_FRAMES} frames)",
        ["res", "ScalpInterpolator s", "CPU s", "interpolate ms/fr",
         "animate_coefs s", "save s", "CPU save s"],
        rows,
    )  # fmt: skip


# --------------------------------------------------------------------------
# D. building the interpolator for many channels


def disk_positions(n_channels, seed=SEED, radius=DISK_RADIUS):
    """Uniformly random 2-D positions in a disk (metres), from a fixed seed."""
    rng = np.random.default_rng(seed)
    r = radius * np.sqrt(rng.uniform(size=n_channels))
    theta = rng.uniform(0, 2 * np.pi, n_channels)
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)])


def child_channels_main(n_channels):
    """Build ScalpInterpolator(res=RES) for random channels, in a fresh process.

    Prints JSON: the build's wall and CPU seconds and the peak memory above
    what the process held before it (VmHWM, every allocation, SuperLU's
    included), then the peak of a second, traced build (tracemalloc: numpy
    and Python allocations only), and the per-frame cost of interpolating
    N_FRAMES frames through the operator.
    """
    import tracemalloc

    pos = disk_positions(n_channels)
    values = np.random.default_rng(SEED).standard_normal((N_FRAMES, n_channels))
    before = peak_rss_mb()
    lap = Lap()
    interp = mne_coefanim.ScalpInterpolator(pos, res=RES)
    lap("build")
    rss_growth = peak_rss_mb() - before
    interp.interpolate_inside(values)
    result = lap("interpolate")
    del interp
    tracemalloc.start()
    mne_coefanim.ScalpInterpolator(pos, res=RES)
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    result.update(n_channels=n_channels, rss_growth_mb=rss_growth,
                  traced_peak_mb=traced_peak)  # fmt: skip
    print(json.dumps(result))


def section_viewer(scene, folder, args):
    """The HTML viewer against the GIF: save time, size and memory."""
    anim = mne_coefanim.animate_coefs(
        scene.data, scene.info, times=scene.times, res=RES, fps=FPS,
        show=False, verbose=False,
    )  # fmt: skip
    paths = {"gif": folder / "viewer.gif", "html": folder / "viewer.html"}
    runs = {"gif": [], "html": []}
    for _ in range(max(args.repeats, 3)):  # paired: the same machine state
        for kind, path in paths.items():
            runs[kind].append(
                timed(lambda p=path: anim.save(p, overwrite=True, verbose=False))
            )
    plt.close(anim.fig)
    result = {}
    for kind, path in paths.items():
        for key in ("seconds", "seconds_cpu"):
            result[f"{kind}_{key}"] = statistics.median(r[key] for r in runs[kind])
        result[f"{kind}_mb"] = path.stat().st_size / 2**20
    counts = (100, 1000) if args.quick else (100, 10000)
    result["memory"] = {n: run_child(n, folder, ".html")["peak_rss"] for n in counts}
    return result


def print_viewer(result):
    time_ratio = result["html_seconds"] / result["gif_seconds"]
    cpu_ratio = result["html_seconds_cpu"] / result["gif_seconds_cpu"]
    size_ratio = result["html_mb"] / result["gif_mb"]
    print_table(
        f"E. The HTML viewer against the GIF ({N_FRAMES} frames, 64 ch, res={RES})",
        ["file", "save s", "save CPU s", "MB"],
        [[kind, f"{result[f'{kind}_seconds']:.3f}",
          f"{result[f'{kind}_seconds_cpu']:.3f}", f"{result[f'{kind}_mb']:.2f}"]
         for kind in ("gif", "html")],
    )  # fmt: skip
    time_target = TARGETS["viewer_time_over_gif"]
    size_target = TARGETS["viewer_size_over_gif"]
    print(
        f"  viewer / GIF: save time {time_ratio:.2f}x (CPU {cpu_ratio:.2f}x; target "
        f"<= {time_target:g}x) -> {verdict(time_ratio <= time_target)}; size "
        f"{size_ratio:.2f}x (target <= {size_target:g}x) -> "
        f"{verdict(size_ratio <= size_target)}"
    )
    (n_small, small), (n_large, large) = sorted(result["memory"].items())
    growth = large - small
    target = TARGETS["memory_growth_mb"]
    print(
        f"  viewer peak RSS, {n_large} frames - {n_small} frames = {growth:.0f} MB "
        f"(target <= {target:g} MB) -> {verdict(growth <= target)}"
    )


def section_build_channels(args):
    """Time and peak memory of building the interpolator, per channel count."""
    rows = {}
    for n in BUILD_CHANNELS:
        cmd = [sys.executable, os.path.abspath(__file__), CHANNELS_CHILD_ARG, str(n)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if out.returncode:
            raise RuntimeError(f"child for {n} channels failed:\n{out.stderr}")
        rows[n] = json.loads(out.stdout.strip().splitlines()[-1])
    return rows


def print_build_channels(rows):
    """Print how building the interpolator scales with the channel count."""
    table = [
        [n, f"{row['build']:.2f}", f"{row['build_cpu']:.2f}",
         f"{row['rss_growth_mb']:.0f}", f"{row['traced_peak_mb']:.0f}",
         f"{1000 * row['interpolate'] / N_FRAMES:.2f}"]
        for n, row in rows.items()
    ]  # fmt: skip
    print_table(
        f"D. Channels: ScalpInterpolator(res={RES}) build, random positions in a "
        "disk (a fresh process per count)",
        ["channels", "build s", "CPU s", "peak RSS growth MB",
         "tracemalloc peak MB", "interpolate ms/fr"],
        table,
    )  # fmt: skip
    counts = sorted(rows)
    if len(counts) > 1:
        low, high = rows[counts[0]], rows[counts[-1]]
        print(
            f"  {counts[-1]} / {counts[0]} channels ({counts[-1] / counts[0]:.1f}x): "
            f"build {high['build'] / low['build']:.1f}x, tracemalloc peak "
            f"{high['traced_peak_mb'] / low['traced_peak_mb']:.1f}x"
        )


# --------------------------------------------------------------------------
# F. start-up


def run_fresh(arguments, env=None):
    """Run ``python ARGUMENTS`` in a fresh process; its wall and CPU seconds.

    ``env``: the process's environment (None: this one's).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = clock()
    out = subprocess.run(
        [sys.executable, *arguments], capture_output=True, text=True, check=False,
        env=env,
    )  # fmt: skip
    wall = clock() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode:
        raise RuntimeError(f"python {' '.join(arguments)} failed:\n{out.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu}


def section_startup(args):
    """Median wall and CPU seconds of each start-up row, fresh processes."""
    runs = max(STARTUP_RUNS, args.repeats)
    return {
        label: repeat(lambda arguments=arguments: run_fresh(arguments), runs)
        for label, arguments in STARTUP
    }


def print_startup(rows, args):
    """Print the start-up costs, as ratios to ``import mne`` in this run."""
    mne_cpu = rows["import mne"]["cpu"]
    table = [
        [label, f"{row['wall']:.2f}", f"{row['cpu']:.2f}",
         f"{row['cpu'] / mne_cpu:.2f}"]
        for label, row in rows.items()
    ]  # fmt: skip
    runs = max(STARTUP_RUNS, args.repeats)
    print_table(
        f"F. Start-up: fresh processes, median of {runs} runs "
        "(the command as python -m mne_coefanim.cli._main)",
        ["process", "wall s", "CPU s", "CPU / import mne"],
        table,
    )
    ratio = rows["import mne_coefanim"]["cpu"] / rows[EAGER]["cpu"]
    target = TARGETS["import_over_eager"]
    print(
        f"  target import mne_coefanim / eager import <= {target:g}x: "
        f"CPU {ratio:.2f}x ({verdict(ratio <= target)})"
    )
    help_cpu = rows["mne-coefanim --help"]["cpu"]
    target = TARGETS["help_cpu_s"]
    print(
        f"  target mne-coefanim --help < {target:g} s CPU: {help_cpu:.2f} s "
        f"({verdict(help_cpu < target)})"
    )


# --------------------------------------------------------------------------
# G-K. issue 13's targets (bench_end_to_end.py)

E2E_SECTIONS = (  # letter, result key, run, print
    ("G", "end_to_end", lambda b, s, f, a: e2e.section_end_to_end(b, s, f, a),
     e2e.print_end_to_end),
    ("H", "options", e2e.section_options, e2e.print_options),
    ("I", "cores", lambda b, s, f, a: e2e.section_cores(b, f, a), e2e.print_cores),
    ("J", "batch", e2e.section_batch, e2e.print_batch),
    ("K", "scale", lambda b, s, f, a: e2e.section_scale(b, f, a), e2e.print_scale),
    ("L", "baseline", lambda b, s, f, a: e2e.section_baseline(b, f, a),
     e2e.print_baseline),
)  # fmt: skip


def run_end_to_end(scene, folder, args, results):
    """Run and print the sections G-K that were asked for."""
    module = sys.modules[__name__]
    for letter, key, run, show in E2E_SECTIONS:
        if letter in args.sections:
            results[key] = run(module, scene, folder, args)
            show(module, results[key])


# --------------------------------------------------------------------------
# output and main


def print_table(title, headers, rows):
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print("  " + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  " + "  ".join("-" * w for w in widths))
    for row in cells:
        line = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
        print("  " + line.rstrip())


def machine_info():
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "matplotlib": matplotlib.__version__,
        "mne": mne.__version__,
        "pillow": PIL.__version__,
        "mne_coefanim": getattr(mne_coefanim, "__version__", "?"),
    }


def print_machine(info, args):
    mode = "quick" if args.quick else "full"
    print(f"bench_save.py: {mode} mode, up to {args.repeats} repeats, medians")
    names = ("python", "numpy", "scipy", "matplotlib", "mne", "pillow", "mne_coefanim")
    print("  " + ", ".join(f"{name} {info[name]}" for name in names))
    load = ", ".join(f"{x:.2f}" for x in info["load_average"])
    print(f"  {info['platform']}, {info['cpu_count']} CPUs, load average {load}")
    print(f"  {info['date']}")
    print(
        "  Absolute times drift 10-15 % between runs (more on a busy machine):\n"
        "  compare the ratios, measured within one run."
    )


def warm_up(folder):
    """Load fonts, colour maps and MNE's topomap code once, untimed."""
    small = Scene(n_frames=3)
    path = folder / "warm.gif"
    run_ours(small, path)
    run_mne(mne.EvokedArray(small.data.T, small.info, tmin=TMIN), path, False)
    run_handrolled(small, path, (64, 64), 2)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true",
        help="1 repeat for MNE, hand-rolled and frame scaling, short "
             "hand-rolled runs, no butterfly, no 10000 frames (~1.5 minutes "
             "on a quiet 2-core machine)",
    )  # fmt: skip
    parser.add_argument(
        "--out", "--json", dest="out", default=None,
        help="also write every number to this JSON file",
    )  # fmt: skip
    parser.add_argument(
        "--repeats", type=int, default=3, help="repeats per measurement (medians)"
    )
    parser.add_argument(
        "--sections", default="ABCDEFGHIJKL",
        help="the sections to run, e.g. 'A' or 'CD' (B needs A); G-K are "
             "issue 13's end-to-end targets (bench_end_to_end.py); L compares "
             "warm saves with --baseline's",
    )  # fmt: skip
    parser.add_argument(
        "--baseline", metavar="TREE", default=None,
        help="section L: a checkout of another version (e.g. git worktree add "
             "--detach ../old COMMIT) whose warm saves this tree's are compared "
             "with, in alternating child processes",
    )  # fmt: skip
    args = parser.parse_args(argv)
    args.sections = args.sections.upper()
    if "B" in args.sections and "A" not in args.sections:
        parser.error("section B needs A (the floor is compared with our save)")
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    mne.set_log_level("WARNING")  # write_gif logs every file at INFO
    if argv and argv[0] == CHILD_ARG:
        child_main(int(argv[1]), *argv[2:])
        return
    if argv and argv[0] == CHANNELS_CHILD_ARG:
        child_channels_main(int(argv[1]))
        return
    if argv and argv[0] == e2e.SAVE_CHILD_ARG:
        e2e.child_save(sys.modules[__name__], argv[1], argv[2])
        return
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # tables appear as they finish
    start = clock()
    info = machine_info()
    print_machine(info, args)
    results = {"machine": info, "quick": args.quick, "repeats": args.repeats,
               "n_frames": N_FRAMES, "fps": FPS, "targets": TARGETS}  # fmt: skip
    scene = Scene()
    with tempfile.TemporaryDirectory(prefix="bench_save_") as tmp:
        folder = Path(tmp)
        warm_up(folder)
        if "A" in args.sections:
            results["routes"] = section_routes(scene, folder, args)
            print_routes(results["routes"])
        if "B" in args.sections:
            results["floor"] = section_floor(scene, folder, args, results["routes"])
            print_floor(results["floor"], results["routes"])
        if "C" in args.sections:
            results["scaling"] = section_scaling(folder, args)
            print_scaling(results["scaling"])
        if "E" in args.sections:
            results["viewer"] = section_viewer(scene, folder, args)
            print_viewer(results["viewer"])
        run_end_to_end(scene, folder, args, results)
    if "D" in args.sections:
        results["build_channels"] = section_build_channels(args)
        print_build_channels(results["build_channels"])
    if "F" in args.sections:
        results["startup"] = section_startup(args)
        print_startup(results["startup"], args)
    results["script_seconds"] = clock() - start
    results["load_average_end"] = os.getloadavg()
    load = ", ".join(f"{x:.2f}" for x in results["load_average_end"])
    print(f"\nScript wall time: {results['script_seconds']:.0f} s; load average {load}")
    if max(info["load_average"][0], results["load_average_end"][0]) > os.cpu_count():
        print(
            "  The machine was busy (load average above the CPU count): wall times\n"
            "  are inflated and noisy; CPU-time ratios are the steadier ones."
        )
    if args.out:
        with open(args.out, "w") as fid:
            json.dump(results, fid, indent=1)
        print(f"Wrote {args.out}")


if __name__ == "__main__":
    main()
