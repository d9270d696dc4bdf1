"""A sheet of maps for print: plot_coefs(time=[...] | 'peaks')."""

import io
import re
import xml.etree.ElementTree as ET

import matplotlib as mpl
import numpy as np
import pytest
from conftest import make_info, map_rgba, mask_lines, time_label
from matplotlib.collections import QuadMesh
from PIL import Image

from mne_coefanim import animate_coefs, plot_coefs
from mne_coefanim.scene._colors import N_LEVELS, ColorTable

N_TIMES = 41
TIMES = np.round(np.linspace(-0.1, 0.3, N_TIMES), 6)
FAST = dict(res=24, dpi=60, show=False, verbose=False)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def effect():
    """32 channels; a posterior effect peaking at 0.1 s, scores of 5 subjects."""
    info = make_info(n_channels=32)
    rng = np.random.default_rng(7)
    envelope = np.exp(-0.5 * ((TIMES - 0.1) / 0.03) ** 2)
    pattern = rng.standard_normal(32)
    subjects = envelope[:, None] * pattern + 0.3 * rng.standard_normal((5, N_TIMES, 32))
    scores = 0.5 + 0.3 * envelope + 0.02 * rng.standard_normal((5, N_TIMES))
    mask = np.abs(subjects.mean(axis=0)) > 0.5  # a given mask, some channels
    return dict(data=subjects, info=info, times=TIMES, dims="subjects, times, "
                "channels", scores=scores, score_params=dict(chance=0.5),
                mask=mask)  # fmt: skip


def _map_axes(fig):
    return [ax for ax in fig.axes if ax.images]


def _gid_lines(fig, gid):
    return [line for ax in fig.axes for line in ax.lines if line.get_gid() == gid]


def _sheet_and_animation(effect, times, **kwargs):
    sheet = plot_coefs(**effect, time=times, **FAST, **kwargs)
    anim = animate_coefs(**effect, **FAST, **kwargs)
    frames = [int(np.argmin(np.abs(anim.times - t))) for t in times]
    return sheet, anim, frames


# -- what the sheet shows -------------------------------------------------------------


def test_score_stats_bar_as_in_the_animation(effect):
    """The sheet's score panel carries score_stats' bar and its meaning."""
    kwargs = {k: v for k, v in effect.items() if k not in ("scores", "score_params")}
    scores = effect["scores"][:, np.newaxis]  # (subjects, 1 fold, times)
    score_params = dict(effect["score_params"], stats="fdr")
    sheet, anim, _ = _sheet_and_animation(
        kwargs, [0.0, 0.1], scores=scores, score_params=score_params
    )
    significant = anim.scores.significant
    assert significant.any() and not significant.all()
    score_ax = next(ax for ax in sheet.axes if ax.get_xlabel().startswith("Time"))
    texts = [t.get_text() for t in score_ax.texts]
    assert anim.scores.significance in texts
    (bars,) = [c for c in score_ax.collections if hasattr(c, "get_segments")
               and len(c.get_segments()) and c.get_linewidth()[0] > 2]  # fmt: skip
    covered = np.zeros(len(anim.times), bool)
    for (x0, _), (x1, _) in bars.get_segments():
        covered |= (anim.times >= x0 - 1e-9) & (anim.times <= x1 + 1e-9)
    np.testing.assert_array_equal(covered, significant)


def test_one_map_per_time_titled_with_its_time(effect):
    sheet, anim, frames = _sheet_and_animation(effect, [0.0, 0.1, 0.2])
    titles = [ax.get_title() for ax in _map_axes(sheet)]
    assert titles == [anim.time_labels[k] for k in frames]
    assert titles == ["0.000 s", "0.100 s", "0.200 s"]


