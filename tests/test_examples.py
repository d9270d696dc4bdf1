"""Run every examples/plot_*.py top to bottom, and check what each is for."""

import runpy
from pathlib import Path

import numpy as np
import pytest
from mne.utils import logger
from PIL import Image

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("plot_*.py"))


def _n_frames(path):
    with Image.open(path) as image:
        return image.n_frames


def _peak_index(times, time):
    return int(np.argmin(np.abs(np.asarray(times) - time)))


def check_batch(env, folder):
    assert [p.name for p in env["paths"]] == [
        f"sub-{k:02d}_patterns.gif" for k in (1, 2, 3)
    ]
    n_shown = int(np.sum((env["study"].times >= 0) & (env["study"].times <= 0.5)))
    assert all(_n_frames(p) == n_shown for p in env["paths"])


def check_blog_workflow(env, folder):
    anim = env["anim"]  # the patterns, with the AUC under the map
    assert anim.units == "µV / SD" and anim.scores.chance == 0.5
    assert anim.vlim[0] == -anim.vlim[1]  # signed patterns: symmetric
    assert _n_frames(folder / "blog_filters.gif") == len(env["study"].times)


def check_csp(env, folder):
    from mne_coefanim import as_coef_data

    planted, centres = env["planted"], env["centres"]
    assert [ax.get_title() for ax in env["fig"].axes[:3]] == ["CSP 1", "CSP 2", "CSP 3"]
    for name in ("csp_windows_as_fitted", "csp_windows_aligned"):
        assert _n_frames(folder / f"{name}.gif") == len(centres)
    np.testing.assert_allclose(env["anim"].times, centres)
    aligned = as_coef_data(env["grid"], times=centres, components=0, align_signs=True)
    late = np.asarray(centres) > 0.4  # the planted power difference
    for maps, mean in zip(aligned.samples.transpose(1, 0, 2)[late],
                          aligned.data[late], strict=True):  # fmt: skip
        assert (maps @ mean).min() > 0  # every fold agrees after alignment
        assert abs(np.corrcoef(mean, planted)[0, 1]) > 0.9
    assert (folder / "csp_patterns.png").exists()


def check_consistency(env, folder):
    from scipy import stats

    anim, samples = env["anim"], env["patterns"].samples  # the t map's animation
    shown = (env["study"].times >= 0) & (env["study"].times <= 0.4 + 1e-9)
    t = stats.ttest_1samp(samples, 0.0, axis=0).statistic[shown]
    np.testing.assert_allclose(anim.values[1], t, rtol=1e-10)
    assert anim.map_axes[1].get_title() == "t vs 0 across 8 subjects"
    assert "5 cross-validation folds" in env["refusal"]
    for name in ("consistency_t_panel", "consistency_sign_fade"):
        assert _n_frames(folder / f"{name}.gif") == shown.sum()
    assert (folder / "consistency_sign_fade_150ms.png").exists()


def check_extrapolated(env, folder):
    interp, faded = env["interp"], env["faded"]
    assert 0.25 < env["outside"].sum() / env["drawn"].sum() < 0.4  # 32 %
    assert faded.interp.extrapolated == "fade" and faded.vlim == env["anim"].vlim
    # the hidden map is clipped to the hull: no cell beyond it shows
    clip = env["fig"].axes[0].images[0].get_clip_path()
    region, _ = clip.get_transformed_path_and_affine()  # in data units
    xx, yy = np.meshgrid(interp.xi, interp.yi)
    beyond = np.column_stack([xx.ravel(), yy.ravel()])[~interp.hull.ravel()]
    assert len(beyond) and not region.contains_points(beyond).any()
    assert _n_frames(folder / "extrapolated_fade.gif") == len(faded.times)


def check_generalization(env, folder):
    anim = env["anim"]
    assert anim.scores.matrix is not None  # detected, not averaged into a curve
    assert anim.scores.chance == 0.5 and anim.scores.label == "AUC"
    assert anim.units == "µV / SD"  # normalised patterns


def check_notebook(env, folder):
    assert env["html"].startswith("<div class='cav' data-coefanim-viewer")
    assert len(env["html"]) < 5_000_000


