"""Fading the map where the nearest channel is not significant."""

import numpy as np
import pytest

import mne_coefanim as mc

FAST = dict(res=32, dpi=40, show=False, verbose=False)


def test_faded_where_not_significant(info, rng):
    n_times, n_ch = 3, len(info.ch_names)
    data = rng.standard_normal((n_times, n_ch))
    mask = np.zeros((n_times, n_ch), bool)
    mask[1, info.ch_names.index("Oz")] = True
    anim = mc.animate_coefs(data, info, times=np.arange(n_times) / 10,
                            mask=mask, mask_dim=0.6, **FAST)  # fmt: skip
    table, twin = anim._scene.tables[0], anim._scene.faded[0]
    assert table.n_levels == twin.n_levels == 96  # the palette is shared
    assert twin.offset == table.offset + table.n_levels
    levels, _ = anim._chunk_levels(0, n_times)
    nearest = anim.interp.nearest_channel
    near_oz = nearest == info.ch_names.index("Oz")
    # frame 1: Oz's area keeps its colours, everything else is faded
    assert (levels[0][1][near_oz] < twin.offset).all()
    assert (levels[0][1][~near_oz] >= twin.offset).all()
    assert (levels[0][0] >= twin.offset).all()  # frame 0: nothing significant
    # the faded colours are the table's, moved toward white
    faded, normal = twin.colors.astype(int), table.colors.astype(int)
    np.testing.assert_allclose(faded, normal + 0.6 * (255 - normal), atol=1)
    # and the saved frames use them
    frames = list(anim.iter_frames())
    assert len(frames) == n_times
    np.testing.assert_array_equal(anim.palette[twin.offset:twin.offset + 96],
                                  twin.colors)  # fmt: skip


def test_mask_dim_errors(info, rng):
    data = rng.standard_normal((2, len(info.ch_names)))
    times = np.arange(2) / 10
    with pytest.raises(ValueError, match="mask_dim needs a mask"):
        mc.animate_coefs(data, info, times=times, mask_dim=0.5, **FAST)
    mask = np.ones(data.shape, bool)
    with pytest.raises(ValueError, match=r"mask_dim must be in \(0, 1\]; got 2"):
        mc.animate_coefs(data, info, times=times, mask=mask, mask_dim=2, **FAST)
