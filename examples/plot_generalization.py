"""
Temporal generalization next to the patterns
============================================

A :class:`mne.decoding.GeneralizingEstimator` trains at every time and tests
at every other time. The animation shows the patterns of each training time
(the diagonal models) beside the training x testing matrix, with a
cross-hair at the current time.
"""

# %%
from mne.decoding import GeneralizingEstimator, LinearModel, cross_val_multiscore
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import mne_coefanim

epochs, y = mne_coefanim.simulate_epochs(subject=0, verbose=False)
X = epochs.get_data(copy=False)
clf = make_pipeline(
    StandardScaler(), LinearModel(LogisticRegression(solver="liblinear"))
)
gen = GeneralizingEstimator(clf, scoring="roc_auc", verbose=False)
scores = cross_val_multiscore(gen, X, y, cv=2, verbose=False)  # (2, n_times, n_times)
gen.fit(X, y)

# %%
# The scores are recognised as a generalization matrix (their last two axes
# are both the times), and the estimator's ``scoring`` gives the label (AUC)
# and the centre of the colour map (chance, 0.5).
anim = mne_coefanim.animate_coefs(
    gen,
    epochs.info,
    times=epochs.times,
    coef_params=dict(normalize_patterns=True),
    scores=scores,
    title="Patterns of each training time",
    res=128,
    show=False,
    verbose=False,
)
anim.save("generalization.gif", overwrite=True, verbose=False)

# %%
# One training time's model, shown as a single frame: the 150 ms decoder.
fig = mne_coefanim.plot_coefs(
    gen,
    epochs.info,
    times=epochs.times,
    coef_params=dict(train_time=0.15, normalize_patterns=True),
    time=0.15,
    show=False,
)
fig.savefig("generalization_150ms.png")
