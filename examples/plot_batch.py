"""
Save one animation per subject, in parallel
===========================================

Looking at each subject on its own catches the subject whose patterns are
noise, or a channel gone bad, before they disappear in the group average.
:func:`mne_coefanim.save_animations` renders one animation per item (subject,
condition, ...) and saves it, running ``n_jobs`` jobs on joblib as MNE does
(``n_jobs=-1`` uses all cores). The files are identical whatever
``n_jobs``.
"""

# %%
from pathlib import Path

import numpy as np

import mne_coefanim

study = mne_coefanim.load_demo()

# one array (n_folds, n_times, n_channels) per subject, in µV
patterns_uv = study.normalized_patterns * 1e6  # µV per SD of the decoder output
subjects = {f"sub-{k + 1:02d}": patterns_uv[k] for k in range(3)}

# one colour scale for all, so subjects can be compared (each animation
# would otherwise get its own); folds are averaged, as in the animation
vmax = max(np.abs(patterns.mean(axis=0)).max() for patterns in subjects.values())

# %%
# ``{name}`` is the dict key (``{index}`` counts from 0) and titles each
# animation; everything after the output names goes to
# :func:`~mne_coefanim.animate_coefs`.
paths = mne_coefanim.save_animations(
    subjects,
    "{name}_patterns.gif",
    n_jobs=2,
    overwrite=True,
    info=study.info,
    times=study.times,
    dims=("folds", "times", "channels"),
    vlim=(-vmax, vmax),
    units="µV / SD",
    tmin=0.0,
    tmax=0.5,
    res=64,  # the defaults (res=256, dpi=100) look better; these are quick
    dpi=50,
)
for path in paths:
    print(Path(path).name)  # each written whole, under its own name

# %%
# On a cluster
# ------------
# The same call runs on a `dask <https://distributed.dask.org>`__ cluster
# (needs the ``distributed`` package) inside a joblib block. Each worker
# writes its own files, so write to a folder all workers can reach::
#
#     import joblib
#     from dask.distributed import Client
#
#     client = Client(processes=True, threads_per_worker=1)
#     with joblib.parallel_config(backend="dask"):
#         mne_coefanim.save_animations(subjects, "{name}_patterns.gif", ...)
