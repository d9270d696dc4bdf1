"""butterfly=True: every channel's time course of the drawn values, under each map."""


import numpy as np
import pytest
import test_viewer
from conftest import decode_video, make_info, viewer_meta
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image
from test_reference import assert_composed_equals_drawn
from test_viewer import ROOT, _canvas_rgb, _open, _point_at, _tip, _wait

from mne_coefanim import animate_coefs
from mne_coefanim.figure._parts import colorbar_labels

browser = test_viewer.driver  # the headless Chromium fixture, shared
N_TIMES = 8
TIMES = np.arange(N_TIMES) / 100.0 - 0.02
FAST = dict(times=TIMES, res=32, dpi=50, show=False, verbose=False, butterfly=True)


def _data(n_channels=16, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N_TIMES, n_channels)).cumsum(axis=0)


def _traces(ax):
    """The channel lines of a butterfly axes: {name: (x, y)} (not the cursor)."""
    return {
        line.get_label(): (np.asarray(line.get_xdata()), np.asarray(line.get_ydata()))
        for line in ax.lines
        if not line.get_label().startswith("_")
    }


def test_traces_are_the_drawn_values(info16):
    data = {"A": _data(), "B": 3 * _data(seed=1)}
    anim = animate_coefs(data, info16, vlim="each", units="µV", scalings=2.0, **FAST)
    assert len(anim.butterfly_axes) == len(anim.map_axes) == 2
    names = anim.sensors.ch_names
    for p, ax in enumerate(anim.butterfly_axes):
        traces = _traces(ax)
        assert list(traces) == list(names)
        for c, name in enumerate(names):
            x, y = traces[name]
            np.testing.assert_array_equal(x, TIMES)
            # the values the map interpolates: scaled for display, as drawn
            np.testing.assert_array_equal(y, anim.values[p][:, c])
        np.testing.assert_allclose(anim.values[p], 2.0 * list(data.values())[p])
        assert ax.get_ylim() == pytest.approx(anim.vlim[p])  # the colour bar's
        label = colorbar_labels(anim.units, None, 2)[p]
        assert ax.get_ylabel() == label == anim.colorbars[p].ax.get_ylabel()


def test_shared_scale_labels_the_first_only(info16):
    anim = animate_coefs({"A": _data(), "B": _data(seed=1)}, info16, units="a.u.",
                         time_unit="ms", **FAST)  # fmt: skip
    first, second = anim.butterfly_axes
    assert first.get_ylabel() == "a.u." and second.get_ylabel() == ""
    assert first.get_ylim() == second.get_ylim() == pytest.approx(anim.vlim)
    assert first.get_xlabel() == "Time (ms)"
    np.testing.assert_allclose(_traces(first)[anim.sensors.ch_names[0]][0],
                               TIMES * 1e3)  # fmt: skip


def test_decim_draws_the_frames_shown(info16):
    """With decim, the traces are the values of the frames shown (the masks
    are known at those), the cursor at each frame's own time."""
    mask = np.abs(_data(seed=3)) > 2
    anim = animate_coefs(_data(), info16, decim=3, mask=mask, **FAST)
    assert len(anim) == 3
    (ax,) = anim.butterfly_axes
    x, y = _traces(ax)[anim.sensors.ch_names[2]]
    np.testing.assert_array_equal(x, TIMES[::3])
    np.testing.assert_array_equal(y, _data()[::3, 2])
    anim.show_frame(2)
    cursor = ax.lines[-1]
    assert cursor.get_xdata()[0] == pytest.approx(TIMES[6])


def test_mask_marks_the_significant_stretches(info16):
    data = _data()
    mask = np.zeros(data.shape, bool)
    mask[2:5, 3] = True  # a stretch
    mask[6, 3] = True  # a lone sample: a dot
    mask[0:8, 7] = True
    anim = animate_coefs(data, info16, mask=mask, **FAST)
    (ax,) = anim.butterfly_axes
    marked = {line.get_label()[1:].removesuffix(" (significant)"): line
              for line in ax.lines if line.get_label().endswith("(significant)")}
    names = anim.sensors.ch_names
    assert set(marked) == {names[3], names[7]}
    for c in (3, 7):
        y = np.asarray(marked[names[c]].get_ydata())
        np.testing.assert_array_equal(~np.isnan(y), anim.masks[0][:, c])
        np.testing.assert_array_equal(y[~np.isnan(y)], anim.values[0][mask[:, c], c])
        assert marked[names[c]].get_linewidth() > 1
    assert marked[names[3]].get_markevery() == [6]  # the lone sample


