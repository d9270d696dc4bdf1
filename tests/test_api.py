import io
import re

import matplotlib.pyplot as plt
import mne
import numpy as np
import pytest
from conftest import (
    decode_video,
    make_info,
    map_images,
    map_visibility,
    mask_lines,
    shown_colors,
    table_colors,
    time_label,
    time_label_box,
)
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import same_color
from PIL import Image

from mne_coefanim import (
    CoefAnimation,
    animate_coefs,
    as_coef_data,
    plot_coefs,
    resolve_sensors,
)

# small and fast: 32 channels, a coarse grid, a small figure
FAST = dict(res=40, dpi=50, show=False, verbose=False)
N_TIMES = 6
TIMES = np.linspace(-0.1, 0.4, N_TIMES)


@pytest.fixture
def data(rng):
    return rng.standard_normal((N_TIMES, 32))


def render(fig):
    """The figure's pixels, drawn by Agg: (height, width, 3) uint8."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def drawable(anim):
    """Let a plain figure draw include the per-frame artists.

    A blitting animation marks the map and the label "animated", and a plain
    ``canvas.draw()`` skips animated artists; pausing draws them again.
    """
    anim.anim.pause()
    return anim


def gif_frames(source):
    """Decode every GIF frame to RGB; also return the frame durations (ms)."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    frames, durations = [], []
    with Image.open(source) as image:
        info = dict(image.info)
        for k in range(image.n_frames):
            image.seek(k)
            durations.append(image.info["duration"])
            frames.append(np.asarray(image.convert("RGB")).copy())
    return np.array(frames), durations, info


def display_to_pixel(fig, xy):
    """Display coordinates (origin bottom left) to (row, col) image indices."""
    height = fig.bbox.height
    xy = np.atleast_2d(xy)
    return np.column_stack([height - xy[:, 1], xy[:, 0]])


def score_cursor(anim):
    """The score panel's moving cursor: its one red (C3) line."""
    (cursor,) = [
        line for line in anim.score_axes.lines if same_color(line.get_color(), "C3")
    ]
    return cursor


def head_circle_px(anim, ax):
    """Centre (display coordinates) and radius (pixels) of the head circle."""
    sphere = anim.sensors.sphere
    centre = ax.transData.transform(sphere[:2])
    edge = ax.transData.transform((sphere[0] + sphere[3], sphere[1]))
    return centre, edge[0] - centre[0]


# One animation (with a score panel) shared by the tests that only look at
# it: building one costs more than most checks. Each test shows the frame it
# needs; a test that changes the figure otherwise builds its own.
SHARED_DATA = np.random.default_rng(0).standard_normal((N_TIMES, 32))
SHARED_SCORES = np.random.default_rng(1).uniform(0.45, 0.95, (5, N_TIMES))
SHARED_KWARGS = dict(times=TIMES, scores=SHARED_SCORES, fps=20, **FAST)


@pytest.fixture(scope="module")
def shared_info():
    return make_info("biosemi32")


@pytest.fixture(scope="module")
def shared(shared_info):
    anim = animate_coefs(SHARED_DATA, shared_info, **SHARED_KWARGS)
    # pause now: the first test's teardown closes the figure, which stops
    # the animation for good (its timer is gone)
    return drawable(anim)


@pytest.fixture(scope="module")
def shared_gif(shared, tmp_path_factory):
    path = shared.save(tmp_path_factory.mktemp("gif") / "anim.gif", verbose=False)
    return path, gif_frames(path)


# -- 1. a frame is the static plot ----------------------------------------


@pytest.mark.parametrize("k", [0, N_TIMES - 2])
def test_frame_equals_static_plot(shared, shared_info, k):
    anim = shared
    anim.show_frame(k)
    frame = render(anim.fig)
    # plot_coefs shows the sample nearest the time asked for
    time = TIMES[k] + 0.3 * (TIMES[1] - TIMES[0])
    fig = plot_coefs(SHARED_DATA, shared_info, time=time, **SHARED_KWARGS)
    label = "".join(text.get_text() for text in fig.axes[0].texts).strip()
    assert label == f"{TIMES[k]:0.3f} s"
    assert np.array_equal(frame, render(fig))
    # the map is drawn: inside the head, nearly all pixels are map colours
    centre, radius = head_circle_px(anim, anim.map_axes[0])
    (row, col), *_ = display_to_pixel(anim.fig, centre)
    rows, cols = np.indices(frame.shape[:2])
    head = np.hypot(rows + 0.5 - row, cols + 0.5 - col) < 0.9 * radius
    colors = {tuple(color) for color in table_colors(anim)}
    in_table = [tuple(color) in colors for color in frame[head]]
    assert np.mean(in_table) > 0.9


