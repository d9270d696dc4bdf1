"""The command line does what Python does: scores, masks, scalings, panels.

Each option reaches animate_coefs as the keyword of the same name and
meaning; files are read with COEFS' checks; old spellings keep working for
one release, with a one-line deprecation warning.
"""

import ast
import pathlib

import mne
import numpy as np
import pytest
from conftest import assert_one_line_error, make_info, option_helps, run
from PIL import Image

from mne_coefanim._docs import summary

FAST = ["--res", "32", "--dpi", "40", "--quiet"]
N_CH = 16
CLI = pathlib.Path(__file__).resolve().parents[1] / "mne_coefanim" / "cli"


@pytest.fixture
def info_file(tmp_path):
    info = make_info("biosemi64", n_channels=N_CH)
    mne.io.write_info(tmp_path / "s-info.fif", info)
    return tmp_path / "s-info.fif"


def render(capsys, tmp_path, info_file, coefs, *options):
    """Render the array ``coefs`` (saved as .npy) with ``options``."""
    np.save(tmp_path / "coefs.npy", coefs)
    return run(capsys, "render", tmp_path / "coefs.npy", "--info", info_file,
               "-o", tmp_path / "out.gif", *options, *FAST)  # fmt: skip


# -- scores ----------------------------------------------------------------------


def test_scores_npy_and_score_options(tmp_path, capsys, spy, info_file, rng):
    scores = rng.uniform(0.4, 0.9, (3, 4))  # 3 subjects, 4 times
    np.save(tmp_path / "scores.npy", scores)
    code, _, err = render(
        capsys, tmp_path, info_file, rng.standard_normal((3, 4, N_CH)),
        "--scores", tmp_path / "scores.npy", "--scoring", "roc_auc",
        "--score-label", "ROC AUC", "--chance", "0.5",
    )  # fmt: skip
    assert (code, err) == (0, "")
    kwargs = spy[0].kwargs
    np.testing.assert_array_equal(kwargs["scores"], scores)
    assert (kwargs["scoring"], kwargs["score_label"], kwargs["chance"]) == (
        "roc_auc", "ROC AUC", 0.5,
    )  # fmt: skip


def test_scores_from_the_coefs_npz(tmp_path, capsys, spy, info_file, rng):
    scores = rng.uniform(0.4, 0.9, 5)
    res = tmp_path / "res.npz"
    np.savez(res, patterns=rng.standard_normal((5, N_CH)), scores=scores,
             times=np.arange(5) / 100)  # fmt: skip
    code, _, _ = run(capsys, "render", res, "--key", "patterns", "--times-key",
                     "times", "--info", info_file, "--scores", res, "--scores-key",
                     "scores", "-o", tmp_path / "out.gif", *FAST)  # fmt: skip
    assert code == 0
    np.testing.assert_array_equal(spy[0].kwargs["scores"], scores)
    assert spy[0].kwargs["chance"] == "auto"


@pytest.mark.parametrize("word, expected", [("none", None), ("AUTO", "auto")])
def test_chance_words(tmp_path, capsys, spy, info_file, rng, word, expected):
    np.save(tmp_path / "scores.npy", rng.uniform(size=3))
    coefs = rng.standard_normal((3, N_CH))
    code, _, _ = render(capsys, tmp_path, info_file, coefs, "--scores",
                        tmp_path / "scores.npy", "--chance", word)  # fmt: skip
    assert code == 0
    assert spy[0].kwargs["chance"] == expected


def test_chance_must_be_a_number_or_word(capsys):
    code, _, err = run(capsys, "render", "x.npy", "-o", "x.gif", "--chance", "half")
    assert code == 2
    assert "argument --chance: expected auto, none or a number, got 'half'" in err


def test_scores_npz_needs_its_key(tmp_path, capsys, info_file, rng):
    np.savez(tmp_path / "s.npz", a=np.ones(3), b=np.ones(3))
    code, _, err = render(capsys, tmp_path, info_file, rng.standard_normal((3, N_CH)),
                          "--scores", tmp_path / "s.npz")  # fmt: skip
    assert_one_line_error(code, err, "holds 2 candidate arrays (a, b); choose one "
                          "with --scores-key.")  # fmt: skip


