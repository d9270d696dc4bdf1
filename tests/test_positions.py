"""Topomap positions agree with MNE's own, and every bad input is explained.

MNE's private ``_find_topomap_coords``, ``_check_sphere`` and
``_prepare_topomap_plot`` are used here only as the reference to match.
"""

import functools

import mne
import numpy as np
import pytest
from mne.channels.layout import _find_topomap_coords
from mne.utils.check import _check_sphere
from mne.viz.topomap import _prepare_topomap_plot

from mne_coefanim.inputs._sensors import Sensors, resolve_sensors, topomap_positions

TOL = 1e-12
# 'colin27_1020' is MNE 1.13's name for 'standard_1020' (the old name warns).
MONTAGES = ("colin27_1020", "biosemi64", "GSN-HydroCel-256", "easycap-M1")
# Old 10-20 names that colin27_1020 places at the same spot as T7, T8, P7, P8.
ALIASES = ("T3", "T4", "T5", "T6")
SPHERES = (None, 0.09, (0.002, -0.01, 0.03, 0.1), "eeglab")


@functools.cache  # read-only use: the tests never modify these Infos
def _montage_info(kind):
    montage = mne.channels.make_standard_montage(kind)
    names = [name for name in montage.ch_names if name not in ALIASES]
    info = mne.create_info(names, 100.0, "eeg")
    info.set_montage(montage)
    return info


@pytest.fixture(scope="module")
def small_info():
    return _montage_info("biosemi16")


def _on_sphere(rng, n, centre, radius):
    """Points on the upper part of a sphere (where head shape is digitised)."""
    v = rng.normal(size=(n, 3))
    v[:, 2] = np.abs(v[:, 2]) + 0.2
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return centre + radius * v


def _drop(info, names):
    keep = [i for i, name in enumerate(info["ch_names"]) if name not in names]
    return mne.pick_info(info, keep)


def _meg_info():
    info = mne.channels.read_meg_canonical_info("neuromag")
    rot = mne.transforms.rotation(0.1, -0.05, 0.2)
    move = mne.transforms.translation(0.003, -0.01, 0.04)
    info["dev_head_t"] = mne.transforms.Transform("meg", "head", move @ rot)
    info["bads"] = ["MEG 0111"]
    return info


# -- agreement with MNE -------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "sphere"),
    # GSN caps have no Fpz/Oz/T7/T8, hence no 'eeglab' sphere.
    [(k, s) for k in MONTAGES for s in SPHERES if (k[:3], s) != ("GSN", "eeglab")],
)
def test_matches_mne_on_standard_montages(kind, sphere):
    montage_info = _montage_info(kind)
    sensors = resolve_sensors(montage_info, sphere=sphere)
    expected = _find_topomap_coords(montage_info, None, sphere=sphere)
    assert sensors.pos.dtype == np.float64
    assert sensors.pos.shape == (len(montage_info["ch_names"]), 2)
    np.testing.assert_allclose(sensors.pos, expected, rtol=0, atol=TOL)
    assert sensors.sphere.shape == (4,)
    np.testing.assert_allclose(
        sensors.sphere, _check_sphere(sphere, montage_info), rtol=0, atol=TOL
    )
    assert sensors.ch_names == montage_info["ch_names"]
    assert sensors.ch_type == "eeg"
    np.testing.assert_array_equal(sensors.picks, np.arange(len(sensors.ch_names)))
    assert sensors.info["ch_names"] == sensors.ch_names
    np.testing.assert_array_equal(
        topomap_positions(montage_info, sphere=sphere), sensors.pos
    )


