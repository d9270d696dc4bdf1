"""
CSP patterns: components as panels, sliding windows as frames
=============================================================

A fitted :class:`mne.decoding.CSP` has one pattern per component and no time
axis: ``animate_coefs`` shows each chosen component
(``coef_params['components']``) as its own panel. CSPs fitted on successive
time windows become frames at the window centres, which a CSP does not
store: pass them as ``times``.

A CSP pattern's sign is arbitrary (it is an eigenvector): folds of the same
window can come out with opposite signs and cancel in their average, and
successive windows can flip, making the animation flicker.
``coef_params=dict(align_signs=True)`` flips, before averaging, each fold's
pattern to agree with the leading pattern of the window's folds, then each
window to agree with the previous one, and logs how many it flipped.

The epochs are simulated: 32 EEG channels, and an occipital source whose
power is 9 times larger in class 1 than in class 0 from 0.4 s on.
"""

# %%
import mne
import numpy as np
from mne.decoding import CSP
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline

import mne_coefanim

mne.set_log_level("WARNING")  # CSP logs its covariance estimation per fit
rng = np.random.default_rng(0)
montage = mne.channels.make_standard_montage("biosemi32")
info = mne.create_info(montage.ch_names, 100.0, "eeg").set_montage(montage)
positions = np.array([ch["loc"][:3] for ch in info["chs"]])
occipital = positions[info.ch_names.index("Oz")]
planted = np.exp(-np.sum((positions - occipital) ** 2, axis=1) / (2 * 0.05**2))

n_epochs, times = 60, np.linspace(-0.2, 1.0, 121)
y = np.repeat([0, 1], n_epochs // 2)
gain = np.where((times >= 0.4) & (y[:, None] == 1), 3.0, 1.0)  # (epochs, times)
source = rng.standard_normal((n_epochs, len(times))) * gain
X = rng.standard_normal((n_epochs, len(info.ch_names), len(times)))
X += planted[None, :, None] * source[:, None, :]
epochs = mne.EpochsArray(X * 1e-6, info, tmin=times[0], verbose=False)

# %%
# One CSP on the late window: a static map per component, labelled by the
# window's centre. The first component is the planted occipital source. The
# patterns are in data units (µV) per unit of the component (MNE scales the
# filters so that the components' variances in the two classes sum to 1).
late = epochs.copy().crop(0.4, 1.0).get_data(copy=False)
csp = CSP(n_components=3, rank="full").fit(late, y)  # full rank: no rank SVD
fig = mne_coefanim.plot_coefs(csp, info, times=[0.7], time=0.7, show=False)
fig.savefig("csp_patterns.png")

# %%
# CSPs on sliding windows, each cross-validated with 3 folds: a list
# (windows) of lists (folds) of fitted pipelines, and the folds' accuracy
# per window, animated at the window centres.
windows = [(start, start + 0.3) for start in (-0.2, 0.1, 0.4, 0.7)]
centres = [(start + stop) / 2 for start, stop in windows]
cv = StratifiedKFold(3, shuffle=True, random_state=0)
grid, scores = [], []
for start, stop in windows:
    X_win = epochs.copy().crop(start, stop, include_tmax=False).get_data(copy=False)
    pipe = make_pipeline(CSP(2, rank="full"), LinearDiscriminantAnalysis())
    result = cross_validate(pipe, X_win, y, cv=cv, return_estimator=True)
    grid.append(list(result["estimator"]))
    scores.append(result["test_score"])
scores = np.array(scores).T  # (n_folds, n_windows)

# %%
# The first component, as fitted and with aligned signs. Without alignment
# a fold whose sign flipped weakens the window's average; with it, every
# fold agrees and the occipital pattern keeps its sign from window to window.
for name, align in (("csp_windows_as_fitted", False), ("csp_windows_aligned", True)):
    anim = mne_coefanim.animate_coefs(
        grid,
        info,
        times=centres,
        coef_params=dict(components=0, align_signs=align),
        score_params=dict(chance=0.5, label="accuracy"),
        scores=scores,
        title=name.replace("_", " "),
        fps=2,
        res=64,
        dpi=60,
        show=False,
        verbose=True,
    )
    anim.save(f"{name}.gif", overwrite=True, verbose=False)
anim.show_frame(len(centres) - 1).savefig("csp_windows_aligned_last.png")