def test_map_pixels_equal_the_animation_frame_mask_and_fade_included(effect):
    times = [-0.05, 0.1, 0.25]
    sheet, anim, frames = _sheet_and_animation(effect, times, mask_params=dict(dim=0.5))
    for ax, k in zip(_map_axes(sheet), frames, strict=True):
        anim.show_frame(k)
        image = ax.images[0]
        shown = np.asarray(image.to_rgba(image.get_array(), bytes=True))
        np.testing.assert_array_equal(shown, map_rgba(anim))
        # the mask markers sit on the same channels as the animation's
        (marks,) = [line for line in ax.lines if line.get_gid().startswith("mask")]
        np.testing.assert_array_equal(
            np.asarray(marks.get_xydata()), mask_lines(anim)[0].get_xydata()
        )
    # the fade shows: at 0.1 s, cells nearest a non-significant channel take
    # the table's colours faded halfway to white, the others the table's own
    image = _map_axes(sheet)[1].images[0]
    colors = np.asarray(image.to_rgba(image.get_array(), bytes=True))
    colors = colors[anim.interp.inside][:, :3]
    significant = anim.masks[0, frames[1]][anim.interp.nearest_channel]
    assert significant.any() and not significant.all()
    table = ColorTable.create("RdBu_r", *anim.vlim, n_levels=N_LEVELS // 2)
    plain, faded = table.colors, table.faded(0.5, N_LEVELS // 2).colors
    assert _rows_in(colors[significant], plain)
    assert _rows_in(colors[~significant], faded)


def _rows_in(rows, table):
    return bool((rows[:, None, :] == table[None]).all(axis=-1).any(axis=1).all())


def test_saved_png_pixels_are_the_animation_colours(effect, tmp_path):
    """A rendered check: cell centres away from sensors show the frame's colour."""
    sheet, anim, frames = _sheet_and_animation(effect, [0.1, 0.2])
    path = tmp_path / "sheet.png"
    sheet.savefig(path, dpi=60)
    png = np.asarray(Image.open(path).convert("RGB"))
    interp = anim.interp
    xi, yi = np.meshgrid(interp.xi, interp.yi)
    distance = np.hypot(
        xi[..., None] - anim.sensors.pos[:, 0], yi[..., None] - anim.sensors.pos[:, 1]
    ).min(axis=-1)
    radius = anim.sensors.sphere[3]
    cells = interp.inside & (distance > 0.15 * radius) & (
        np.hypot(xi - anim.sensors.sphere[0], yi - anim.sensors.sphere[1])
        < 0.8 * radius
    )  # fmt: skip
    assert cells.sum() >= 20
    for ax, k in zip(_map_axes(sheet), frames, strict=True):
        anim.show_frame(k)
        expected = map_rgba(anim)[cells][:, :3]
        x, y = ax.transData.transform(np.column_stack([xi[cells], yi[cells]])).T
        rows = np.floor(png.shape[0] - y).astype(int)
        got = png[rows, np.floor(x).astype(int)]
        np.testing.assert_array_equal(got, expected)


def test_one_colour_bar_with_the_animation_colours(effect):
    sheet, anim, _ = _sheet_and_animation(effect, [0.0, 0.1, 0.2, 0.3])
    maps, scores = _map_axes(sheet), _score_axes(sheet)
    others = [ax for ax in sheet.axes if ax not in maps and ax is not scores]
    assert len(others) == 1  # one colour bar for all maps
    (solids,) = [c for c in others[0].collections if isinstance(c, QuadMesh)]
    np.testing.assert_allclose(solids.cmap.colors, anim.colorbars[0].cmap.colors)
    assert others[0].get_ylim() == pytest.approx(anim.vlim)


def _score_axes(fig):
    (ax,) = [ax for ax in fig.axes if ax.get_ylabel() == "Score"]
    return ax


@pytest.mark.parametrize("time_unit, scale", [("s", 1.0), ("ms", 1e3)])
def test_score_markers_at_the_chosen_times(effect, time_unit, scale):
    times = [0.0, 0.12, 0.25]
    sheet = plot_coefs(**effect, time=times, time_unit=time_unit, **FAST)
    (markers,) = _gid_lines(sheet, "time-markers")
    assert markers.axes is _score_axes(sheet)
    np.testing.assert_allclose(markers.get_xdata(), np.array(times) * scale)
    mean = effect["scores"].mean(axis=0)
    np.testing.assert_allclose(markers.get_ydata(), mean[[10, 22, 35]])
    # and what the band is, on the panel
    texts = [t.get_text() for t in _score_axes(sheet).texts]
    assert "± SEM across 5 subjects" in texts


def test_peaks_of_the_scores(effect):
    sheet = plot_coefs(**effect, time="peaks", **FAST)
    assert [ax.get_title() for ax in _map_axes(sheet)] == ["0.100 s"]


# -- layout ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n_maps, ncols, rows",
    [(7, None, [7]), (6, None, [6]), (8, None, [8]), (9, None, [5, 4]),
     (10, None, [5, 5]), (12, None, [6, 6]), (7, 3, [3, 3, 1]), (7, 7, [7])],
)  # fmt: skip
def test_maps_wrap_after_ncols(effect, n_maps, ncols, rows):
    times = list(np.linspace(-0.1, 0.2, n_maps))
    sheet = plot_coefs(**effect, time=times, ncols=ncols, **FAST)
    boxes = [ax.get_position() for ax in _map_axes(sheet)]
    bottoms = [round(box.y0, 6) for box in boxes]
    # rows from the top down, times in the order given
    assert [bottoms.count(b) for b in sorted(set(bottoms), reverse=True)] == rows
    assert bottoms == sorted(bottoms, reverse=True)
    # columns: each row's maps left to right, in the first row's columns
    lefts = [round(box.x0, 6) for box in boxes]
    first, start = lefts[: rows[0]], 0
    assert first == sorted(first) and len(set(first)) == rows[0]
    for n in rows:
        assert lefts[start : start + n] == first[:n]
        start += n


def test_six_maps_fill_one_row(effect):
    """MNE's row: no second row, no empty slot; only the colour bar beside."""
    sheet = plot_coefs(**effect, time=list(np.linspace(-0.1, 0.2, 6)), **FAST)
    maps = _map_axes(sheet)
    width = sheet.get_figwidth()
    boxes = [ax.get_position() for ax in maps]
    assert len({round(box.y0, 6) for box in boxes}) == 1
    gaps = np.diff([box.x0 for box in boxes]) * width  # inches, map to map
    np.testing.assert_allclose(gaps, gaps[0])
    (bar,) = [ax for ax in sheet.axes if ax not in maps and not ax.get_xlabel()]
    # left of the first map and between the last map and the bar: margins only
    assert boxes[0].x0 * width < 0.2
    assert (bar.get_position().x0 - boxes[-1].x1) * width < 0.2


def test_several_panels_are_rows(effect):
    data = effect["data"]
    kwargs = {**effect, "data": {"early": data, "flipped": -data}, "mask": None}
    sheet = plot_coefs(**kwargs, time=[0.05, 0.1, 0.2], **FAST)
    maps = _map_axes(sheet)
    assert len(maps) == 6
    assert [ax.get_title() for ax in maps] == ["0.050 s", "0.100 s", "0.200 s"] + [
        ""
    ] * 3
    labels = [t.get_text() for ax in maps for t in ax.texts]
    assert labels == ["early", "flipped"]
    # the second row is the first one's sign flipped: the colours mirror
    top, bottom = (maps[1].images[0].get_array(), maps[4].images[0].get_array())
    assert not np.array_equal(top, bottom)
    with pytest.raises(ValueError, match="with 2 panels each row is a panel"):
        plot_coefs(**kwargs, time=[0.1, 0.2], ncols=1, **FAST)


def test_vlim_each_gives_one_colour_bar_per_row(effect):
    data = effect["data"]
    kwargs = {**effect, "data": {"a": data, "b": 3 * data}, "mask": None}
    sheet = plot_coefs(**kwargs, time=[0.1, 0.2], vlim="each", **FAST)
    maps, scores = _map_axes(sheet), _score_axes(sheet)
    assert len([ax for ax in sheet.axes if ax not in maps and ax is not scores]) == 2


def test_contours_are_drawn_on_each_map(effect):
    sheet = plot_coefs(**effect, time=[0.05, 0.1], contours=4, **FAST)
    assert all(ax.collections for ax in _map_axes(sheet))


def test_title_and_no_colour_bar(effect):
    sheet = plot_coefs(**effect, time=[0.1, 0.2], title="Planted", colorbar=False,
                       **FAST)  # fmt: skip
    assert [t.get_text() for t in sheet.texts] == ["Planted"]
    assert len(sheet.axes) == 3  # two maps and the score panel


# -- files for print: vector outlines and sensors, the maps as images -----------------


def test_svg_holds_vector_outlines_and_sensors_and_image_maps(effect):
    sheet = plot_coefs(**effect, time=[0.0, 0.1, 0.2], **FAST)
    buffer = io.StringIO()
    sheet.savefig(buffer, format="svg")
    root = ET.fromstring(buffer.getvalue())
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}
    images = [im.get("id") for im in root.iter(f"{SVG}image")]
    assert [i for i in images if i.startswith("map-")] == ["map-0", "map-1", "map-2"]
    assert len(images) <= 4  # the maps, and at most the colour bar's solids
    for k in range(3):
        for part in ("head", "nose", "ear_left", "ear_right"):
            (path,) = groups[f"outline-{k}-{part}"].iter(f"{SVG}path")
            assert len(path.get("d")) > 20  # a line, not a pixel
        # a marker per sensor, each a use of one vector path
        uses = list(groups[f"sensors-{k}"].iter(f"{SVG}use"))
        assert len(uses) == 32
    marker_defs = [
        p for p in root.iter(f"{SVG}path") if p.get("id", "").startswith("m")
    ]
    assert marker_defs


