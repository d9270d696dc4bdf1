"""What the compositor draws once (compose/_pictures.py).

The probe renders: which output pixel shows which map cell, at any size.
Each map cell has one code, ``panel * res**2 + cell``,
written in 24 bits of RGB; codes beyond one render's room go to further
renders. These tests check the codes against the geometry, beyond the sizes
the first encoding held (res 512, 64 panels), and the split over renders.

The cursor and markers drawn once for all frames: as the frames drawn
whole (what a frame without them becomes), within the palette's rounding.
"""

import numpy as np
import pytest
from conftest import compare_frame, make_info, time_label_box

from mne_coefanim import animate_coefs
from mne_coefanim.compose import _compose
from mne_coefanim.compose import _pictures as _probe
from mne_coefanim.compose._compose import FrameCompositor, PaletteLookup
from mne_coefanim.compose._pictures import (
    _spaced_groups,
    decode_raw_cells,
    probe,
)


def panels(info, n_panels, res, dpi, **kwargs):
    rng = np.random.default_rng(n_panels)
    data = {f"p{k}": rng.standard_normal((2, len(info.ch_names)))
            for k in range(n_panels)}  # fmt: skip
    return animate_coefs(data, info, times=[0.0, 0.01], res=res, dpi=dpi,
                         show=False, verbose=False, **kwargs)  # fmt: skip


def probe_renders(anim):
    """The probe renders of an animation's figure, at its dpi."""
    layers = anim._cfig.layers  # the figure/compositor contract
    compositor = FrameCompositor(layers, anim.dpi)
    with compositor.rendering():
        return probe(layers, compositor._render)


def pixel_cells(anim, pixels, shape, panel):
    """The (row, col) of the map cell under each pixel's centre, in panel."""
    interp = anim.interp
    rows, cols = np.divmod(pixels, shape[1])
    display = np.column_stack([cols + 0.5, shape[0] - rows - 0.5])
    x, y = anim.map_axes[panel].transData.inverted().transform(display).T
    left, right, bottom, top = interp.extent
    fx = (x - left) / (right - left) * interp.res
    fy = (y - bottom) / (top - bottom) * interp.res
    return fy, fx


def test_cells_beyond_res_512(info):
    """At res 640 (past the first encoding's 18 bits of cell), in 2 panels.

    Each pixel's decoded cell is the cell holding its centre, as matplotlib's
    nearest resampling picks it (off by one only on a cell boundary).
    """
    res = 640
    anim = panels(info, 2, res, 60, image_interp="linear")  # the same cells
    renders = probe_renders(anim)
    assert len(renders["index"]) == 1  # 2 x 320,000 codes fit one render
    shape = renders["black"].shape[:2]
    pixels, panel, cell = decode_raw_cells(renders["index"], anim.interp,
                                           renders["reach"])  # fmt: skip
    cell_row, cell_col = np.divmod(cell, res)
    for p in range(2):
        here = panel == p
        assert here.sum() > 10_000
        fy, fx = pixel_cells(anim, pixels[here], shape, p)
        for decoded, position in ((cell_col[here], fx), (cell_row[here], fy)):
            off = decoded - np.floor(position)
            on_boundary = np.abs(position - np.round(position)) < 1e-6
            assert ((off == 0) | (on_boundary & (np.abs(off) <= 1))).all()
    # the two maps take the same number of pixels, give or take a row
    counts = np.bincount(panel)
    assert len(counts) == 2 and abs(counts[0] - counts[1]) < 0.02 * counts[0]


