"""
Honest edges: the map beyond the sensors
========================================

A scalp map covers the whole head disc, but the sensors do not: outside
their convex hull the map's values are extrapolated, from extra points whose
values are made up (the mean of their neighbouring channels, MNE's
``border='mean'``), and the cubic interpolation can overshoot there beyond
every channel's value. MNE draws that rim like the rest of the map.

``beyond_sensors='fade'`` lightens the pixels outside the hull and
``beyond_sensors='hide'`` leaves them blank, in every output (GIF, MP4, the
HTML viewer, :func:`~mne_coefanim.plot_coefs`). The default, ``'show'``,
draws them as MNE does. Either way the colour limits come from the channels'
values, never from the extrapolated pixels.
"""

# %%
import numpy as np

import mne_coefanim

study = mne_coefanim.load_demo(verbose=False)
patterns = mne_coefanim.as_coef_data(
    study.normalized_patterns * 1e6, dims=study.dims, times=study.times,
    verbose=False,
)  # fmt: skip
FAST = dict(units="µV / SD", show=False, dpi=60, res=96, verbose=False)

# %%
# How much of the map is extrapolated, and how far it reaches
# ------------------------------------------------------------
# The interpolator knows which pixels lie in the sensors' hull
# (``interp.hull``); compare the pixels on either side at 150 ms.
anim = mne_coefanim.animate_coefs(patterns, study.info, **FAST)
peak = int(np.argmin(np.abs(anim.times - 0.15)))
interp = anim.interp
image = interp(patterns.data[peak])  # NaN outside the head
drawn = interp.inside
outside = drawn & ~interp.hull
print(f"{outside.sum() / drawn.sum():.0%} of the drawn map lies outside the hull")
print(f"channels: {patterns.data[peak].min():.2f} to "
      f"{patterns.data[peak].max():.2f} µV; extrapolated pixels: "
      f"{image[outside].min():.2f} to {image[outside].max():.2f} µV")  # fmt: skip
print(f"colour limits (from the channels): {anim.vlim}")

# %%
# Faded, then hidden
# ------------------
faded = mne_coefanim.animate_coefs(
    patterns, study.info, beyond_sensors="fade", tmin=0.0, tmax=0.3,
    title="beyond_sensors='fade'", **FAST,
)  # fmt: skip
faded.show_frame(int(np.argmin(np.abs(faded.times - 0.15)))).savefig(
    "extrapolated_fade.png"
)
faded.save("extrapolated_fade.gif", overwrite=True, verbose=False)

fig = mne_coefanim.plot_coefs(
    patterns,
    study.info,
    time=0.15,
    beyond_sensors="hide",
    title="beyond_sensors='hide'",
    **FAST,
)
fig.savefig("extrapolated_hide.png")