def test_pdf_holds_vector_paths_and_one_image_per_map(effect, tmp_path):
    sheet = plot_coefs(**effect, time=[0.0, 0.1, 0.2, 0.3], **FAST)
    path = tmp_path / "sheet.pdf"
    with mpl.rc_context({"pdf.compression": 0}):
        sheet.savefig(path)
    pdf = path.read_bytes()
    images = re.findall(rb"/Subtype /Image /Width (\d+) /Height (\d+)", pdf)
    # each map: its colours, opaque, clipped to the head by a vector path
    # (as MNE's: smooth at any zoom), so no soft mask
    assert not re.findall(rb"/SMask \d+ 0 R", pdf)
    assert len(images) <= 4 + 1  # and at most the colour bar's solids
    clips = re.findall(rb"(?:[-\d.]+ [-\d.]+ l\n){100,}h\n\nW n", pdf)
    assert len(clips) == 4
    # head outlines as lines (moveto, lineto, stroke), sensors as marker forms
    assert len(re.findall(rb"\n[-\d.]+ [-\d.]+ l\n", pdf)) > 4 * 100
    assert b"/Subtype /Form" in pdf


# -- one number: as before ------------------------------------------------------------


def test_one_number_still_shows_the_animation_frame(effect):
    fig = plot_coefs(**effect, time=0.1, **FAST)
    anim = animate_coefs(**effect, **FAST)
    assert fig.get_size_inches() == pytest.approx(anim.fig.get_size_inches())
    assert len(fig.axes) == len(anim.fig.axes)
    anim.show_frame(20)
    image = fig.axes[0].images[0]
    np.testing.assert_array_equal(
        np.asarray(image.to_rgba(image.get_array(), bytes=True)), map_rgba(anim)
    )
    assert time_label(anim) == "0.100 s"
    # a numpy number is one number too
    fig = plot_coefs(**effect, time=np.float64(0.1), **FAST)
    assert fig.get_size_inches() == pytest.approx(anim.fig.get_size_inches())