def test_plot_coefs_plain_draw_and_savefig_show_the_map(shared, shared_info, tmp_path):
    """Regression: plot_coefs built a blitting animation, so the map and the
    time label were "animated" and missing from a plain draw."""
    shared.show_frame(2)
    expected = render(shared.fig)
    fig = plot_coefs(SHARED_DATA, shared_info, time=TIMES[2], **SHARED_KWARGS)
    assert not any(artist.get_animated() for artist in fig.findobj())
    fig.canvas.draw()  # the figure's own canvas, twice: nothing restarts
    fig.canvas.draw()
    assert np.array_equal(np.asarray(fig.canvas.buffer_rgba())[..., :3], expected)
    fig.savefig(tmp_path / "map.png", dpi=FAST["dpi"])
    with Image.open(tmp_path / "map.png") as png:
        assert np.array_equal(np.asarray(png.convert("RGB")), expected)
    # and without the map the picture differs (the test can fail)
    fig.axes[0].images[0].set_visible(False)
    assert not np.array_equal(render(fig), expected)


# -- 2. the saved GIF ------------------------------------------------------------


def test_gif_frames_match_figure(shared, shared_gif):
    anim, fps = shared, SHARED_KWARGS["fps"]
    path, (frames, durations, gif_info) = shared_gif
    assert path.name == "anim.gif" and path.exists()
    assert [p.name for p in path.parent.iterdir()] == ["anim.gif"]  # no temp
    width, height = anim.fig.get_size_inches() * FAST["dpi"]
    assert frames.shape == (N_TIMES, int(height), int(width), 3)
    assert gif_info["loop"] == 0  # loops forever
    assert durations == [1000 / fps] * N_TIMES
    # The GIF has one 256-colour palette: the map's levels, then colours for
    # the static chrome (quantised when it has more: antialiased text and
    # edges). Map pixels are palette indices, so exact where the map shows
    # fully; antialiased edges drawn over the map (head outline, sensors) are
    # blended, then snapped to the palette, which has no colour for most such
    # blends: close on average, not equal.
    visibility = map_visibility(anim)  # no per-frame artist over the map
    full, off_map = visibility == 1, visibility == 0
    partial = ~full & ~off_map
    assert full.sum() > 0.2 * full.size
    assert partial.sum() < 0.05 * visibility.size
    for k in range(N_TIMES):
        anim.show_frame(k)
        expected = render(anim.fig).astype(int)
        diff = np.abs(frames[k] - expected).max(axis=-1)
        assert np.array_equal(frames[k][full], expected[full])
        # chrome quantisation (and the cursor, drawn over the figure, covers
        # the axis spine at the first frame where matplotlib draws it under)
        assert (diff[off_map] <= 16).mean() > 0.99
        assert diff[partial].mean() < 24  # blended edges snapped to the palette
        assert diff.mean() < 2


# -- 3. colour limits --------------------------------------------------------------


def _colorbar_limits(anim):
    norm = anim.colorbars[0].norm
    return norm.vmin, norm.vmax


def test_vlim_signed_symmetric(shared):
    anim = shared
    top = np.abs(SHARED_DATA).max()
    assert anim.vlim == (-top, top)
    assert _colorbar_limits(anim) == anim.vlim
    assert anim.colorbars[0].cmap.name.startswith("RdBu_r")


@pytest.mark.parametrize("route", ["abs", "non-negative"])
def test_vlim_non_negative(info, data, route):
    if route == "abs":
        anim = animate_coefs(
            data, info, times=TIMES, coef_params=dict(transform="abs"), **FAST
        )
    else:
        anim = animate_coefs(np.abs(data), info, times=TIMES, **FAST)
    assert anim.vlim == (0.0, np.abs(data).max())
    assert _colorbar_limits(anim) == anim.vlim
    assert anim.colorbars[0].cmap.name.startswith("Reds")


def test_vlim_given(info, data):
    anim = animate_coefs(data, info, times=TIMES, vlim=(-0.5, 2.0), **FAST)
    assert anim.vlim == (-0.5, 2.0)
    assert _colorbar_limits(anim) == (-0.5, 2.0)


def _levels_shown(anim, k, panel=0):
    """The colour level of every map pixel the figure shows in frame k."""
    rgb = shown_colors(anim, k, panel).astype(int)
    colors = table_colors(anim).astype(int)
    return np.argmin(((rgb[:, None] - colors[None]) ** 2).sum(-1), axis=1)


def test_vlim_fixed_across_frames(info, data):
    """A weak frame uses only the middle of the colour scale."""
    scale = np.array([0.1, 0.5, 1.0])
    anim = animate_coefs(data[:3] * scale[:, None], info, times=TIMES[:3], **FAST)
    n_levels = len(table_colors(anim))
    spans = [np.ptp(_levels_shown(anim, k)) for k in range(3)]
    assert spans[0] < 0.25 * n_levels  # per-frame limits would span them all
    assert spans[0] < spans[1] < spans[2]
    assert spans[2] > 0.7 * n_levels


