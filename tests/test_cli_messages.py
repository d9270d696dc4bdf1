"""What the command prints: quiet unless --verbose, one-line warnings in the
command's words, and a colour bar with units and no offset text."""

import re

import mne
import numpy as np
import pytest
from conftest import make_info, run

from mne_coefanim.cli._parser import cli_wording

N_CH, N_TIMES = 16, 4
SMALL = ["--res", "24", "--dpi", "40"]
# MNE's own log lines during a cluster test, and its progress bar
MNE_LINES = ("adjacency", "Found ", "clustering", "stat_fun")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """Subjects' patterns in volts (1e-6), an info file and scores."""
    folder = tmp_path_factory.mktemp("study")
    info = make_info("biosemi64", n_channels=N_CH)
    mne.io.write_info(folder / "s-info.fif", info)
    rng = np.random.default_rng(0)
    effect = np.zeros(N_CH)
    effect[:5] = 3.0
    patterns = (rng.standard_normal((6, N_TIMES, N_CH)) + effect) * 1e-6
    np.savez(folder / "res.npz", patterns=patterns,
             times=np.arange(N_TIMES) / 100.0,
             scores=0.5 + 0.1 * rng.random((6, N_TIMES)))  # fmt: skip
    return folder


def render(capfd, study, *extra, n_subjects=6):
    path = study / f"res{n_subjects}.npz"
    if not path.exists():
        with np.load(study / "res.npz") as archive:
            np.savez(path, **{k: archive[k][:n_subjects] if k != "times"
                              else archive[k] for k in archive.files})  # fmt: skip
    return run(capfd, "render", path, "--key", "patterns", "--times-key", "times",
               "--info", study / "s-info.fif", "--dims", "subjects,times,channels",
               "-o", study / "out.gif", "--overwrite", *SMALL, *extra)  # fmt: skip


def test_mne_logs_and_bars_only_with_verbose(capfd, study):
    options = ["--mask", "cluster", "--scores", study / "res.npz",
               "--scores-key", "scores"]  # fmt: skip
    code, out, err = render(capfd, study, *options)
    assert code == 0 and err == ""
    assert out.splitlines() == [out.splitlines()[0]]
    assert out.startswith("Wrote ")  # the one line, nothing of MNE's
    code, out, err = render(capfd, study, *options, "--verbose")
    assert code == 0
    for line in MNE_LINES:
        assert line in out, out
    assert "Permuting" in err and "Saving 4 frames" in out
    # the hints in the log are the command's: --chance, not chance=
    assert "pass --chance <number>, or --scoring <name> with <name> one of" in out
    assert "chance=" not in out and "np.newaxis" not in out


def test_warnings_are_one_line_in_the_command_words(capfd, study):
    code, out, err = render(capfd, study, "--mask", "cluster", n_subjects=4)
    assert code == 0 and out.startswith("Wrote ")
    assert err.count("\n") == 1, err
    assert re.fullmatch(
        r"mne-coefanim: warning: With 4 subjects and --n-permutations 1024, .* "
        r"not below --alpha 0\.05: .* Use at least 6 subjects and "
        r"--n-permutations > 20, or --mask fdr\.\n",
        err,
    ), err
    assert "RuntimeWarning" not in err and ".py" not in err
    # --quiet: errors only
    code, out, err = render(capfd, study, "--mask", "cluster", "--quiet",
                            n_subjects=4)  # fmt: skip
    assert (code, out, err) == (0, "", "")


def colour_bar(anim):
    """The colour bar's axes, drawn (tick labels and offset text set)."""
    (bar,) = anim.colorbars
    anim.fig.canvas.draw()
    return bar.ax


