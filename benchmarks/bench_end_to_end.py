"""Sections G-K of ``bench_save.py``: issue 13's end-to-end targets.

G. end to end: ``mne-coefanim render`` of a 145 x 64 ``.npz`` to GIF, and a
   script doing the same with MNE's ``animate_topomap`` + pillow, each in a
   fresh process at the same pixel size; then both warm, in-process;
H. options: the save with a score panel, a mask, three panels, and as MP4,
   against the plain save, per output pixel;
I. both cores: the save in a process allowed one CPU against one allowed
   two (the GIF encoder's thread), and the two files compared byte by byte;
J. many animations: ``save_animations`` of 8 items, ``n_jobs=2`` against
   ``n_jobs=1`` (worker start-up included), and the interpolator cache's hits;
K. scale: 100 and 10,000 frames (1,000 with ``--quick``) to every output
   format, peak memory and per-frame cost, each in a fresh process.

The functions take ``b``, the ``bench_save`` module, for its data and timing
helpers (``bench_save.py`` runs as ``__main__``: importing it here would
load a second copy).
"""

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

TARGETS = {
    "fresh_mne_over_ours": 30.0,  # G: fresh processes, MNE / ours
    "fresh_render_over_floor": 1.5,  # G: fresh render / import floor
    "warm_demo_over_floor": 1.5,  # G: demo, cache filled / import floor
    "warm_mne_over_ours": 80.0,  # G: warm build + save, MNE / ours
    "option_over_plain_per_px": 1.15,  # H: score panel, mask
    "three_over_one_per_px": 1.1,  # H: three panels
    "mp4_frames_per_s": 100.0,  # H: composing + encoding
    "two_cores_over_one": 0.7,  # I: save wall time
    "n_jobs2_speedup": 1.6,  # J: n_jobs=1 / n_jobs=2 wall time
    "memory_growth_mb": 200.0,  # K: 10,000 frames - 100 frames
    "per_frame_growth": 1.25,  # K: ms/frame at 10,000 over at 100 (flat)
    "one_cpu_over_baseline": 1.05,  # L: warm save on 1 CPU, this tree / baseline
    "two_cpus_over_baseline": 1.3,  # L: warm save on 2 CPUs, this tree / baseline
}
SAVE_CHILD_ARG = "--child-save"
# the libraries a render cannot do without, and its Info (the montage's
# channels placed): a fresh process's floor, whatever our code does
IMPORT_FLOOR = (
    "import numpy, scipy.sparse, scipy.spatial, PIL.Image, mne, matplotlib.figure;"
    "from matplotlib.backends.backend_agg import FigureCanvasAgg;"
    "montage = mne.channels.make_standard_montage('biosemi64');"
    "mne.create_info(montage.ch_names, 100.0, 'eeg').set_montage(montage)"
)
# our console script freezes the collector as it exits (cli._main.run), which
# spares the interpreter's last full collection; this floor does the same, so
# the ratios to it show what remains once that saving is taken out
FROZEN_EXIT_FLOOR = IMPORT_FLOOR + ";import gc; gc.freeze()"
SCALE_SUFFIXES = (".gif", ".mp4", ".html")
N_BATCH = 8

MNE_SCRIPT = """
import sys, time, resource, warnings
launched = float(sys.argv[1])
import matplotlib
matplotlib.use("Agg")
import mne
import numpy as np
data = np.load(sys.argv[2])
mont = mne.channels.make_standard_montage("biosemi64")
info = mne.create_info(mont.ch_names, float(sys.argv[4]), "eeg")
info.set_montage(mont)
evoked = mne.EvokedArray(data["coefs"].T, info, tmin=float(data["times"][0]))
width, height, fps = (float(x) for x in sys.argv[5:8])

def run(path):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "More than 25 topomaps", RuntimeWarning)
        start = time.perf_counter()
        fig, anim = evoked.animate_topomap(times=evoked.times, frame_rate=fps,
                                           blit=True, show=False, time_unit="s")
        fig.set_size_inches(width / fig.dpi, height / fig.dpi)  # our pixels
        anim.save(path, writer="pillow", fps=fps)
        return time.perf_counter() - start

run(sys.argv[3])
usage = resource.getrusage(resource.RUSAGE_SELF)
fresh = {"wall": time.time() - launched, "cpu": usage.ru_utime + usage.ru_stime}
warm = run(sys.argv[3]) if sys.argv[8] == "warm" else None
print(__import__("json").dumps({"fresh": fresh, "warm": warm}))
"""


