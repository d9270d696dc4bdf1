"""
Patterns from filters: what the weights cannot show
===================================================

When only a decoder's weights (filters) and the epochs are at hand, for
example from a toolbox that does not use :class:`mne.decoding.LinearModel`,
the activation patterns follow from the data covariance at each time point:
``A = Σx W`` (Haufe et al. 2014), exactly what ``LinearModel`` computes.
Their size follows the weights' scale (the regularisation, the subject), so
they are shown in arbitrary units. ``normalize_patterns=True`` gives Haufe's
``Σx W (Wᵀ Σx W)⁻¹`` for the decoder output scaled to unit variance: volts
per standard deviation of the decoder output, whatever the weights' scale.
"""

# %%
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

import mne_coefanim

epochs, y = mne_coefanim.simulate_epochs(subject=1, verbose=False)
X = epochs.get_data(copy=False)  # (n_epochs, n_channels, n_times)

# one plain logistic regression per time point, on standardised data; the
# filters are mapped back to volts by dividing by each channel's scale
filters = np.empty((X.shape[2], X.shape[1]))
for t in range(X.shape[2]):
    scaler = StandardScaler().fit(X[:, :, t])
    model = LogisticRegression(solver="liblinear").fit(scaler.transform(X[:, :, t]), y)
    filters[t] = model.coef_[0] / scaler.scale_

patterns = mne_coefanim.patterns_from_filters(filters, epochs)
normalized = mne_coefanim.patterns_from_filters(
    filters, epochs, normalize_patterns=True
)

# %%
# Filters beside patterns. The filters are large wherever a channel helps
# cancel noise; the patterns show where the decoded signal is.
for name, values, units in (
    ("filters", filters, "a.u."),
    ("patterns", patterns, "a.u."),
    ("normalized_patterns", normalized * 1e6, "µV per SD of output"),
):
    anim = mne_coefanim.animate_coefs(
        values, epochs.info, times=epochs.times, units=units, title=name,
        res=128, dpi=72, show=False, verbose=False,
    )  # fmt: skip
    anim.save(f"{name}.gif", overwrite=True, verbose=False)