def test_ncols_with_one_number_is_refused(effect):
    with pytest.raises(ValueError, match=r"ncols lays out a sheet .* got ncols=2 "
                       r"with one time=0.1"):  # fmt: skip
        plot_coefs(**effect, time=0.1, ncols=2, **FAST)


@pytest.mark.parametrize("ncols", [0, 2.0, "2"])
def test_bad_ncols(effect, ncols):
    error = ValueError if ncols == 0 else TypeError
    with pytest.raises(error, match="ncols must"):
        plot_coefs(**effect, time=[0.1, 0.2], ncols=ncols, **FAST)


def test_unknown_keyword_is_a_type_error(effect):
    with pytest.raises(TypeError, match="colourbar"):
        plot_coefs(**effect, time=[0.1, 0.2], colourbar=False, **FAST)


# -- the demo -------------------------------------------------------------------------


@pytest.mark.slow
def test_peaks_of_the_demo_are_at_150_ms(tmp_path):
    """The demo's decoding peaks at 150 ms (its simulated load effect)."""
    from mne_coefanim.datasets._demo import load_demo

    study = load_demo(n_subjects=2, n_folds=2, verbose=False)
    sheet = plot_coefs(
        study.normalized_patterns * 1e6,
        study.info,
        times=study.times,
        dims=study.dims,
        scores=study.scores,
        score_params=dict(label="AUC"),
        units="µV",
        time="peaks",
        res=32,
        dpi=60,
        show=False,
        verbose=False,
    )
    titles = [ax.get_title() for ax in _map_axes(sheet)]
    assert titles == ["0.150 s"]
    (markers,) = _gid_lines(sheet, "time-markers")
    np.testing.assert_allclose(markers.get_xdata(), [0.15])
    sheet.savefig(tmp_path / "demo_peaks.png")


