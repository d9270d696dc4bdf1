"""The demo study: simulated subjects decoded with real time-resolved classifiers.

The study mimics a common EEG workflow: participants keep 1, 2, 4 or 6 items in
visual working memory (simulated in ``_simulation``), and a linear
classifier is trained at every time point to tell low loads (1-2 items) from
high loads (4-6 items). This module decodes the simulated subjects; training
takes several seconds, so :func:`load_demo` caches the results in an ``.npz`` file.
"""

import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass

import mne
import numpy as np
from mne.utils import logger, verbose

from .._checks import check_int, check_type
from ._simulation import (
    _N_NOISE_SOURCES,
    N_EPOCHS,
    SET_SIZES,
    SFREQ,
    TMAX,
    TMIN,
    _make_info,
    _make_times,
    simulate_epochs,  # public from here too
)

# Bump whenever the simulation or the decoder changes: old cache files are then
# ignored because the version is part of their name.
_VERSION = "2"

DIMS = ("subjects", "folds", "times", "channels")
_CACHE_ENV = "MNE_COEFANIM_CACHE"


@dataclass(frozen=True, eq=False, repr=False)
class DemoStudy:
    """Decoder weights of the simulated working-memory study.

    Attributes
    ----------
    info : mne.Info
        64 EEG channels with the ``'biosemi64'`` montage, ``sfreq`` = 100 Hz.
    times : array, shape (n_times,)
        Time of each sample in seconds, -0.2 to 0.8 s.
    coefs : array of float32, shape (n_subjects, n_folds, n_times, n_channels)
        The classifier filters in data units (per volt): the logistic
        regression weights divided by the channel scale of the
        ``StandardScaler``.
    patterns : array of float32, shape (n_subjects, n_folds, n_times, n_channels)
        The Haufe patterns ``Σx w``: ``LinearModel.patterns_`` (computed on
        standardized data) multiplied by the channel scale. Channel means are
        not added back, so the common ERP does not leak into them. Their size
        follows the weights' scale (the regularisation, the subject): show
        them in arbitrary units.
    normalized_patterns : array of float32, shape like ``patterns``
        The same patterns divided by the standard deviation of the decoder
        output (``sqrt(wᵀ Σx w)``): volts per standard deviation of the
        decoder output, comparable across folds and subjects (see
        :func:`mne_coefanim.patterns_from_filters`).
    scores : array, shape (n_subjects, n_folds, n_times)
        ROC AUC of each fold's decoders on its held-out epochs (chance = 0.5).
    set_sizes : tuple of int
        The set sizes of the simulated task. The decoder contrasts low
        (< 4 items) with high (>= 4 items) loads.
    dims : tuple of str
        ``('subjects', 'folds', 'times', 'channels')``, the axes of ``coefs``
        and ``patterns``.
    description : str
        How the data were simulated and decoded.
    """

    info: mne.Info
    times: np.ndarray
    coefs: np.ndarray
    patterns: np.ndarray
    normalized_patterns: np.ndarray
    scores: np.ndarray
    set_sizes: tuple
    dims: tuple
    description: str

    def __repr__(self):
        n_subjects, n_folds, n_times, n_channels = self.coefs.shape
        auc = self.scores.mean(axis=(0, 1))
        peak = int(np.argmax(auc))
        return (
            f"<DemoStudy | {n_subjects} subjects x {n_folds} folds x "
            f"{n_times} times x {n_channels} channels, "
            f"peak AUC {auc[peak]:.2f} at {self.times[peak]:.3f} s>"
        )