def check_panels(env, folder):
    anim = env["anim"]  # the two groups, on one colour scale
    assert len(anim.map_axes) == 2 and len(anim.colorbars) == 1
    for name in ("panels_filters_patterns", "panels_consistency"):
        assert (folder / f"{name}.gif").exists()


def check_patterns_from_filters(env, folder):
    filters, patterns, normalized = env["filters"], env["patterns"], env["normalized"]
    # Haufe's normalisation only rescales each time point's pattern
    ratio = normalized / patterns
    np.testing.assert_allclose(ratio, ratio[:, :1] * np.ones_like(ratio), rtol=1e-6)
    assert filters.shape == patterns.shape


def check_report(env, folder):
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Patterns over time" in html and "data-coefanim-viewer" in html


def check_sheet(env, folder):
    maps = [ax for ax in env["fig"].axes if ax.images]  # the chosen times
    assert [ax.get_title() for ax in maps] == [
        "0.100 s", "0.150 s", "0.200 s", "0.400 s", "0.600 s", "0.800 s"
    ]  # fmt: skip
    assert (folder / "sheet_peaks.png").exists()  # the one AUC peak, ~150 ms
    for suffix in ("png", "pdf", "svg"):
        assert (folder / f"sheet_times.{suffix}").stat().st_size > 0


def check_score_stats(env, folder):
    times, significant = env["anim"].times, env["significant"]
    early = (times >= 0.1) & (times <= 0.2)  # the simulated early effect
    assert significant[early].all() and not significant[times < 0].any()
    assert env["fdr_significant"][early].all()
    assert (folder / "score_stats_cluster.png").exists()


def check_sliding_estimator(env, folder):
    anim = env["anim"]
    assert anim.scores.band == "± SEM across 3 folds of one subject"
    assert anim.scores.chance == 0.5 and anim.units == "µV / SD"
    assert anim.masks is None  # one subject's folds: no group statistics
    assert (folder / "sliding_patterns_150ms.png").exists()


def check_statistics(env, folder):
    study, mask = env["study"], env["cluster_mask"]
    peak = _peak_index(study.times, 0.15)
    assert mask[peak].sum() > 0  # the early posterior effect is found
    assert mask[study.times < 0].sum() == 0  # and nothing before the stimulus
    assert env["anim"].masks is None  # the single subject: shown without
    assert (folder / "patterns_cluster_mask.gif").exists()


def check_tf_decoding(env, folder):
    anim, auc = env["anim"], env["auc"]  # auc: (bands, windows)
    titles = [ax.get_title() for ax in anim.map_axes]
    assert titles == ["16–20 Hz", "12–16 Hz", "8–12 Hz"]  # a row per band
    assert len(anim.colorbars) == 1  # one colour scale for all bands
    np.testing.assert_array_equal(anim.scores.tf_matrix, auc)
    assert _n_frames(folder / "tf_csp_patterns.gif") == len(env["centres"])
    # the mu band decodes best once the imagery is under way: on S001 0.74
    # and 0.77 in the last two windows (other bands at most 0.71); on the
    # simulated rhythm 1.0 (other bands at most 0.62)
    assert auc[0, 2:].min() > 0.7 and auc[0].max() > auc[1:].max()


CHECKS = {
    name.removeprefix("check_"): check
    for name, check in globals().items()
    if name.startswith("check_")
}


def test_every_example_has_a_check():
    assert {p.stem.removeprefix("plot_") for p in EXAMPLES} == set(CHECKS)


SLOW_EXAMPLES = {
    "plot_batch",  # starts two worker processes (~6 s)
    "plot_tf_decoding",  # 48 CSP fits and 3 band-pass filters (~8 s)
}


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(
            p, id=p.stem, marks=pytest.mark.slow if p.stem in SLOW_EXAMPLES else ()
        )
        for p in EXAMPLES
    ],
)
def test_example_runs(script, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    level = logger.level  # an example may set MNE's log level, as MNE's do
    try:
        env = runpy.run_path(str(script), run_name="__main__")
    finally:
        logger.setLevel(level)
    for gif in tmp_path.glob("*.gif"):
        assert gif.read_bytes()[:6] == b"GIF89a"
    CHECKS[script.stem.removeprefix("plot_")](env, tmp_path)