def _placer(ax, dpi, height):
    """Return ``(x, y) -> (row, col)``: where ``ax`` puts data in frames at ``dpi``."""
    fig = ax.figure
    original = fig.dpi
    fig.set_dpi(dpi)
    try:
        FigureCanvasAgg(fig).draw()
        transform = ax.transData.frozen()
    finally:
        fig.set_dpi(original)

    def place(x, y):
        px, py = transform.transform((x, y))
        return int(height - py), int(px)

    return place


def _cursor_columns(frame_rgb, ax, place):
    """Columns of the red cursor's pixels inside the butterfly axes."""
    (row0, col0), (row1, col1) = (
        place(*corner) for corner in ((ax.get_xlim()[0], ax.get_ylim()[1]),
                                      (ax.get_xlim()[1], ax.get_ylim()[0]))
    )  # fmt: skip
    box = frame_rgb[row0:row1, col0 - 2 : col1 + 3].astype(int)
    red = (box[..., 0] > 180) & (box[..., 1] < 120) & (box[..., 2] < 120)
    return np.flatnonzero(red.sum(axis=0) > 0.5 * (row1 - row0)) + col0 - 2


def test_gif_shows_traces_and_a_moving_cursor(info16, tmp_path):
    data = _data()
    data[:, 5] = np.linspace(-40, 40, N_TIMES)  # a steep trace, clear of others
    anim = animate_coefs(data, info16, vlim=(-50, 50), **FAST)
    path = anim.save(tmp_path / "anim.gif")
    (ax,) = anim.butterfly_axes
    with Image.open(path) as gif:
        frames = []
        for k in range(gif.n_frames):
            gif.seek(k)
            frames.append(np.asarray(gif.convert("RGB")))
    assert len(frames) == N_TIMES
    place = _placer(ax, anim.dpi, frames[0].shape[0])
    # a point of the steep trace, between two samples: grey ink, not background
    x = (TIMES[3] + TIMES[4]) / 2
    row, col = place(x, np.interp(x, TIMES, data[:, 5]))
    assert frames[-1][row - 1 : row + 2, col - 1 : col + 2].min() < 200
    columns = [_cursor_columns(f, ax, place) for f in frames]
    assert all(len(c) for c in columns)
    centres = [c.mean() for c in columns]
    assert np.all(np.diff(centres) > 0)  # the cursor moves right, frame by frame
    for k in (0, N_TIMES - 1):
        want = place(TIMES[k], 0.0)[1]
        assert abs(centres[k] - want) <= 1.5