def test_default_sphere_and_eeglab_values(biosemi_info):
    np.testing.assert_array_equal(
        resolve_sensors(biosemi_info).sphere, [0, 0, 0, 0.095]
    )
    np.testing.assert_array_equal(
        resolve_sensors(biosemi_info, sphere=0.08).sphere, [0, 0, 0, 0.08]
    )
    model = mne.make_sphere_model((0.0, 0.01, 0.04), 0.09, verbose="error")
    np.testing.assert_allclose(
        resolve_sensors(biosemi_info, sphere=model).sphere,
        _check_sphere(model, biosemi_info),
        rtol=0,
        atol=TOL,
    )
    # EEGLAB: radius from the horizon electrodes, centre their mean.
    ch_pos = biosemi_info.get_montage().get_positions()["ch_pos"]
    horizon = np.array([ch_pos[n] for n in ("Fpz", "Oz", "T7", "T8")])
    radius = np.mean(
        np.abs([horizon[2, 0], horizon[3, 0], horizon[0, 1], horizon[1, 1]])
    )
    np.testing.assert_allclose(
        resolve_sensors(biosemi_info, sphere="eeglab").sphere,
        [*horizon.mean(axis=0), radius],
        rtol=0,
        atol=TOL,
    )


def test_eeglab_fpz_spelling_and_approximation(biosemi_info):
    renamed = biosemi_info.copy().rename_channels({"Fpz": "FPz"})
    no_fpz = _drop(biosemi_info, ["Fpz"])
    for info in (renamed, no_fpz):
        sensors = resolve_sensors(info, sphere="eeglab")
        np.testing.assert_allclose(
            sensors.sphere, _check_sphere("eeglab", info), rtol=0, atol=TOL
        )
        np.testing.assert_allclose(
            sensors.pos,
            _find_topomap_coords(info, None, sphere="eeglab"),
            rtol=0,
            atol=TOL,
        )


def test_auto_sphere_fits_head_shape(rng):
    centre, radius = np.array([0.004, -0.006, 0.035]), 0.088
    electrodes = _on_sphere(rng, 20, centre, radius)
    montage = mne.channels.make_dig_montage(
        ch_pos={f"E{i}": p for i, p in enumerate(electrodes)},
        hsp=_on_sphere(rng, 80, centre, radius),
        coord_frame="head",
    )
    info = mne.create_info(montage.ch_names, 100.0, "eeg")
    info.set_montage(montage)
    for sphere in (None, "auto", "extra"):
        sensors = resolve_sensors(info, sphere=sphere)
        np.testing.assert_allclose(sensors.sphere, [*centre, radius], atol=1e-9)
        np.testing.assert_allclose(
            sensors.sphere, _check_sphere(sphere, info), rtol=0, atol=TOL
        )
        np.testing.assert_allclose(
            sensors.pos,
            _find_topomap_coords(info, None, sphere=sphere),
            rtol=0,
            atol=TOL,
        )


def test_projection_geometry():
    # Vertex -> centre; a point on the equator stays at its own distance;
    # a point 45 degrees down lies halfway.
    origin = np.array([0.01, -0.02, 0.03])
    radius = 0.09
    locs = origin + radius * np.array(
        [[0, 0, 1], [1, 0, 0], [0, -1, 0], [0, np.sqrt(0.5), np.sqrt(0.5)]]
    )
    montage = mne.channels.make_dig_montage(
        ch_pos=dict(zip("abcd", locs, strict=True)), coord_frame="head"
    )
    sensors = resolve_sensors(montage, sphere=(*origin, radius))
    expected = origin[:2] + radius * np.array([[0, 0], [1, 0], [0, -1], [0, 0.5]])
    np.testing.assert_allclose(sensors.pos, expected, rtol=0, atol=TOL)


@pytest.mark.parametrize("ch_type", ("mag", "grad"))
@pytest.mark.parametrize("sphere", (None, (0.005, 0.01, 0.04, 0.09)))
def test_meg_matches_mne(ch_type, sphere):
    info = _meg_info()
    picks, pos, _, _, _, mne_sphere, _ = _prepare_topomap_plot(
        info, ch_type, sphere=sphere
    )
    sensors = resolve_sensors(info, ch_type=ch_type, sphere=sphere)
    # MNE moves the sphere into the (rotated, shifted) device frame, z = 0.
    np.testing.assert_allclose(sensors.sphere, mne_sphere, rtol=0, atol=TOL)
    assert sensors.sphere[2] == 0
    np.testing.assert_array_equal(sensors.picks, picks)
    assert "MEG 0111" not in sensors.ch_names  # bad magnetometer
    if ch_type == "grad":  # MNE plots one point per co-located pair
        np.testing.assert_allclose(sensors.pos[0::2], pos, rtol=0, atol=TOL)
        np.testing.assert_array_equal(sensors.pos[0::2], sensors.pos[1::2])
    else:
        np.testing.assert_allclose(sensors.pos, pos, rtol=0, atol=TOL)