def test_vlim_min_not_below_max(info, data):
    with pytest.raises(
        ValueError, match=r"vlim must have vmin < vmax; got vlim=\(2.0, 1.0\)"
    ):
        animate_coefs(data, info, times=TIMES, vlim=(2.0, 1.0), **FAST)


def test_vlim_not_finite(info, data):
    with pytest.raises(ValueError, match="vlim vmin must be finite or None; got nan"):
        animate_coefs(data, info, times=TIMES, vlim=(np.nan, 1.0), **FAST)


def test_cnorm_without_limits_uses_vlim(info, data):
    """Regression: a TwoSlopeNorm without limits scaled itself to (-1, 1)."""
    from matplotlib.colors import TwoSlopeNorm

    cnorm = TwoSlopeNorm(vcenter=0.0)
    anim = animate_coefs(5 * data, info, times=TIMES, cnorm=cnorm, **FAST)
    top = 5 * np.abs(data).max()
    assert anim.vlim == (-top, top)
    assert _colorbar_limits(anim) == anim.vlim
    assert (cnorm.vmin, cnorm.vmax) == (None, None)


# -- 4. the head as MNE draws it ---------------------------------------------------


def test_head_like_mne(shared, shared_info):
    anim = shared
    ax = anim.map_axes[0]
    sensors = resolve_sensors(shared_info)
    sphere = sensors.sphere
    assert np.array_equal(anim.sensors.sphere, sphere)
    # MNE's own topomap of the same channels: its outline lines, read back
    im, _ = mne.viz.plot_topomap(np.zeros(len(sensors.pos)), sensors.pos, sphere=sphere,
                                 show=False)  # fmt: skip
    mne_lines = [line.get_xydata() for line in im.axes.lines
                 if len(line.get_xdata()) > 2]  # fmt: skip
    plt.close(im.axes.figure)
    ours = [line.get_xydata() for line in ax.lines if line.get_gid() is None
            or line.get_gid().startswith("outline")]  # fmt: skip
    ours = [xy for xy in ours if len(xy) > 2 and not np.array_equal(xy, sensors.pos)]
    assert len(ours) == 4  # head, nose, two ears
    radius = sphere[3]
    for xy in (ours, mne_lines):
        head = max(xy, key=len)
        assert np.allclose(np.hypot(*(head - sphere[:2]).T), radius)
    # the nose's tip and the ears' reach, where MNE draws them (3 % of the radius)
    def reach(lines):
        points = np.concatenate(lines)
        return points[:, 1].max(), points[:, 0].max(), points[:, 0].min()

    np.testing.assert_allclose(reach(ours), reach(mne_lines), atol=0.03 * radius)
    # the head is centred in its (square) axes
    assert np.mean(ax.get_xlim()) == pytest.approx(sphere[0])
    assert np.mean(ax.get_ylim()) == pytest.approx(sphere[1])
    assert np.ptp(ax.get_xlim()) == pytest.approx(np.ptp(ax.get_ylim()))
    box = ax.get_window_extent()
    assert box.width == pytest.approx(box.height)
    # the sensors are drawn where they are
    assert any(
        np.array_equal(line.get_xydata(), sensors.pos) for line in ax.lines
    )  # fmt: skip


# -- 5. the time label -------------------------------------------------------------


@pytest.mark.parametrize("time_unit", ["s", "ms"])
def test_time_label(shared, shared_info, time_unit):
    if time_unit == "s":
        anim = shared
    else:
        anim = drawable(animate_coefs(SHARED_DATA, shared_info, time_unit="ms",
                                      **SHARED_KWARGS))  # fmt: skip
        anim.show_frame(3)
        assert score_cursor(anim).get_xdata()[0] == TIMES[3] * 1e3
        assert anim.score_axes.get_xlabel() == "Time (ms)"
    ax = anim.map_axes[0]
    assert ax.texts  # the label's texts sit in the map's axes
    for k in range(N_TIMES):
        anim.show_frame(k)
        if time_unit == "s":
            assert time_label(anim) == f"{TIMES[k]:0.3f} s"
        else:
            assert time_label(anim) == f"{TIMES[k] * 1e3:0.0f} ms"
        canvas = FigureCanvasAgg(anim.fig)
        canvas.draw()
        box = time_label_box(anim, canvas.get_renderer())
        centre, radius = head_circle_px(anim, ax)
        corners = np.array([[box.x0, box.y0], [box.x0, box.y1],
                            [box.x1, box.y0], [box.x1, box.y1]])  # fmt: skip
        assert (np.hypot(*(corners - centre).T) > radius).all()
        closest = np.clip(centre, [box.x0, box.y0], [box.x1, box.y1])
        assert np.hypot(*(closest - centre)) > radius
        assert box.width > 10  # the label is really drawn


