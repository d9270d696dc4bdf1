"""
Mark the significant channels in every frame
============================================

Group statistics on the per-subject patterns of the demo study: at each time
point, which channels carry a pattern that is consistent across subjects?
Unlike MNE's ``animate_topomap``, whose mask is fixed at its first frame,
the mask here changes with every frame.

Three rules keep the markers honest:

* the test runs across **subjects**, the independent samples; the folds of
  one subject share most of their training epochs, so a test across them
  marks pure noise as significant (``animate_coefs`` refuses it);
* the patterns are **normalised** (``study.normalized_patterns``: volts per
  standard deviation of the decoder output), so that every subject counts
  the same whatever the scale of its weights;
* the test's settings are **chosen before looking**: here MNE's default
  cluster-forming threshold, never one tuned until the picture looks good.
  The test covers the whole epoch, whatever ``tmin``/``tmax`` show.
"""

# %%
import numpy as np

import mne_coefanim

study = mne_coefanim.load_demo(verbose=False)
# per-subject patterns (folds averaged within subjects), µV per SD of output
patterns = mne_coefanim.as_coef_data(
    study.normalized_patterns * 1e6, dims=study.dims, times=study.times,
    verbose=False,
)  # fmt: skip
samples = patterns.samples  # (n_subjects, n_times, n_channels)

# %%
# A spatio-temporal cluster permutation test with the channel adjacency of
# the cap, with MNE's default cluster-forming threshold (t at p < 0.05,
# two-sided) and every sign flip of the 8 subjects.
cluster_mask = mne_coefanim.significance_mask(
    samples, study.info, method="cluster", n_permutations="all", seed=0,
    verbose=False,
)  # fmt: skip
peak = np.argmin(np.abs(study.times - 0.15))
print(f"cluster test: {cluster_mask[peak].sum()} channels at 150 ms, "
      f"{cluster_mask[study.times < 0].sum()} cells before the stimulus")  # fmt: skip

# the same test, run by animate_coefs itself from the per-subject samples
anim = mne_coefanim.animate_coefs(
    patterns,
    study.info,
    units="µV / SD",
    mask=dict(method="cluster", n_permutations="all", seed=0),
    scores=study.scores,
    score_params=dict(scoring="roc_auc"),
    title="Patterns; cluster permutation test (p < 0.05)",
    show=False,
    verbose=False,
)
anim.save("patterns_cluster_mask.gif", overwrite=True, verbose=False)

# %%
# The same with one-sample t-tests and FDR correction; ``dim`` in ``mask_params``
# fades the map wherever the nearest channel is not significant.
anim = mne_coefanim.animate_coefs(
    patterns, study.info, mask="fdr", units="µV / SD",
    mask_params=dict(markersize=6, markerfacecolor="y", dim=0.6),
    title="Patterns; FDR (q < 0.05), the rest faded", show=False, verbose=False,
)  # fmt: skip
anim.save("patterns_fdr_mask.gif", overwrite=True, verbose=False)

# %%
# One subject's folds are not independent samples
# ------------------------------------------------
# With the folds of a single subject there is nothing to test across:
# ``animate_coefs`` says why and what to pass instead. Show such data without
# a mask (or with a boolean mask from a test within the subject, e.g. a
# permutation test of its decoding scores).
one_subject = study.normalized_patterns[0] * 1e6  # (n_folds, n_times, n_channels)
try:
    mne_coefanim.animate_coefs(
        one_subject,
        study.info,
        times=study.times,
        dims=("fold", "time", "channel"),
        mask="fdr",
        show=False,
        verbose=False,
    )
except ValueError as err:
    print(err)
anim = mne_coefanim.animate_coefs(
    one_subject,
    study.info,
    times=study.times,
    dims=("fold", "time", "channel"),
    units="µV / SD",
    scores=study.scores[:1],
    score_params=dict(scoring="roc_auc"),
    title="Subject 1 (5 folds): no group statistics",
    show=False,
    verbose=False,
)
anim.save("subject1_patterns.gif", overwrite=True, verbose=False)
