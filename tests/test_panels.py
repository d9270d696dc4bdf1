"""Several panels: one shared colour scale, or one per panel (vlim='each')."""

import matplotlib as mpl
import numpy as np
import pytest
from conftest import cmap_names, table_colors
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import ContourSet
from PIL import Image

from mne_coefanim import animate_coefs
from mne_coefanim.figure._figure import (
    CBAR_LABEL_BAND,
    CBAR_WIDTH,
    MAP_SIZE,
    MARGIN,
    _layout,
)
from mne_coefanim.scene._colors import N_LEVELS, ColorTable, palette_with

FAST = dict(res=64, dpi=50, show=False, verbose=False, sensors=False)
N_TIMES = 4
TIMES = np.linspace(0.0, 0.3, N_TIMES)
PEAK = "Cz"
GROWTH = np.array([24.5 / 96, 0.5, 0.75, 1.0])  # the peak value of each frame


@pytest.fixture
def bump(info):
    """Non-negative, peaking at Cz, growing over frames to 1 in the last.

    A smooth bump, so the map near Cz stays within the top colour level; the
    first frame's peak is mid-way through a level.
    """
    pos = np.array([info["chs"][k]["loc"][:3] for k in range(len(info.ch_names))])
    peak = pos[info.ch_names.index(PEAK)]
    shape = np.exp(-np.sum((pos - peak) ** 2, axis=1) / (2 * 0.06**2))
    return GROWTH[:, np.newaxis] * shape


def gif_rgb(path):
    """Every frame of a GIF as RGB, shape (n_frames, height, width, 3)."""
    frames = []
    with Image.open(path) as image:
        for k in range(image.n_frames):
            image.seek(k)
            frames.append(np.asarray(image.convert("RGB")).copy())
    return np.array(frames)


def peak_pixel(anim, panel):
    """(row, col) of the output pixel at the Cz sensor in one panel's map."""
    canvas = FigureCanvasAgg(anim.fig)
    canvas.draw()  # lays the axes out at the figure's (= the GIF's) dpi
    sensors = anim.sensors
    xy = anim.map_axes[panel].transData.transform(
        sensors.pos[sensors.ch_names.index(PEAK)]
    )
    return int(anim.fig.bbox.height - xy[1]), int(xy[0])


# -- vlim='each' --------------------------------------------------------------