@pytest.mark.parametrize("display", ["fade", "panel"])
def test_agreement_shows_as_in_the_animation(effect, display):
    """consistency= fades the maps (or adds a panel) in the sheet as in frames."""
    kwargs = dict(mask=None, consistency=dict(kind="sign", display=display))
    times = [0.0, 0.1]
    sheet, anim, frames = _sheet_and_animation({**effect, **kwargs}, times)
    maps = _map_axes(sheet)
    assert len(maps) == len(times) * len(anim.map_axes)
    for row in range(len(anim.map_axes)):  # one row per panel
        for ax, k in zip(maps[row * 2 : row * 2 + 2], frames, strict=True):
            anim.show_frame(k)
            image = ax.images[0]
            np.testing.assert_array_equal(
                np.asarray(image.to_rgba(image.get_array(), bytes=True)),
                map_rgba(anim, row),
            )


def test_a_generalization_matrix_shows_its_diagonal(effect):
    matrix = 0.5 + 0.01 * np.arange(N_TIMES)[:, None] + np.zeros(N_TIMES)
    np.fill_diagonal(matrix, 0.9)
    kwargs = {**effect, "scores": matrix,
              "score_params": {**effect["score_params"], "matrix": True}}  # fmt: skip
    sheet = plot_coefs(**kwargs, time=[0.0, 0.2], **FAST)
    ax = _score_axes(sheet)
    (curve,) = [line for line in ax.lines if line.get_gid() is None
                and len(line.get_xdata()) == N_TIMES]  # fmt: skip
    np.testing.assert_allclose(curve.get_ydata(), 0.9)
    assert "diagonal (training = testing)" in [t.get_text() for t in ax.texts]


def test_frames_without_times_are_samples(effect):
    kwargs = {**effect, "times": None, "scores": None, "mask": None}
    sheet = plot_coefs(**kwargs, time=[3, 10], **FAST)
    assert [ax.get_title() for ax in _map_axes(sheet)] == ["sample 3", "sample 10"]
    with pytest.raises(ValueError, match=r"0 to 40 \(sample; after tmin"):
        plot_coefs(**kwargs, time=[3, 41], **FAST)