@pytest.mark.parametrize("extra, label, scalings", [
    ([], "a.u. (×10⁻⁶)", 1e6),
    (["--vlim", "-0.000005", "0.000005"], "a.u.", None),  # limits in the file's numbers
    (["--units", "V"], "V", None),
    (["--scalings", "1e6", "--units", "µV"], "µV", 1e6),
])  # fmt: skip
def test_colour_bar_of_an_array_has_units_and_no_offset(capfd, study, spy, extra,
                                                         label, scalings):
    code, _, _ = render(capfd, study, "--quiet", *extra)
    assert code == 0
    assert spy[0].kwargs["scalings"] == scalings
    bar = colour_bar(spy[0].anim)
    assert bar.get_ylabel() == label
    if not extra or "--scalings" in extra:  # numbers as numbers, no 1e-6 aside
        assert bar.yaxis.get_offset_text().get_text() == ""
        ticks = [float(t.get_text().replace("−", "-")) for t in bar.get_yticklabels()]
        assert 1 <= max(np.abs(ticks)) < 1000


def test_colour_bar_of_numbers_near_one_is_not_scaled(capfd, study, spy, tmp_path):
    np.save(tmp_path / "ones.npy", np.random.default_rng(1).uniform(-3, 3, (3, N_CH)))
    code, _, _ = run(capfd, "render", tmp_path / "ones.npy", "--info",
                     study / "s-info.fif", "--sfreq", "100", "-o",
                     tmp_path / "x.gif", *SMALL, "--quiet")  # fmt: skip
    assert code == 0
    assert (spy[0].kwargs["units"], spy[0].kwargs["scalings"]) == ("a.u.", None)
    assert colour_bar(spy[0].anim).yaxis.get_offset_text().get_text() == ""


def test_cli_wording_rewrites_python_hints():
    options = ["chance", "scoring", "extrapolated", "n_permutations", "vlim"]
    assert cli_wording("pass extrapolated='hide' or vlim=(None, 5); "
                       "n_permutations > 20; the n_permutations=8 runs; "
                       "--n-permutations; alpha=0.05", options) == (
        "pass --extrapolated hide or vlim=(None, 5); --n-permutations > 20; "
        "the --n-permutations 8 runs; --n-permutations; alpha=0.05"
    )  # fmt: skip
    assert cli_wording("info['ch_names'] and ch_names, align_signs=True or "
                       "align_signs=False", ["ch_names", "align_signs"]) == (
        "info['ch_names'] and --ch-names, --align-signs or without --align-signs"
    )  # fmt: skip
    assert cli_wording("or scores[:, np.newaxis] (subjects) or scores[np.newaxis] "
                       "(folds of one subject), shaped (n_subjects, n_folds, "
                       "n_times).") == (
        "or --scores saved with shape (n_subjects, 1, n_times) (subjects) or "
        "(1, n_folds, n_times) (folds of one subject)."
    )  # fmt: skip


def test_cli_wording_spells_0_2_dicts_as_options():
    options = ["chance", "scoring", "score_stats", "score_label", "extrapolated",
               "align_signs", "transform", "alpha", "mask",
               "n_permutations"]  # fmt: skip
    assert cli_wording(
        "pass score_params=dict(chance=<number>), or "
        "score_params=dict(scoring=<name>); or use score_params=dict(stats='fdr'). "
        "Pass coef_params=dict(align_signs=False) or "
        "coef_params=dict(transform=None); beyond_sensors='hide'; "
        "mask=dict(method='fdr', alpha=0.01); score_params['label'] and "
        "score_params['stats'].", options
    ) == (
        "pass --chance <number>, or --scoring <name>; or use --score-stats fdr. Pass "
        "without --align-signs or --transform none; --extrapolated hide; "
        "--mask fdr --alpha 0.01; --score-label and --score-stats."
    )  # fmt: skip
    # a dict item the command has no option for keeps Python's spelling
    text = ("consistency=dict(display='panel'), mask_params=dict(dim=None), "
            "score_params=dict(matrix=False), coef_params=dict(class_idx=...)")
    assert cli_wording(text, options) == text