def test_each_panel_own_limits_and_colorbar(info, bump):
    data = {"mean": bump, "consistency": 50 * bump}
    anim = animate_coefs(data, info, times=TIMES, vlim="each", **FAST)
    top = bump.max()
    assert anim.vlim == [(0.0, top), (0.0, 50 * top)]
    assert len(anim.colorbars) == 2
    for colorbar, (vmin, vmax) in zip(anim.colorbars, anim.vlim, strict=True):
        assert (colorbar.norm.vmin, colorbar.norm.vmax) == (vmin, vmax)
    # non-negative data: 'Reds', the palette's map colours split in two
    assert cmap_names(anim) == ["Reds", "Reds"]
    colors = [table_colors(anim, k) for k in range(2)]
    assert [len(each) for each in colors] == [N_LEVELS // 2, N_LEVELS // 2]
    frames = anim.iter_frames()  # sets anim.palette
    next(frames)
    frames.close()
    assert np.array_equal(anim.palette[: N_LEVELS // 2], colors[0])
    assert np.array_equal(anim.palette[N_LEVELS // 2 : N_LEVELS], colors[1])
    # each colour bar sits right of its own map, left of the next one
    maps = [ax.get_position() for ax in anim.map_axes]
    bars = [bar.ax.get_position() for bar in anim.colorbars]
    assert maps[0].x1 < bars[0].x0 < bars[0].x1 < maps[1].x0
    assert maps[1].x1 < bars[1].x0 < bars[1].x1 <= 1


def test_each_gif_colors(info, bump, tmp_path):
    data = {"mean": bump, "consistency": 50 * bump}
    anim = animate_coefs(data, info, times=TIMES, vlim="each", **FAST)
    frames = gif_rgb(anim.save(tmp_path / "each.gif"))
    tables = [table_colors(anim, k) for k in range(2)]
    for panel, colorbar in enumerate(anim.colorbars):
        colors = tables[panel]
        row, col = peak_pixel(anim, panel)
        # the last frame peaks at the panel's own maximum: its top colour
        assert np.array_equal(frames[-1][row, col], colors[-1])
        # the limits are fixed across frames: frame 0 peaks at level 24 of 96
        # (the colour bar's level: its norm, then one colour per level)
        peak = bump[0].max() * (50 if panel else 1)
        level = int(colorbar.norm(peak) * len(colors))
        assert level == 24
        assert np.array_equal(frames[0][row, col], colors[level])
    # the palette holds both tables, one after the other, then the chrome
    assert np.array_equal(anim.palette[: N_LEVELS // 2], tables[0])
    assert np.array_equal(anim.palette[N_LEVELS // 2 : N_LEVELS], tables[1])


def test_each_mixed_signs_own_cmaps(info, bump, tmp_path):
    signed = bump - bump.mean()
    anim = animate_coefs({"abs": bump, "signed": signed}, info, times=TIMES,
                         vlim="each", **FAST)  # fmt: skip
    tables = [table_colors(anim, k) for k in range(2)]
    assert cmap_names(anim) == ["Reds", "RdBu_r"]
    half = np.abs(signed).max()
    assert anim.vlim == [(0.0, bump.max()), (-half, half)]
    frames = gif_rgb(anim.save(tmp_path / "mixed.gif"))
    for panel, colors in enumerate(tables):
        row, col = peak_pixel(anim, panel)
        assert np.array_equal(frames[-1][row, col], colors[-1])
    # the two peaks differ in colour: each panel reads its own table
    assert not np.array_equal(tables[0][-1], tables[1][-1])


def test_each_user_cmap_for_all_panels(info, bump):
    anim = animate_coefs({"a": bump, "b": -bump}, info, times=TIMES, vlim="each",
                         cmap="viridis", **FAST)  # fmt: skip
    assert cmap_names(anim) == ["viridis", "viridis"]
    assert anim.vlim == [(0.0, bump.max()), (-bump.max(), 0.0)]


def test_each_units_and_contours_per_panel(info, bump):
    anim = animate_coefs({"a": bump, "b": 50 * bump}, info, times=TIMES,
                         vlim="each", units="a.u.", contours=3, **FAST)  # fmt: skip
    assert [bar.ax.get_ylabel() for bar in anim.colorbars] == ["a.u.", "a.u."]
    anim.show_frame(N_TIMES - 1)  # each panel's map spans its own range
    for ax, (vmin, vmax) in zip(anim.map_axes, anim.vlim, strict=True):
        (contours,) = [c for c in ax.collections if isinstance(c, ContourSet)]
        assert np.allclose(contours.levels, np.linspace(vmin, vmax, 5)[1:-1])


def test_each_single_panel_is_a_list(info, bump):
    anim = animate_coefs(bump, info, times=TIMES, vlim="each", **FAST)
    assert anim.vlim == [(0.0, bump.max())]
    assert len(table_colors(anim, 0)) == N_LEVELS


# -- shared limits ------------------------------------------------------------


def test_shared_one_colorbar_covering_both(info, bump, tmp_path):
    data = {"mean": bump, "consistency": 50 * bump}
    anim = animate_coefs(data, info, times=TIMES, **FAST)
    assert anim.vlim == (0.0, 50 * bump.max())
    assert len(anim.colorbars) == 1 and len(table_colors(anim)) == N_LEVELS
    assert (anim.colorbars[0].norm.vmin, anim.colorbars[0].norm.vmax) == anim.vlim
    # one colour bar, right of the last map
    assert anim.map_axes[1].get_position().x1 < anim.colorbars[0].ax.get_position().x0
    frames = gif_rgb(anim.save(tmp_path / "shared.gif"))
    colors = table_colors(anim)
    row, col = peak_pixel(anim, 1)
    assert np.array_equal(frames[-1][row, col], colors[-1])
    # on the shared scale, the 50 times smaller panel is pale
    row, col = peak_pixel(anim, 0)
    assert np.array_equal(frames[-1][row, col], colors[N_LEVELS // 50])


def test_layout_each_band_per_panel():
    band = MARGIN + CBAR_WIDTH + CBAR_LABEL_BAND
    width, _, rects = _layout(3, False, None, True, n_colorbars=3)
    assert np.isclose(width, MARGIN + 3 * (MAP_SIZE + band))
    assert len(rects["colorbars"]) == 3
    shared_width, _, shared = _layout(3, False, None, True)
    assert np.isclose(shared_width, MARGIN + 3 * MAP_SIZE + 2 * MARGIN + band)
    assert len(shared["colorbars"]) == 1
    # each colour bar is MARGIN right of its map (inches), as the shared one
    for k, bar in enumerate(rects["colorbars"]):
        map_right = (rects["maps"][k][0] + rects["maps"][k][2]) * width
        assert np.isclose(bar[0] * width - map_right, MARGIN)
    map_right = (shared["maps"][-1][0] + shared["maps"][-1][2]) * shared_width
    assert np.isclose(shared["colorbars"][0][0] * shared_width - map_right, MARGIN)


# -- errors -------------------------------------------------------------------


def test_vlim_bad_string(info, bump):
    with pytest.raises(ValueError, match=r"vlim must be .*'each'.*got 'bad'"):
        animate_coefs({"a": bump, "b": bump}, info, times=TIMES, vlim="bad", **FAST)


def test_vlim_each_too_many_panels(info, bump):
    data = {str(k): bump for k in range(N_LEVELS // 8 + 1)}
    with pytest.raises(ValueError, match="vlim='each' splits 192 colours"):
        animate_coefs(data, info, times=TIMES, vlim="each", **FAST)


# -- palette_with -------------------------------------------------------------


def test_palette_with_tables():
    reds = ColorTable.create("Reds", 0.0, 1.0, n_levels=96)
    blues = ColorTable.create("Blues", 0.0, 1.0, n_levels=96, offset=96)
    chrome = np.array([[255, 255, 255], [0, 0, 0]])
    palette = palette_with([reds, blues], chrome)
    assert palette.shape == (194, 3)
    assert np.array_equal(palette[:96], reds.colors)
    assert np.array_equal(palette[96:192], blues.colors)
    assert np.array_equal(palette[192:], chrome)
    assert np.array_equal(palette_with(reds, chrome)[:96], reds.colors)
    # a level index is offset + level: it points at its own table's colour
    assert palette[blues.levels(np.array([1.0]))[0]].tolist() == (
        np.round(np.array(mpl.colormaps["Blues"](1 - 0.5 / 96)[:3]) * 255).tolist()
    )


def test_palette_with_tables_out_of_order():
    first = ColorTable.create("Reds", 0.0, 1.0, n_levels=96)
    with pytest.raises(ValueError, match="expected a table with offset=96"):
        palette_with([first, first], np.zeros((2, 3)))


def test_one_panel_per_class_of_a_multiclass_model(rng):
    """Classes of a multi-class decoder side by side, one colour scale."""
    from conftest import make_info
    from mne.decoding import LinearModel, SlidingEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    import mne_coefanim as mc

    info = make_info("biosemi32")
    n_epochs, n_times = 60, 4
    y = np.repeat([0, 1, 2], n_epochs // 3)
    X = rng.standard_normal((n_epochs, 32, n_times))
    for k, channel in enumerate(["Oz", "Cz", "Fz"]):  # one channel per class
        X[y == k, info.ch_names.index(channel)] += 3.0
    clf = make_pipeline(StandardScaler(), LinearModel(LogisticRegression()))
    est = SlidingEstimator(clf, verbose=False).fit(X, y)
    times = np.arange(n_times) / 10
    panels = {
        f"class {k}": mc.as_coef_data(est, class_idx=k, times=times, verbose=False)
        for k in range(3)
    }
    anim = mc.animate_coefs(panels, info, res=32, dpi=40, show=False, verbose=False)
    assert len(anim.map_axes) == 3 and len(anim.colorbars) == 1
    for k, channel in enumerate(["Oz", "Cz", "Fz"]):
        pattern = anim.values[k][0]
        assert np.argmax(pattern) == info.ch_names.index(channel)
