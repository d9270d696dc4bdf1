"""
Is the decoding score above chance, and when?
=============================================

The score panel under the maps shows the mean score across subjects ± its
SEM. ``score_params['stats']`` also tests, at every time point, whether the
subjects' scores lie above chance, and marks the significant times with a
bar under the curve, as mne-bids-pipeline does for its group decoding scores:

* ``'cluster'``: a temporal cluster permutation test across subjects
  (:func:`mne.stats.permutation_cluster_1samp_test`; neighbours are
  adjacent time points, every sign flip of the 8 subjects), one-sided;
* ``'fdr'``: one t-test per time point with the false discovery rate
  controlled over the time points.

The test runs on the per-subject scores (folds averaged within each subject)
against the chance level, here 0.5 for ROC AUC, over the whole epoch; the log
lists every cluster with its p-value. With the folds of a single subject
there is nothing to test across: folds share most of their training epochs,
so the test is refused, with what to pass instead.
"""

# %%
import numpy as np

import mne_coefanim

study = mne_coefanim.load_demo(verbose=False)
patterns = mne_coefanim.as_coef_data(
    study.normalized_patterns * 1e6, dims=study.dims, times=study.times,
    verbose=False,
)  # fmt: skip
FAST = dict(show=False, dpi=60, res=64)

# %%
# The temporal cluster test: ``verbose=True`` logs the clusters and their
# p-values. ``study.scores`` is ``(n_subjects, n_folds, n_times)``: its first
# axis says the rows are subjects.
anim = mne_coefanim.animate_coefs(
    patterns,
    study.info,
    units="µV / SD",
    scores=study.scores,
    score_params=dict(scoring="roc_auc", stats="cluster"),
    title="Patterns; AUC above chance (cluster test)",
    verbose=True,
    **FAST,
)
significant = anim.scores.significant
peak = int(np.argmin(np.abs(anim.times - 0.15)))
anim.show_frame(peak).savefig("score_stats_cluster.png")
print(f"cluster test: {significant.sum()} of {len(significant)} time points, "
      f"{significant[anim.times < 0].sum()} before the stimulus")  # fmt: skip

# %%
# The same with FDR. It has no notion of neighbouring time points: isolated
# time points can pass, and before the stimulus (where there is no effect)
# one time point does here; the cluster test's clusters there are not
# significant.
fdr = mne_coefanim.animate_coefs(
    patterns,
    study.info,
    units="µV / SD",
    scores=study.scores,
    score_params=dict(scoring="roc_auc", stats="fdr"),
    verbose=True,
    **FAST,
)
fdr_significant = fdr.scores.significant
print(f"FDR: {fdr_significant.sum()} time points, "
      f"{fdr_significant[fdr.times < 0].sum()} before the stimulus")  # fmt: skip

# %%
# One subject's folds are not independent samples
# ------------------------------------------------
one_subject = study.normalized_patterns[0] * 1e6  # (n_folds, n_times, n_channels)
try:
    mne_coefanim.animate_coefs(
        one_subject, study.info, times=study.times,
        dims=("fold", "time", "channel"), scores=study.scores[0],
        score_params=dict(scoring="roc_auc", stats="cluster"), verbose=False, **FAST,
    )  # fmt: skip
except ValueError as err:
    print(err)