# -- routes: Info, instances, montage, array ----------------------------------


def test_bads_excluded_by_default(small_info):
    info = small_info.copy()
    info["bads"] = ["Cz", "O1"]
    sensors = resolve_sensors(info)
    assert sensors.ch_names == [n for n in info["ch_names"] if n not in ("Cz", "O1")]
    np.testing.assert_array_equal(
        sensors.picks, [info["ch_names"].index(n) for n in sensors.ch_names]
    )
    np.testing.assert_allclose(
        sensors.pos,
        _find_topomap_coords(info, sensors.picks),
        rtol=0,
        atol=TOL,
    )
    assert sensors.info["bads"] == []
    assert resolve_sensors(info, exclude=()).ch_names == info["ch_names"]
    assert "Fz" not in resolve_sensors(info, exclude=["Fz"]).ch_names
    # Explicit names keep a bad channel, as in MNE.
    assert resolve_sensors(info, picks=["Cz", "Fz", "Pz", "C3"]).ch_names == [
        "Cz",
        "Fz",
        "Pz",
        "C3",
    ]


def test_picks_by_names_indices_and_type(small_info):
    full = resolve_sensors(small_info)
    names = ["Pz", "Fp1", "O2", "C4"]
    by_name = resolve_sensors(small_info, picks=names)
    idx = [small_info["ch_names"].index(n) for n in names]
    assert by_name.ch_names == names  # order of picks kept
    np.testing.assert_array_equal(by_name.picks, idx)
    np.testing.assert_array_equal(by_name.pos, full.pos[idx])
    assert by_name.info["ch_names"] == names
    by_index = resolve_sensors(small_info, picks=np.array(idx))
    np.testing.assert_array_equal(by_index.pos, by_name.pos)
    np.testing.assert_array_equal(
        resolve_sensors(small_info, picks=[0, 1, 5, -1]).picks, [0, 1, 5, 15]
    )
    np.testing.assert_array_equal(
        resolve_sensors(small_info, picks="eeg").pos, full.pos
    )
    np.testing.assert_array_equal(
        resolve_sensors(small_info, picks="all").pos, full.pos
    )
    np.testing.assert_array_equal(
        resolve_sensors(small_info, picks=slice(2, 6)).pos, full.pos[2:6]
    )


def test_ch_type_picks_one_type_among_several(small_info):
    info = mne.create_info(small_info["ch_names"] + ["EOG", "STI"], 100.0, "eeg")
    info.set_channel_types({"EOG": "eog", "STI": "stim"})
    info.set_montage(
        mne.channels.make_standard_montage("biosemi16"), on_missing="ignore"
    )
    sensors = resolve_sensors(info)  # eog and stim have no topomap: skipped
    assert sensors.ch_type == "eeg"
    assert sensors.ch_names == small_info["ch_names"]
    assert resolve_sensors(info, ch_type="eeg").ch_names == sensors.ch_names


def test_instances_with_info(small_info):
    evoked = mne.EvokedArray(np.zeros((16, 3)), small_info)
    np.testing.assert_array_equal(
        resolve_sensors(evoked).pos, resolve_sensors(small_info).pos
    )
    np.testing.assert_array_equal(
        topomap_positions(evoked, picks=["Cz", "Pz", "Fz", "C3"]),
        resolve_sensors(small_info, picks=["Cz", "Pz", "Fz", "C3"]).pos,
    )


def test_montage_route_equals_info_route(biosemi_info):
    montage = mne.channels.make_standard_montage("biosemi64")
    names = ["Oz", "Cz", "Fpz", "T7", "T8", "Pz"]
    from_montage = resolve_sensors(montage, ch_names=names, sphere="eeglab")
    from_info = resolve_sensors(biosemi_info, picks=names, sphere="eeglab")
    np.testing.assert_allclose(from_montage.pos, from_info.pos, rtol=0, atol=TOL)
    assert from_montage.ch_names == names
    assert from_montage.ch_type == "eeg"
    np.testing.assert_array_equal(from_montage.picks, np.arange(len(names)))
    everything = resolve_sensors(montage)
    assert everything.ch_names == montage.ch_names
    np.testing.assert_allclose(
        everything.pos, resolve_sensors(biosemi_info).pos, rtol=0, atol=TOL
    )


