"""The simulated working-memory EEG task behind the demo study.

Participants keep 1, 2, 4 or 6 items in visual working memory. The simulation
is deterministic, needs no download, and is shaped so that the animations this
package makes have something to show:

- a load effect over posterior channels peaking near 150 ms, which spreads to a
  broader, more central topography after about 400 ms;
- a large common ERP, identical for every load, over fronto-central channels,
  so that "patterns" which add the channel means back (as
  ``mne.decoding.get_coef(..., inverse_transform=True)`` does after a
  ``StandardScaler``) would show the ERP rather than the effect;
- spatially correlated noise from a handful of dipole-like sources with
  1/f temporal structure, so that filters and patterns differ visibly.

A change here changes the demo's decoders: bump ``_demo._VERSION`` so that
cached results of the old simulation are ignored.
"""

import mne
import numpy as np
from mne.utils import logger, verbose

from .._checks import check_int

SFREQ = 100.0  # Hz; 150 ms and 500 ms fall exactly on samples
TMIN, TMAX = -0.2, 0.8  # seconds
SET_SIZES = (1, 2, 4, 6)
HIGH_LOAD_FROM = 4  # set sizes >= 4 are the "high" class of the decoder
N_EPOCHS = 160  # per subject: 40 per set size
_MONTAGE = "biosemi64"
_UV = 1e-6  # the simulation is written in microvolts, stored in volts
_N_NOISE_SOURCES = 12


@verbose
def simulate_epochs(subject, *, seed=0, n_epochs=N_EPOCHS, verbose=None):
    """Simulate one subject's epochs of the working-memory task.

    Parameters
    ----------
    subject : int
        Index of the subject (>= 0). Each subject has its own effect
        strength, latency, topography and noise sources.
    seed : int
        Seed of the simulation (>= 0); ``load_demo(seed=seed)`` decodes
        subjects ``0 .. n_subjects - 1`` of the same seed.
    n_epochs : int
        Number of epochs (>= 8), spread evenly over the set sizes 1, 2, 4
        and 6 in random order.
    verbose : bool | str | int | None
        Control the verbosity of the logging output; None uses MNE's level
        (see :func:`mne.set_log_level`).

    Returns
    -------
    epochs : mne.EpochsArray
        64 EEG channels (``'biosemi64'`` montage), -0.2 to 0.8 s at 100 Hz,
        in volts. The event code of each epoch is its set size, with event
        names ``'set_size/1'``, ``'set_size/2'``, ``'set_size/4'`` and
        ``'set_size/6'``, so ``epochs['set_size/4']`` selects one load.
    y : array of int, shape (n_epochs,)
        The decoder's labels: 1 for high load (4 or 6 items), 0 for low
        load (1 or 2 items).
    """
    subject = check_int("subject", subject, minimum=0)
    seed = check_int("seed", seed, minimum=0)
    n_epochs = check_int("n_epochs", n_epochs, minimum=2 * len(SET_SIZES))
    info = _make_info()
    data, set_size = _simulate_subject(subject, seed, n_epochs, _positions(info))
    n_times = data.shape[-1]
    # one epoch per "trial", spaced by an epoch length so samples never overlap
    events = np.column_stack(
        [np.arange(n_epochs) * n_times, np.zeros(n_epochs, int), set_size]
    )
    event_id = {f"set_size/{size}": size for size in SET_SIZES}
    epochs = mne.EpochsArray(
        data, info, events=events, tmin=TMIN, event_id=event_id, verbose=False
    )
    logger.info(f"Simulated {n_epochs} epochs of subject {subject} (seed {seed}).")
    return epochs, (set_size >= HIGH_LOAD_FROM).astype(int)


def _make_info():
    montage = mne.channels.make_standard_montage(_MONTAGE)
    return mne.create_info(montage.ch_names, SFREQ, "eeg").set_montage(montage)


def _make_times():
    n_times = int(round((TMAX - TMIN) * SFREQ)) + 1
    return TMIN + np.arange(n_times) / SFREQ


def _positions(info):
    """Channel positions (n_channels, 3) in metres, centred on the head sphere."""
    pos = np.array([ch["loc"][:3] for ch in info["chs"]])
    # algebraic sphere fit: |p|^2 = 2 p.c + (r^2 - |c|^2) is linear in c
    design = np.column_stack([2 * pos, np.ones(len(pos))])
    solution = np.linalg.lstsq(design, (pos**2).sum(axis=1), rcond=None)[0]
    return pos - solution[:3]