@pytest.mark.parametrize(
    "content, match",
    [
        (b"", "--scores file '{path}' is empty (0 bytes)"),
        (b"not numpy at all", "--scores '{path}' is not a NumPy .npy array"),
        ("pickle", "--scores '{path}' holds pickled Python objects"),
        (None, "--scores file not found: '{path}'"),
    ],
)
def test_bad_scores_file_is_one_line(tmp_path, capsys, info_file, rng, content,
                                     match):  # fmt: skip
    path = tmp_path / "scores.npy"
    if content == "pickle":
        np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    elif content is not None:
        path.write_bytes(content)
    code, _, err = render(capsys, tmp_path, info_file, rng.standard_normal((3, N_CH)),
                          "--scores", path)  # fmt: skip
    assert_one_line_error(code, err, match.format(path=path))
    assert not (tmp_path / "out.gif").exists()


@pytest.mark.parametrize(
    "option",
    [["--scores-key", "s"], ["--scoring", "r2"], ["--chance", "0"],
     ["--score-label", "r"]],
)  # fmt: skip
def test_score_options_need_scores(tmp_path, capsys, info_file, rng, option):
    code, _, err = render(capsys, tmp_path, info_file, rng.standard_normal((3, N_CH)),
                          *option)  # fmt: skip
    assert_one_line_error(code, err, f"{option[0]} needs --scores FILE")


# -- masks -----------------------------------------------------------------------


def test_mask_method_alone_is_a_string(tmp_path, capsys, spy, info_file, rng):
    code, _, _ = render(capsys, tmp_path, info_file, rng.standard_normal((6, 3, N_CH)),
                        "--mask", "fdr", "--dims", "subject,time,channel")  # fmt: skip
    assert code == 0
    assert spy[0].kwargs["mask"] == "fdr"


def test_mask_test_options_build_the_dict(tmp_path, capsys, spy, info_file, rng):
    code, _, _ = render(
        capsys, tmp_path, info_file, rng.standard_normal((6, 3, N_CH)),
        "--mask", "cluster", "--alpha", 0.1, "--tail", 1, "--threshold", 2.5,
        "--n-permutations", 64, "--seed", 3, "--dims", "subjects,times,channels",
    )  # fmt: skip
    assert code == 0
    expected = dict(method="cluster", alpha=0.1, tail=1, seed=3, threshold=2.5,
                    n_permutations=64)  # fmt: skip
    assert spy[0].kwargs["mask"] == expected
    assert spy[0].anim.masks.shape == (1, 3, N_CH)  # one panel


def test_tests_need_named_axes(tmp_path, capsys, spy, info_file, rng):
    """A (5, n_times, n_channels) array: 5 subjects, or 5 folds of one?"""
    folds = rng.standard_normal((5, 3, N_CH))
    for test in (["--mask", "cluster"], ["--mask", "fdr"]):
        code, _, err = render(capsys, tmp_path, info_file, folds, *test)
        assert_one_line_error(code, err, f"{' '.join(test)} test across the first "
                              "axis of COEFS")  # fmt: skip
        for words in ("its axes are not named", "could as well hold cross-"
                      "validation folds", "Pass --dims subject,time,channel if it "
                      "holds subjects"):  # fmt: skip
            assert words in err
    scores = tmp_path / "scores.npy"
    np.save(scores, 0.5 + 0.1 * rng.standard_normal((5, 3)))
    code, _, err = render(capsys, tmp_path, info_file, folds, "--scores", scores,
                          "--chance", "0.5", "--score-stats", "fdr")  # fmt: skip
    assert_one_line_error(code, err, "--score-stats fdr test across the first axis")
    # named as folds, the test is refused as a test across folds
    code, _, err = render(capsys, tmp_path, info_file, folds, "--mask", "cluster",
                          "--dims", "folds,times,channels")  # fmt: skip
    assert_one_line_error(code, err, "5 cross-validation folds and no subjects")
    # without a test the default is fine: only the average is shown
    code, _, _ = render(capsys, tmp_path, info_file, folds)
    assert code == 0 and spy[-1].data.guessed_dims == ("subjects", "times", "channels")


