"""
Several maps side by side: shared or separate colour scales
===========================================================

Pass a dict ``{panel title: data}`` to animate several maps in sync, one
panel each. By default every panel and every frame share one colour scale,
so equal colours mean equal values everywhere: that is what you want when
the panels show the same quantity, e.g. two groups of subjects.

When the panels show different quantities (different units, or scales that
differ by orders of magnitude), one scale would leave all but one panel a
flat pale colour. ``vlim='each'`` gives every panel its own limits, from its
own values, and its own colour bar; the frames stay on fixed limits within
each panel, so a panel's changes over time remain comparable.

The data are the built-in demo study: 8 simulated subjects, 5
cross-validation folds, decoders at every time point of a 64-channel EEG
(the first call trains and caches them, later calls load the cache).
"""

# %%
import mne_coefanim

study = mne_coefanim.load_demo()
# smaller and faster than the defaults, enough for a gallery
FAST = dict(show=False, verbose=False, dpi=60, res=128)

# %%
# Filters beside patterns
# -----------------------
# The decoder's filters (its weights) and its Haufe patterns are not in the
# same units: a filter turns microvolts into a decision value (units of
# 1/µV), a pattern is the activity that the decision reflects (µV). Their
# numbers cannot share a colour scale, so each panel gets its own
# (``vlim='each'``). Each panel is built with :func:`~mne_coefanim.as_coef_data`
# to give it its own units: the normalised patterns are in volts per
# standard deviation of the decoder output, which the animation shows in µV
# (MNE's display scaling for EEG).
filters = mne_coefanim.as_coef_data(
    study.coefs * 1e-6,  # per volt -> per microvolt
    times=study.times,
    dims=study.dims,
    kind="filters",
    units="1/µV",
)
patterns = mne_coefanim.as_coef_data(
    study.normalized_patterns, times=study.times, dims=study.dims, kind="patterns"
)
anim = mne_coefanim.animate_coefs(
    {"Filters": filters, "Patterns": patterns},
    study.info,
    vlim="each",
    title="Filters are not patterns",
    **FAST,
)
anim.save("panels_filters_patterns.gif", overwrite=True)
print(f"Colour limits per panel: {anim.vlim}")

# %%
# Mean patterns beside their consistency across subjects
# ------------------------------------------------------
# How reliable is a pattern across subjects? Average each subject's folds
# first (folds of one subject are not independent), then take the mean over
# subjects divided by their standard deviation: large where subjects agree,
# whatever the amplitude. The ratio has no unit and its own range, so again
# ``vlim='each'``.
# (n_subjects, n_times, n_channels), in µV per SD of the decoder output
per_subject = study.normalized_patterns.mean(axis=1) * 1e6
mean = per_subject.mean(axis=0)  # (n_times, n_channels)
consistency = mean / per_subject.std(axis=0, ddof=1)
anim = mne_coefanim.animate_coefs(
    {"Mean pattern (µV)": mean, "Mean / SD across subjects": consistency},
    study.info,
    times=study.times,
    vlim="each",
    scores=study.scores,
    score_params=dict(label="AUC"), **FAST,
)
anim.save("panels_consistency.gif", overwrite=True)

# %%
# Two groups on one scale
# -----------------------
# The same quantity in two groups (here the first and the second half of the
# subjects; equally two conditions or two classes) belongs on one colour
# scale: the default. Then a stronger colour in one panel is a larger value,
# which separate scales would hide.
patterns_uv = study.normalized_patterns * 1e6
half = len(patterns_uv) // 2
anim = mne_coefanim.animate_coefs(
    {
        f"Subjects 1-{half}": patterns_uv[:half],
        f"Subjects {half + 1}-{len(patterns_uv)}": patterns_uv[half:],
    },
    study.info,
    times=study.times,
    dims=study.dims,
    units="µV / SD",
    title="Patterns of two groups, one colour scale",
    **FAST,
)
anim.save("panels_two_groups.gif", overwrite=True)
print(f"Shared colour limits: {anim.vlim}")
