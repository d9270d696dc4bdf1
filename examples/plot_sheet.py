"""
A sheet of maps for print
=========================

An animation does not go on paper. For a figure in a paper or a poster,
:func:`~mne_coefanim.plot_coefs` draws the maps at chosen times side by side
(as MNE's ``evoked.plot_topomap(times=[...])``): one map per time, one colour
bar for all of them, and the score panel beneath with a marker at each
time. Each map is the animation's frame at that time, pixel for pixel,
significance markers and fading included.

``time='peaks'`` picks the times for you: the peaks of the decoding score
when there is one, else of the global field power (as MNE's
``evoked.plot_joint``).

Saved as PDF or SVG, the head outlines, the sensors and the markers stay
vector lines (sharp at any size); only the maps are images.

The data are the built-in demo study: 8 simulated subjects, 5
cross-validation folds, decoders at every time point of a 64-channel EEG
(the first call trains and caches them, later calls load the cache).
"""

# %%
import mne_coefanim

study = mne_coefanim.load_demo(verbose=False)
KWARGS = dict(
    times=study.times,
    dims=study.dims,
    scores=study.scores,
    score_params=dict(label="AUC"),
    units="µV / SD",
    show=False,
    verbose=False,
    dpi=80,
    res=96,
)
patterns = study.normalized_patterns * 1e6  # volts per SD of the output -> µV

# %%
# The peaks of the decoding score
# -------------------------------
# The AUC (mean across the 8 subjects) peaks once, at about 150 ms: the
# sheet holds one map, and the score panel marks its time.
fig = mne_coefanim.plot_coefs(patterns, study.info, time="peaks", **KWARGS)
fig.savefig("sheet_peaks.png")

# %%
# Times of your choice, with significance
# ---------------------------------------
# A cluster permutation test across the subjects marks the significant
# channels (white dots), and ``mask_params=dict(dim=...)`` fades the rest of each map. Up to
# five maps go in a row; ``ncols`` sets another number.
fig = mne_coefanim.plot_coefs(
    patterns,
    study.info,
    time=[0.1, 0.15, 0.2, 0.4, 0.6, 0.8],
    ncols=3,
    mask="cluster",
    mask_params=dict(dim=0.6), title="Memory load: patterns at chosen times",
    **KWARGS,
)
for suffix in ("png", "pdf", "svg"):
    fig.savefig(f"sheet_times.{suffix}")