def _simulate_subject(subject, seed, n_epochs, pos):
    """Return data (n_epochs, n_channels, n_times) in volts and set sizes."""
    times = _make_times()
    erp, effect, mixing = _subject_model(subject, seed, pos, times)
    # a separate stream for trials: a subject's "brain" does not depend on
    # how many epochs are drawn from it
    rng = np.random.default_rng([seed, subject, 1])
    set_size = rng.permutation(np.resize(SET_SIZES, n_epochs))
    load = (set_size - np.mean(SET_SIZES)) / np.std(SET_SIZES)
    # the ERP varies a little in amplitude from trial to trial, the same way
    # for every load, so it also shows up in the noise covariance
    erp_gain = 1.0 + 0.15 * rng.standard_normal(n_epochs)
    sources = _pink_noise(rng, (n_epochs, mixing.shape[1], len(times)))
    sensor_noise = 2.0 * rng.standard_normal((n_epochs, len(pos), len(times)))
    data = (
        erp_gain[:, None, None] * erp
        + load[:, None, None] * effect
        + np.einsum("cs,est->ect", mixing, sources)
        + sensor_noise
    )
    return data * _UV, set_size


def _subject_model(subject, seed, pos, times):
    """One subject's ERP, load effect (channels x times) and noise mixing, µV."""
    rng = np.random.default_rng([seed, subject, 0])
    gain = rng.uniform(0.8, 1.2)
    shift = rng.normal(0.0, 0.005, size=3)  # a few mm between heads
    early_peak = 0.15 + rng.normal(0.0, 0.008)
    late_onset = 0.40 + rng.normal(0.0, 0.015)

    posterior = _blob(pos, [0.0, -0.085, 0.005] + shift, width=0.035)
    central = _blob(pos, [0.0, -0.02, 0.09] + shift, width=0.065)
    early = _bump(times, early_peak, 0.035)
    late = _step(times, late_onset, 0.03)
    # microvolts per standard deviation of set size: a strong posterior peak
    # that fades to a fifth while a broad central effect takes over
    effect = gain * (
        np.outer(posterior, 5.0 * early + 1.0 * late) + np.outer(central, 1.5 * late)
    )
    return _common_erp(pos, times), effect, _noise_mixing(rng, pos)


def _common_erp(pos, times):
    """Fronto-central N1/P2 and parietal P3, identical for every load."""
    fronto_central = _blob(pos, [0.0, 0.03, 0.085], width=0.05)
    occipital = _blob(pos, [0.0, -0.09, 0.0], width=0.04)
    parietal = _blob(pos, [0.0, -0.04, 0.08], width=0.06)
    return (
        np.outer(occipital, 3.0 * _bump(times, 0.10, 0.02))
        + np.outer(fronto_central, -9.0 * _bump(times, 0.14, 0.03))
        + np.outer(fronto_central, 6.0 * _bump(times, 0.24, 0.04))
        + np.outer(parietal, 5.0 * _bump(times, 0.38, 0.08))
    )


def _noise_mixing(rng, pos):
    """Topographies (n_channels, n_sources) of random dipoles in an infinite medium."""
    n_sources = _N_NOISE_SOURCES
    direction = rng.standard_normal((n_sources, 3))
    radius = 0.07 * rng.uniform(0.2, 1.0, n_sources) ** (1 / 3)
    unit = direction / np.linalg.norm(direction, axis=1, keepdims=True)
    location = radius[:, None] * unit
    moment = rng.standard_normal((n_sources, 3))
    diff = pos[:, None, :] - location[None]  # (n_channels, n_sources, 3)
    mixing = (diff * moment).sum(-1) / np.linalg.norm(diff, axis=-1) ** 3
    mixing /= np.sqrt((mixing**2).mean(axis=0))
    return mixing * rng.uniform(1.0, 3.0, n_sources)


def _pink_noise(rng, shape):
    """Gaussian 1/f noise along the last axis (shaped on twice the length)."""
    n_times = shape[-1]
    n_long = 2 * n_times
    white = rng.standard_normal((*shape[:-1], n_long))
    freqs = np.fft.rfftfreq(n_long, 1.0 / SFREQ)
    # amplitude 1/sqrt(f) gives power 1/f; the 1 Hz floor keeps DC finite
    gain = 1.0 / np.sqrt(freqs + 1.0)
    shaped = np.fft.irfft(np.fft.rfft(white) * gain, n=n_long)[..., :n_times]
    # unit variance: white noise through a filter has the variance of the
    # summed squared impulse response
    return shaped / np.sqrt((np.fft.irfft(gain, n=n_long) ** 2).sum())


def _blob(pos, center, width):
    """Return a smooth Gaussian topography (n_channels,) around ``center``."""
    dist2 = ((pos - np.asarray(center)) ** 2).sum(axis=1)
    return np.exp(-dist2 / (2 * width**2))


def _bump(times, peak, width):
    return np.exp(-((times - peak) ** 2) / (2 * width**2))


def _step(times, onset, width):
    return 1.0 / (1.0 + np.exp(-(times - onset) / width))