@verbose
def load_demo(*, n_subjects=8, n_folds=5, seed=0, cache=True, verbose=None):
    """Load the decoders of a simulated visual working-memory EEG study.

    Each subject's epochs come from :func:`simulate_epochs`. For every subject,
    ``n_folds`` stratified cross-validation folds each train, at every time
    point, what :class:`mne.decoding.SlidingEstimator` would train with
    ``make_pipeline(StandardScaler(), LinearModel(LogisticRegression(
    solver='liblinear')))``, to separate low (1-2 items) from high (4-6 items)
    memory load, and score it on the held-out epochs with the ROC AUC.

    Parameters
    ----------
    n_subjects : int
        Number of simulated subjects (>= 1).
    n_folds : int
        Number of cross-validation folds per subject (2 to 80).
    seed : int
        Seed of the simulation and of the fold shuffling (>= 0). The same seed
        gives identical arrays.
    cache : bool
        If True, read the trained decoders from, or write them to, an ``.npz``
        file in the folder named by the environment variable
        ``MNE_COEFANIM_CACHE``, or else in ``~/.cache/mne_coefanim``. A
        cache file that is unreadable, damaged (e.g. a header announcing a
        huge array) or holds NaN or inf is rebuilt and replaced, with an info
        message.
    verbose : bool | str | int | None
        Control the verbosity of the logging output; None uses MNE's level
        (see :func:`mne.set_log_level`).

    Returns
    -------
    study : DemoStudy
        ``study.coefs`` and ``study.patterns`` have shape
        (n_subjects, n_folds, n_times, n_channels), ``study.scores`` has shape
        (n_subjects, n_folds, n_times); ``study.info`` and ``study.times``
        describe the channels and samples.

    Notes
    -----
    The logistic regressions are scikit-learn's, fitted one time point at a
    time; the standardization, the Haufe patterns
    (:class:`mne.decoding.LinearModel`'s formula) and the scores are computed
    for all time points at once, which gives the same numbers as the
    pipeline several times faster. With the defaults, training takes about
    15 s on two cores; reading the cache takes milliseconds.
    """
    n_subjects = check_int("n_subjects", n_subjects, minimum=1)
    n_folds = check_int("n_folds", n_folds, minimum=2)
    if n_folds > N_EPOCHS // 2:
        raise ValueError(
            f"n_folds must be <= {N_EPOCHS // 2} (the number of epochs per class "
            f"of each simulated subject); got {n_folds}. Use fewer folds."
        )
    seed = check_int("seed", seed, minimum=0)
    check_type("cache", cache, bool, "a bool (True or False)")

    info, times = _make_info(), _make_times()
    shape = (n_subjects, n_folds, len(times), len(info["ch_names"]))
    path = _cache_path(n_subjects, n_folds, seed)
    arrays = _read_cache(path, shape) if cache else None
    if arrays is None:
        arrays = _decode_study(n_subjects, n_folds, seed)
        if cache:
            _write_cache(path, arrays)
    return DemoStudy(
        info=info,
        times=times,
        **arrays,  # coefs, patterns, normalized_patterns, scores
        set_sizes=SET_SIZES,
        dims=DIMS,
        description=_describe(n_subjects, n_folds, seed),
    )


def _decode_study(n_subjects, n_folds, seed):
    """Train the decoders of every subject; return the arrays in a dict."""
    try:
        from sklearn import config_context
    except ImportError as err:
        raise ImportError(
            "load_demo needs scikit-learn to train the demo decoders; install "
            "it with pip install '.[demo]' in a clone of mne-coefanim, or pip "
            "install scikit-learn"
        ) from err
    from threadpoolctl import threadpool_limits  # a scikit-learn dependency

    results = []
    # Thousands of tiny fits: BLAS threads only fight each other (np.cov of
    # 128 x 64: 17 ms threaded, 0.2 ms single), and our data need no checks.
    with (
        threadpool_limits(limits=1),
        config_context(assume_finite=True, skip_parameter_validation=True),
    ):
        for subject in range(n_subjects):
            logger.info(f"Decoding subject {subject + 1}/{n_subjects} ...")
            epochs, y = simulate_epochs(subject, seed=seed, verbose=False)
            results.append(_fit_subject(epochs.get_data(), y, n_folds, seed))
    *maps, scores = (np.stack(part) for part in zip(*results, strict=True))
    names = ("coefs", "patterns", "normalized_patterns")
    arrays = {n: part.astype(np.float32) for n, part in zip(names, maps, strict=True)}
    return {**arrays, "scores": scores}


