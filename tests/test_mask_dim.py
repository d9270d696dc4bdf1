"""Fading the map where the nearest channel is not significant."""

import numpy as np
import pytest
from conftest import map_visibility, shown_colors, table_colors

import mne_coefanim as mc

FAST = dict(res=32, dpi=40, show=False, verbose=False)


def test_faded_where_not_significant(info, rng):
    n_times, n_ch = 3, len(info.ch_names)
    data = rng.standard_normal((n_times, n_ch))
    mask = np.zeros((n_times, n_ch), bool)
    mask[1, info.ch_names.index("Oz")] = True
    anim = mc.animate_coefs(data, info, times=np.arange(n_times) / 10,
                            mask=mask, mask_params=dict(dim=0.6), **FAST)  # fmt: skip
    frames = list(anim.iter_frames())  # sets anim.palette
    assert len(frames) == n_times
    # the palette is shared: the table's 96 colours, then their faded twins
    normal = table_colors(anim)
    n_levels = len(normal)
    assert n_levels == 96
    np.testing.assert_array_equal(anim.palette[:n_levels], normal)
    twin = anim.palette[n_levels : 2 * n_levels]
    # the faded colours are the table's, moved toward white
    faded, normal = twin.astype(int), normal.astype(int)
    np.testing.assert_allclose(faded, normal + 0.6 * (255 - normal), atol=1)
    nearest = anim.interp.nearest_channel
    near_oz = nearest == info.ch_names.index("Oz")
    # frame 1: Oz's area keeps its colours, everything else is faded
    levels = [palette_level(anim, k, 2 * n_levels) for k in range(2)]
    assert (levels[1][near_oz] < n_levels).all()
    assert (levels[1][~near_oz] >= n_levels).all()
    assert (levels[0] >= n_levels).all()  # frame 0: nothing significant
    # and the saved frames use them (where the map shows fully)
    full = map_visibility(anim) == 1
    assert ((frames[0][full] >= n_levels) & (frames[0][full] < 2 * n_levels)).all()
    assert (frames[1][full] < n_levels).any()


def palette_level(anim, k, n_colors):
    """The palette index of the colour of every map cell that frame k shows."""
    rgb = shown_colors(anim, k)
    same = (rgb[:, np.newaxis] == anim.palette[np.newaxis, :n_colors]).all(axis=-1)
    assert (same.sum(axis=1) == 1).all()  # each a table colour, told apart
    return np.argmax(same, axis=1)


def test_mask_dim_errors(info, rng):
    data = rng.standard_normal((2, len(info.ch_names)))
    times = np.arange(2) / 10
    with pytest.raises(ValueError, match=r"mask_params\['dim'\] needs a mask"):
        mc.animate_coefs(data, info, times=times, mask_params=dict(dim=0.5), **FAST)
    mask = np.ones(data.shape, bool)
    with pytest.raises(ValueError,
                       match=r"mask_params\['dim'\] must be in \(0, 1\]; got 2"):
        mc.animate_coefs(
            data, info, times=times, mask=mask, mask_params=dict(dim=2), **FAST
        )