def test_array_route_passes_through(rng):
    pos = rng.uniform(-0.08, 0.08, size=(10, 2))
    sensors = resolve_sensors(pos)
    np.testing.assert_array_equal(sensors.pos, pos)
    assert sensors.ch_names == [f"ch{i}" for i in range(10)]
    assert sensors.ch_type is None and sensors.info is None and sensors.picks is None
    np.testing.assert_array_equal(sensors.sphere, [0, 0, 0, 0.095])
    names = list("abcdefghij")
    picked = resolve_sensors(
        pos.tolist(), ch_names=names, ch_type="eeg", picks=["c", "a", "j", "e"],
        sphere=0.1,
    )
    np.testing.assert_array_equal(picked.pos, pos[[2, 0, 9, 4]])
    np.testing.assert_array_equal(picked.picks, [2, 0, 9, 4])
    np.testing.assert_array_equal(picked.sphere, [0, 0, 0, 0.1])
    assert picked.ch_type == "eeg"
    np.testing.assert_array_equal(topomap_positions(pos), pos)


def test_sensors_is_frozen(small_info):
    sensors = resolve_sensors(small_info, sphere=(0.01, 0.02, 0.0, 0.09))
    assert isinstance(sensors, Sensors)
    with pytest.raises(AttributeError):
        sensors.pos = None
    with pytest.raises(ValueError, match="read-only"):
        sensors.pos[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        sensors.sphere[3] = 1.0


# -- errors -------------------------------------------------------------------


def test_error_channels_without_position(small_info):
    info = mne.create_info(small_info["ch_names"] + ["X1", "X2"], 100.0, "eeg")
    info.set_montage(
        mne.channels.make_standard_montage("biosemi16"), on_missing="ignore"
    )
    with pytest.raises(
        ValueError, match=r"2 channel\(s\) have no position: X1, X2.*set_montage"
    ):
        resolve_sensors(info)
    info["chs"][-1]["loc"][:] = 0.0  # zeros mean "never set" too
    info["chs"][-2]["loc"][:3] = [0.01, 0.02, 0.09]
    with pytest.raises(ValueError, match=r"1 channel\(s\) have no position: X2\."):
        resolve_sensors(info)


def test_error_overlapping_channels(small_info):
    info = small_info.copy()
    info["chs"][5]["loc"][:3] = info["chs"][2]["loc"][:3]
    a, b = info["ch_names"][2], info["ch_names"][5]
    with pytest.raises(ValueError, match=rf"share a position.*: {a} = {b}\."):
        resolve_sensors(info)
    with pytest.raises(ValueError, match=r"share a position.*: ch1 = ch3\."):
        resolve_sensors([[0, 0], [0.01, 0], [0, 0.01], [0.01, 0]])


def test_error_fewer_than_three_channels(small_info):
    with pytest.raises(ValueError, match=r"at least 4 channels.*got 2 \(Cz, Pz\)"):
        resolve_sensors(small_info, picks=["Cz", "Pz"])


def test_error_montage_missing_channels():
    montage = mne.channels.make_standard_montage("biosemi16")
    with pytest.raises(
        ValueError, match=r"2 channel\(s\) missing from the montage: cz, Foo"
    ):
        resolve_sensors(montage, ch_names=["Fz", "cz", "Pz", "Foo"])


def test_error_array_shape():
    with pytest.raises(
        ValueError, match=r"shape \(n_channels, 2\).*got shape \(5, 3\)"
    ):
        resolve_sensors(np.zeros((5, 3)))


def test_error_array_not_finite():
    pos = np.array([[0, 0], [0.01, np.nan], [0, 0.01], [0.02, 0.02]])
    with pytest.raises(
        ValueError, match=r"NaN or inf positions for 1 channel\(s\): b\."
    ):
        resolve_sensors(pos, ch_names=list("abcd"))


def test_error_unsupported_type():
    with pytest.raises(TypeError, match="info must be an mne.Info.*got dict"):
        resolve_sensors({"Cz": (0, 0)})


def test_error_several_channel_types():
    info = _meg_info()
    with pytest.raises(
        ValueError, match=r"several channel types.*\(grad, mag\).*ch_type="
    ):
        resolve_sensors(info)


def test_error_channel_type_absent(small_info):
    with pytest.raises(ValueError, match="No channels of type ch_type='mag'"):
        resolve_sensors(small_info, ch_type="mag")
    with pytest.raises(ValueError, match="ch_type must be one of"):
        resolve_sensors(small_info, ch_type="eog")


def test_error_explicit_picks_of_another_type(small_info):
    info = mne.create_info(small_info["ch_names"] + ["EOG"], 100.0, "eeg")
    info.set_channel_types({"EOG": "eog"})
    info.set_montage(
        mne.channels.make_standard_montage("biosemi16"), on_missing="ignore"
    )
    with pytest.raises(ValueError, match=r"not of type 'eeg': EOG;"):
        resolve_sensors(info, picks=["Fz", "Cz", "Pz", "EOG"])


def test_error_bad_picks(small_info):
    with pytest.raises(ValueError, match=r"picks contains Fooz, which are neither"):
        resolve_sensors(small_info, picks=["Cz", "Fooz"])
    with pytest.raises(ValueError, match=r"indices in \[-16, 15\].*got 16"):
        resolve_sensors(small_info, picks=[0, 1, 16])
    with pytest.raises(ValueError, match="repeated: Cz"):
        resolve_sensors(small_info, picks=["Cz", "Fz", "Cz"])
    with pytest.raises(ValueError, match="picks is empty"):
        resolve_sensors(small_info, picks=[])
    with pytest.raises(
        ValueError, match="exclude \\(as a str\\) must be one of 'bads'"
    ):
        resolve_sensors(small_info, exclude="bad")
    with pytest.raises(TypeError, match="exclude must be 'bads' or a list"):
        resolve_sensors(small_info, exclude=3)
    with pytest.raises(TypeError, match="picks must be None"):
        resolve_sensors(small_info, picks=3.5)
    with pytest.raises(ValueError, match="Name bad channels in picks to keep them"):
        info = small_info.copy()
        info["bads"] = list(info["ch_names"])
        resolve_sensors(info)


def test_error_bad_sphere(small_info):
    with pytest.raises(
        ValueError, match=r"array of shape \(4,\).*got an array of shape \(3,\)"
    ):
        resolve_sensors(small_info, sphere=(0, 0, 0.09))
    with pytest.raises(ValueError, match="positive radius"):
        resolve_sensors(small_info, sphere=-0.09)
    with pytest.raises(TypeError, match="sphere must be None, a float"):
        resolve_sensors(small_info, sphere={"r": 0.09})
    with pytest.raises(ValueError, match="sphere \\(as a str\\) must be one of"):
        resolve_sensors(small_info, sphere="big")
    with pytest.raises(ValueError, match="sphere='auto' needs an Info"):
        resolve_sensors(np.eye(3)[:, :2] * 0.05, sphere="auto")
    with pytest.raises(ValueError, match=r"sphere='extra' fits a sphere.*failed"):
        resolve_sensors(small_info, sphere="extra")


def test_error_eeglab_without_horizon(small_info):
    info = _drop(small_info, ["Oz", "T7"])
    with pytest.raises(ValueError, match="montage lacks: Fpz, Oz, T7\\."):
        resolve_sensors(info, sphere="eeglab")
    bare = mne.create_info(["a", "b", "c"], 100.0, "eeg")
    with pytest.raises(ValueError, match="has no montage; call info.set_montage"):
        resolve_sensors(bare, sphere="eeglab")


def test_error_ch_names_with_info(small_info):
    with pytest.raises(ValueError, match="to choose channels of an Info pass picks"):
        resolve_sensors(small_info, ch_names=["Cz"])
