"""
Animate a group of decoders, the way the blog post did it
=========================================================

Many EEG studies train one linear classifier per time point, per subject and
per cross-validation fold, and end up with coefficients shaped
``(n_subjects, n_folds, n_times, n_channels)``. The usual hand-rolled route
averages them, takes ``abs()``, calls ``scipy.interpolate.griddata`` for every
frame and saves a GIF through matplotlib: about a minute for a short
animation. Here it is one call.

The built-in demo study simulates a visual working-memory task (set sizes 1,
2, 4 and 6, decoded as low versus high load) on a 64-channel BioSemi cap,
with a posterior effect near 150 ms that spreads after 400 ms. The decoders
are real scikit-learn logistic regressions; the first call trains and caches
them (about 15 s), later calls load the cache.
"""

# %%
import mne_coefanim

study = mne_coefanim.load_demo()
print(study)

# %%
# The blog's animation: the absolute value of the mean coefficients over
# subjects and folds.
# ``coef_params=dict(transform='abs')`` is applied *after* averaging
# (averaging absolute values would turn noise into a positive offset). The
# values are non-negative, so the colour map is sequential and starts at 0.
anim = mne_coefanim.animate_coefs(
    study.coefs,
    study.info,
    times=study.times,
    dims=study.dims,
    coef_params=dict(transform="abs"), title="|filters|, mean over 8 subjects",
    units="a.u.",
    show=False,
)
anim.save("blog_filters.gif", overwrite=True)

# %%
# Filters (classifier weights) are not activity maps: a channel can get a
# large weight because it helps cancel noise. The Haufe patterns are what the
# decoder "sees" in the brain, and are signed: a diverging map centred on 0.
# The normalised patterns are in volts per standard deviation of the decoder
# output (the same whatever the scale of each subject's weights); show them
# in µV, with the decoding score under the map and a cursor at each frame's
# time. ``score_params=dict(scoring='roc_auc')`` names the score and puts
# the chance line at 0.5.
anim = mne_coefanim.animate_coefs(
    study.normalized_patterns * 1e6,
    study.info,
    times=study.times,
    dims=study.dims,
    units="µV / SD",
    title="Patterns, mean over 8 subjects",
    scores=study.scores,
    score_params=dict(scoring="roc_auc"), show=False,
)
anim.save("blog_patterns.gif", overwrite=True)
print(f"{len(anim)} frames, colour limits {anim.vlim}")
