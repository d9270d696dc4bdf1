import dataclasses
import io
import os
import re
import tracemalloc
import zipfile
from pathlib import Path

import mne
import numpy as np
import pytest

pytest.importorskip("sklearn")

from mne.decoding import LinearModel, SlidingEstimator, get_coef  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from mne_coefanim import (  # noqa: E402
    DemoStudy,
    as_coef_data,
    load_demo,
    simulate_epochs,
)
from mne_coefanim.datasets import _demo  # noqa: E402

N_SUBJECTS, N_FOLDS = 2, 2  # small: the whole module runs in a few seconds


@pytest.fixture(scope="module")
def cached_study(tmp_path_factory):
    """The small study, computed once and cached in a private folder."""
    cache_dir = tmp_path_factory.mktemp("demo_cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MNE_COEFANIM_CACHE", str(cache_dir))
        study = load_demo(n_subjects=N_SUBJECTS, n_folds=N_FOLDS, verbose=False)
    return study, cache_dir


@pytest.fixture
def study(cached_study):
    return cached_study[0]


def _ch_pos(info):
    return np.array([ch["loc"][:3] for ch in info["chs"]])


def _time_index(times, t):
    return int(np.argmin(np.abs(times - t)))


def _mean_abs_pattern(study, t):
    """|pattern| averaged over subjects and folds at time t, (n_channels,)."""
    idx = _time_index(study.times, t)
    return np.abs(study.patterns[:, :, idx].mean(axis=(0, 1)))


def test_shapes_dtypes_and_metadata(study):
    n_times = len(study.times)
    assert isinstance(study, DemoStudy)
    assert 100 <= n_times <= 130
    assert study.times[0] == pytest.approx(-0.2)
    assert study.times[-1] == pytest.approx(0.8)
    np.testing.assert_allclose(np.diff(study.times), 1 / study.info["sfreq"])
    assert study.coefs.shape == (N_SUBJECTS, N_FOLDS, n_times, 64)
    assert study.patterns.shape == study.coefs.shape
    assert study.scores.shape == (N_SUBJECTS, N_FOLDS, n_times)
    assert study.coefs.dtype == np.float32
    assert study.patterns.dtype == np.float32
    assert np.isfinite(study.coefs).all() and np.isfinite(study.patterns).all()
    assert ((study.scores >= 0) & (study.scores <= 1)).all()
    assert study.dims == ("subjects", "folds", "times", "channels")
    assert study.set_sizes == (1, 2, 4, 6)
    assert "150 ms" in study.description and "AUC" in study.description
    biosemi = mne.channels.make_standard_montage("biosemi64")
    assert study.info["ch_names"] == biosemi.ch_names
    assert study.info.get_montage() is not None
    assert "2 subjects x 2 folds x 101 times x 64 channels" in repr(study)
    with pytest.raises(dataclasses.FrozenInstanceError):
        study.coefs = None


def test_auc_peaks_near_150_ms_and_baseline_is_chance(study):
    auc = study.scores.mean(axis=(0, 1))
    assert auc[_time_index(study.times, 0.15)] > 0.7
    assert auc[_time_index(study.times, 0.6)] > 0.65  # the late effect
    baseline = auc[study.times < 0]
    assert 0.35 < baseline.mean() < 0.65
    assert ((baseline > 0.35) & (baseline < 0.65)).all()


def test_effect_is_posterior_early_then_broader_and_more_anterior(study):
    pos = _ch_pos(study.info)
    early, late = _mean_abs_pattern(study, 0.15), _mean_abs_pattern(study, 0.5)
    top5 = np.argsort(early)[::-1][:5]
    assert (pos[top5, 1] < 0).all(), [study.info["ch_names"][k] for k in top5]

    def centroid_y(weights):
        return (weights * pos[:, 1]).sum() / weights.sum()

    # the centroid moves forward by more than a centimetre
    assert centroid_y(late) > centroid_y(early) + 0.01

    def fraction_above_half_max(weights):
        return (weights > weights.max() / 2).mean()

    assert fraction_above_half_max(late) > fraction_above_half_max(early) + 0.1


def _erp_and_effect(subject, idx, n_epochs=800):
    """A subject's ERP and load effect at sample ``idx`` (µV per SD of set size).

    Estimated from many simulated epochs (the subject's model does not depend
    on how many are drawn): regressed on the standardized set size.
    """
    epochs, _ = simulate_epochs(subject, n_epochs=n_epochs, verbose=False)
    set_size = epochs.events[:, 2].astype(float)
    load = (set_size - set_size.mean()) / set_size.std()
    design = np.column_stack([np.ones(n_epochs), load])
    return np.linalg.lstsq(design, epochs.get_data()[:, :, idx] * 1e6, rcond=None)[0]