@pytest.mark.parametrize("time_unit, zero", [("s", "0.000 s"), ("ms", "0 ms")])
def test_time_label_no_negative_zero(info, data, time_unit, zero):
    """Regression: a time a hair below 0 (np.arange, np.linspace) was shown
    as "-0.000 s"."""
    times = np.arange(-0.2, 0.01, 0.05)
    assert -1e-15 < times[-1] < 0
    anim = animate_coefs(data[:5], info, times=times, time_unit=time_unit,
                         **{**FAST, "dpi": 30})  # fmt: skip
    anim.show_frame(4)
    assert time_label(anim) == zero
    anim.show_frame(0)
    first = "-0.200 s" if time_unit == "s" else "-200 ms"
    assert time_label(anim) == first


@pytest.mark.parametrize(
    "sfreq, time_unit, expected",
    [
        (2000, "s", ["0.0000 s", "0.0005 s", "0.0010 s"]),
        (2000, "ms", ["0.0 ms", "0.5 ms", "1.0 ms"]),
        (20000, "s", ["0.00000 s", "0.00005 s", "0.00010 s"]),
        (20000, "ms", ["0.00 ms", "0.05 ms", "0.10 ms"]),
    ],
)  # fmt: skip
def test_time_labels_tell_frames_apart(info, data, sfreq, time_unit, expected):
    """As many decimals as consecutive frames need, the same for every frame."""
    anim = animate_coefs(data, info, times=np.arange(N_TIMES) / sfreq,
                         time_unit=time_unit,
                         **{**FAST, "res": 16, "dpi": 30})  # fmt: skip
    labels = list(anim.time_labels)
    assert labels[:3] == expected
    assert len(set(labels)) == N_TIMES
    assert len({len(label) for label in labels}) == 1  # one precision for all
    anim.show_frame(N_TIMES - 1)
    assert time_label(anim) == labels[-1]


def test_time_labels_keep_their_precision_where_it_suffices(info, data):
    """100 Hz keeps "0.010 s" and "10 ms": no decimal more than needed."""
    times = np.arange(N_TIMES) / 100
    assert list(animate_coefs(data, info, times=times, **FAST).time_labels[:2]) == [
        "0.000 s",
        "0.010 s",
    ]
    ms = animate_coefs(data, info, times=times, time_unit="ms", **FAST)
    assert list(ms.time_labels[:2]) == ["0 ms", "10 ms"]


def test_time_unit_invalid(info, data):
    with pytest.raises(ValueError, match="time_unit must be one of 's', 'ms'; got"):
        animate_coefs(data, info, times=TIMES, time_unit="us", **FAST)


# -- 6. scores ---------------------------------------------------------------------


def _redness(frame):
    frame = frame.astype(int)
    return frame[..., 0] - (frame[..., 1] + frame[..., 2]) / 2


def test_score_cursor(shared, shared_gif):
    anim = shared
    cursor = score_cursor(anim)
    for k in range(N_TIMES):
        anim.show_frame(k)
        assert cursor.get_xdata()[0] == TIMES[k]
        assert cursor.get_xdata()[1] == TIMES[k]
    # in the GIF, the reddest column of the score axes is the cursor's
    _, (frames, _, _) = shared_gif
    box = anim.score_axes.get_window_extent()
    corners = [[box.x0, box.y1], [box.x1, box.y0]]
    (row0, col0), (row1, col1) = display_to_pixel(anim.fig, corners)
    rows = slice(int(row0) + 2, int(row1) - 2)
    cols = slice(int(col0), int(np.ceil(col1)) + 1)
    reddest = [
        int(col0) + np.argmax(_redness(frame[rows, cols]).sum(axis=0))
        for frame in frames
    ]
    expected = anim.score_axes.transData.transform(
        np.column_stack([TIMES, np.zeros(N_TIMES)])
    )[:, 0]
    assert np.abs(np.array(reddest) + 0.5 - expected).max() <= 1.5
    assert (np.diff(reddest) > 0).all()  # the cursor moves with the frames


def _chance_lines(ax):
    return [
        line
        for line in ax.lines
        if line.get_linestyle() == "--" and np.ptp(line.get_ydata()) == 0
    ]


def test_score_chance_unknown_draws_no_line(shared):
    # scores within [0, 1] say nothing of their chance level (AUC 0.5,
    # 3-class accuracy 1/3, r² 0): no line, rather than a wrong one
    assert _chance_lines(shared.score_axes) == []
    assert shared.score_axes.get_ylabel() == "Score"


