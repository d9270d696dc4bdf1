import warnings

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.colors import Normalize, TwoSlopeNorm

from mne_coefanim.scene._colors import (
    N_LEVELS,
    ColorTable,
    default_cmap,
    palette_with,
    resolve_vlim,
)

# -- resolve_vlim ---------------------------------------------------------------


@pytest.mark.parametrize(
    "values, expected",
    [
        ([-1.0, 3.0], (-3.0, 3.0)),  # signed: symmetric around 0
        ([-4.0, 0.5], (-4.0, 4.0)),
        ([0.5, 2.0], (0.0, 2.0)),  # non-negative: from 0
        ([0.0, 2.0], (0.0, 2.0)),
        ([-2.0, -0.5], (-2.0, 0.0)),  # non-positive: up to 0
    ],
)
def test_resolve_vlim_from_data(values, expected):
    assert resolve_vlim(np.array(values)) == expected
    assert resolve_vlim(np.array(values), None) == expected


@pytest.mark.parametrize(
    "values, vlim, expected",
    [
        ([-3.0, 1.0], (None, 2.0), (-2.0, 2.0)),  # signed: mirrored
        ([0.5, 1.0], (None, 2.0), (0.0, 2.0)),  # non-negative: from 0
        ([1.0, 2.0], (None, -1.0), (-2.0, -1.0)),  # still a valid range
        ([-3.0, 5.0], (-1.0, None), (-1.0, 1.0)),  # signed: mirrored
        ([0.1, 0.5], (1.0, None), (1.0, 2.0)),  # above the data: unit range
        ([-3.0, -1.0], (-5.0, None), (-5.0, 0.0)),  # non-positive: up to 0
        ([-3.0, 5.0], (-1.0, 2.0), (-1.0, 2.0)),  # the user's limits win
    ],
)
def test_resolve_vlim_partial(values, vlim, expected):
    vmin, vmax = resolve_vlim(np.array(values), vlim)
    assert (vmin, vmax) == expected
    assert vmin < vmax
    assert isinstance(vmin, float) and isinstance(vmax, float)


@pytest.mark.parametrize(
    "value, expected", [(0.0, (0.0, 1.0)), (2.0, (0.0, 2.0)), (-2.0, (-2.0, 0.0))]
)
def test_resolve_vlim_constant_field(value, expected):
    values = np.full((4, 5), value)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        vmin, vmax = resolve_vlim(values)
        assert (vmin, vmax) == expected
        table = ColorTable.create(default_cmap(vmin, vmax), vmin, vmax)
        levels = table.levels(values)
    assert levels.dtype == np.uint8
    assert np.unique(levels).size == 1  # one colour, a valid one
    assert levels[0, 0] < N_LEVELS


def test_resolve_vlim_constant_user_limit():
    # (c, None) on a constant field equal to c: still non-degenerate
    vmin, vmax = resolve_vlim(np.full(3, 2.0), (2.0, None))
    assert (vmin, vmax) == (2.0, 3.0)


def test_resolve_vlim_cnorm_limits_win():
    values = np.array([-10.0, 10.0])
    cnorm = TwoSlopeNorm(vcenter=0.0, vmin=-1.0, vmax=4.0)
    assert resolve_vlim(values, (-5.0, 5.0), cnorm) == (-1.0, 4.0)
    # a norm with one limit: the other comes from the data
    assert resolve_vlim(np.array([-1.0, 2.0]), cnorm=Normalize(vmax=5.0)) == (
        -1.0,
        5.0,
    )
    # a norm without limits: the data's limits
    assert resolve_vlim(values, cnorm=TwoSlopeNorm(vcenter=0.0)) == (-10.0, 10.0)


@pytest.mark.parametrize("vlim", [(1.0, 1.0), (2.0, 1.0)])
def test_resolve_vlim_min_not_below_max(vlim):
    with pytest.raises(ValueError, match=r"vlim must have vmin < vmax; got vlim="):
        resolve_vlim(np.zeros(3), vlim)


def test_resolve_vlim_not_finite():
    with pytest.raises(ValueError, match="vlim vmax must be finite or None; got inf"):
        resolve_vlim(np.zeros(3), (0.0, np.inf))


