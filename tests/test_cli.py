import argparse
import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import mne
import numpy as np
import pytest
from conftest import make_info
from PIL import Image

import mne_coefanim
from mne_coefanim import _api
from mne_coefanim.adapters import _demo
from mne_coefanim.cli import _main as _cli
from mne_coefanim.cli._main import build_parser, main

# small everywhere: every render below takes a fraction of a second
FAST = ["--res", "32", "--dpi", "40", "--quiet"]
N_CH = 16


@pytest.fixture
def info16():
    """16 biosemi64 channels with positions (a montage MNE does not rename)."""
    return make_info("biosemi64", n_channels=N_CH)


@pytest.fixture
def ch_names(info16):
    return ",".join(info16.ch_names)


@pytest.fixture
def spy(monkeypatch):
    """Record what the CLI passes to animate_coefs (and what it returns)."""
    calls = []
    real = _api.animate_coefs

    def recording(data, info=None, **kwargs):
        anim = real(data, info, **kwargs)
        calls.append(SimpleNamespace(data=data, info=info, kwargs=kwargs, anim=anim))
        return anim

    monkeypatch.setattr(_api, "animate_coefs", recording)
    return calls


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def n_frames(path):
    with Image.open(path) as image:
        return image.n_frames


def assert_one_line_error(code, err, match):
    assert code == 2
    assert err.startswith("mne-coefanim: error: ")
    assert err.count("\n") == 1, err
    assert match in err


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


def test_console_script_points_to_main():
    scripts = importlib.metadata.entry_points(group="console_scripts")
    (entry,) = [ep for ep in scripts if ep.name == "mne-coefanim"]
    assert entry.value == "mne_coefanim.cli._main:main"
    assert entry.load() is main


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
def test_every_option_documents_its_default(command):
    parser = build_parser()
    sub = next(
        action
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    ).choices[command]
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction) or not action.option_strings:
            continue
        assert action.help, action.option_strings
        assert "default" in action.help or "required" in action.help, action.help


# -- render: each input kind --------------------------------------------------


def test_render_npy_with_sfreq_and_info_file(tmp_path, capsys, spy, info16, rng):
    coefs = rng.standard_normal((5, N_CH))
    np.save(tmp_path / "coefs.npy", coefs)
    mne.io.write_info(tmp_path / "sensors-info.fif", info16)
    out_file = tmp_path / "out.gif"
    code, out, err = run(
        capsys, "render", tmp_path / "coefs.npy", "--sfreq", 50, "--tmin", -0.04,
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
    code, _, _ = run(capsys, "render", fname, "--times", 0.02, "none", "-o",
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


def test_not_quiet_prints_path_and_time(tmp_path, capsys, info16):
    fname = tmp_path / "x-ave.fif"
    mne.write_evokeds(fname, mne.EvokedArray(np.ones((N_CH, 2)), info16,
                                              verbose=False))  # fmt: skip
    out_file = tmp_path / "out.gif"
    code, out, _ = run(capsys, "render", fname, "-o", out_file, "--res", 32,
                       "--dpi", 40)  # fmt: skip
    assert code == 0
    last = out.strip().splitlines()[-1]
    assert last.startswith(f"Wrote {out_file} (2 frames) in ") and last.endswith(" s")


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
    assert call.kwargs["units"] == "µV"
    assert call.kwargs["score_label"] == "AUC"
    assert call.kwargs["scores"] is tiny_study.study.scores
    assert call.kwargs["title"] == "Memory load decoding: patterns (2 subjects)"


def test_demo_filters_zscored(tmp_path, capsys, spy, tiny_study):
    code, _, _ = run(capsys, "demo", "-o", tmp_path / "demo.gif", "--what",
                     "filters", "--transform", "zscore", *FAST)  # fmt: skip
    assert code == 0
    (call,) = spy
    assert call.data is tiny_study.study.coefs
    assert call.kwargs["transform"] == "zscore"
    assert call.kwargs["units"] is None  # animate_coefs labels z-scores 'z'
    assert tiny_study.calls[0]["n_subjects"] == _cli.DEMO_SUBJECTS


def test_demo_reports_missing_scikit_learn(tmp_path, capsys, monkeypatch):
    def no_sklearn(**kwargs):
        raise ModuleNotFoundError("No module named 'sklearn'")

    monkeypatch.setattr(_demo, "load_demo", no_sklearn)
    code, _, err = run(capsys, "demo", "-o", tmp_path / "demo.gif")
    assert_one_line_error(code, err, "pip install 'mne-coefanim[demo]'")


def test_interrupt_exits_130(tmp_path, capsys, monkeypatch):
    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_demo, "load_demo", interrupted)
    code, _, err = run(capsys, "demo", "-o", tmp_path / "demo.gif")
    assert code == 130
    assert err == "mne-coefanim: interrupted\n"


def test_real_demo(tmp_path, capsys, monkeypatch):
    pytest.importorskip("sklearn")
    monkeypatch.setenv("MNE_COEFANIM_CACHE", os.fspath(tmp_path / "cache"))
    out_file = tmp_path / "demo.gif"
    code, out, _ = run(capsys, "demo", "-o", out_file, "--subjects", 1, "--res",
                       32, "--dpi", 30)  # fmt: skip
    assert code == 0
    assert out.strip().splitlines()[-1].startswith(f"Wrote {out_file} (101 frames)")
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
                     "--times", 0, 0.5, "--vlim", "none", 5, *FAST)  # fmt: skip
    assert code == 0
    assert spy[0].kwargs["vlim"] == (None, 5.0)
    assert spy[0].anim.vlim == (-5.0, 5.0)  # µV, white at 0