def test_score_chance_line_other(info, data):
    # not AUC-like: no chance line unless given
    signed = np.linspace(-0.2, 0.3, N_TIMES)
    anim = animate_coefs(data, info, times=TIMES, scores=signed, **FAST)
    assert _chance_lines(anim.score_axes) == []
    anim = animate_coefs(
        data,
        info,
        times=TIMES,
        scores=signed,
        score_params=dict(chance=0.0, label="r"),
        **FAST,
    )
    (chance,) = _chance_lines(anim.score_axes)
    assert np.all(np.asarray(chance.get_ydata()) == 0.0)
    assert anim.score_axes.get_ylabel() == "r"
    assert len(anim.score_axes.collections) == 0  # one row: no band


def test_score_mean_and_sem_band(shared):
    scores = SHARED_SCORES
    ax = shared.score_axes
    mean = scores.mean(axis=0)
    sem = scores.std(axis=0, ddof=1) / np.sqrt(5)
    assert any(
        np.allclose(line.get_xdata(), TIMES) and np.allclose(line.get_ydata(), mean)
        for line in ax.lines
    )
    (band,) = ax.collections
    vertices = np.concatenate([path.vertices for path in band.get_paths()])
    for t, low, high in zip(TIMES, mean - sem, mean + sem, strict=True):
        at_t = vertices[np.isclose(vertices[:, 0], t), 1]
        assert np.isclose(at_t, low).any() and np.isclose(at_t, high).any()
        assert at_t.min() == pytest.approx(low) and at_t.max() == pytest.approx(high)


def test_scores_wrong_length(info, data):
    with pytest.raises(
        ValueError,
        match=r"scores must have shape \(n_times,\), \(n_samples, n_times\) or "
        r"\(n_subjects, n_folds, n_times\) with n_times=6; got \(5,\)",
    ):
        animate_coefs(data, info, times=TIMES, scores=np.zeros(5), **FAST)


# -- 7. mask -------------------------------------------------------------------


def test_mask_markers(info, rng, tmp_path):
    # the same map in every frame: only the mask changes between frames
    values = np.tile(rng.standard_normal(32), (3, 1))
    mask = np.zeros((3, 32), bool)
    mask[0, [0, 13]] = True
    mask[1, [22, 27]] = True
    anim = animate_coefs(values, info, times=TIMES[:3], mask=mask, **FAST)
    pos = anim.sensors.pos
    (line,) = mask_lines(anim)
    for k in range(3):
        anim.show_frame(k)
        assert np.array_equal(np.column_stack(line.get_data()), pos[mask[k]])
    anim.show_frame(0)
    first = np.column_stack(line.get_data())
    anim.show_frame(1)
    assert not np.array_equal(first, np.column_stack(line.get_data()))
    # in the GIF, frames 0 and 1 differ around the toggled sensors only
    frames, _, _ = gif_frames(anim.save(tmp_path / "anim.gif", verbose=False))
    changed = (frames[0] != frames[1]).any(axis=-1)
    toggled = display_to_pixel(anim.fig, anim.map_axes[0].transData.transform(
        pos[mask[0] | mask[1]]))  # fmt: skip
    rows, cols = np.indices(changed.shape)
    near = np.zeros_like(changed)
    for row, col in toggled:
        close = np.hypot(rows + 0.5 - row, cols + 0.5 - col) <= 5
        assert changed[close].sum() >= 4  # a marker appeared or went away
        near |= close
    label = time_label_box(anim).padded(3)
    (top, left), (bottom, right) = display_to_pixel(
        anim.fig, [[label.x0, label.y1], [label.x1, label.y0]]
    )
    in_label = (rows >= top) & (rows <= bottom) & (cols >= left) & (cols <= right)
    assert not (changed & ~near & ~in_label).any()


def test_mask_wrong_shape(info, data):
    with pytest.raises(
        ValueError,
        match=r"mask must have shape \(n_times, n_channels\) = \(6, 32\); "
        r"got \(5, 32\)",
    ):
        animate_coefs(data, info, times=TIMES, mask=np.zeros((5, 32), bool), **FAST)


# -- 8. several panels --------------------------------------------------------------


def test_panels_share_one_scale(info, data):
    anim = animate_coefs({"A": data, "B": 2 * data}, info, times=TIMES, **FAST)
    assert len(anim.map_axes) == 2
    assert [ax.get_title() for ax in anim.map_axes] == ["A", "B"]
    assert len(anim.fig.axes) == 3  # two maps and one colour bar
    top = 2 * np.abs(data).max()
    assert anim.vlim == (-top, top)
    assert _colorbar_limits(anim) == anim.vlim
    # panel B's map is panel A's with twice the values, on one scale: its
    # colours lie twice as far from the middle of the scale (up to rounding)
    middle = (len(table_colors(anim)) - 1) / 2
    spread_a, spread_b = (
        np.abs(_levels_shown(anim, 1, panel) - middle).mean() for panel in (0, 1)
    )
    assert spread_b == pytest.approx(2 * spread_a, rel=0.02)