def _fit_subject(data, y, n_folds, seed):
    """Cross-validate one subject's (n_epochs, n_channels, n_times) data.

    Returns filters, patterns, normalized patterns (n_folds, n_times,
    n_channels) and held-out ROC AUC (n_folds, n_times).
    """
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(n_folds, shuffle=True, random_state=seed).split(data, y)
    per_fold = [_fit_fold(data[tr], y[tr], data[te], y[te]) for tr, te in folds]
    return tuple(np.array(part) for part in zip(*per_fold, strict=True))


def _fit_fold(x_train, y_train, x_test, y_test):
    """Fit one fold as the demo's SlidingEstimator pipeline would.

    Only the logistic regressions are fitted per time point; scaling, Haufe
    patterns and scores are vectorized (``tests/test_demo.py`` checks them
    against the pipeline).
    """
    from sklearn.linear_model import LogisticRegression

    # (n_times, n_epochs, n_channels): one standardized problem per time
    x_train = x_train.transpose(2, 0, 1)
    mean = x_train.mean(axis=1, keepdims=True)
    scale = x_train.std(axis=1, keepdims=True)  # as StandardScaler.scale_
    z_train = (x_train - mean) / scale
    weights, intercepts = np.empty(z_train.shape[::2]), np.empty(len(z_train))
    for k, z in enumerate(z_train):
        model = LogisticRegression(solver="liblinear").fit(z, y_train)
        weights[k], intercepts[k] = model.coef_[0], model.intercept_[0]
    # LinearModel's Haufe patterns: cov(z) @ w, on the standardized data
    z_centered = z_train - z_train.mean(axis=1, keepdims=True)
    cov = z_centered.transpose(0, 2, 1) @ z_centered / (z_centered.shape[1] - 1)
    std_patterns = (cov @ weights[..., None])[..., 0]
    z_test = (x_test.transpose(2, 0, 1) - mean) / scale
    decision = (z_test @ weights[..., None])[..., 0] + intercepts[:, None]
    scale = scale[:, 0]
    # the decoder output's SD, sqrt(w' cov(z) w): the same in every space
    output_sd = np.sqrt(np.sum(weights * std_patterns, axis=1, keepdims=True))
    patterns = std_patterns * scale
    return weights / scale, patterns, patterns / output_sd, _roc_auc(decision, y_test)


def _roc_auc(decision, y):
    """ROC AUC per row of ``decision`` (n_times, n_epochs): Mann-Whitney's U, scaled."""
    from scipy.stats import mannwhitneyu

    positive = np.asarray(y) == 1
    u = mannwhitneyu(decision[:, positive], decision[:, ~positive], axis=1).statistic
    return u / (positive.sum() * (~positive).sum())


def _cache_path(n_subjects, n_folds, seed):
    """Return the cache file of these parameters (the version is in its name)."""
    folder = os.environ.get(_CACHE_ENV) or os.path.join("~", ".cache", "mne_coefanim")
    folder = os.path.expanduser(folder)
    key = f"subjects{n_subjects}-folds{n_folds}-seed{seed}-epochs{N_EPOCHS}"
    return os.path.join(folder, f"demo-v{_VERSION}-{key}.npz")


# what a damaged cache file can raise while it is read (it is then rebuilt)
CACHE_READ_ERRORS = (OSError, ValueError, KeyError, EOFError, MemoryError, RuntimeError,
                     TypeError, AttributeError, NotImplementedError,
                     zipfile.BadZipFile, zlib.error)  # fmt: skip