def test_resolve_vlim_bad_type():
    with pytest.raises(TypeError, match=r"vlim must be a tuple \(vmin, vmax\)"):
        resolve_vlim(np.zeros(3), 3.0)


# -- default_cmap ---------------------------------------------------------------


@pytest.mark.parametrize(
    "vlim, cmap",
    [((0.0, 1.0), "Reds"), ((0.5, 1.0), "Reds"), ((-1.0, 0.0), "Blues_r"),
     ((-1.0, 1.0), "RdBu_r"), ((-1.0, 3.0), "RdBu_r")],
)  # fmt: skip
def test_default_cmap(vlim, cmap):
    assert default_cmap(*vlim) == cmap


# -- ColorTable ---------------------------------------------------------------


def test_levels_boundaries_and_clipping():
    table = ColorTable.create("RdBu_r", -1.0, 1.0, n_levels=4)
    # level k covers [vmin + k * step, vmin + (k + 1) * step); step = 0.5
    values = np.array([-1.0, np.nextafter(-0.5, -1), -0.5, 0.0, 0.25, 0.5, 1.0])
    assert table.levels(values).tolist() == [0, 0, 1, 2, 2, 3, 3]
    assert table.levels(np.array([-5.0, 5.0])).tolist() == [0, 3]  # clipped
    # float32 (the renderer's pixels): the same boundaries
    levels = table.levels(np.array([-1.0, -0.5, 0.0, 0.25, 0.5, 1.0], np.float32))
    assert levels.dtype == np.uint8
    assert levels.tolist() == [0, 1, 2, 2, 3, 3]
    shifted = ColorTable(table.cmap, -1.0, 1.0, n_levels=4, offset=10)
    assert shifted.levels(np.array([-1.0, 1.0])).tolist() == [10, 13]


def test_levels_shape_kept():
    table = ColorTable.create("Reds", 0.0, 1.0)
    values = np.linspace(0, 1, 24).reshape(2, 3, 4)
    levels = table.levels(values)
    assert levels.shape == (2, 3, 4)
    assert levels.min() == 0 and levels.max() == N_LEVELS - 1
    assert (np.diff(levels.ravel().astype(int)) >= 0).all()  # monotonic


def test_levels_two_slope_norm():
    cnorm = TwoSlopeNorm(vcenter=0.0, vmin=-1.0, vmax=3.0)
    table = ColorTable.create("RdBu_r", -1.0, 3.0, cnorm, n_levels=4)
    # half the levels below the centre, half above, on different scales
    values = np.array([-1.0, -0.75, -0.5, 0.0, 1.4, 1.5, 3.0, 10.0, -10.0])
    assert table.levels(values).tolist() == [0, 0, 1, 2, 2, 3, 3, 3, 0]
    assert table.norm is cnorm


@pytest.mark.parametrize(
    "cnorm", [None, TwoSlopeNorm(vcenter=0.5, vmin=-1.0, vmax=3.0)]
)
def test_levels_agree_with_colorbar_colormap(rng, cnorm):
    """A value's level colour is the colour the colour bar shows for it."""
    table = ColorTable.create("viridis", -1.0, 3.0, cnorm)
    values = rng.uniform(-1.5, 3.5, 2000)
    via_levels = table.colors[table.levels(values)]
    via_colorbar = table.listed_cmap(table.norm(values))[:, :3]
    assert np.array_equal(via_levels, np.round(via_colorbar * 255).astype(np.uint8))


def test_colors():
    table = ColorTable.create("Reds", 0.0, 1.0)
    assert table.colors.shape == (N_LEVELS, 3)
    assert table.colors.dtype == np.uint8
    cmap = mpl.colormaps["Reds"]
    first = np.round(np.array(cmap(0.5 / N_LEVELS)[:3]) * 255)
    last = np.round(np.array(cmap(1 - 0.5 / N_LEVELS)[:3]) * 255)
    assert np.array_equal(table.colors[0], first)
    assert np.array_equal(table.colors[-1], last)
    assert table.listed_cmap.N == N_LEVELS
    assert (table.norm.vmin, table.norm.vmax) == (0.0, 1.0)


