"""MEG channels: magnetometers as they are, gradiometer pairs merged like MNE."""

import mne
import numpy as np
import pytest

import mne_coefanim as mc


@pytest.fixture(scope="module")
def evoked():
    info = mne.channels.read_meg_canonical_info("neuromag")
    rng = np.random.default_rng(0)
    data = rng.standard_normal((len(info.ch_names), 4)) * 1e-12
    return mne.EvokedArray(data, info, tmin=0.0)


def test_gradiometer_pairs_are_merged_by_rms(evoked):
    anim = mc.animate_coefs(evoked, ch_type="grad", res=32, dpi=40, show=False,
                            verbose=False)  # fmt: skip
    sensors = anim.sensors
    assert len(sensors.ch_names) == 102  # 204 gradiometers, 102 positions
    first = sensors.ch_names[0]
    a, b = first.split("/")
    ia, ib = evoked.ch_names.index(a), evoked.ch_names.index(b)
    expected = np.sqrt((evoked.data[ia] ** 2 + evoked.data[ib] ** 2) / 2) * 1e13
    np.testing.assert_allclose(anim.values[0][:, 0], expected)
    assert anim.vlim[0] == 0  # RMS is non-negative: a sequential map from 0
    assert anim.units == "fT/cm"
    assert anim.interp.extrapolate == "local"  # MNE's default for MEG


def test_magnetometers_in_ft(evoked):
    anim = mc.animate_coefs(evoked, ch_type="mag", res=32, dpi=40, show=False,
                            verbose=False)  # fmt: skip
    assert len(anim.sensors.ch_names) == 102
    assert anim.units == "fT"
    np.testing.assert_allclose(anim.values[0][0],
                               evoked.copy().pick("mag").data[:, 0] * 1e15)  # fmt: skip


def test_mixed_meg_needs_ch_type(evoked):
    with pytest.raises(ValueError, match="ch_type"):
        mc.animate_coefs(evoked, show=False, verbose=False)


def test_too_few_gradiometer_pairs_are_refused(evoked):
    """Six gradiometers pass the count of channels, but make three positions."""
    grads = evoked.copy().pick("grad")
    names = grads.ch_names[:6]  # three pairs
    with pytest.raises(ValueError, match=r"info must place at least 4 channels.*got 3"):
        mc.animate_coefs(evoked, ch_type="grad", picks=names, res=32, dpi=40,
                         show=False, verbose=False)  # fmt: skip


def test_display_scalings_are_mnes_defaults():
    """The display scalings written out (``mne.defaults`` is no public API)
    equal MNE's own, so µV and fT mean what they mean in MNE's plots."""
    from mne.defaults import DEFAULTS

    from mne_coefanim.scene._channels import SI_SCALINGS

    for ch_type, (factor, unit) in SI_SCALINGS.items():
        assert (DEFAULTS["scalings"][ch_type], DEFAULTS["units"][ch_type]) == (
            factor, unit)  # fmt: skip