def _read_cache(path, shape):
    """Return the cached arrays, or None if absent, damaged or not finite.

    Headers are checked first: a damaged file announcing a huge array
    allocates nothing.
    """
    if not os.path.isfile(path):
        return None
    expected = dict.fromkeys(("coefs", "patterns", "normalized_patterns"),
                             (shape, np.float32))  # fmt: skip
    expected["scores"] = (shape[:3], np.float64)
    try:
        # our own file handle: np.load leaks its own when the zip is damaged
        with open(path, "rb") as fid, np.load(fid, allow_pickle=False) as npz:
            problem = _cache_problem(npz, expected)
            arrays = None if problem else {name: npz[name] for name in expected}
    except CACHE_READ_ERRORS as err:
        problem = f"unreadable ({type(err).__name__}: {err})"
    if problem is None:
        bad = [name for name, array in arrays.items() if not np.isfinite(array).all()]
        problem = f"{bad[0]} holds NaN or inf" if bad else None
    if problem is not None:
        logger.info(f"Rebuilding the demo cache {path}: {problem}.")
        return None
    logger.info(f"Loaded the demo decoders from the cache ({os.path.basename(path)}).")
    return arrays


def _cache_problem(npz, expected):
    """Say what is wrong with the headers of a cache archive, or None."""
    for name, (want_shape, want_dtype) in expected.items():
        if name not in npz.files:  # the .npy members, named without .npy
            return f"no {name}"
        with npz.zip.open(f"{name}.npy") as member:
            version = np.lib.format.read_magic(member)
            if version not in ((1, 0), (2, 0)):  # np.savez writes these
                return f"{name} has .npy version {version}"
            read_header = getattr(np.lib.format, f"read_array_header_{version[0]}_0")
            got_shape, _, got_dtype = read_header(member)
        if got_shape != want_shape or got_dtype != want_dtype:
            return (
                f"{name} has shape {got_shape} and dtype {got_dtype}, not "
                f"{want_shape} and {np.dtype(want_dtype)}"
            )
    return None


def _write_cache(path, arrays):
    """Write atomically (a temporary file, then a rename); log an OSError.

    Its own few lines, not the writers' ``atomic_output``: the demo is an
    input, and inputs import nothing downstream (one-way flow).
    """
    folder = os.path.dirname(path)
    tmp_name = None
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=folder, prefix=".demo-", suffix=".npz.tmp", delete=False
        ) as tmp:
            tmp_name = tmp.name
            np.savez(tmp, **arrays)
        os.replace(tmp_name, path)
        logger.info(f"Cached the demo decoders in {path}.")
    except OSError as err:
        logger.info(f"Could not write the demo cache {path} ({err}).")
        if tmp_name is not None and os.path.exists(tmp_name):
            os.remove(tmp_name)


def _describe(n_subjects, n_folds, seed):
    """Return the study's ``description``."""
    return (
        f"Simulated visual working-memory EEG study (seed {seed}): "
        f"{n_subjects} subjects, {N_EPOCHS} epochs each, set sizes "
        f"{', '.join(map(str, SET_SIZES))}, 64-channel BioSemi montage, "
        f"{TMIN:g} to {TMAX:g} s at {SFREQ:g} Hz. The load effect is posterior "
        "and peaks near 150 ms, then spreads to a broader central topography "
        "after about 400 ms; a large fronto-central ERP is identical for all "
        f"loads; noise comes from {_N_NOISE_SOURCES} dipole-like sources with "
        "1/f spectra plus sensor noise. Per subject, a StandardScaler + LinearModel("
        "LogisticRegression(solver='liblinear')) per time point "
        f"(SlidingEstimator) separates low (1-2) from high (4-6) loads in "
        f"{n_folds} stratified folds. coefs are filters in data units (per "
        "volt), patterns are Haufe patterns (Σx w, arbitrary units) without the "
        "channel means, normalized_patterns the same in volts per standard "
        "deviation of the decoder output; scores are held-out ROC AUC."
    )