@pytest.mark.parametrize("codes_per_render", [97, 301])
def test_codes_split_over_renders(info, monkeypatch, codes_per_render):
    """Codes past one render's room (res above ~4000, or many panels at a
    large res) go to further renders: the same cells, the same frames."""
    anim = panels(info, 2, 32, 50, mask=np.ones((2, 32), bool))
    n_inside = int(anim.interp.inside.sum())
    assert n_inside > codes_per_render  # a panel's cells span renders
    one = probe_renders(anim)
    expected = decode_raw_cells(one["index"], anim.interp)
    first = list(anim.iter_frames())
    monkeypatch.setattr(_probe, "CODES_PER_RENDER", codes_per_render)
    split = probe_renders(anim)
    index = split["index"]
    assert len(index) == -(-2 * anim.interp.res**2 // codes_per_render)
    # every render covers the same pixels (cells of other renders are black)
    for render in index[1:]:
        assert np.array_equal(render[..., 3], index[0][..., 3])
    # and each map pixel reads a code in exactly one of them
    coded = [
        (render[..., 3] == 255) & (render[..., :3] != 0).any(axis=-1)
        for render in index
    ]
    assert (np.sum(coded, axis=0) <= 1).all()
    got = decode_raw_cells(index, anim.interp)
    for a, b in zip(got, expected, strict=True):
        assert np.array_equal(a, b)
    frames = list(anim.iter_frames())
    assert all(np.array_equal(a, b) for a, b in zip(frames, first, strict=True))
    assert compare_frame(anim, 1)[2].max("map") == 0


def test_more_than_64_panels(info):
    """The first encoding held 64 panels; a 65th showed no map of its own."""
    n_panels = 65
    anim = panels(info, n_panels, 8, 10, colorbar=False, sensors=False)
    renders = probe_renders(anim)
    pixels, panel, _ = decode_raw_cells(renders["index"], anim.interp)
    counts = np.bincount(panel, minlength=n_panels)
    assert len(counts) == n_panels
    assert counts.min() > 0.9 * counts.max()
    # each panel's pixels lie in its own axes
    shape = renders["black"].shape[:2]
    for p in (0, 63, 64):
        cols = pixels[panel == p] % shape[1]
        box = anim.map_axes[p].get_window_extent()
        assert box.x0 - 1 <= cols.min() and cols.max() <= box.x1 + 1


def test_label_reaching_a_map_leaves_the_white_render_white(info):
    """A long score label reaches near a map: the white render is made again
    with that axes shown, from white maps (it was made from the index
    renders' codes: every map composed nearly black)."""
    anim = animate_coefs({"A": np.ones((2, 32)), "B": -np.ones((2, 32))}, info,
                         times=[0.0, 0.01], res=24, dpi=40, scores=[0.5, 0.9],
                         score_params=dict(label="AUC" + "x" * 20), show=False,
                         verbose=False)  # fmt: skip
    renders = probe_renders(anim)
    white = renders["white"][..., :3]
    index = renders["index"][0]
    on_cells = index[..., 3] > 0
    assert (white[on_cells] >= 250).mean() > 0.9  # white maps, not codes


LOOKUP_SLACK = 2 * np.sqrt(3) * 3.5  # the palette lookup's documented slack


def _frames(anim, dpi, drawn_per_frame=False, monkeypatch=None):
    if drawn_per_frame:  # no stored cursor, markers: every frame drawn whole
        monkeypatch.setattr(
            _compose, "_overlay_inks",
            lambda layers, *a: (None, [None] * len(layers.mask_lines)),
        )  # fmt: skip
    frames = [frame.copy() for frame in anim.iter_frames(dpi=dpi)]
    monkeypatch.undo() if drawn_per_frame else None
    return frames


def _animation(n_times=40, **kwargs):
    rng = np.random.default_rng(3)
    info = make_info(n_channels=32)
    data = rng.standard_normal((n_times, 32))
    times = -0.1 + np.arange(n_times) / 100.0
    return animate_coefs(data, info, times=times, res=48, show=False, **kwargs)


@pytest.mark.parametrize("dpi", [40, 72, pytest.param(100, marks=pytest.mark.slow),
                                 pytest.param(150, marks=pytest.mark.slow)])
@pytest.mark.parametrize("option", ["scores", "mask", "both", "ms"])
def test_frames_equal_the_artists_drawn_per_frame(option, dpi, monkeypatch):
    """Stored cursor and markers against frames drawn whole, at any dpi.

    Without stored pictures, a frame is the reference draw mapped to the
    palette, exactly. What changed: until frames without stored pictures
    were drawn whole, they blended the artists drawn alone onto the composed
    frame, and this test required the stored ones to equal that byte for
    byte. Now the stored ones are held to the reference's bound
    (test_reference.py: the drawn colour's distance to the palette, plus
    the lookup's slack and the blend's rounding, twice), but for a pixel or
    two per frame: an ink's edge over a partly covered map pixel is a blend
    of a blend, which also carries that pixel's rounding to the palette.
    """
    rng = np.random.default_rng(dpi)
    kwargs = {}
    if option in ("scores", "both", "ms"):
        kwargs.update(scores=0.5 + 0.1 * rng.standard_normal((6, 40)),
                      score_params=dict(chance=0.5))  # fmt: skip
    if option in ("mask", "both"):
        kwargs.update(mask=rng.random((40, 32)) > 0.6)
    if option == "ms":
        kwargs.update(time_unit="ms")
    anim = _animation(**kwargs)
    fast = _frames(anim, dpi)
    slow = _frames(anim, dpi, drawn_per_frame=True, monkeypatch=monkeypatch)
    assert len(fast) == len(slow) == 40
    lookup = PaletteLookup(anim.palette)
    for k, drawn in enumerate(anim.iter_frames(method="draw", dpi=dpi)):
        np.testing.assert_array_equal(slow[k], lookup(drawn), err_msg=f"frame {k}")
        # the label: one text drawn, one picture per character pasted in
        # files, so glyphs may sit a pixel apart (the figure is at dpi here)
        box = time_label_box(anim, anim.fig.canvas.get_renderer()).padded(3)
        rows, cols = np.indices(drawn.shape[:2])
        label = ((cols + 0.5 >= box.x0) & (cols + 0.5 <= box.x1)
                 & (drawn.shape[0] - rows - 0.5 >= box.y0)
                 & (drawn.shape[0] - rows - 0.5 <= box.y1))  # fmt: skip
        want = drawn[~label].astype(float)
        error = np.sqrt(((anim.palette[fast[k]][~label] - want) ** 2).sum(-1))
        nearest = np.sqrt(((anim.palette[lookup(drawn)][~label] - want) ** 2).sum(-1))
        allowed = nearest + 2 * (LOOKUP_SLACK + np.sqrt(3) * 0.5)
        assert (error > allowed + 1e-9).sum() <= 2, (k, (error - allowed).max())
        # where the drawn colour is in the palette, exact but for such blends
        # (the map's antialiased edge is one: a blend that lands on a palette
        # colour by chance, about 0.1 % of these pixels at 40 dpi)
        assert (error[nearest == 0] == 0).mean() > 0.998
    # the cursor and the markers did show: frames differ from one another
    assert not np.array_equal(fast[0], fast[20])


def test_the_overlays_are_stored_and_used(monkeypatch):
    rng = np.random.default_rng(0)
    anim = _animation(scores=rng.random((5, 40)), score_params=dict(chance=0.5),
                      mask=rng.random((40, 32)) > 0.5)  # fmt: skip
    made = []
    original = _compose._overlay_inks
    monkeypatch.setattr(_compose, "_overlay_inks",
                        lambda *a: made.append(original(*a)) or made[-1])  # fmt: skip
    list(anim.iter_frames())
    cursor, markers = made[0]
    assert cursor is not None and len(cursor) == 40
    assert all(len(pixels) > 0 for pixels, _ in cursor)
    assert markers[0] is not None and set(markers[0].keys) == set(range(32))


def test_touching_markers_are_drawn_per_frame(monkeypatch):
    """Markers whose boxes meet would blend differently cut out: not stored."""
    rng = np.random.default_rng(0)
    anim = _animation(mask=rng.random((40, 32)) > 0.5, mask_params=dict(markersize=40))
    made = []
    original = _compose._overlay_inks
    monkeypatch.setattr(_compose, "_overlay_inks",
                        lambda *a: made.append(original(*a)) or made[-1])  # fmt: skip
    frames = list(anim.iter_frames())
    assert made[0] == (None, [None])
    monkeypatch.undo()
    # and the frames still show the markers, drawn per frame
    assert not np.array_equal(frames[0], frames[1])


def test_cursor_positions_are_grouped_apart():
    x = np.linspace(0.0, 100.0, 500)
    groups = _spaced_groups(x, 9)
    assert sorted(np.concatenate(groups).tolist()) == list(range(500))
    for group in groups:
        assert len(group) <= 40
        assert np.diff(np.sort(x[group])).min() >= 9