def test_common_erp_does_not_dominate_patterns(study):
    idx = _time_index(study.times, 0.15)
    erp, effect = np.mean(
        [_erp_and_effect(subject, idx) for subject in range(N_SUBJECTS)], axis=0
    )
    # the ERP is large at 150 ms (fronto-central N1), bigger than the effect
    assert np.abs(erp).max() > np.abs(effect).max()
    pattern = study.patterns[:, :, idx].mean(axis=(0, 1))
    assert np.corrcoef(pattern, effect)[0, 1] > 0.8
    assert np.corrcoef(np.abs(pattern), np.abs(erp))[0, 1] < 0.2


def _pipeline_weights(pipeline):
    """Filters (per volt) and patterns (volts) of a scaler + LinearModel.

    Both are rescaled by the channel scale only: ``get_coef(...,
    inverse_transform=True)`` would add the channel means (the ERP) back.
    """
    scaler, model = pipeline[0], pipeline[-1]
    return model.filters_ / scaler.scale_, model.patterns_ * scaler.scale_


def test_fast_path_equals_mne_sliding_pipeline(study):
    """The vectorized fit equals SlidingEstimator + LinearModel, per time."""
    epochs, y = simulate_epochs(0, seed=0, verbose=False)
    steps = slice(None, None, 10)  # a subset of times keeps the test quick
    data = epochs.get_data()[..., steps]
    train, test = next(
        StratifiedKFold(N_FOLDS, shuffle=True, random_state=0).split(data, y)
    )
    pipeline = make_pipeline(
        StandardScaler(), LinearModel(LogisticRegression(solver="liblinear"))
    )
    sliding = SlidingEstimator(pipeline, scoring="roc_auc", verbose=False)
    sliding.fit(data[train], y[train])
    weights = [_pipeline_weights(est) for est in sliding.estimators_]
    filters, patterns = (np.array(w) for w in zip(*weights, strict=True))
    np.testing.assert_allclose(study.coefs[0, 0, steps], filters, rtol=1e-5)
    np.testing.assert_allclose(study.patterns[0, 0, steps], patterns, rtol=1e-5)
    # normalized: the package's own route from the fitted estimator
    normalized = as_coef_data(sliding, normalize_patterns=True, verbose=False).data
    np.testing.assert_allclose(
        study.normalized_patterns[0, 0, steps], normalized, rtol=1e-4
    )
    np.testing.assert_allclose(
        study.scores[0, 0, steps], sliding.score(data[test], y[test]), atol=1e-12
    )
    # MNE's inverse_transform route adds the channel means (the ERP) back
    est = sliding.estimators_[2]
    mne_patterns = get_coef(est, "patterns_", inverse_transform=True)
    np.testing.assert_allclose(mne_patterns - est[0].mean_, patterns[2], rtol=1e-6)
    # filters in data units reproduce the decision function
    x = data[test][:, :, 2]
    decision = est.decision_function(x)
    np.testing.assert_allclose(
        decision - decision[0], (x - x[0]) @ filters[2], rtol=1e-7, atol=1e-9
    )


def test_roc_auc_matches_sklearn(rng):
    from sklearn.metrics import roc_auc_score

    y = rng.integers(0, 2, 30)
    decision = rng.integers(0, 5, (3, 30)).astype(float)  # with ties
    expected = [roc_auc_score(y, row) for row in decision]
    np.testing.assert_allclose(_demo._roc_auc(decision, y), expected)


def _arrays(study, n_subjects=1):
    """The arrays of the study's first subjects, as the decoders give them."""
    names = ("coefs", "patterns", "normalized_patterns", "scores")
    return {name: getattr(study, name)[:n_subjects] for name in names}


def _cache_of(arrays, folder, monkeypatch, **kwargs):
    """Make load_demo(n_folds=N_FOLDS, **kwargs) cache ``arrays`` in ``folder``.

    Returns the path of the one file it writes there.
    """
    monkeypatch.setenv("MNE_COEFANIM_CACHE", str(folder))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_demo, "_decode_study", lambda *args: arrays)
        load_demo(n_folds=N_FOLDS, **kwargs, verbose=False)
    (name,) = os.listdir(folder)
    return os.path.join(folder, name)


def _decode_counted(monkeypatch, arrays):
    """Stand in for the decoders: return ``arrays``; count the calls."""
    calls = []

    def decode(*args):
        calls.append(args)
        return arrays

    monkeypatch.setattr(_demo, "_decode_study", decode)
    return calls


