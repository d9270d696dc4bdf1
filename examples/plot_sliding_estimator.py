"""
Animate the patterns of a SlidingEstimator
==========================================

The route of MNE's decoding tutorials: one subject's epochs, a
:class:`mne.decoding.SlidingEstimator` wrapping a scaler and a
:class:`mne.decoding.LinearModel`, cross-validated scores, then the patterns
of the model refitted on all epochs.

``animate_coefs`` reads the patterns from the fitted estimator itself. It
undoes the ``StandardScaler`` by its scale only, so the patterns do not
contain the average ERP (MNE's ``get_coef(..., inverse_transform=True)``
adds the channel means back, which makes a channel carrying only the common
ERP look like the strongest pattern).
"""

# %%
from mne.decoding import LinearModel, SlidingEstimator, cross_val_multiscore
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import mne_coefanim

epochs, y = mne_coefanim.simulate_epochs(subject=0)
X = epochs.get_data(copy=False)

clf = make_pipeline(
    StandardScaler(), LinearModel(LogisticRegression(solver="liblinear"))
)
time_decod = SlidingEstimator(clf, scoring="roc_auc")
scores = cross_val_multiscore(time_decod, X, y, cv=3)  # (n_folds, n_times)
time_decod.fit(X, y)

# %%
# Patterns of the refitted model with the cross-validated AUC under the map.
# ``coef_params=dict(normalize_patterns=True)`` shows them in µV per standard
# deviation of the decoder output (MNE's ``patterns_`` follow the weights'
# scale, and would be shown in arbitrary units). The AUC's name and chance
# level (0.5) come from the estimator's ``scoring``; the band is the SEM
# across the 3 folds of this one subject. Folds are not independent samples,
# so there is no significance mask here: group statistics need several
# subjects (see the statistics example).
anim = mne_coefanim.animate_coefs(
    time_decod,
    epochs.info,
    times=epochs.times,
    coef_params=dict(normalize_patterns=True), scores=scores,
    title="Subject 1: patterns of the sliding decoder",
    show=False,
)
anim.save("sliding_patterns.gif", overwrite=True)

# %%
# One frame as a static figure, e.g. at the decoding peak.
fig = mne_coefanim.plot_coefs(
    time_decod,
    epochs.info,
    times=epochs.times,
    coef_params=dict(normalize_patterns=True),
    time=0.15,
    show=False,
)
fig.savefig("sliding_patterns_150ms.png")