def test_mp4_shows_traces(info16, tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    data = _data()
    data[:, 5] = np.linspace(-40, 40, N_TIMES)
    anim = animate_coefs(data, info16, vlim=(-50, 50), **FAST)
    frames, _ = decode_video(anim.save(tmp_path / "anim.mp4"))
    (ax,) = anim.butterfly_axes
    place = _placer(ax, anim.dpi, frames[0].shape[0])
    x = (TIMES[3] + TIMES[4]) / 2
    row, col = place(x, np.interp(x, TIMES, data[:, 5]))
    assert frames[-1][row - 1 : row + 2, col - 1 : col + 2].min() < 200
    # far from any trace (above the highest value), the background is white
    top, _ = place(x, 48.0)
    assert frames[-1][top, col].min() > 230


@pytest.mark.slow  # 15 full draws of a figure with five axes: ~5 s
def test_composed_equals_drawn_with_scores_and_mask(info16):
    data = {"A": _data()[:3], "B": -_data(seed=2)[:3]}
    mask = np.abs(_data(seed=3)[:3]) > 1
    anim = animate_coefs(data, info16, mask=mask, scores=np.linspace(0.4, 0.8, 3),
                         score_params=dict(label="AUC"),
                         **{**FAST, "times": TIMES[:3]})  # fmt: skip
    # two butterfly cursors and the score's: all stored, none drawn per frame
    assert len(anim._cfig.layers.cursors) == 3
    assert_composed_equals_drawn(anim)


def test_off_by_default_and_checked(info16):
    anim = animate_coefs(_data(), info16, times=TIMES, res=32, dpi=50, show=False)
    assert anim.butterfly_axes == []
    with pytest.raises(TypeError, match="butterfly must be a bool; got str"):
        animate_coefs(_data(), info16, times=TIMES, butterfly="yes", show=False)


def test_plot_coefs_one_frame_has_it_a_sheet_refuses(info16):
    from mne_coefanim import plot_coefs

    fig = plot_coefs(_data(), info16, time=0.03, **{**FAST, "show": False})
    (ax,) = [a for a in fig.axes if a.get_xlabel() == "Time (s)"]
    (cursor,) = [line for line in ax.lines if line.get_label().startswith("_child")
                 and line.get_color() == "C3"]  # fmt: skip
    assert cursor.get_xdata()[0] == pytest.approx(0.03)  # at the frame shown
    with pytest.raises(ValueError, match=r"a sheet of maps \(time=\[0, 0.03\]\) has"):
        plot_coefs(_data(), info16, time=[0, 0.03], **{**FAST, "show": False})


def test_frequency_rows_are_refused(info16):
    data = np.stack([_data(seed=s) for s in range(2)])
    with pytest.raises(ValueError, match=r"2 frequency rows\. Pick one frequency with "
                       r"coef_params=dict\(fmin=\.\.\., fmax=\.\.\.\)"):  # fmt: skip
        animate_coefs(data, info16, dims=("freq", "time", "channel"),
                      coef_params=dict(freqs=[6.0, 10.0]), **FAST)  # fmt: skip
    anim = animate_coefs(data, info16, dims=("freq", "time", "channel"),
                         coef_params=dict(freqs=[6.0, 10.0], fmin=10, fmax=10),
                         **FAST)  # fmt: skip
    np.testing.assert_array_equal(_traces(anim.butterfly_axes[0])[
        anim.sensors.ch_names[0]][1], anim.values[0][:, 0])  # fmt: skip


def test_viewer_page_places_its_values_on_the_traces(info16, tmp_path):
    """The page's own data (read from the saved file): its values are the
    traces, and its maps put them where the figure drew them."""
    data = {"A": _data(), "B": 2 * _data(seed=1)}
    anim = animate_coefs(data, info16, vlim="each", **FAST)
    page = anim.save(tmp_path / "anim.html").read_text(encoding="utf-8")
    meta = viewer_meta(page)
    shape = anim._frame_shape(anim.dpi)
    assert [bf["panel"] for bf in meta["butterfly"]] == [0, 1]
    for p, (bf, ax) in enumerate(zip(meta["butterfly"], anim.butterfly_axes,
                                     strict=True)):  # fmt: skip
        values = np.asarray(meta["values"][p])  # the page's values, reused
        np.testing.assert_allclose(values, anim.values[p], rtol=1e-3)
        c, place = 4, _placer(ax, anim.dpi, shape[0])
        rows, cols = zip(*(place(t, y) for t, y in zip(TIMES, _traces(ax)[
            anim.sensors.ch_names[c]][1], strict=True)), strict=True)  # fmt: skip
        # pixel = a * value + b, as the figure's artists place them
        assert np.abs(bf["xa"] * np.asarray(meta["t"]) + bf["xb"] - cols).max() <= 1
        assert np.abs(bf["ya"] * values[:, c] + bf["yb"] - rows).max() <= 1
        left, top = place(ax.get_xlim()[0], ax.get_ylim()[1])[::-1]
        assert bf["box"][:2] == pytest.approx([left, top], abs=1)
    plain = animate_coefs(_data(), info16, times=TIMES, res=32, dpi=50, show=False)
    plain._map_region = None  # (set by saving)
    assert "butterfly" not in plain._viewer_meta((10, 10), 10.0, frames=[0])


def test_cli_butterfly(tmp_path, capsys):
    from conftest import run

    np.save(tmp_path / "c.npy", _data(32))
    out = tmp_path / "a.gif"
    code, _, err = run(capsys, "render", str(tmp_path / "c.npy"), "--montage",
               "standard_1020", "--ch-names", ",".join(make_info(
                   n_channels=32).ch_names), "--sfreq", "100", "--res", "32",
               "--dpi", "40", "--butterfly", "-o", str(out))  # fmt: skip
    assert code == 0 and out.exists(), err
    with Image.open(out) as gif:
        plain = animate_coefs(_data(32), make_info(n_channels=32), res=32, dpi=40,
                              times=np.arange(N_TIMES) / 100, show=False)  # fmt: skip
        # the butterfly band makes the frames taller than without it
        assert gif.size[1] > plain._frame_shape(40)[0]


# -- the viewer, in headless Chromium (skipped without it, as test_viewer's) -----

ORANGE = np.array([255, 127, 14])  # the viewer's highlight (#ff7f0e)


def _orange(rgb):
    return np.abs(rgb.astype(int) - ORANGE).max(axis=-1) <= 40


def _orange_canvas(driver, shape):
    """Orange pixels of the canvas, and its scale to the frame (shown at dpi=100)."""
    rgb = _canvas_rgb(driver, whole=True)
    return _orange(rgb), rgb.shape[1] / shape[1]


def _near(orange, scale, x, y, half=2):
    """The orange pixels around frame pixel (x, y)."""
    row, col, half = int(y * scale), int(x * scale), int(np.ceil(half * scale))
    return orange[row - half : row + half + 1, col - half : col + half + 1]


@pytest.mark.slow  # a page saved and read back 4 times in Chromium: ~3 s
def test_viewer_highlights_and_names_traces(browser, info16, tmp_path):
    driver = browser
    data = _data()
    steep = 5
    data[:, steep] = np.linspace(-45, 45, N_TIMES)  # clear of the others early on
    anim = animate_coefs(data, info16, vlim=(-50, 50), units="µV",
                         **{**FAST, "dpi": 64})  # fmt: skip
    path = anim.save(tmp_path / "anim.html")
    shape = anim._frame_shape(anim.dpi)
    meta = anim._viewer_meta(shape, anim.fps)
    (bf,) = meta["butterfly"]
    _open(driver, path)
    driver.execute_script(
        f"const r = {ROOT}; if (r.getAttribute('data-playing') === '1') "
        "r.querySelector('.cav-play').click();"
    )
    frame = driver.execute_script(f"return {ROOT}.getAttribute('data-frame')")
    assert not _orange_canvas(driver, shape)[0].any()  # nothing highlighted yet

    def trace_point(t, c):  # frame pixel (x, y) of channel c's trace at time t
        return (bf["xa"] * t + bf["xb"],
                bf["ya"] * np.interp(t, TIMES, anim.values[0][:, c]) + bf["yb"])

    # a click on a sensor of the map highlights its trace and the sensor
    c = 9
    sx, sy = meta["maps"][0]["pos"][c]
    _point_at(driver, sx, sy).click().perform()
    name = anim.sensors.ch_names[c]
    _wait(driver, f"return {ROOT}.getAttribute('data-channel') === '{name}'")
    orange, scale = _orange_canvas(driver, shape)
    for t in (TIMES[1:] + TIMES[:-1]) / 2:  # between samples, along the trace
        x, y = trace_point(t, c)
        assert _near(orange, scale, x, y).any(), (t, x, y)
    assert _near(orange, scale, sx, sy, half=8).sum() >= 8  # the ring
    bottom = int((max(bf["box"][3], meta["maps"][0]["box"][3]) + 2) * scale)
    assert not orange[bottom:].any()  # nothing else turned orange
    # playback untouched: a click on a sensor does not play
    assert driver.execute_script(f"return {ROOT}.getAttribute('data-playing')") != "1"

    # hovering a trace names its channel, and moves nothing
    t = (TIMES[1] + TIMES[2]) / 2  # the steep trace at -26, the others within 9
    assert np.abs(np.delete(anim.values[0][1:3], steep, axis=1)).max() < 9
    _point_at(driver, *trace_point(t, steep)).perform()
    _wait(driver, f"return {ROOT}.querySelector('.cav-tip').textContent !== ''")
    assert _tip(driver).startswith(anim.sensors.ch_names[steep] + ": ")
    assert " µV at " in _tip(driver)
    assert driver.execute_script(f"return {ROOT}.getAttribute('data-frame')") == frame

    # a click on that trace highlights it instead; a second click: none
    _point_at(driver, *trace_point(t, steep)).click().perform()
    steep_name = anim.sensors.ch_names[steep]
    _wait(driver, f"return {ROOT}.getAttribute('data-channel') === '{steep_name}'")
    orange, scale = _orange_canvas(driver, shape)
    assert _near(orange, scale, *trace_point(TIMES[1], steep)).any()
    _point_at(driver, *trace_point(t, steep)).click().perform()
    _wait(driver, f"return {ROOT}.getAttribute('data-channel') === ''")
    assert not _orange_canvas(driver, shape)[0].any()
    assert driver.execute_script(f"return {ROOT}.getAttribute('data-frame')") == frame
