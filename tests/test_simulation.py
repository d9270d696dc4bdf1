import mne
import numpy as np
import pytest

from mne_coefanim import simulate_epochs


def _time_index(times, t):
    return int(np.argmin(np.abs(times - t)))


def test_simulate_epochs():
    epochs, y = simulate_epochs(1, seed=3, n_epochs=40, verbose=False)
    assert isinstance(epochs, mne.EpochsArray)
    assert len(epochs) == 40 and y.shape == (40,)
    assert (
        epochs.info["ch_names"]
        == mne.channels.make_standard_montage("biosemi64").ch_names
    )
    assert epochs.info["sfreq"] == 100.0  # -0.2 to 0.8 s at 100 Hz, as documented
    np.testing.assert_allclose(epochs.times, np.linspace(-0.2, 0.8, 101), atol=1e-12)
    codes = epochs.events[:, 2]
    np.testing.assert_array_equal(np.unique(codes, return_counts=True)[1], [10] * 4)
    np.testing.assert_array_equal(y, (codes >= 4).astype(int))
    assert len(epochs["set_size/6"]) == 10
    # high minus low load at 150 ms is positive over Oz, not over Fz
    epochs, y = simulate_epochs(1, seed=3, verbose=False)  # 160 epochs
    data = epochs.get_data()
    diff = data[y == 1].mean(0) - data[y == 0].mean(0)
    idx = _time_index(epochs.times, 0.15)
    oz, fz = (epochs.ch_names.index(name) for name in ("Oz", "Fz"))
    assert diff[oz, idx] > 2e-6
    assert abs(diff[fz, idx]) < diff[oz, idx] / 2
    # EEG-like amplitudes: tens of microvolts at most
    assert 1e-6 < data.std() < 2e-5


def test_simulate_epochs_is_deterministic():
    a, y_a = simulate_epochs(0, seed=1, n_epochs=8, verbose=False)
    b, y_b = simulate_epochs(0, seed=1, n_epochs=8, verbose=False)
    c, _ = simulate_epochs(0, seed=2, n_epochs=8, verbose=False)
    np.testing.assert_array_equal(a.get_data(), b.get_data())
    np.testing.assert_array_equal(y_a, y_b)
    assert not np.allclose(a.get_data(), c.get_data())


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((-1,), {}, "subject must be >= 0; got -1"),
        ((0,), {"n_epochs": 7}, "n_epochs must be >= 8; got 7"),
    ],
)
def test_simulate_epochs_validates(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate_epochs(*args, **kwargs)