def _load_logged(**kwargs):
    """Load the demo (N_FOLDS folds); return it and what it logged."""
    with mne.utils.use_log_level("info"), mne.utils.catch_logging() as log:
        study = load_demo(n_folds=N_FOLDS, **kwargs, verbose="info")
    return study, log.getvalue()


def test_cache_round_trip_does_not_refit(cached_study, monkeypatch):
    study, cache_dir = cached_study
    monkeypatch.setenv("MNE_COEFANIM_CACHE", str(cache_dir))
    (name,) = os.listdir(cache_dir)  # no temp files
    # the version and the parameters are in the name
    assert re.fullmatch(rf"demo-v\d+-subjects{N_SUBJECTS}-folds{N_FOLDS}-seed0-"
                        r"epochs\d+\.npz", name)  # fmt: skip

    def no_fit(*args, **kwargs):
        raise AssertionError("the cached decoders were refitted")

    monkeypatch.setattr(_demo, "_fit_subject", no_fit)
    again = load_demo(n_subjects=N_SUBJECTS, n_folds=N_FOLDS, verbose=False)
    for name in ("coefs", "patterns", "normalized_patterns", "scores"):
        np.testing.assert_array_equal(getattr(again, name), getattr(study, name))
        assert getattr(again, name).dtype == getattr(study, name).dtype


def test_no_cache_is_deterministic_and_writes_nothing(study, tmp_path, monkeypatch):
    monkeypatch.setenv("MNE_COEFANIM_CACHE", str(tmp_path))
    # subject 0 does not depend on how many subjects are decoded
    alone = load_demo(n_subjects=1, n_folds=N_FOLDS, cache=False, verbose=False)
    np.testing.assert_array_equal(alone.coefs, study.coefs[:1])
    np.testing.assert_array_equal(alone.patterns, study.patterns[:1])
    np.testing.assert_array_equal(alone.scores, study.scores[:1])
    assert os.listdir(tmp_path) == []


def test_corrupt_cache_is_recomputed(study, tmp_path, monkeypatch):
    path = _cache_of(_arrays(study), tmp_path, monkeypatch, n_subjects=1)
    with open(path, "wb") as fid:
        fid.write(b"not an npz file")
    fresh = load_demo(n_subjects=1, n_folds=N_FOLDS, verbose=False)
    np.testing.assert_array_equal(fresh.coefs, study.coefs[:1])
    with np.load(path, allow_pickle=False) as npz:  # replaced by a good file
        np.testing.assert_array_equal(npz["patterns"], study.patterns[:1])
    assert os.listdir(tmp_path) == [os.path.basename(path)]


def _good_arrays(shape):
    return {
        "coefs": np.ones(shape, np.float32),
        "patterns": np.ones(shape, np.float32),
        "normalized_patterns": np.ones(shape, np.float32),
        "scores": np.full(shape[:3], 0.5),
    }


def _npy_bytes(array, claimed_shape=None):
    """An .npy file's bytes, optionally with a header claiming another shape."""
    buffer = io.BytesIO()
    header = np.lib.format.header_data_from_array_1_0(array)
    if claimed_shape is not None:
        header["shape"] = claimed_shape
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue() + array.tobytes()


