import gc
import importlib.metadata
import io
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path
from types import SimpleNamespace

import mne
import numpy as np
import pytest
from conftest import assert_one_line_error, make_info, option_helps, run
from PIL import Image

import mne_coefanim
import mne_coefanim.cli
from mne_coefanim import _api
from mne_coefanim.cli import _files as _readers
from mne_coefanim.cli._main import main
from mne_coefanim.cli._main import run as run_command
from mne_coefanim.cli._parser import DEMO_SUBJECTS, PROG
from mne_coefanim.datasets import _demo

# small everywhere: every render below takes a fraction of a second
FAST = ["--res", "32", "--dpi", "40", "--quiet"]
N_CH = 16


@pytest.fixture
def ch_names(info16):
    return ",".join(info16.ch_names)


def n_frames(path):
    with Image.open(path) as image:
        return image.n_frames


# -- program, help, version ---------------------------------------------------


def test_version_in_process(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"mne-coefanim {mne_coefanim.__version__}"


def test_version_of_installed_executable():
    exe = Path(sys.executable).with_name("mne-coefanim")
    exe = str(exe) if exe.exists() else shutil.which("mne-coefanim")
    assert exe is not None, "the console script mne-coefanim is not installed"
    result = subprocess.run(
        [exe, "--version"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"mne-coefanim {mne_coefanim.__version__}"


def test_console_script_points_to_run():
    scripts = importlib.metadata.entry_points(group="console_scripts")
    (entry,) = [ep for ep in scripts if ep.name == "mne-coefanim"]
    assert entry.load() in (run_command, main)  # installed (perhaps an older one)
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    assert 'mne-coefanim = "mne_coefanim.cli:run"' in pyproject.read_text()
    assert mne_coefanim.cli.main is main
    assert mne_coefanim.cli.run is run_command


def test_only_the_console_script_freezes_the_collector(monkeypatch, capsys):
    # main() runs inside other programs and leaves the collector alone; run()
    # owns its process and freezes it once the command's work is done
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(sys, "argv", [PROG, "--version"])
    assert main(["--version"]) == 0
    assert frozen == []
    assert run_command() == 0
    assert frozen == [True]
    assert capsys.readouterr().out.count(mne_coefanim.__version__) == 2


def test_help_lists_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "demo      animate the built-in simulated working-memory study" in out
    assert "render    animate coefficients from a .npy/.npz array" in out


def test_no_command_is_a_usage_error(capsys):
    code, _, err = run(capsys)
    assert code == 2
    assert "required: COMMAND" in err


@pytest.mark.parametrize("command", ["demo", "render"])
def test_every_option_documents_its_default(capsys, command):
    helps = option_helps(capsys, command)
    assert helps.pop("-h") == helps.pop("--help") == "show this help message and exit"
    for option, text in helps.items():
        assert text, option
        assert "default" in text or "required" in text, text


# -- render: each input kind --------------------------------------------------


def test_render_npy_with_sfreq_and_info_file(tmp_path, capsys, spy, info16, rng):
    coefs = rng.standard_normal((5, N_CH))
    np.save(tmp_path / "coefs.npy", coefs)
    mne.io.write_info(tmp_path / "sensors-info.fif", info16)
    out_file = tmp_path / "out.gif"
    code, out, err = run(
        capsys, "render", tmp_path / "coefs.npy", "--sfreq", 50, "--first-time", -0.04,
        "--info", tmp_path / "sensors-info.fif", "-o", out_file, *FAST,
    )  # fmt: skip
    assert (code, out, err) == (0, "", "")
    assert n_frames(out_file) == 5
    (call,) = spy
    np.testing.assert_allclose(call.anim.times, -0.04 + np.arange(5) / 50)
    np.testing.assert_allclose(call.data.data, coefs)
    assert call.info.ch_names == info16.ch_names
    assert call.kwargs["transform"] is None and call.kwargs["res"] == 32


def test_render_npz_with_key_and_times_key(tmp_path, capsys, spy, ch_names, rng):
    coefs = rng.standard_normal((3, 2, 4, N_CH))  # subjects, folds, times, channels
    times = np.array([0.0, 0.1, 0.25, 0.4])  # uneven: must come from the file
    np.savez(tmp_path / "res.npz", patterns=coefs, times=times, scores=np.ones(4))
    out_file = tmp_path / "out.gif"
    code, _, _ = run(
        capsys, "render", tmp_path / "res.npz", "--key", "patterns",
        "--times-key", "times", "--montage", "biosemi64", "--ch-names", ch_names,
        "--transform", "abs", "-o", out_file, *FAST,
    )  # fmt: skip
    assert code == 0
    assert n_frames(out_file) == 4
    (call,) = spy
    np.testing.assert_allclose(call.anim.times, times)
    # averaged over subjects and folds, abs applied after averaging
    np.testing.assert_allclose(call.anim.values[0], np.abs(coefs.mean((0, 1))))


def test_render_npz_dims_reorder_axes(tmp_path, capsys, spy, ch_names, rng):
    coefs = rng.standard_normal((N_CH, 3, 2))  # channels, times, subjects
    np.savez(tmp_path / "res.npz", coefs=coefs)
    code, _, _ = run(
        capsys, "render", tmp_path / "res.npz", "--dims", "channels,times,subjects",
        "--montage", "biosemi64", "--ch-names", ch_names, "-o",
        tmp_path / "out.gif", *FAST,
    )  # fmt: skip
    assert code == 0
    assert n_frames(tmp_path / "out.gif") == 3
    np.testing.assert_allclose(spy[0].data.data, coefs.mean(axis=2).T)


def test_render_montage_places_channels_by_name(tmp_path, capsys, spy, info16, rng):
    np.save(tmp_path / "coefs.npy", rng.standard_normal((2, 4)))
    names = ["T7", "Oz", "Fpz", "C4"]
    code, _, _ = run(
        capsys, "render", tmp_path / "coefs.npy", "--montage", "biosemi64",
        "--ch-names", " T7, Oz ,Fpz,C4,", "-o", tmp_path / "out.gif", *FAST,
    )  # fmt: skip
    assert code == 0
    assert n_frames(tmp_path / "out.gif") == 2
    info = spy[0].info
    assert info.ch_names == names
    expected = make_info("biosemi64")
    for ch in info["chs"]:
        loc = expected["chs"][expected.ch_names.index(ch["ch_name"])]["loc"]
        np.testing.assert_allclose(ch["loc"][:3], loc[:3])


def test_render_evoked_file_by_condition(tmp_path, capsys, spy, info16, rng):
    evokeds = [
        mne.EvokedArray(rng.standard_normal((N_CH, n)), info16, tmin=0.1,
                        comment=comment, verbose=False)
        for n, comment in ((3, "low"), (6, "high"))
    ]  # fmt: skip
    fname = tmp_path / "patterns-ave.fif"
    mne.write_evokeds(fname, evokeds, verbose=False)
    for condition, expected in (("high", evokeds[1]), ("0", evokeds[0])):
        out_file = tmp_path / f"{condition}.gif"
        code, _, _ = run(
            capsys, "render", fname, "--condition", condition, "-o", out_file, *FAST
        )
        assert code == 0
        assert n_frames(out_file) == len(expected.times)
        np.testing.assert_allclose(spy[-1].data.data, expected.data, rtol=1e-6)
        np.testing.assert_allclose(spy[-1].anim.times, expected.times)
        assert spy[-1].info is None  # the Evoked's own Info is used


def test_render_evoked_unknown_condition(tmp_path, capsys, info16):
    fname = tmp_path / "x-ave.fif"
    evoked = mne.EvokedArray(np.ones((N_CH, 2)), info16, comment="low", verbose=False)
    mne.write_evokeds(fname, evoked, verbose=False)
    code, _, err = run(capsys, "render", fname, "--condition", "3", "-o",
                       tmp_path / "out.gif", *FAST)  # fmt: skip
    assert_one_line_error(code, err, "--condition '3' matches no Evoked")
    assert "0: 'low'" in err


def test_render_epochs_file_is_averaged_and_cropped(tmp_path, capsys, spy, info16, rng):
    data = rng.standard_normal((4, N_CH, 7))
    epochs = mne.EpochsArray(data, info16, tmin=0.0, verbose=False)
    fname = tmp_path / "sub01-epo.fif"
    epochs.save(fname, verbose=False)
    code, _, _ = run(capsys, "render", fname, "--tmin", 0.02, "-o",
                     tmp_path / "out.gif", *FAST)  # fmt: skip
    assert code == 0
    assert n_frames(tmp_path / "out.gif") == 5  # 0.02 .. 0.06 s at 100 Hz
    np.testing.assert_allclose(spy[0].data.data, data.mean(axis=0), rtol=1e-5)
    assert spy[0].kwargs["tmin"] == 0.02 and spy[0].kwargs["tmax"] is None


def test_render_look_options_reach_animate_coefs(tmp_path, capsys, spy, info16, rng):
    fname = tmp_path / "x-ave.fif"
    mne.write_evokeds(fname, mne.EvokedArray(rng.standard_normal((N_CH, 2)),
                                              info16, verbose=False))  # fmt: skip
    code, _, _ = run(
        capsys, "render", fname, "--vlim", "none", 2, "--cmap", "viridis",
        "--image-interp", "linear", "--extrapolate", "head", "--title", "T",
        "--units", "a.u.", "--time-unit", "ms", "--ch-type", "eeg", "--fps", 5,
        "-o", tmp_path / "out.gif", *FAST,
    )  # fmt: skip
    assert code == 0
    kwargs = spy[0].kwargs
    assert kwargs["vlim"] == (None, 2.0)
    assert spy[0].anim.vlim[1] == 2.0
    expected = dict(cmap="viridis", image_interp="linear", extrapolate="head",
                    title="T", units="a.u.", time_unit="ms", ch_type="eeg", fps=5.0,
                    verbose=False)  # fmt: skip
    assert {key: kwargs[key] for key in expected} == expected
    with Image.open(tmp_path / "out.gif") as image:
        assert image.info["duration"] == 200  # ms per frame at 5 fps


@pytest.mark.parametrize("suffix", [".gif", ".html"])
def test_not_quiet_prints_one_wrote_line(tmp_path, capfd, info16, suffix):
    # the writer's own "Wrote ..." log line is not printed a second time
    fname = tmp_path / "x-ave.fif"
    mne.write_evokeds(fname, mne.EvokedArray(np.ones((N_CH, 2)), info16,
                                              verbose=False))  # fmt: skip
    out_file = tmp_path / f"out{suffix}"
    filters = list(mne.utils.logger.filters)
    code = main(["render", str(fname), "-o", str(out_file), "--res", "32",
                 "--dpi", "40", "--verbose"])  # fmt: skip
    out, err = capfd.readouterr()
    assert code == 0
    wrote = [line for line in (out + err).splitlines() if "Wrote" in line]
    assert len(wrote) == 1, out + err
    size = out_file.stat().st_size
    assert re.fullmatch(
        rf"Wrote {re.escape(str(out_file))} \(2 frames, [0-9.]+ (bytes|kB|MB)\) "
        r"in [0-9]+\.[0-9] s",
        wrote[0],
    ), wrote[0]
    assert f"{size / 1e3:.1f} kB" in wrote[0] or f"{size / 1e6:.1f} MB" in wrote[0]
    assert "Saving 2 frames" in out  # the rest of the log stays (--verbose)
    # the logger is left as it was
    assert mne.utils.logger.filters == filters


# -- render: errors -------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".npy", ".npz"])
def test_pickled_file_is_refused(tmp_path, capsys, suffix, ch_names):
    objects = np.array([{"a": 1}, None], dtype=object)
    fname = tmp_path / f"evil{suffix}"
    if suffix == ".npy":
        np.save(fname, objects, allow_pickle=True)
    else:
        np.savez(fname, coefs=objects)
    code, _, err = run(capsys, "render", fname, "--montage", "biosemi64",
                       "--ch-names", ch_names, "-o", tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(code, err, "pickle")
    assert not (tmp_path / "out.gif").exists()


def test_npz_with_several_arrays_needs_key(tmp_path, capsys, ch_names):
    np.savez(tmp_path / "res.npz", a=np.ones((2, N_CH)), b=np.ones((2, N_CH)))
    code, _, err = run(capsys, "render", tmp_path / "res.npz", "--montage",
                       "biosemi64", "--ch-names", ch_names, "-o",
                       tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(code, err, "holds 2 candidate arrays (a, b); choose one")


def test_npz_unknown_key(tmp_path, capsys, ch_names):
    np.savez(tmp_path / "res.npz", a=np.ones((2, N_CH)))
    code, _, err = run(capsys, "render", tmp_path / "res.npz", "--key", "b",
                       "--montage", "biosemi64", "--ch-names", ch_names, "-o",
                       tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(code, err, "--key 'b' is not an array of")


def test_non_numeric_array(tmp_path, capsys, ch_names):
    np.save(tmp_path / "names.npy", np.array([["a", "b"]]))
    code, _, err = run(capsys, "render", tmp_path / "names.npy", "--montage",
                       "biosemi64", "--ch-names", "Cz,Pz", "-o",
                       tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(code, err, "must hold real numbers; got dtype <U1")


def test_unknown_suffix(tmp_path, capsys):
    (tmp_path / "coefs.mat").write_bytes(b"")
    code, _, err = run(capsys, "render", tmp_path / "coefs.mat", "-o",
                       tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(code, err, "COEFS must be .npy, .npz, -ave.fif")


def test_missing_file(tmp_path, capsys, info16):
    code, _, err = run(capsys, "render", tmp_path / "nope.npy", "-o",
                       tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(code, err, "COEFS file not found")


def test_missing_info_file(tmp_path, capsys):
    np.save(tmp_path / "coefs.npy", np.ones((2, N_CH)))
    missing = tmp_path / "gone-info.fif"
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "--info",
                       missing, "-o", tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(code, err, "--info file not found")


def test_array_needs_positions(tmp_path, capsys):
    np.save(tmp_path / "coefs.npy", np.ones((2, N_CH)))
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "-o",
                       tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(code, err, "an array carries no channel positions")


def test_existing_output_is_left_untouched(tmp_path, capsys, info16):
    fname = tmp_path / "x-ave.fif"
    mne.write_evokeds(fname, mne.EvokedArray(np.ones((N_CH, 2)), info16,
                                              verbose=False))  # fmt: skip
    out_file = tmp_path / "out.gif"
    out_file.write_bytes(b"precious")
    code, _, err = run(capsys, "render", fname, "-o", out_file, *FAST)
    assert_one_line_error(code, err, "exists; pass --overwrite to replace it")
    assert out_file.read_bytes() == b"precious"
    code, _, _ = run(capsys, "render", fname, "-o", out_file, "--overwrite", *FAST)
    assert code == 0
    assert n_frames(out_file) == 2


def test_vlim_must_increase(tmp_path, capsys):
    np.save(tmp_path / "coefs.npy", np.ones((2, N_CH)))
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "--vlim", 1, 1,
                       "-o", tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(
        code, err, "--vlim: vlim must have vmin < vmax; got vlim=(1.0, 1.0)"
    )


def test_unknown_cmap(tmp_path, capsys):
    np.save(tmp_path / "coefs.npy", np.ones((2, N_CH)))
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "--cmap", "nope",
                       "-o", tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(
        code, err, "--cmap: cmap 'nope' is not a matplotlib colour map"
    )


def test_unknown_montage(tmp_path, capsys):
    np.save(tmp_path / "coefs.npy", np.ones((2, 2)))
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "--montage",
                       "nonsense", "--ch-names", "Cz,Pz", "-o",
                       tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(code, err, "--montage: ")
    assert "biosemi64" in err  # MNE lists the valid names


def test_option_that_does_not_apply(tmp_path, capsys, info16):
    fname = tmp_path / "x-ave.fif"
    mne.write_evokeds(fname, mne.EvokedArray(np.ones((N_CH, 2)), info16,
                                              verbose=False))  # fmt: skip
    code, _, err = run(capsys, "render", fname, "--sfreq", 100, "-o",
                       tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(code, err, "--sfreq does not apply to a -ave.fif file")


def test_bad_output_suffix(tmp_path, capsys):
    np.save(tmp_path / "coefs.npy", np.ones((2, N_CH)))
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "-o",
                       tmp_path / "out.png")  # fmt: skip
    assert_one_line_error(code, err, "-o/--output: fname must end in one of .gif")


def test_error_from_the_api_is_one_line(tmp_path, capsys, info16):
    # 3 channels in the file, 16 in the montage-less Info: animate_coefs says so
    np.save(tmp_path / "coefs.npy", np.ones((2, 3)))
    mne.io.write_info(tmp_path / "s-info.fif", info16)
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "--info",
                       tmp_path / "s-info.fif", "-o", tmp_path / "out.gif")  # fmt: skip
    assert_one_line_error(code, err, "data has 3 channels, but info has 16")


def test_argparse_usage_error_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, "render", "x.npy", "-o", "x.gif", "--fps", 0)
    assert code == 2
    assert "argument --fps: must be > 0, got '0'" in err


# -- demo -------------------------------------------------------------------------


@pytest.fixture
def tiny_study(monkeypatch, info16, rng):
    """Replace the demo's decoders by a tiny fake study (no training)."""
    shape = (2, 2, 3, N_CH)
    study = SimpleNamespace(
        info=info16,
        times=np.array([-0.1, 0.0, 0.1]),
        coefs=rng.standard_normal(shape),
        patterns=rng.standard_normal(shape) * 1e-6,
        normalized_patterns=rng.standard_normal(shape) * 1e-6,
        scores=rng.uniform(0.4, 0.9, shape[:3]),
        dims=("subjects", "folds", "times", "channels"),
        description="tiny",
    )
    calls = []

    def fake_load_demo(**kwargs):
        calls.append(kwargs)
        return study

    monkeypatch.setattr(_demo, "load_demo", fake_load_demo)
    return SimpleNamespace(study=study, calls=calls)


def test_demo_patterns_by_default(tmp_path, capsys, spy, tiny_study):
    out_file = tmp_path / "demo.gif"
    code, _, _ = run(capsys, "demo", "-o", out_file, "--subjects", 2, *FAST)
    assert code == 0
    assert n_frames(out_file) == 3
    assert tiny_study.calls == [dict(n_subjects=2, verbose=False)]
    (call,) = spy
    np.testing.assert_allclose(call.data, tiny_study.study.normalized_patterns * 1e6)
    assert call.kwargs["transform"] is None  # signed patterns by default
    assert call.kwargs["units"] == "µV / SD"  # per SD of the decoder output
    assert call.kwargs["score_label"] == "AUC"
    assert call.kwargs["scores"] is tiny_study.study.scores
    assert call.kwargs["title"] == "Memory load decoding: patterns (2 subjects)"


def test_demo_time_is_the_renders_not_the_trainings(tmp_path, capsys, monkeypatch,
                                                    tiny_study):  # fmt: skip
    loaded = _demo.load_demo

    def slow_training(**kwargs):
        time.sleep(1.5)
        return loaded(**kwargs)

    monkeypatch.setattr(_demo, "load_demo", slow_training)
    start = time.perf_counter()
    code, out, _ = run(capsys, "demo", "-o", tmp_path / "demo.gif", "--res", 32,
                       "--dpi", 40)  # fmt: skip
    total = time.perf_counter() - start
    assert code == 0
    (line,) = [line for line in out.splitlines() if line.startswith("Wrote")]
    # the reported time leaves out the 1.5 s of training, however busy the
    # machine (the line rounds to 0.1 s)
    assert float(line.split(" in ")[-1].removesuffix(" s")) <= total - 1.5 + 0.05, line


def test_demo_filters_zscored(tmp_path, capsys, spy, tiny_study):
    code, _, _ = run(capsys, "demo", "-o", tmp_path / "demo.gif", "--what",
                     "filters", "--transform", "zscore", *FAST)  # fmt: skip
    assert code == 0
    (call,) = spy
    assert call.data is tiny_study.study.coefs
    assert call.kwargs["transform"] == "zscore"
    assert call.kwargs["units"] is None  # animate_coefs labels z-scores 'z'
    assert tiny_study.calls[0]["n_subjects"] == DEMO_SUBJECTS


def test_demo_reports_missing_scikit_learn(tmp_path, capsys, monkeypatch):
    def no_sklearn(**kwargs):
        raise ModuleNotFoundError("No module named 'sklearn'")

    monkeypatch.setattr(_demo, "load_demo", no_sklearn)
    code, _, err = run(capsys, "demo", "-o", tmp_path / "demo.gif")
    assert_one_line_error(code, err, "pip install '.[demo]' in a clone of mne-coefanim")


def test_interrupt_exits_130(tmp_path, capsys, monkeypatch):
    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_demo, "load_demo", interrupted)
    code, _, err = run(capsys, "demo", "-o", tmp_path / "demo.gif")
    assert code == 130
    assert err == "mne-coefanim: interrupted\n"


def test_demo_rebuilds_a_non_finite_cache(tmp_path, capsys, monkeypatch, rng):
    # an all-NaN cache made every later run fail until it was deleted by hand
    monkeypatch.setenv("MNE_COEFANIM_CACHE", os.fspath(tmp_path / "cache"))
    shape = (1, 5, 101, 64)  # the demo's 1 subject, 5 folds, times, channels
    good = {
        "coefs": rng.standard_normal(shape).astype(np.float32),
        "patterns": rng.standard_normal(shape).astype(np.float32),
        "normalized_patterns": (rng.standard_normal(shape) * 1e-6).astype(np.float32),
        "scores": rng.uniform(0.4, 0.9, shape[:3]),
    }
    calls = []

    def decode(*args):
        calls.append(args)
        return good

    monkeypatch.setattr(_demo, "_decode_study", decode)

    def demo():
        code, _, err = run(capsys, "demo", "-o", tmp_path / "demo.gif", "--subjects",
                           1, "--overwrite", *FAST)  # fmt: skip
        assert (code, err) == (0, "")

    demo()  # decodes and writes the cache
    (path,) = (tmp_path / "cache").iterdir()
    np.savez(path, **{name: np.full_like(v, np.nan) for name, v in good.items()})
    for _ in range(2):
        demo()
    assert len(calls) == 2  # rebuilt once, then read from the new cache
    with np.load(path) as npz:
        np.testing.assert_array_equal(npz["coefs"], good["coefs"])


def test_real_demo(tmp_path, capsys, monkeypatch):
    pytest.importorskip("sklearn")
    monkeypatch.setenv("MNE_COEFANIM_CACHE", os.fspath(tmp_path / "cache"))
    out_file = tmp_path / "demo.gif"
    code, out, _ = run(capsys, "demo", "-o", out_file, "--subjects", 1, "--res",
                       32, "--dpi", 30)  # fmt: skip
    assert code == 0
    assert out.strip().splitlines()[-1].startswith(f"Wrote {out_file} (101 frames, ")
    assert n_frames(out_file) == 101  # -0.2 .. 0.8 s at 100 Hz
    assert list((tmp_path / "cache").glob("*.npz"))  # the decoders were cached


# -- (n_channels, n_times) arrays and one colour limit ---------------------------


@pytest.mark.parametrize("with_times", [False, True])
def test_render_channels_by_times_array_suggests_dims(tmp_path, capsys, ch_names,
                                                      rng, with_times):  # fmt: skip
    coefs = rng.standard_normal((N_CH, 5))  # MNE's order: channels, times
    np.savez(tmp_path / "res.npz", coefs=coefs, times=np.arange(5) / 100)
    times = ["--times-key", "times"] if with_times else []
    args = ["render", tmp_path / "res.npz", "--key", "coefs", *times,
            "--montage", "biosemi64", "--ch-names", ch_names,
            "-o", tmp_path / "out.gif", *FAST]  # fmt: skip
    code, _, err = run(capsys, *args)
    assert_one_line_error(code, err, "looks like (n_channels, n_times)")
    assert "Pass --dims channels,times (its axes, in order)." in err
    assert "dims=(" not in err and "data.T" not in err  # the command's words
    # the advice works, with MNE's singular names too
    code, _, _ = run(capsys, *args, "--dims", "channel,time")
    assert code == 0
    assert n_frames(tmp_path / "out.gif") == 5


def test_render_vlim_one_limit_mirrored(tmp_path, capsys, spy, info16, rng):
    fname = tmp_path / "sub01-ave.fif"
    evoked = mne.EvokedArray(rng.standard_normal((N_CH, 3)) * 1e-4, info16,
                             verbose=False)  # fmt: skip
    mne.write_evokeds(fname, evoked, verbose=False)
    code, _, _ = run(capsys, "render", fname, "-o", tmp_path / "evoked.gif",
                     "--tmin", 0, "--tmax", 0.5, "--vlim", "none", 5,
                     *FAST)  # fmt: skip
    assert code == 0
    assert spy[0].kwargs["vlim"] == (None, 5.0)
    assert spy[0].anim.vlim == (-5.0, 5.0)  # µV, white at 0


# -- render: damaged files, each one line naming it -------------------------------


def _npy_with_header(shape, data=b""):
    """The bytes of an .npy file whose header announces ``shape`` (float64)."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    return buffer.getvalue() + data


def _truncated(path):
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2 + 3])


def _saved_evoked(path, info):
    evoked = mne.EvokedArray(np.ones((N_CH, 4)), info, verbose=False)
    mne.write_evokeds(path, evoked, verbose=False)


def _saved_epochs(path, info):
    epochs = mne.EpochsArray(np.ones((3, N_CH, 4)), info, verbose=False)
    epochs.save(path, verbose=False)


def _make_bad_file(case, folder, info):
    """Write the damaged file of ``case``; return its path."""
    name = {"npy": "x.npy", "npz": "x.npz", "ave": "x-ave.fif", "epo": "x-epo.fif"}
    path = folder / name[case.split("_")[0]]
    if case in ("npy_empty", "npz_empty", "ave_empty", "epo_empty"):
        path.write_bytes(b"")
    elif case.endswith("_random"):
        path.write_bytes(np.random.default_rng(0).bytes(5000))
    elif case == "npy_huge_header":  # 74.5 GiB announced, 64 bytes held
        path.write_bytes(_npy_with_header((100_000, 100_000), bytes(64)))
    elif case == "npy_truncated":
        np.save(path, np.ones((5, N_CH)))
        _truncated(path)
    elif case == "npz_truncated":
        np.savez(path, coefs=np.ones((5, N_CH)))
        _truncated(path)
    elif case == "npz_huge_member":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("coefs.npy", _npy_with_header((10**10,), bytes(8)))
    elif case == "npz_member_not_npy":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("coefs", b"text")
    elif case == "npz_holding_npy":
        np.save(folder / "a.npy", np.ones((5, N_CH)))
        (folder / "a.npy").rename(path)
    elif case == "npz_without_arrays":
        np.savez(path)
    elif case == "npy_folder":
        path.mkdir()
    elif case == "ave_truncated":
        _saved_evoked(path, info)
        _truncated(path)
    elif case == "epo_truncated":
        _saved_epochs(path, info)
        _truncated(path)
    return path


BAD_FILES = {
    "npy_empty": "COEFS file '{path}' is empty (0 bytes)",
    "npz_empty": "COEFS file '{path}' is empty (0 bytes)",
    "ave_empty": "COEFS file '{path}' is empty (0 bytes)",
    "epo_empty": "COEFS file '{path}' is empty (0 bytes)",
    "npy_random": "COEFS '{path}' is not a NumPy .npy array",
    "npz_random": "COEFS '{path}' is not an .npz archive",
    "ave_random": "COEFS '{path}' could not be read as a -ave.fif file (Evoked)",
    "epo_random": "COEFS '{path}' could not be read as a -epo.fif file (Epochs)",
    "npy_huge_header": "COEFS '{path}' is damaged or truncated: its header announces"
    " an array of shape (100000, 100000) and dtype float64 (74.5 GiB), but the file"
    " holds 64 bytes of data",
    "npy_truncated": "COEFS '{path}' is damaged or truncated",
    "npz_truncated": "COEFS '{path}' could not be read as an .npz archive: File is"
    " not a zip file",
    "npz_huge_member": "array 'coefs' of '{path}' is damaged or truncated: its header"
    " announces an array of shape (10000000000,)",
    "npz_member_not_npy": "array 'coefs' of '{path}' is not a NumPy array",
    "npz_holding_npy": "COEFS '{path}' is a .npy array, not an .npz archive",
    "npz_without_arrays": "'{path}' is an .npz archive without arrays",
    "npy_folder": "COEFS '{path}' is a folder; give a file",
    "ave_truncated": "COEFS '{path}' could not be read as a -ave.fif file (Evoked)",
    "epo_truncated": "COEFS '{path}' could not be read as a -epo.fif file (Epochs)",
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_damaged_input_file_is_one_line(tmp_path, capsys, info16, ch_names, case):
    path = _make_bad_file(case, tmp_path, info16)
    positions = ["--montage", "biosemi64", "--ch-names", ch_names]
    args = positions if path.suffix in (".npy", ".npz") else []
    code, _, err = run(capsys, "render", path, *args, "-o", tmp_path / "out.gif",
                       *FAST)  # fmt: skip
    assert_one_line_error(code, err, BAD_FILES[case].format(path=path))
    assert not (tmp_path / "out.gif").exists()


@pytest.mark.parametrize("case", ["empty", "random", "truncated"])
def test_damaged_info_file_is_one_line(tmp_path, capsys, info16, case):
    np.save(tmp_path / "coefs.npy", np.ones((2, N_CH)))
    path = tmp_path / "s-info.fif"
    mne.io.write_info(path, info16)
    content = path.read_bytes()
    damaged = {"empty": b"", "random": np.random.default_rng(1).bytes(3000),
               "truncated": content[: len(content) // 2 + 3]}  # fmt: skip
    path.write_bytes(damaged[case])
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "--info", path,
                       "-o", tmp_path / "out.gif", *FAST)  # fmt: skip
    expected = "is empty (0 bytes)" if case == "empty" else "could not be read as"
    assert_one_line_error(code, err, f"--info {'file ' * (case == 'empty')}'{path}'")
    assert expected in err


@pytest.mark.parametrize("suffix", [".npy", ".npz", "-ave.fif"])
def test_unreadable_file_is_one_line(tmp_path, capsys, monkeypatch, info16, ch_names,
                                     suffix):  # fmt: skip
    # root can read anything, so the denial is simulated where the file is opened
    path = tmp_path / f"x{suffix}"
    if suffix == "-ave.fif":
        _saved_evoked(path, info16)
    else:
        path.write_bytes(b"PK\x03\x04" if suffix == ".npz" else b"\x93NUMPY")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(_readers, "open", denied, raising=False)
    monkeypatch.setattr(mne, "read_evokeds", denied)
    args = [] if suffix == "-ave.fif" else ["--montage", "biosemi64", "--ch-names",
                                             ch_names]  # fmt: skip
    code, _, err = run(capsys, "render", path, *args, "-o", tmp_path / "o.gif", *FAST)
    assert_one_line_error(code, err, f"COEFS '{path}' could not be read as ")
    assert err.rstrip().endswith(": Permission denied.")


def test_any_failure_of_a_reader_names_the_file(tmp_path, capsys, monkeypatch,
                                                info16):  # fmt: skip
    path = tmp_path / "x-ave.fif"
    _saved_evoked(path, info16)

    def broken(*args, **kwargs):  # as MNE fails on some damaged files
        raise AttributeError("'NoneType' object has no attribute 'kind'")

    monkeypatch.setattr(mne, "read_evokeds", broken)
    code, _, err = run(capsys, "render", path, "-o", tmp_path / "out.gif", *FAST)
    assert_one_line_error(code, err, f"COEFS '{path}' could not be read as a -ave.fif")
    assert "'NoneType' object has no attribute 'kind'" in err


def test_a_bug_outside_the_readers_keeps_its_traceback(tmp_path, capsys,
                                                      monkeypatch, info16):  # fmt: skip
    path = tmp_path / "x-ave.fif"
    _saved_evoked(path, info16)

    def bug(*args, **kwargs):
        raise AttributeError("a bug in our own code")

    monkeypatch.setattr(_api, "animate_options", bug)
    with pytest.raises(AttributeError, match="a bug in our own code"):
        main(["render", str(path), "-o", str(tmp_path / "out.gif"), *FAST])


def test_reading_warnings_are_one_line_each(tmp_path, capsys, monkeypatch, info16):
    path = tmp_path / "x-ave.fif"
    _saved_evoked(path, info16)
    real = mne.read_evokeds

    def warning_reader(*args, **kwargs):
        warnings.warn("something odd\nover two lines", RuntimeWarning, stacklevel=1)
        return real(*args, **kwargs)

    monkeypatch.setattr(mne, "read_evokeds", warning_reader)
    code, _, err = run(capsys, "render", path, "-o", tmp_path / "out.gif", *FAST)
    assert code == 0
    assert (
        err == f"mne-coefanim: warning: COEFS '{path}': something odd over two lines\n"
    )


def test_ch_names_count_must_match_the_array(tmp_path, capsys):
    np.save(tmp_path / "coefs.npy", np.ones((5, 64)))
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "--montage",
                       "biosemi64", "--ch-names", "Fz,Cz,Pz,Oz", "-o",
                       tmp_path / "out.gif", *FAST)  # fmt: skip
    assert_one_line_error(
        code, err, f"--ch-names names 4 channels, but COEFS '{tmp_path / 'coefs.npy'}'"
        " has 64 (shape (5, 64))"
    )  # fmt: skip


@pytest.mark.parametrize("montage", ["biosemi64", "standard_1020"])
def test_montage_without_ch_names_says_what_is_missing(tmp_path, capsys, montage):
    np.save(tmp_path / "coefs.npy", np.ones((5, 64)))
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "--montage",
                       montage, "-o", tmp_path / "out.gif", *FAST)  # fmt: skip
    assert_one_line_error(code, err, "--montage places channels by name")
    assert "add --ch-names A,B,C" in err


def test_renamed_montage_warns_in_one_line(tmp_path, capsys):
    np.save(tmp_path / "coefs.npy", np.ones((2, 5)))
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "--montage",
                       "standard_1020", "--ch-names", "Fz,Cz,Pz,C3,C4", "-o",
                       tmp_path / "out.gif", *FAST)  # fmt: skip
    assert code == 0
    assert err.count("\n") <= 1  # MNE >= 1.13 renamed it: its warning, one line
    assert err == "" or err.startswith("mne-coefanim: warning: --montage: ")