# -- 9. errors ---------------------------------------------------------------------


def test_channel_count_mismatch(info, data):
    with pytest.raises(ValueError, match="data has 30 channels, but info has 32"):
        animate_coefs(data[:, :30], info, times=TIMES, **FAST)


def test_info_without_positions(info, data):
    bare = mne.create_info(info.ch_names, 100.0, "eeg")
    with pytest.raises(ValueError, match=r"32 channel\(s\) have no position: Fp1"):
        animate_coefs(data, bare, times=TIMES, **FAST)


def test_unknown_image_interp(info, data):
    with pytest.raises(ValueError, match="image_interp must be one of 'cubic', "
                       "'linear', 'nearest'; got 'spline'"):  # fmt: skip
        animate_coefs(data, info, times=TIMES, image_interp="spline", **FAST)


def test_wrong_ndim(info, data):
    with pytest.raises(ValueError, match=r"data must be 2-D \(n_times, n_channels\)"):
        animate_coefs(data[0], info, times=TIMES[:1], **FAST)


def test_tmin_tmax_select_nothing(info, data):
    with pytest.raises(ValueError, match="tmin=1, tmax=2 select no time point"):
        animate_coefs(data, info, times=TIMES, tmin=1, tmax=2, **FAST)


def test_save_unknown_suffix(shared, tmp_path):
    anim = shared
    with pytest.raises(ValueError, match=r"fname must end in one of \.gif, \.html, "
                       r"\.mp4, \.webm; got .*\(suffix '\.avi'\)"):  # fmt: skip
        anim.save(tmp_path / "anim.avi", verbose=False)
    assert list(tmp_path.iterdir()) == []


def test_save_existing_file(shared, tmp_path):
    anim = shared
    path = tmp_path / "anim.gif"
    path.write_bytes(b"keep me")
    with pytest.raises(FileExistsError, match="exists; pass overwrite=True"):
        anim.save(path, verbose=False)
    assert path.read_bytes() == b"keep me"
    anim.save(path, overwrite=True, verbose=False)
    assert path.read_bytes()[:6] == b"GIF89a"
    assert [p.name for p in tmp_path.iterdir()] == ["anim.gif"]


def test_show_frame_out_of_range(shared):
    anim = shared
    with pytest.raises(ValueError, match=r"index must be < 6 \(the number of frames"):
        anim.show_frame(N_TIMES)


# -- 10. data routes ---------------------------------------------------------------


def test_four_d_abs(info, rng):
    stack = rng.standard_normal((3, 2, N_TIMES, 32))
    anim = animate_coefs(
        stack, info, times=TIMES, coef_params=dict(transform="abs"), **FAST
    )
    assert isinstance(anim, CoefAnimation)
    # 'abs' of the average (not the average of 'abs')
    assert anim.vlim[0] == 0.0
    assert anim.vlim[1] == pytest.approx(np.abs(stack.mean(axis=(0, 1))).max())
    assert len(anim) == N_TIMES
    assert np.array_equal(anim.times, TIMES)


def test_evoked_without_info(info, data):
    evoked = mne.EvokedArray(data.T, info, tmin=TIMES[0])
    anim = animate_coefs(evoked, **FAST)
    assert np.allclose(anim.times, evoked.times)
    top = 1e6 * np.abs(data).max()  # MNE's display scaling: V to µV
    assert anim.vlim == pytest.approx((-top, top))
    assert anim.colorbars[0].ax.get_ylabel() == "µV"
    # channels are matched by name, whatever their order in the Evoked
    shuffled = evoked.copy().reorder_channels(info.ch_names[::-1])
    other = animate_coefs(shuffled, info, **FAST)
    drawable(anim).show_frame(2)
    drawable(other).show_frame(2)
    assert np.array_equal(map_images(anim)[0].get_array(),
                          map_images(other)[0].get_array())  # fmt: skip


def test_coef_data_and_dict(info, data):
    coef = as_coef_data(data, times=TIMES)
    anim = animate_coefs(coef, info, **FAST)
    assert np.array_equal(anim.times, TIMES)
    panels = animate_coefs({"one": coef}, info, **FAST)
    assert panels.vlim == anim.vlim
    assert panels.map_axes[0].get_title() == "one"