def test_popmean_reaches_the_mask_dict(tmp_path, capsys, spy, info_file, rng):
    maps = np.abs(rng.standard_normal((8, 3, N_CH)))
    code, _, err = render(capsys, tmp_path, info_file, maps, "--mask", "fdr",
                          "--dims", "subject,time,channel")  # fmt: skip
    assert_one_line_error(code, err, "non-negative at every time and channel")
    assert "--tail 1 --popmean LEVEL" in err
    code, _, _ = render(capsys, tmp_path, info_file, maps, "--mask", "fdr",
                        "--tail", 1, "--popmean", 0.8,
                        "--dims", "subject,time,channel")  # fmt: skip
    assert code == 0
    assert spy[-1].kwargs["mask"] == dict(method="fdr", tail=1, popmean=0.8)


@pytest.mark.parametrize("dtype", [bool, np.uint8])
def test_mask_file(tmp_path, capsys, spy, info_file, rng, dtype):
    mask = rng.uniform(size=(4, N_CH)) > 0.5
    np.savez(tmp_path / "m.npz", mask=mask.astype(dtype), other=np.ones(2))
    code, _, _ = render(capsys, tmp_path, info_file, rng.standard_normal((4, N_CH)),
                        "--mask", tmp_path / "m.npz", "--mask-key", "mask")  # fmt: skip
    assert code == 0
    assert spy[0].kwargs["mask"].dtype == bool
    np.testing.assert_array_equal(spy[0].kwargs["mask"], mask)


def test_mask_file_of_other_numbers(tmp_path, capsys, info_file, rng):
    np.save(tmp_path / "m.npy", np.full((4, N_CH), 2.0))
    code, _, err = render(capsys, tmp_path, info_file, rng.standard_normal((4, N_CH)),
                          "--mask", tmp_path / "m.npy")  # fmt: skip
    assert_one_line_error(code, err, "must hold booleans (True/False, or 0/1)")


@pytest.mark.parametrize(
    "options, match",
    [
        (["--mask", "clusters"], "--mask must be cluster, fdr or a boolean .npy"),
        (["--alpha", "0.1"], "--alpha sets the test of --mask cluster or --mask "
         "fdr; add --mask"),
        (["--mask", "fdr", "--threshold", "3"], "--threshold applies to --mask "
         "cluster only, not fdr"),
        (["--mask", "fdr", "--mask-key", "m"], "--mask-key names the array of a "
         "--mask FILE"),
        (["--mask", "m.npy", "--seed", "1"], "a mask file is not tested"),
    ],
)  # fmt: skip
def test_mask_option_errors(tmp_path, capsys, info_file, rng, options, match):
    code, _, err = render(capsys, tmp_path, info_file, rng.standard_normal((4, N_CH)),
                          *options)  # fmt: skip
    assert_one_line_error(code, err, match)


# -- scalings ----------------------------------------------------------------------


def test_scalings_and_units(tmp_path, capsys, spy, info_file, rng):
    volts = rng.standard_normal((3, N_CH)) * 1e-6
    code, _, _ = render(capsys, tmp_path, info_file, volts, "--scalings", 1e6,
                        "--units", "µV")  # fmt: skip
    assert code == 0
    assert spy[0].kwargs["scalings"] == 1e6 and spy[0].kwargs["units"] == "µV"
    np.testing.assert_allclose(spy[0].anim.values[0], volts * 1e6)


# -- panels ----------------------------------------------------------------------