def _write_npz(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(f"{name}.npy", data)


@pytest.mark.parametrize("name", ["coefs", "scores"])
def test_load_demo_refuses_a_header_claiming_a_huge_array(study, tmp_path, monkeypatch,
                                                          name):  # fmt: skip
    arrays = _arrays(study)
    path = _cache_of(arrays, tmp_path, monkeypatch, n_subjects=1)
    members = {key: _npy_bytes(value) for key, value in arrays.items()}
    # 74.5 GiB announced: refused from the header, nothing allocated
    members[name] = _npy_bytes(np.zeros(3), claimed_shape=(100_000, 100_000))
    _write_npz(path, members)
    calls = _decode_counted(monkeypatch, arrays)
    tracemalloc.start()
    try:
        _, message = _load_logged(n_subjects=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20
    assert len(calls) == 1  # rebuilt
    assert f"Rebuilding the demo cache {path}: {name} has shape (100000, 100000)" in (
        message
    )


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("name", ["normalized_patterns", "scores"])
def test_load_demo_refuses_non_finite_arrays(study, tmp_path, monkeypatch, bad, name):
    arrays = _arrays(study)
    path = _cache_of(arrays, tmp_path, monkeypatch, n_subjects=1)
    damaged = {key: value.copy() for key, value in arrays.items()}
    damaged[name][..., 0] = bad
    np.savez(path, **damaged)
    calls = _decode_counted(monkeypatch, arrays)
    assert f"{name} holds NaN or inf" in _load_logged(n_subjects=1)[1]
    np.savez(path, **{key: np.full_like(v, np.nan) for key, v in arrays.items()})
    assert "holds NaN or inf" in _load_logged(n_subjects=1)[1]
    assert len(calls) == 2  # rebuilt each time


@pytest.mark.parametrize(
    "damage",
    [
        "nan",
        "huge",
        "empty",
        "random",
        "truncated",
        "not_npy",
        "object",
        "npy",
        "folder",
        "shape",
        "dtype",
        "missing",
    ],
)
def test_load_demo_rebuilds_a_bad_cache(study, tmp_path, monkeypatch, damage):
    arrays = _arrays(study)
    nan = {**arrays, "coefs": np.full_like(arrays["coefs"], np.nan)}
    path = _cache_of(nan, tmp_path, monkeypatch, n_subjects=1)
    content = Path(path).read_bytes()
    members = {key: _npy_bytes(value) for key, value in arrays.items()}
    if damage == "huge":
        members["coefs"] = _npy_bytes(arrays["coefs"], claimed_shape=(10**10,))
        _write_npz(path, members)
    elif damage == "empty":
        Path(path).write_bytes(b"")
    elif damage == "random":
        Path(path).write_bytes(np.random.default_rng(0).bytes(5000))
    elif damage == "truncated":
        Path(path).write_bytes(content[: len(content) // 2])
    elif damage == "not_npy":
        _write_npz(path, {**members, "coefs": b"not an array"})
    elif damage == "object":
        np.savez(path, **{**arrays, "coefs": np.array([None, {}], dtype=object)})
    elif damage == "npy":  # one array, not an archive
        with open(path, "wb") as fid:
            np.save(fid, arrays["coefs"])
    elif damage == "folder":
        os.remove(path)
        os.makedirs(path)
    elif damage == "shape":  # the arrays of other parameters
        np.savez(path, **{**arrays, "coefs": arrays["coefs"][..., :-1]})
    elif damage == "dtype":
        np.savez(path, **{**arrays, "coefs": arrays["coefs"].astype(np.float64)})
    elif damage == "missing":
        np.savez(path, coefs=arrays["coefs"])
    calls = _decode_counted(monkeypatch, arrays)
    fresh = load_demo(n_subjects=1, n_folds=N_FOLDS, verbose=False)
    assert len(calls) == 1
    np.testing.assert_array_equal(fresh.coefs, arrays["coefs"])
    if damage != "folder":  # a folder in the way is left alone, not an error
        again = load_demo(n_subjects=1, n_folds=N_FOLDS, verbose=False)
        assert len(calls) == 1  # the rebuilt cache was written and is read
        np.testing.assert_array_equal(again.coefs, arrays["coefs"])


def test_unwritable_cache_is_not_an_error(study, tmp_path, monkeypatch):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    # a folder below a file
    monkeypatch.setenv("MNE_COEFANIM_CACHE", os.fspath(blocker / "sub"))
    _decode_counted(monkeypatch, _arrays(study))
    fresh, log = _load_logged(n_subjects=1)
    np.testing.assert_array_equal(fresh.coefs, study.coefs[:1])
    assert "Could not write the demo cache" in log
    assert os.listdir(tmp_path) == ["a_file"]


def test_cache_folder_defaults_to_home(study, tmp_path, monkeypatch):
    monkeypatch.delenv("MNE_COEFANIM_CACHE", raising=False)
    for home in ("HOME", "USERPROFILE"):  # what expanduser('~') reads
        monkeypatch.setenv(home, os.fspath(tmp_path))
    _decode_counted(monkeypatch, _good_arrays((3, 4, *study.coefs.shape[2:])))
    load_demo(n_subjects=3, n_folds=4, seed=5, verbose=False)
    (name,) = os.listdir(tmp_path / ".cache" / "mne_coefanim")
    assert "subjects3-folds4-seed5" in name


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_subjects": 0}, ValueError, "n_subjects must be >= 1; got 0"),
        ({"n_subjects": 2.0}, TypeError, "n_subjects must be an int; got float"),
        ({"n_folds": 1}, ValueError, "n_folds must be >= 2; got 1"),
        ({"n_folds": 81}, ValueError, r"n_folds must be <= 80 .* got 81"),
        ({"seed": -1}, ValueError, "seed must be >= 0; got -1"),
        ({"seed": None}, TypeError, "seed must be an int; got NoneType"),
        ({"cache": "yes"}, TypeError, r"cache must be a bool \(True or False\)"),
    ],
)
def test_load_demo_validates(kwargs, error, match):
    with pytest.raises(error, match=match):
        load_demo(**kwargs)