# --------------------------------------------------------------------------
# G. end to end


def section_end_to_end(b, scene, folder, args):
    """Fresh-process and warm totals of ours and MNE's, same pixels."""
    npz = folder / "coefs.npz"
    np.savez(npz, coefs=scene.data, times=scene.times)
    names = ",".join(scene.info.ch_names)
    ours_path = folder / "render.gif"
    command = [
        *b.CLI,
        "render",
        str(npz),
        "--key",
        "coefs",
        "--times-key",
        "times",
        "--dims",
        "time,channel",
        "--montage",
        b.MONTAGE,
        "--ch-names",
        names,
        "--fps",
        str(b.FPS),
        "--res",
        str(b.RES),
        "-o",
        str(ours_path),
        "--overwrite",
        "-q",
    ]
    env = fresh_env(folder)
    demo = [*b.CLI, "demo", "-o", str(folder / "demo.gif"), "--overwrite", "-q"]
    # untimed: the first runs fill the OS's file cache, the bytecode cache
    # and the demo's cache (its decoders trained once)
    commands = [command, ["-c", IMPORT_FLOOR], demo, ["-c", FROZEN_EXIT_FLOOR]]
    for arguments in commands:
        b.run_fresh(arguments, env=env)
    ours_fresh, floor, demo_warm, frozen_floor = _interleaved(
        b, commands, env, args.repeats
    )
    width, height = b.gif_size(ours_path)[0]
    warm = b.repeat(lambda: b.run_ours(scene, folder / "warm.gif"), args.repeats)
    script = [sys.executable, "-c", MNE_SCRIPT]
    mne_runs = []
    for _ in range(1 if args.quick else min(args.repeats, 2)):
        out = subprocess.run(
            [
                *script,
                repr(time.time()),
                str(npz),
                str(folder / "mne.gif"),
                str(b.SFREQ),
                str(width),
                str(height),
                str(b.FPS),
                "warm",
            ],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        if out.returncode:
            raise RuntimeError(f"MNE's script failed:\n{out.stderr}")
        mne_runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    mne_size = b.gif_size(folder / "mne.gif")[0]
    return {
        "import_floor": floor,
        "frozen_exit_floor": frozen_floor,
        "ours_fresh": ours_fresh,
        "demo_warm": demo_warm,
        "ours_warm": warm,
        "pixels": [width, height],
        "mne_pixels": list(mne_size),
        "mne_fresh": {
            k: statistics.median(r["fresh"][k] for r in mne_runs)
            for k in ("wall", "cpu")
        },
        "mne_warm": statistics.median(r["warm"] for r in mne_runs),
    }


def fresh_env(folder):
    """The environment of the fresh processes: bytecode cached, as installed.

    An installed package has its bytecode compiled; a sandbox may set
    ``PYTHONDONTWRITEBYTECODE``, and every fresh process would then compile
    our modules anew. All fresh processes here (the floor, ours, MNE's
    script) share one bytecode cache in the benchmark's folder, filled by the
    untimed first runs; the demo's cache lives there too.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    env["MNE_COEFANIM_CACHE"] = str(folder / "demo_cache")
    return env


def _interleaved(b, commands, env, repeats):
    """Medians of each command run fresh, the commands taking turns.

    Taking turns spreads the machine's drift over all of them alike.
    """
    runs = [[] for _ in commands]
    for _ in range(repeats):
        for result, arguments in zip(runs, commands, strict=True):
            result.append(b.run_fresh(arguments, env=env))
    return [
        {key: statistics.median(r[key] for r in result) for key in result[0]}
        for result in runs
    ]


def _floor_ratios(label, row, floor, target=None, name="floor"):
    wall, cpu = row["wall"] / floor["wall"], row["cpu"] / floor["cpu"]
    if target is None:
        return f"  {label} / {name}: wall {wall:.2f}x, CPU {cpu:.2f}x (no target)"
    # the target is in wall seconds, as issue 24 measures it (what a user
    # waits for); CPU is shown beside it: on two cores it exceeds the wall
    # time, the GIF being compressed on a second core meanwhile
    return (
        f"  target {label} / floor <= {target:g}x: wall {wall:.2f}x "
        f"({'met' if wall <= target else 'missed'}); CPU {cpu:.2f}x"
    )


def print_end_to_end(b, result):
    ours, mne_ = result["ours_fresh"], result["mne_fresh"]
    warm, mne_warm = result["ours_warm"]["total"], result["mne_warm"]
    floor = result["import_floor"]
    table = [
        [
            "floor: import what the job needs (fresh process)",
            f"{floor['wall']:.2f}",
            f"{floor['cpu']:.2f}",
        ],
        [
            "floor, its exit frozen as our command's is (fresh process)",
            f"{result['frozen_exit_floor']['wall']:.2f}",
            f"{result['frozen_exit_floor']['cpu']:.2f}",
        ],
        [
            "ours: mne-coefanim render (fresh process)",
            f"{ours['wall']:.2f}",
            f"{ours['cpu']:.2f}",
        ],
        [
            "ours: mne-coefanim demo, cache filled (fresh process)",
            f"{result['demo_warm']['wall']:.2f}",
            f"{result['demo_warm']['cpu']:.2f}",
        ],
        [
            "MNE animate_topomap + pillow (fresh process)",
            f"{mne_['wall']:.2f}",
            f"{mne_['cpu']:.2f}",
        ],
        [
            "ours: build + save (warm, in-process)",
            f"{warm:.3f}",
            f"{result['ours_warm']['total_cpu']:.3f}",
        ],
        ["MNE: build + save (warm, in-process)", f"{mne_warm:.2f}", ""],
    ]
    w, h = result["pixels"]
    b.print_table(
        f"G. End to end, 145 frames x 64 channels to GIF at {w}x{h} px "
        f"(MNE's figure resized to it: {result['mne_pixels'][0]}x"
        f"{result['mne_pixels'][1]} px)",
        ["route", "wall s", "CPU s"],
        table,
    )
    fresh = mne_["wall"] / ours["wall"]
    fresh_cpu = mne_["cpu"] / ours["cpu"]
    target = TARGETS["fresh_mne_over_ours"]
    print(
        f"  target fresh MNE / ours >= {target:g}x: wall {fresh:.1f}x, CPU "
        f"{fresh_cpu:.1f}x ({b.verdict(min(fresh, fresh_cpu) >= target)})"
    )
    print(
        f"  the import floor alone is 1/{mne_['cpu'] / floor['cpu']:.0f} of MNE's "
        f"CPU; ours beyond it: {ours['cpu'] - floor['cpu']:.2f} s CPU"
    )
    print(_floor_ratios("fresh render", ours, floor,
                        TARGETS["fresh_render_over_floor"]))  # fmt: skip
    print(_floor_ratios("warm demo", result["demo_warm"], floor,
                        TARGETS["warm_demo_over_floor"]))  # fmt: skip
    print(_floor_ratios("MNE's fresh script", mne_, floor))
    frozen = result["frozen_exit_floor"]
    for label, row in (("fresh render", ours), ("warm demo", result["demo_warm"])):
        print(_floor_ratios(label, row, frozen, name="frozen-exit floor"))
    ratio = mne_warm / warm
    target = TARGETS["warm_mne_over_ours"]
    print(
        f"  target warm MNE / ours >= {target:g}x: {ratio:.1f}x "
        f"({b.verdict(ratio >= target)})"
    )


# --------------------------------------------------------------------------
# H. options


def _option_kwargs(scene, option):
    rng = np.random.default_rng(0)
    n_times, n_channels = scene.data.shape
    if option == "score panel":
        return {"scores": 0.5 + 0.1 * rng.standard_normal((8, n_times)),
                "score_params": dict(chance=0.5)}
    if option == "mask":
        return {"mask": rng.random((n_times, n_channels)) > 0.8}
    return {}


def _timed_save(b, scene, path, data=None, **kwargs):
    import mne_coefanim

    anim = mne_coefanim.animate_coefs(
        scene.data if data is None else data,
        scene.info,
        times=scene.times,
        res=b.RES,
        fps=b.FPS,
        show=False,
        verbose=False,
        **kwargs,
    )
    seconds = b.timed(lambda: anim.save(path, overwrite=True, verbose=False))
    width, height = np.round(anim.fig.get_size_inches() * anim.dpi).astype(int)
    b.plt.close(anim.fig)
    return {**seconds, "pixels": int(width * height)}


def section_options(b, scene, folder, args):
    """Save seconds per output pixel of each option, paired with the plain save."""
    rows = {}
    options = ("plain", "score panel", "mask", "three panels", "mp4")
    runs = {option: [] for option in options}
    for _ in range(args.repeats):  # interleaved: each sees the same machine
        for option in options:
            if option == "mp4" and not _has_ffmpeg():
                continue
            suffix = ".mp4" if option == "mp4" else ".gif"
            path = folder / f"option{suffix}"
            data = None
            if option == "three panels":
                data = {f"p{k}": scene.data * (k + 1) for k in range(3)}
            runs[option].append(
                _timed_save(b, scene, path, data=data, **_option_kwargs(scene, option))
            )
    for option, results in runs.items():
        if results:
            rows[option] = {
                key: statistics.median(r[key] for r in results) for key in results[0]
            }
    return rows


def _has_ffmpeg():
    try:
        import imageio_ffmpeg  # noqa: F401
    except ImportError:
        return False
    return True


def print_options(b, rows):
    per_px = {o: r["seconds"] / r["pixels"] for o, r in rows.items()}
    table = [
        [
            option,
            f"{r['seconds']:.3f}",
            f"{r['seconds_cpu']:.3f}",
            str(r["pixels"]),
            f"{per_px[option] * 1e9:.0f}",
            f"{per_px[option] / per_px['plain']:.2f}",
        ]
        for option, r in rows.items()
    ]
    b.print_table(
        f"H. Options: save seconds, {b.N_FRAMES} frames (paired runs, medians)",
        ["option", "save s", "CPU s", "pixels", "ns/px", "per px / plain"],
        table,
    )
    target = TARGETS["option_over_plain_per_px"]
    for option in ("score panel", "mask"):
        ratio = per_px[option] / per_px["plain"]
        print(
            f"  target {option} / plain per pixel <= {target:g}x: {ratio:.2f}x "
            f"({b.verdict(ratio <= target)})"
        )
    ratio = per_px["three panels"] / per_px["plain"]
    target = TARGETS["three_over_one_per_px"]
    print(
        f"  target three panels / one per pixel <= {target:g}x: {ratio:.2f}x "
        f"({b.verdict(ratio <= target)})"
    )
    if "mp4" in rows:
        rate = b.N_FRAMES / rows["mp4"]["seconds"]
        target = TARGETS["mp4_frames_per_s"]
        print(
            f"  target MP4 >= {target:g} frames/s (x264 preset veryfast): "
            f"{rate:.0f} frames/s ({b.verdict(rate >= target)})"
        )


# --------------------------------------------------------------------------
# I. both cores


def child_save(b, n_pairs, folder):
    """Pairs of saves, one CPU allowed then two (or two then one); print JSON.

    Switching the CPUs this process may use between two saves of the same
    animation (``os.sched_setaffinity``; the save decides anew each time
    whether to compress on helper threads) measures both sides a few
    hundred milliseconds apart: the machine's speed, which drifts by tens
    of percent from minute to minute, cancels in each pair's ratio.
    """
    both = sorted(os.sched_getaffinity(0))[:2]
    scene = b.Scene()
    paths = {1: Path(folder) / "cores_1.gif", 2: Path(folder) / "cores_2.gif"}

    def save(n_cpus):
        os.sched_setaffinity(0, both[:n_cpus])
        try:
            return _timed_save(b, scene, paths[n_cpus])["seconds"]
        finally:
            os.sched_setaffinity(0, both)

    save(1), save(2)  # warm-up: fonts, code
    seconds = {1: [], 2: []}
    for k in range(int(n_pairs)):
        for n_cpus in (1, 2) if k % 2 == 0 else (2, 1):  # neither always first
            seconds[n_cpus].append(save(n_cpus))
    digests = {n: hashlib.md5(paths[n].read_bytes()).hexdigest() for n in paths}
    print(json.dumps({"seconds": seconds, "md5": digests}))


def section_cores(b, folder, args):
    if not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2:
        return None
    n_pairs = 5 if args.quick else 5 * args.repeats
    command = [sys.executable, os.path.abspath(b.__file__), SAVE_CHILD_ARG,
               str(n_pairs), str(folder)]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"save child failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    one, two = result["seconds"]["1"], result["seconds"]["2"]
    ratios = sorted(t / o for o, t in zip(one, two, strict=True))
    return {
        "one_cpu": statistics.median(one),
        "two_cpus": statistics.median(two),
        "pair_ratios": ratios,
        "md5": result["md5"],
    }


def print_cores(b, rows):
    if rows is None:
        print("\nI. Both cores: skipped (needs 2 CPUs and sched_setaffinity)")
        return
    md5 = rows["md5"]
    b.print_table(
        "I. Both cores: save wall time, 1 or 2 CPUs allowed, paired saves in "
        f"one process ({len(rows['pair_ratios'])} pairs, medians)",
        ["CPUs", "save s", "GIF md5"],
        [
            ["1", f"{rows['one_cpu']:.3f}", md5["1"]],
            ["2", f"{rows['two_cpus']:.3f}", md5["2"]],
        ],
    )
    ratios = rows["pair_ratios"]
    ratio = statistics.median(ratios)
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios
    target = TARGETS["two_cores_over_one"]
    print(
        f"  target 2 CPUs / 1 CPU <= {target:g}x: median of the pairs' ratios "
        f"{ratio:.2f}x (quartiles {quartiles[0]:.2f}-{quartiles[-1]:.2f}; "
        f"{b.verdict(ratio <= target)}); files identical: {md5['1'] == md5['2']}"
    )


# --------------------------------------------------------------------------
# L. this tree against another (e.g. a checkout of an older commit)


def section_baseline(b, folder, args):
    """Warm saves of this tree and of ``--baseline``, in alternating children.

    Each child imports one tree's package (``PYTHONPATH``) and runs
    :func:`child_save`'s paired one-CPU/two-CPU saves; the trees take turns,
    so the machine's drift falls on both alike.
    """
    if not args.baseline or not hasattr(os, "sched_setaffinity"):
        return None
    trees = {"this": str(Path(b.__file__).resolve().parents[1]),
             "baseline": str(Path(args.baseline).resolve())}  # fmt: skip
    seconds = {name: {1: [], 2: []} for name in trees}
    for k in range(args.repeats * 2):
        for name in list(trees)[:: 1 if k % 2 == 0 else -1]:
            env = {**os.environ, "PYTHONPATH": trees[name]}
            command = [sys.executable, os.path.abspath(b.__file__), SAVE_CHILD_ARG,
                       "3", str(folder)]  # fmt: skip
            out = subprocess.run(command, capture_output=True, text=True,
                                 check=False, env=env)  # fmt: skip
            if out.returncode:
                raise RuntimeError(f"save child ({name}) failed:\n{out.stderr}")
            result = json.loads(out.stdout.strip().splitlines()[-1])
            for n_cpus in (1, 2):
                seconds[name][n_cpus] += result["seconds"][str(n_cpus)]
    return {"trees": trees, "seconds": seconds}


def print_baseline(b, rows):
    if rows is None:
        print("\nL. Against a baseline: skipped (no --baseline, or no affinity)")
        return
    seconds = rows["seconds"]
    median = {name: {n: statistics.median(v) for n, v in per.items()}
              for name, per in seconds.items()}  # fmt: skip
    b.print_table(
        f"L. Warm save, this tree against {rows['trees']['baseline']} "
        f"(medians of {len(seconds['this'][1])} saves each)",
        ["tree", "1 CPU save s", "2 CPUs save s"],
        [[name, f"{m[1]:.3f}", f"{m[2]:.3f}"] for name, m in median.items()],
    )
    for n_cpus, key in ((1, "one_cpu_over_baseline"), (2, "two_cpus_over_baseline")):
        ratio = median["this"][n_cpus] / median["baseline"][n_cpus]
        spread = [min(seconds["this"][n_cpus]) / max(seconds["baseline"][n_cpus]),
                  max(seconds["this"][n_cpus]) / min(seconds["baseline"][n_cpus])]
        print(f"  target {n_cpus} CPU{'s' if n_cpus > 1 else ''}: this / baseline "
              f"<= {TARGETS[key]:g}x: {ratio:.2f}x (extremes {spread[0]:.2f}-"
              f"{spread[1]:.2f}x; {b.verdict(ratio <= TARGETS[key])})")


# --------------------------------------------------------------------------
# J. many animations


def section_batch(b, scene, folder, args):
    import mne_coefanim
    from mne_coefanim.interp._interp import cache_clear, cache_info

    rng = np.random.default_rng(1)
    items = [scene.data * rng.uniform(0.5, 2.0) for _ in range(N_BATCH)]
    kwargs = dict(
        info=scene.info, times=scene.times, res=b.RES, fps=b.FPS, verbose=False
    )
    rows = {}
    digests = {}
    for n_jobs in (1, 2):
        runs = []
        for _ in range(args.repeats):
            cache_clear()
            pattern = str(folder / f"batch{n_jobs}_{{index}}.gif")

            def run(pattern=pattern, n_jobs=n_jobs):
                mne_coefanim.save_animations(
                    items, pattern, n_jobs=n_jobs, overwrite=True, **kwargs
                )

            runs.append(b.timed(run))
            if n_jobs == 1:
                rows["cache"] = cache_info()
        rows[n_jobs] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        digests[n_jobs] = [
            hashlib.md5((folder / f"batch{n_jobs}_{i}.gif").read_bytes()).hexdigest()
            for i in range(N_BATCH)
        ]
    rows["identical"] = digests[1] == digests[2]
    return rows


def print_batch(b, rows):
    one, two = rows[1]["seconds"], rows[2]["seconds"]
    cache = rows["cache"]
    b.print_table(
        f"J. save_animations of {N_BATCH} animations (145 frames each), wall "
        "seconds, worker start-up included",
        ["n_jobs", "wall s", "CPU s (this process)"],
        [
            [str(n), f"{rows[n]['seconds']:.2f}", f"{rows[n]['seconds_cpu']:.2f}"]
            for n in (1, 2)
        ],
    )
    target = TARGETS["n_jobs2_speedup"]
    speedup = one / two
    print(
        f"  target n_jobs=1 / n_jobs=2 >= {target:g}x: {speedup:.2f}x "
        f"({b.verdict(speedup >= target)}); files identical: {rows['identical']}"
    )
    rate = cache["hits"] / max(cache["hits"] + cache["misses"], 1)
    print(
        f"  interpolator cache (n_jobs=1): {cache['hits']} hits, "
        f"{cache['misses']} build(s): hit rate {rate:.0%}"
    )


# --------------------------------------------------------------------------
# K. scale


def section_scale(b, folder, args):
    counts = (100, 300, 1000) if args.quick else (100, 1000, 10000)
    rows = {}
    for suffix in SCALE_SUFFIXES:
        if suffix == ".mp4" and not _has_ffmpeg():
            continue
        rows[suffix] = {n: b.run_child(n, folder, suffix) for n in counts}
    return rows


def print_scale(b, rows):
    """Marginal ms per frame over each step of frames, and peak memory."""
    table, verdicts = [], []
    for suffix, by_count in rows.items():
        counts = sorted(by_count)
        saves = [by_count[n]["save"] for n in counts]
        marginal = [
            (saves[k + 1] - saves[k]) / (counts[k + 1] - counts[k]) * 1e3
            for k in range(len(counts) - 1)
        ]
        flat = marginal[-1] / marginal[0]
        peaks = [by_count[n]["peak_rss"] for n in counts]
        growth = max(peaks) - peaks[0]
        verdicts += [
            growth <= TARGETS["memory_growth_mb"],
            flat <= TARGETS["per_frame_growth"],
        ]
        table.append(
            [
                suffix,
                " / ".join(map(str, counts)),
                " / ".join(f"{m:.2f}" for m in marginal),
                f"{flat:.2f}",
                " / ".join(f"{p:.0f}" for p in peaks),
                f"{growth:+.0f}",
            ]
        )
    b.print_table(
        "K. Scale: every output, a fresh process per run (save time, peak RSS)",
        [
            "output",
            "frames",
            "marginal ms/frame",
            "last / first",
            "peak MB",
            "growth MB",
        ],
        table,
    )
    print(
        f"  targets: growth <= {TARGETS['memory_growth_mb']:g} MB and marginal "
        f"ms/frame last / first <= {TARGETS['per_frame_growth']:g}x for every "
        f"output: {b.verdict(all(verdicts))}"
    )