def test_panels_become_a_dict(tmp_path, capsys, spy, info_file, rng):
    low, high = rng.standard_normal((2, 3, N_CH))
    np.save(tmp_path / "low.npy", low)
    np.save(tmp_path / "high.npy", high)
    code, _, _ = run(capsys, "render", "--panel", f"low={tmp_path / 'low.npy'}",
                     "--panel", f"high load={tmp_path / 'high.npy'}", "--info",
                     info_file, "-o", tmp_path / "out.gif", *FAST)  # fmt: skip
    assert code == 0
    data = spy[0].data
    assert list(data) == ["low", "high load"]
    np.testing.assert_allclose(data["low"].data, low)
    np.testing.assert_allclose(data["high load"].data, high)


def test_evoked_panels(tmp_path, capsys, spy, rng):
    info = make_info("biosemi64", n_channels=N_CH)
    for name in ("a", "b"):
        evoked = mne.EvokedArray(rng.standard_normal((N_CH, 3)) * 1e-6, info,
                                 verbose=False)  # fmt: skip
        mne.write_evokeds(tmp_path / f"{name}-ave.fif", evoked, verbose=False)
    code, _, _ = run(capsys, "render", "--panel", f"A={tmp_path / 'a-ave.fif'}",
                     "--panel", f"B={tmp_path / 'b-ave.fif'}", "-o",
                     tmp_path / "out.gif", *FAST)  # fmt: skip
    assert code == 0
    assert list(spy[0].data) == ["A", "B"]


@pytest.mark.parametrize(
    "argv, match",
    [
        (["COEFS", "--panel", "a=COEFS"], "give COEFS or --panel TITLE=FILE, not both"),
        ([], "the coefficients are missing: give COEFS, or --panel"),
        (["--panel", "a=COEFS", "--panel", "a=COEFS"], "'a' is repeated"),
        (["--panel", "a=gone.npy"], "--panel 'a' file not found"),
        (["--panel", "a=COEFS", "--panel", "b=x-ave.fif"], "must be all arrays"),
    ],
)
def test_panel_errors(tmp_path, capsys, info_file, argv, match):
    coefs = tmp_path / "coefs.npy"
    np.save(coefs, np.ones((2, N_CH)))
    (tmp_path / "x-ave.fif").write_bytes(b"x")
    argv = [str(coefs) if a == "COEFS" else a.replace("COEFS", str(coefs))
            for a in argv]  # fmt: skip
    argv = [a.replace("=x-ave", f"={tmp_path}/x-ave") for a in argv]
    argv = [a.replace("=gone", f"={tmp_path}/gone") for a in argv]
    code, _, err = run(capsys, "render", *argv, "--info", info_file, "-o",
                       tmp_path / "out.gif", *FAST)  # fmt: skip
    assert_one_line_error(code, err, match)


def test_panel_needs_title_and_file(capsys):
    code, _, err = run(capsys, "render", "--panel", "nofile", "-o", "x.gif")
    assert code == 2
    assert "argument --panel: expected TITLE=FILE" in err


# -- same name, same meaning: --tmin/--tmax crop, --first-time places ------------


def test_tmin_tmax_crop_and_first_time_places(tmp_path, capsys, spy, info_file, rng):
    code, _, err = render(capsys, tmp_path, info_file, rng.standard_normal((10, N_CH)),
                          "--sfreq", 100, "--first-time", -0.02, "--tmin", 0,
                          "--tmax", 0.03)  # fmt: skip
    assert (code, err) == (0, "")
    assert (spy[0].kwargs["tmin"], spy[0].kwargs["tmax"]) == (0.0, 0.03)
    np.testing.assert_allclose(spy[0].anim.times, [0.0, 0.01, 0.02, 0.03])


def test_old_tmin_with_sfreq_is_deprecated(tmp_path, capsys, spy, info_file, rng):
    code, _, err = render(capsys, tmp_path, info_file, rng.standard_normal((3, N_CH)),
                          "--sfreq", 100, "--tmin", -0.01)  # fmt: skip
    assert code == 0
    assert err == (
        "mne-coefanim: warning: --tmin with --sfreq (as the first sample's time) is "
        "deprecated, use --first-time (give it, even 0, and --tmin crops what is "
        "shown, as Python's tmin)\n"
    )
    np.testing.assert_allclose(spy[0].anim.times, [-0.01, 0.0, 0.01])
    assert spy[0].kwargs["tmin"] is None


