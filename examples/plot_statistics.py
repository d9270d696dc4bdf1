"""
Mark the significant channels in every frame
============================================

Group statistics on the per-subject patterns of the demo study: at each time
point, which channels carry a pattern that is consistent across subjects?
Unlike MNE's ``animate_topomap``, whose mask is fixed at its first frame,
the mask here changes with every frame.
"""

# %%
import numpy as np
from scipy import stats

import mne_coefanim

study = mne_coefanim.load_demo(verbose=False)
# per-subject patterns (folds averaged within subjects), in µV
patterns = mne_coefanim.as_coef_data(
    study.patterns * 1e6, dims=study.dims, times=study.times, verbose=False
)
samples = patterns.samples  # (n_subjects, n_times, n_channels)

# %%
# A spatio-temporal cluster permutation test with the channel adjacency of
# the cap. The cluster-forming threshold is p < 0.001 (two-sided): with
# MNE's default of p < 0.05, the long late effect forms one huge cluster
# whose mass dominates the permutation distribution and hides the brief
# early one.
threshold = stats.t.ppf(1 - 0.001 / 2, df=len(samples) - 1)
cluster_mask = mne_coefanim.significance_mask(
    samples, study.info, method="cluster", threshold=threshold, seed=0,
    verbose=False,
)  # fmt: skip
peak = np.argmin(np.abs(study.times - 0.15))
print(f"cluster test: {cluster_mask[peak].sum()} channels at 150 ms, "
      f"{cluster_mask[study.times < 0].sum()} before the stimulus")  # fmt: skip

anim = mne_coefanim.animate_coefs(
    patterns, study.info, mask=cluster_mask, units="µV", scores=study.scores,
    score_label="AUC", title="Patterns; cluster test (p < 0.05)", show=False,
    verbose=False,
)  # fmt: skip
anim.save("patterns_cluster_mask.gif", overwrite=True, verbose=False)

# %%
# The same with one-sample t-tests and FDR correction, computed by
# ``animate_coefs`` itself from the per-subject samples; ``mask_dim`` fades
# the map wherever the nearest channel is not significant.
anim = mne_coefanim.animate_coefs(
    patterns, study.info, mask="fdr", alpha=0.01, mask_dim=0.6, units="µV",
    mask_params=dict(markersize=6, markerfacecolor="y"),
    title="Patterns; FDR (q < 0.01), the rest faded", show=False, verbose=False,
)  # fmt: skip
anim.save("patterns_fdr_mask.gif", overwrite=True, verbose=False)
