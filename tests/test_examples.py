"""Run every examples/plot_*.py top to bottom, and check what each is for."""

import runpy
from pathlib import Path

import numpy as np
import pytest
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
    assert anim.units == "µV" and anim.scores.chance == 0.5
    assert anim.vlim[0] == -anim.vlim[1]  # signed patterns: symmetric
    assert _n_frames(folder / "blog_filters.gif") == len(env["study"].times)


def check_generalization(env, folder):
    anim = env["anim"]
    assert anim.scores.matrix is not None  # detected, not averaged into a curve
    assert anim.scores.chance == 0.5 and anim.scores.label == "AUC"
    assert anim.units == "µV"  # normalised patterns


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


def check_sliding_estimator(env, folder):
    anim = env["anim"]
    assert anim.scores.band == "± SEM across 3 folds of one subject"
    assert anim.scores.chance == 0.5 and anim.units == "µV"
    assert anim.masks is None  # one subject's folds: no group statistics
    assert (folder / "sliding_patterns_150ms.png").exists()


def check_statistics(env, folder):
    study, mask = env["study"], env["cluster_mask"]
    peak = _peak_index(study.times, 0.15)
    assert mask[peak].sum() > 0  # the early posterior effect is found
    assert mask[study.times < 0].sum() == 0  # and nothing before the stimulus
    assert env["anim"].masks is None  # the single subject: shown without
    assert (folder / "patterns_cluster_mask.gif").exists()


CHECKS = {
    name.removeprefix("check_"): check
    for name, check in globals().items()
    if name.startswith("check_")
}


def test_every_example_has_a_check():
    assert {p.stem.removeprefix("plot_") for p in EXAMPLES} == set(CHECKS)


SLOW_EXAMPLES = {"plot_batch"}  # starts two worker processes (~6 s)


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
    env = runpy.run_path(str(script), run_name="__main__")
    for gif in tmp_path.glob("*.gif"):
        assert gif.read_bytes()[:6] == b"GIF89a"
    CHECKS[script.stem.removeprefix("plot_")](env, tmp_path)