def test_old_times_is_deprecated(tmp_path, capsys, spy, info_file, rng):
    code, _, err = render(capsys, tmp_path, info_file, rng.standard_normal((5, N_CH)),
                          "--sfreq", 100, "--times", "0.01", "none")  # fmt: skip
    assert code == 0
    assert err == (
        "mne-coefanim: warning: --times is deprecated, use --tmin and --tmax\n"
    )
    assert (spy[0].kwargs["tmin"], spy[0].kwargs["tmax"]) == (0.01, None)
    assert len(spy[0].anim) == 4


def test_decim_keeps_one_frame_in_k(tmp_path, capsys, spy, info_file, rng):
    np.save(tmp_path / "coefs.npy", rng.standard_normal((561, N_CH)))
    code, out, err = run(capsys, "render", tmp_path / "coefs.npy", "--info",
                         info_file, "-o", tmp_path / "out.gif", "--sfreq", 160,
                         "--first-time", -0.5, "--decim", 3, "--res", 8, "--dpi",
                         40)  # fmt: skip
    assert (code, err) == (0, "")
    assert spy[0].kwargs["decim"] == 3
    np.testing.assert_array_equal(spy[0].anim.times, -0.5 + np.arange(0, 561, 3) / 160)
    assert spy[0].anim.time_labels[:2] == ["-0.500 s", "-0.481 s"]
    assert "(187 frames, one in 3, " in out
    with Image.open(tmp_path / "out.gif") as gif:
        assert gif.n_frames == 187


@pytest.mark.parametrize(
    "value, match",
    [("0", "argument --decim: must be >= 1, got 0"),
     ("1.5", "argument --decim: expected an integer, got '1.5'"),
     ("12", "--decim 12 keeps one frame in 12, but there are only 11 frames in "
      "the data; pass --decim 11 or less.")],
)  # fmt: skip
def test_decim_errors(tmp_path, capsys, info_file, rng, value, match):
    code, _, err = render(capsys, tmp_path, info_file, rng.standard_normal((11, N_CH)),
                          "--decim", value)  # fmt: skip
    assert_one_line_error(code, err, match)


@pytest.mark.parametrize(
    "options, match",
    [
        (["--times", "0", "1", "--tmax", "1"], "--times (deprecated) and "
         "--tmin/--tmax cannot both be given"),
        (["--first-time", "0.1"], "--first-time needs --sfreq"),
        (["--tmin", "0.5", "--tmax", "0.1"], "--tmin must be <= --tmax; got --tmin "
         "0.5, --tmax 0.1."),
    ],
)  # fmt: skip
def test_time_option_errors(tmp_path, capsys, info_file, rng, options, match):
    code, _, err = render(capsys, tmp_path, info_file, rng.standard_normal((3, N_CH)),
                          *options)  # fmt: skip
    assert_one_line_error(code, err, match)


# -- help: Python's words, and nothing heavy imported to parse ---------------------


@pytest.mark.parametrize(
    "option, name",
    [("--scores", "scores"), ("--chance", "chance"), ("--scoring", "scoring"),
     ("--mask", "mask"), ("--scalings", "scalings"), ("--units", "units"),
     ("--tmin", "tmin"), ("--decim", "decim")],
)  # fmt: skip
def test_help_says_what_python_says(capsys, option, name):
    text = option_helps(capsys, "render")[option]
    assert text.startswith(summary(name)), text


def test_cli_modules_import_nothing_heavy_at_the_top():
    # matplotlib and MNE are imported inside functions, once parsing is done
    for path in CLI.glob("*.py"):
        for node in ast.parse(path.read_text()).body:
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            heavy = [n for n in names if n.split(".")[0] in ("matplotlib", "mne")]
            assert not heavy, f"{path.name} imports {heavy} at module level"
