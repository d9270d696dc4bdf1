"""Issue checks of the statistics on the built-in demo study."""

import numpy as np
import pytest
from conftest import mask_lines
from scipy.stats import t as t_dist

import mne_coefanim as mc


@pytest.fixture(scope="module")
def demo():
    study = mc.load_demo(verbose=False)
    samples = mc.as_coef_data(study.patterns, dims=study.dims).samples
    posterior = mc.topomap_positions(study.info)[:, 1] < -0.02
    return study, samples, posterior


@pytest.mark.parametrize("method", ["cluster", "fdr"])
def test_mask_marks_posterior_channels_near_150ms(demo, method):
    study, samples, posterior = demo
    # a cluster-forming threshold of p < 0.001: with MNE's default (p < 0.05)
    # the long late effect forms one huge cluster whose mass dominates the
    # permutation distribution, and the brief early effect is not significant
    df = len(samples) - 1
    if method == "cluster":
        kwargs = dict(n_permutations=256, seed=0, threshold=t_dist.ppf(1 - 5e-4, df))
    else:
        kwargs = dict(alpha=0.01)
    mask = mc.significance_mask(samples, study.info, method=method, **kwargs)
    assert mask.shape == (len(study.times), 64)
    at_150 = mask[np.argmin(np.abs(study.times - 0.15))]
    # the focal occipital effect: several channels, all of them posterior
    assert at_150.sum() >= 4
    assert posterior[at_150].all()
    pre_stimulus = mask[study.times < 0].sum()
    if method == "cluster":  # family-wise control: nothing before the stimulus
        assert pre_stimulus == 0
    else:  # FDR controls the proportion of false discoveries, not their number
        assert pre_stimulus <= kwargs["alpha"] * mask.sum()


def test_cluster_mask_reproducible_with_seed(demo):
    study, samples, _ = demo
    one = mc.significance_mask(samples, study.info, n_permutations=128, seed=3)
    two = mc.significance_mask(samples, study.info, n_permutations=128, seed=3)
    np.testing.assert_array_equal(one, two)


def test_animation_mask_changes_with_frames(demo):
    study, _, _ = demo
    anim = mc.animate_coefs(
        study.patterns,
        study.info,
        times=study.times,
        dims=study.dims,
        mask="fdr",
        score_params=dict(alpha=0.01),
        res=32,
        dpi=40,
        show=False,
        verbose=False,
    )
    line = mask_lines(anim)[0]
    anim.show_frame(int(np.argmin(np.abs(study.times - 0.15))))
    marked_peak = len(line.get_xdata())
    anim.show_frame(int(np.argmin(np.abs(study.times + 0.1))))
    assert marked_peak > 5
    assert len(line.get_xdata()) == 0
