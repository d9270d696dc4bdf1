"""A real recording end to end: decode, fit, animate the patterns.

PhysioNet's EEG Motor Movement/Imagery data, subject S001 (see the README in
the data folder). Its left-versus-right decoding is driven by horizontal eye
movements towards the cue, so at the best decoding time the patterns must be
strongest over the front of the head (F7/F8, AF7/AF8, FT7/FT8).
"""

import os

import mne
import numpy as np
import pytest
from conftest import SHARED_DATA
from PIL import Image

from mne_coefanim import animate_coefs, as_coef_data, topomap_positions

DATA_DIR = os.path.join(SHARED_DATA, "eegmmidb_S001")
RUNS = (3, 7)  # two executed runs: 30 epochs, enough for a clear effect
N_TOP = 5


def montage_name():
    """MNE 1.13 renamed the 10-05 template; both have the same positions."""
    names = mne.channels.get_builtin_montages()
    return "colin27_1005" if "colin27_1005" in names else "standard_1005"


@pytest.fixture(scope="module")
def epochs():
    if not os.path.isdir(DATA_DIR):
        pytest.skip(f"real data not found in {DATA_DIR}")
    from mne.datasets import eegbci

    raws = [
        mne.io.read_raw_edf(
            os.path.join(DATA_DIR, f"S001R{run:02d}.edf"), preload=True, verbose=False
        )
        for run in RUNS
    ]
    raw = mne.concatenate_raws(raws, verbose=False)
    eegbci.standardize(raw)
    raw.set_montage(montage_name(), verbose=False)
    raw.set_eeg_reference("average", verbose=False)
    # 25 Hz rather than the README's 30: MNE wants the sampling rate after
    # decimation (80 Hz) to be at least three times the low-pass
    raw.filter(0.1, 25.0, verbose=False)
    events, _ = mne.events_from_annotations(
        raw, event_id=dict(T1=1, T2=2), verbose=False
    )
    return mne.Epochs(raw, events, dict(left=1, right=2), tmin=-0.2, tmax=0.5,
                      baseline=(None, 0), decim=2, preload=True,
                      verbose=False).crop(0.0, 0.5)  # fmt: skip


@pytest.fixture(scope="module")
def decoder(epochs):
    from mne.decoding import LinearModel, SlidingEstimator, cross_val_multiscore
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = epochs.get_data(copy=False), epochs.events[:, 2]
    sliding = SlidingEstimator(
        make_pipeline(
            StandardScaler(), LinearModel(LogisticRegression(solver="liblinear"))
        ),
        scoring="roc_auc",
        verbose=False,
    )
    cv = StratifiedKFold(3, shuffle=True, random_state=42)
    scores = cross_val_multiscore(sliding, X, y, cv=cv, verbose=False)
    sliding.fit(X, y)
    return sliding, scores


def test_patterns_of_real_eye_movements(epochs, decoder, tmp_path):
    sliding, scores = decoder
    times = epochs.times
    mean_auc = scores.mean(axis=0)
    peak = int(np.argmax(mean_auc))
    # README: AUC ~0.9 from 0.2 s on with all runs; two runs still decode well
    assert mean_auc[peak] > 0.8
    assert 0.15 <= times[peak] <= 0.5

    anim = animate_coefs(sliding, epochs.info, times=times, scores=scores,
                         res=64, dpi=50, show=False, verbose=False)  # fmt: skip
    assert len(anim) == len(times)
    path = anim.save(tmp_path / "patterns.gif", verbose=False)
    with Image.open(path) as gif:
        assert gif.n_frames == len(times)

    # at the best decoding time, the strongest patterns are frontal
    patterns = as_coef_data(sliding, times=times, verbose=False).data[peak]
    pos = topomap_positions(epochs.info)
    top = np.argsort(np.abs(patterns))[::-1][:N_TOP]
    top_names = [epochs.ch_names[k] for k in top]
    assert (pos[top, 1] > 0).all(), top_names  # +y is the nose
    # and lateral, on both sides: a horizontal eye-movement dipole
    assert np.abs(pos[top, 0]).min() > 0.02, top_names
    assert np.sign(patterns[top]).min() < 0 < np.sign(patterns[top]).max()


def test_normalized_patterns_do_not_depend_on_regularisation(epochs):
    """The same decoder with C = 0.01 and C = 100: one map, once normalised."""
    from mne.decoding import LinearModel, SlidingEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = epochs.get_data(copy=False), epochs.events[:, 2]
    maps = {}
    for C in (0.01, 100.0):
        model = LinearModel(LogisticRegression(C=C, solver="liblinear"))
        sliding = SlidingEstimator(make_pipeline(StandardScaler(), model),
                                   verbose=False).fit(X, y)  # fmt: skip
        maps[C] = [
            as_coef_data(sliding, normalize_patterns=norm, verbose=False).data
            for norm in (False, True)
        ]
    (raw_strong, norm_strong), (raw_weak, norm_weak) = maps[0.01], maps[100.0]
    peak = np.unravel_index(np.argmax(np.abs(raw_weak)), raw_weak.shape)
    assert raw_weak[peak] / raw_strong[peak] > 5  # Σx W follows the weights
    assert abs(norm_weak[peak] / norm_strong[peak] - 1) < 0.1
    assert np.corrcoef(norm_weak.ravel(), norm_strong.ravel())[0, 1] > 0.9