def test_tmin_tmax_crop(info, data):
    anim = animate_coefs(data, info, times=TIMES, tmin=0.0, tmax=0.2, **FAST)
    assert np.allclose(anim.times, [0.0, 0.1, 0.2])
    assert len(anim) == 3
    # the colour limits are those of the frames shown
    assert anim.vlim[1] == np.abs(data[1:4]).max()
    assert "3 frames" in repr(anim)


# -- 11. HTML and notebooks ---------------------------------------------------------


def test_save_html(info, data, tmp_path):
    anim = animate_coefs(data[:3], info, times=TIMES[:3], **{**FAST, "dpi": 30})
    path = anim.save(tmp_path / "anim.html", verbose=False)
    html = path.read_text()
    assert "<html" in html and "</html>" in html
    assert "data-coefanim-viewer" in html and "coefanimBoot(" in html
    assert len(re.findall(r'^"[A-Za-z0-9+/=]+",$', html, re.M)) == 3  # frames


def test_repr_html_and_gif_bytes(info, data):
    anim = animate_coefs(data[:3], info, times=TIMES[:3], **{**FAST, "dpi": 30})
    html = anim._repr_html_()
    assert html.startswith("<div class='cav' data-coefanim-viewer")
    width, height = anim.fig.get_size_inches() * 30  # Agg truncates
    assert f"<canvas width='{int(width)}' height='{int(height)}'" in html
    assert '"fps":10.0' in html  # the default 10 fps
    gif = anim.to_gif_bytes(fps=5, dpi=20)
    assert gif[:6] == b"GIF89a"
    frames, durations, _ = gif_frames(gif)
    width, height = anim.fig.get_size_inches() * 20
    assert frames.shape == (3, int(height), int(width), 3)
    assert durations == [200] * 3
    assert anim.fig.dpi == 30  # the figure is left as it was


# -- 12. video ---------------------------------------------------------------------


