"""
How many subjects carry the mean? Agreement maps
================================================

A mean map hides whether three subjects or all of them carry it: one
subject with a large pattern can paint the same picture as eight with a
modest one. ``consistency=`` shows, beside the mean or on it, how the
subjects agree, per channel and time point:

* ``'t'``: the one-sample t against 0 across subjects (mean / SEM);
* ``'sign'``: the fraction of subjects whose sign agrees with the mean's;
* ``'sem'``: the standard error of the mean, in the data's units.

Only subjects are independent samples: the cross-validation folds of one
subject share most of their training epochs, so they agree with each other
even on pure noise, and ``animate_coefs`` refuses to measure agreement
across them.

The data are the built-in demo study: 8 simulated subjects, 5
cross-validation folds, decoders at every time point of a 64-channel EEG
(the first call trains and caches them, later calls load the cache).
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
# smaller and faster than the defaults, enough for a gallery
FAST = dict(show=False, verbose=False, dpi=60, res=64, tmin=0.0, tmax=0.4)

# %%
# The t map beside the mean
# -------------------------
# The agreement panel runs in sync with the mean, on its own colour scale
# (symmetric about 0) and colour bar, and its title says across how many
# subjects it was computed. Large ``|t|`` where the subjects agree, whatever
# the amplitude of the mean.
anim = mne_coefanim.animate_coefs(
    patterns, study.info, units="µV / SD", consistency="t",
    scores=study.scores, score_params=dict(scoring="roc_auc"), **FAST,
)  # fmt: skip
anim.save("consistency_t_panel.gif", overwrite=True, verbose=False)
peak = int(np.argmin(np.abs(anim.times - 0.15)))
t_peak = anim.values[1, peak]
print(f"At 150 ms, |t| > 2.36 (p < 0.05, 7 df) at {np.sum(np.abs(t_peak) > 2.36)} "
      f"of {t_peak.size} channels")  # fmt: skip

# %%
# The mean faded where the subjects disagree
# ------------------------------------------
# With ``consistency=dict(kind=..., display='fade')`` there is no extra panel: the mean map
# itself fades toward white, in steps, as fewer subjects share the sign of
# the mean (fully shown when all 8 do, fully faded at 4 out of 8). The fade
# is a graded version of ``mask_params=dict(dim=...)``: no test, no threshold to tune, and
# every pixel still shows the mean's colour.
fig = mne_coefanim.plot_coefs(
    patterns,
    study.info,
    time=0.15,
    units="µV / SD",
    consistency=dict(kind="sign", display="fade"),
    **FAST,
)
fig.savefig("consistency_sign_fade_150ms.png")
sign = mne_coefanim.animate_coefs(
    patterns,
    study.info,
    units="µV / SD",
    consistency=dict(kind="sign", display="fade"),
    **FAST,
)
sign.save("consistency_sign_fade.gif", overwrite=True, verbose=False)

# %%
# Folds are not subjects
# ----------------------
# One subject's folds look like several samples, but they are not
# independent: asking for their agreement is refused, with what to pass.
try:
    mne_coefanim.animate_coefs(
        study.normalized_patterns[0] * 1e6, study.info, times=study.times,
        dims=("folds", "times", "channels"), consistency="t", **FAST,
    )  # fmt: skip
except ValueError as err:
    refusal = str(err)
    print(refusal)
