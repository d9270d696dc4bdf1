"""
Add an animation to an MNE Report
=================================

:class:`mne.Report` gathers the figures of an analysis into one HTML file.
:meth:`~mne_coefanim.CoefAnimation.add_to_report` puts an animation in it,
as the interactive viewer (the frames of the saved GIF, with play/pause,
stepping, a time slider and values on hovering), in its own collapsible
entry with tags for the report's filter buttons. The viewer is embedded in
the report file, which can be sent as it is.
"""

# %%
import matplotlib.pyplot as plt
import mne

import mne_coefanim

study = mne_coefanim.load_demo()
report = mne.Report(title="Working-memory load decoding", verbose=False)

# %%
# A static figure first: the decoding score over time.
auc = study.scores.mean(axis=(0, 1))
fig, ax = plt.subplots(figsize=(5, 2.5), layout="constrained")
ax.plot(study.times, auc)
ax.axhline(0.5, color="k", linestyle="--", linewidth=0.8)
ax.set(xlabel="Time (s)", ylabel="AUC", title="Low vs. high load")
report.add_figure(fig, title="Decoding score", section="Group", tags=("decoding",))
plt.close(fig)

# %%
# Then the patterns, with the score under the map and a cursor at each frame.
anim = mne_coefanim.animate_coefs(
    study.normalized_patterns * 1e6,  # volts to µV
    study.info,
    times=study.times,
    dims=study.dims,
    tmin=0.0,
    tmax=0.5,
    units="µV / SD",
    scores=study.scores,
    score_params=dict(label="AUC"), res=64,
    dpi=60,
    show=False,
)
anim.add_to_report(
    report,
    title="Patterns over time",
    section="Group",
    tags=("decoding", "animation"),
)
# the function form does the same:
# mne_coefanim.add_to_report(report, anim, title="Patterns over time")

# %%
# Saved, the report is one file; here it is, as a reader opens it.
_ = report.save("report.html", open_browser=False, overwrite=True, verbose=False)