def test_save_mp4(shared, shared_gif, tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    path = shared.save(tmp_path / "anim.mp4", verbose=False)
    content = path.read_bytes()
    assert b"ftyp" in content[:16]
    frames, _ = decode_video(path)
    assert len(frames) == N_TIMES
    width, height = shared.fig.get_size_inches() * FAST["dpi"]
    # padded to even sizes for H.264
    height, width = int(height), int(width)
    assert frames.shape[1:3] == (height + height % 2, width + width % 2)
    _, (gif, _, _) = shared_gif
    diff = np.abs(frames[:, : gif.shape[1], : gif.shape[2]].astype(int) - gif)
    assert diff.mean() < 4  # lossy, chroma subsampled: close, not equal


def test_saving_keeps_the_frame_shown(tmp_path, info, rng):
    data = rng.standard_normal((4, len(info.ch_names)))
    anim = animate_coefs(data, info, times=np.arange(4) / 10, res=32, dpi=40,
                         show=False, verbose=False)  # fmt: skip
    anim.show_frame(2)
    anim.save(tmp_path / "a.gif", verbose=False)
    assert time_label(anim) == "0.200 s"


def test_frames_without_times_are_labelled_by_sample(info, data):
    anim = animate_coefs(data, info, scores=np.linspace(0, 1, N_TIMES), **FAST)
    labels = [anim.time_labels[k] for k in range(N_TIMES)]
    assert labels == [f"sample {k}" for k in range(N_TIMES)]  # never "3.000 s"
    assert anim.score_axes.get_xlabel() == "Sample"


# -- colour-bar labels: what the numbers are, which class is positive -------------


def _sliding(n_classes=2, seed=0, n_channels=16):
    """A SlidingEstimator fitted on a planted class difference (3 times)."""
    from mne.decoding import LinearModel, SlidingEstimator
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(seed)
    y = np.arange(90) % n_classes
    X = 1e-5 * rng.standard_normal((90, n_channels, 3))
    X[:, 3] += 1e-5 * y[:, np.newaxis]  # channel 3 is higher in the last class
    model = LinearModel(LogisticRegression())
    return SlidingEstimator(make_pipeline(StandardScaler(), model),
                            verbose=False).fit(X, y)  # fmt: skip


@pytest.fixture(scope="module")
def sliding():
    return _sliding()


def _bar_labels(fig_or_anim):
    if hasattr(fig_or_anim, "colorbars"):
        return [bar.ax.get_ylabel() for bar in fig_or_anim.colorbars]
    # a sheet without scores: its labelled axes without images are its bars
    return [ax.get_ylabel() for ax in fig_or_anim.axes
            if not ax.images and ax.get_ylabel()]  # fmt: skip


@pytest.mark.parametrize(
    "kwargs, unit, label",
    [
        (dict(coef_params=dict(normalize_patterns=True)), "µV / SD",
         "µV / SD (positive: 1)"),
        (dict(), "a.u.", "a.u. (positive: 1)"),
        (dict(coef_params=dict(class_names=["left", "right"])), "a.u.",
         "a.u. (positive: right)"),
        (dict(coef_params=dict(normalize_patterns=True, transform="zscore")), "z",
         "z (positive: 1)"),
        (dict(coef_params=dict(transform="abs")), "a.u.", "a.u."),  # no sign: no class
        (dict(coef_params=dict(normalize_patterns=True), scalings=1.0),
         "per SD of the decoder output",
         "per SD of the decoder output (positive: 1)"),
        (dict(coef_params=dict(normalize_patterns=True), units="mV"), "mV",
         "mV (positive: 1)"),
    ],
)  # fmt: skip
def test_colorbar_says_the_unit_and_the_positive_class(sliding, kwargs, unit, label):
    info16 = make_info("biosemi16")
    anim = animate_coefs(sliding, info16, **kwargs, **{**FAST, "res": 16})
    assert anim.units == unit
    assert _bar_labels(anim) == [label]
    # the sheet's colour bar says the same (one function decides both)
    sheet = plot_coefs(sliding, info16, time=[0, 2], **kwargs,
                       **{**FAST, "res": 16})  # fmt: skip
    assert _bar_labels(sheet) == [label]


def test_normalized_patterns_are_uV_per_sd_of_the_output(sliding):
    """The values are µV per SD: 1e6 x as_coef_data's (V per SD)."""
    coef = as_coef_data(sliding, normalize_patterns=True)
    assert coef.units == "SI / SD" and coef.positive == 1
    assert coef.decoder.classes == ("0", "1")
    anim = animate_coefs(
        sliding,
        make_info("biosemi16"),
        coef_params=dict(normalize_patterns=True),
        **{**FAST, "res": 16},
    )
    np.testing.assert_allclose(anim.values[0], 1e6 * coef.data)
    # positive values point to classes_[1]: the planted channel is positive
    assert anim.values[0, :, 3].min() > 0


def test_multi_class_positive_class_is_class_idx():
    three = _sliding(n_classes=3)
    info16 = make_info("biosemi16")
    anim = animate_coefs(
        three,
        info16,
        coef_params=dict(
            class_idx=2, normalize_patterns=True, class_names=["a", "b", "c"]
        ),
        **{**FAST, "res": 16},
    )
    assert _bar_labels(anim) == ["µV / SD (positive: c)"]
    norm = animate_coefs(three, info16, **{**FAST, "res": 16})  # a norm: no sign
    assert _bar_labels(norm) == ["a.u."]


def test_values_name_the_second_of_two_classes(info, data):
    anim = animate_coefs(
        data,
        info,
        times=TIMES,
        units="µV",
        coef_params=dict(class_names=["T1", "T2"]),
        **FAST,
    )
    assert _bar_labels(anim) == ["µV (positive: T2)"]
    anim = animate_coefs(
        data, info, times=TIMES, coef_params=dict(class_names=("T1", "T2")), **FAST
    )
    assert _bar_labels(anim) == ["positive: T2"]  # no unit known


@pytest.mark.parametrize(
    "make, kwargs, error, match",
    [
        ("sliding", dict(coef_params=dict(class_names=["a", "b", "c"])), ValueError,
         r"class_names must name the decoder's 2 classes in the order of its "
         r"classes_ \['0', '1'\]; got 3"),
        ("sliding", dict(coef_params=dict(class_names=["a", "b"], transform="abs")),
         ValueError,
         r"class_names says which class positive values point to, but "
         r"coef_params=dict\(transform='abs'\) leaves no sign"),
        ("three", dict(coef_params=dict(class_names=["a", "b", "c"])), ValueError,
         r"no sign \(the norm across classes; coef_params=dict\(class_idx=\.\.\.\) "
         r"picks one class\)"),
        ("data", dict(coef_params=dict(class_names=["a", "b", "c"])), ValueError,
         r"class_names names the two classes of a binary decoder .* got 3"),
        ("data", dict(coef_params=dict(class_names=["a", "a"])), ValueError,
         r"at least two classes, each once"),
        ("data", dict(coef_params=dict(class_names="ab")), TypeError,
         r"class_names must be a list of str"),
        ("data", dict(coef_params=dict(class_names=[1, 2])), TypeError,
         r"class_names must be a list of str"),
    ],
)  # fmt: skip
def test_class_names_errors(sliding, data, make, kwargs, error, match):
    info16 = make_info("biosemi16")
    inputs = dict(sliding=sliding, three=_sliding(n_classes=3),
                  data=data[:, :16])  # fmt: skip
    with pytest.raises(error, match=match):
        animate_coefs(inputs[make], info16, **kwargs, **{**FAST, "res": 16})