def test_create_gives_cnorm_the_limits():
    """A norm without limits would scale to the first values it sees."""
    cnorm = TwoSlopeNorm(vcenter=0.0)
    table = ColorTable.create("RdBu_r", -4.0, 4.0, cnorm)
    assert (table.norm.vmin, table.norm.vmax) == (-4.0, 4.0)
    assert (cnorm.vmin, cnorm.vmax) == (None, None)  # the user's norm untouched
    assert table.levels(np.array([0.0, -4.0, 4.0])).tolist() == [96, 0, 191]
    partial = ColorTable.create("RdBu_r", -4.0, 4.0, Normalize(vmin=-2.0))
    assert (partial.norm.vmin, partial.norm.vmax) == (-2.0, 4.0)


# -- palette_with -------------------------------------------------------------


def test_palette_with():
    table = ColorTable.create("Reds", 0.0, 1.0)
    chrome = np.array([[255, 255, 255], [0, 0, 0]])
    palette = palette_with(table, chrome)
    assert palette.dtype == np.uint8
    assert palette.shape == (N_LEVELS + 2, 3)
    assert np.array_equal(palette[:N_LEVELS], table.colors)
    assert np.array_equal(palette[N_LEVELS:], chrome)
    full = palette_with(table, np.zeros((256 - N_LEVELS, 3)))
    assert len(full) == 256


def test_palette_with_too_many_colors():
    table = ColorTable.create("Reds", 0.0, 1.0)
    with pytest.raises(ValueError, match="a GIF palette holds 256 colours; got 257"):
        palette_with(table, np.zeros((257 - N_LEVELS, 3)))


def test_palette_with_several_tables():
    first = ColorTable.create("Reds", 0.0, 1.0, n_levels=64)
    second = ColorTable.create("Blues", 0.0, 1.0, n_levels=64, offset=64)
    palette = palette_with([first, second], [[255, 255, 255]])
    assert np.array_equal(palette[:64], first.colors)
    assert np.array_equal(palette[64:128], second.colors)
    assert second.levels(np.array([0.0, 1.0])).tolist() == [64, 127]
    with pytest.raises(ValueError, match="expected a table with offset=64, got "):
        palette_with([first, first], [[255, 255, 255]])


# -- one limit mirrored for signed data ---------------------------------------


@pytest.mark.parametrize(
    "values, vlim, expected",
    [
        ([-297.6, 40.0], (None, 5.0), (-5.0, 5.0)),  # signed: white stays at 0
        ([-2.0, 40.0], (-3.0, None), (-3.0, 3.0)),
        ([0.5, 40.0], (None, 5.0), (0.0, 5.0)),  # non-negative: from 0
        ([-40.0, -0.5], (-3.0, None), (-3.0, 0.0)),  # non-positive: up to 0
        ([-3.0, 2.0], (None, -1.0), (-3.0, -1.0)),  # a limit below 0: the minimum
    ],
)
def test_resolve_vlim_one_limit_mirrored_for_signed_data(values, vlim, expected):
    vmin, vmax = resolve_vlim(np.array(values), vlim)
    assert (vmin, vmax) == expected
    # signed means what default_cmap draws with a diverging map
    signed = min(values) < 0 < max(values)
    assert (default_cmap(*resolve_vlim(np.array(values))) == "RdBu_r") == signed


def test_resolve_vlim_one_limit_not_mirrored_with_cnorm():
    values = np.array([-297.6, 40.0])
    cnorm = TwoSlopeNorm(vcenter=0.0)
    assert resolve_vlim(values, (None, 5.0), cnorm) == (-297.6, 5.0)
    assert resolve_vlim(values, (-3.0, None), cnorm) == (-3.0, 40.0)


def test_animate_coefs_mirrors_one_limit(rng):
    from conftest import cmap_names, make_info

    from mne_coefanim import animate_coefs

    info = make_info("biosemi64", n_channels=16)
    data = rng.standard_normal((3, 16)) * 100
    anim = animate_coefs(data, info, vlim=(None, 5), res=32, dpi=40, show=False)
    assert anim.vlim == (-5.0, 5.0)
    assert cmap_names(anim) == ["RdBu_r"]
    anim = animate_coefs(data, info, vlim=(-3, None), res=32, dpi=40, show=False)
    assert anim.vlim == (-3.0, 3.0)
