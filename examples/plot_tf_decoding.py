"""
CSP patterns per frequency band and time window
===============================================

The route of MNE's tutorial "Decoding in time-frequency space using Common
Spatial Patterns (CSP)": the raw recording is band-pass filtered once per
frequency band, cut into epochs, and within each time window a
:class:`mne.decoding.CSP` followed by linear discriminant analysis is
cross-validated (ROC AUC). Here the CSP patterns of each band and window are
animated too: one row of maps per band, on one colour scale, with the
time-frequency AUC map under them and a cursor at the current window.

The data are one subject of PhysioNet's EEG Motor Movement/Imagery data set
(imagined opening and closing of the left or right fist, runs 4, 8 and 12),
read from ``../shared/data/eegmmidb_S001`` next to the repository. Without
that folder (a plain clone), simulated epochs with the same channels stand
in: a 9 Hz rhythm that weakens over the motor cortex opposite the imagined
hand, as the mu rhythm does. To stay fast, the example keeps 21 channels over
the motor cortex, three bands and four windows (the tutorial scans more).
"""

# %%
from pathlib import Path

import mne
import numpy as np
from mne.datasets import eegbci
from mne.decoding import CSP
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

import mne_coefanim

try:
    EXAMPLES = Path(__file__).resolve().parent
except NameError:  # sphinx-gallery runs the script in its folder, without __file__
    EXAMPLES = Path.cwd()
DATA_DIR = EXAMPLES.parents[1] / "shared" / "data" / "eegmmidb_S001"
MOTOR = ["FC5", "FC3", "FC1", "FCz", "FC2", "FC4", "FC6", "C5", "C3", "C1", "Cz",
         "C2", "C4", "C6", "CP5", "CP3", "CP1", "CPz", "CP2", "CP4", "CP6"]  # fmt: skip
MONTAGE = (
    "colin27_1005"  # MNE 1.13's name for the same positions as standard_1005
    if "colin27_1005" in mne.channels.get_builtin_montages()
    else "standard_1005"
)


def read_recording():
    """Read the imagery runs of S001: average reference, motor channels."""
    runs = [DATA_DIR / f"S001R{run:02d}.edf" for run in (4, 8, 12)]
    raw = mne.concatenate_raws(
        [mne.io.read_raw_edf(path, preload=True, verbose=False) for path in runs]
    )
    eegbci.standardize(raw)
    raw.set_montage(MONTAGE, verbose=False)
    raw.set_eeg_reference("average", verbose=False)
    events, _ = mne.events_from_annotations(
        raw, event_id=dict(T1=1, T2=2), verbose=False
    )
    return raw.pick(MOTOR), events


def simulate_recording(n_trials=48, sfreq=160.0, seed=0):
    """Noise plus a 9 Hz rhythm that weakens opposite the imagined hand."""
    rng = np.random.default_rng(seed)
    n_trial = int(4.5 * sfreq)  # 4.5 s per trial, the cue 0.5 s in
    t = np.arange(n_trial) / sfreq
    data = rng.standard_normal((len(MOTOR), n_trials * n_trial)) * 2e-6
    hands = np.tile([1, 2], n_trials // 2)
    # from 0.5 s after the cue the rhythm fades smoothly (a step would
    # spread its power over all frequencies) to 30 % over the cortex
    # opposite the hand: left hand (1), right cortex (C4)
    fade = 1.0 - 0.7 / (1.0 + np.exp(-(t - 1.0) / 0.1))
    for k, hand in enumerate(hands):
        weaker = "C4" if hand == 1 else "C3"
        for side in ("C3", "C4"):
            gain = fade if side == weaker else 1.0
            rhythm = gain * 6e-6 * np.sin(2 * np.pi * 9 * t + rng.uniform(0, 6.3))
            data[MOTOR.index(side), k * n_trial : (k + 1) * n_trial] += rhythm
    info = mne.create_info(MOTOR, sfreq, "eeg")
    raw = mne.io.RawArray(data, info, verbose=False).set_montage(MONTAGE)
    onsets = np.arange(n_trials) * n_trial + int(0.5 * sfreq)
    return raw, np.column_stack([onsets, np.zeros_like(onsets), hands])


if DATA_DIR.is_dir():
    raw, events = read_recording()
    source = "S001, imagined left vs right fist"
else:
    print(f"{DATA_DIR} not found: using simulated epochs instead.")
    raw, events = simulate_recording()
    source = "simulated mu rhythm"

# %%
# Decode each band in each window, as the tutorial does: the window is
# ``n_cycles`` cycles of the band's centre frequency long (shorter for higher
# bands), and the scores are the mean ROC AUC across 3 folds. The CSP
# patterns come from the model refitted on all epochs. A CSP component's sign
# is arbitrary: each window's pattern is flipped to match the previous
# window's, and scaled to unit root mean square (CSP patterns have no common
# scale), so that one colour scale serves all bands.
bands = np.array([[8.0, 12.0], [12.0, 16.0], [16.0, 20.0]])
centres = np.array([0.5, 1.0, 1.5, 2.0])  # window centres (s after the cue)
n_cycles = 10.0
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=42)

patterns = np.zeros((len(bands), len(centres), len(MOTOR)))
auc = np.zeros((len(bands), len(centres)))
quiet = mne.use_log_level("WARNING")  # CSP logs each covariance it estimates
for b, (fmin, fmax) in enumerate(bands):
    size = n_cycles / ((fmin + fmax) / 2.0)  # window length in seconds
    filtered = raw.copy().filter(fmin, fmax, fir_design="firwin", verbose=False)
    # the windows' span, and a margin for cropping
    epochs = mne.Epochs(filtered, events, tmin=centres[0] - size,
                        tmax=centres[-1] + size, baseline=None, preload=True,
                        verbose=False)  # fmt: skip
    y = epochs.events[:, 2]
    for w, centre in enumerate(centres):
        X = epochs.copy().crop(centre - size / 2, centre + size / 2).get_data()
        clf = make_pipeline(
            CSP(n_components=4, reg=None, log=True, norm_trace=False, rank="full"),
            LinearDiscriminantAnalysis(),
        )
        with quiet:
            auc[b, w] = cross_val_score(clf, X, y, scoring="roc_auc", cv=cv).mean()
            pattern = clf.fit(X, y)[0].patterns_[0]  # the most discriminative
        if w and pattern @ patterns[b, w - 1] < 0:
            pattern = -pattern
        patterns[b, w] = pattern / np.sqrt(np.mean(pattern**2))

# %%
# One row of maps per band (the highest on top, as on the AUC map's axis),
# and under them the AUC of each band and window, centred on chance (0.5),
# with a cursor at the current window. ``dims`` names the axes of
# ``patterns``; ``coef_params``' ``freqs`` gives the bands' edges in Hz.
anim = mne_coefanim.animate_coefs(
    patterns,
    raw.info,
    dims=("freqs", "times", "channels"),
    coef_params=dict(freqs=bands),
    times=centres,
    scores=auc,
    score_params=dict(matrix="freqs", scoring="roc_auc"),
    units="a.u.",
    extrapolate="local",
    title=f"CSP patterns: {source}",
    show=False,
    verbose=False,
)
anim.save("tf_csp_patterns.gif", fps=2, overwrite=True, verbose=False)
