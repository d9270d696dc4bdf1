import tracemalloc

import numpy as np
import pytest
from conftest import compare_frame, map_visibility, table_colors, time_label_box
from matplotlib.backends.backend_agg import FigureCanvasAgg

from mne_coefanim import animate_coefs
from mne_coefanim.compose._compose import FrameCompositor, PaletteLookup
from mne_coefanim.compose._pictures import probe

FAST = dict(res=32, dpi=50, show=False, verbose=False)
N_TIMES = 5
TIMES = np.linspace(0.0, 0.4, N_TIMES)
# the palette lookup's documented worst case for a colour absent from the
# palette: its nearest colour may be up to 2 * sqrt(3) * 3.5 levels farther
LOOKUP_SLACK = 2 * np.sqrt(3) * 3.5
# what a frame may differ from a full draw of it, in RGB levels (Euclidean):
# * map pixels (the map shows fully): 0. Their colours are the colour
#   tables' (and their dimmed twins'), which the palette holds exactly: a GIF
#   shows them as drawn, so any difference is a wrong cell or panel;
# * blends (under outlines, sensors, mask markers; antialiased chrome; the
#   moving cursor) and chrome beyond the palette's room: the palette has 256
#   colours, so as far as the drawn colour's nearest palette colour, plus the
#   lookup's slack, plus half a level per channel for the blend table's
#   coverage quantised to 1/255 (BLEND_SLACK); the per-frame artists (cursor,
#   time label, markers) are blended onto a frame already snapped to the
#   palette and snapped again: twice that.
BLEND_SLACK = LOOKUP_SLACK + np.sqrt(3) * 0.5


@pytest.fixture
def anim(info, rng):
    anim = animate_coefs(rng.standard_normal((N_TIMES, 32)), info, times=TIMES,
                         **FAST)  # fmt: skip
    anim.anim.pause()  # a plain draw then includes the map and the label
    return anim


def render(fig):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


def layers(anim):
    """The figure/compositor contract (FigureLayers) of an animation's figure.

    These tests check the compositor against its contract, so they build it
    from the figure as CoefAnimation does: the one private read of the tests.
    """
    return anim._cfig.layers


def label_region(anim, shape, pad=3):
    """Pixels of the time label's box (it changes per frame)."""
    canvas = FigureCanvasAgg(anim.fig)
    canvas.draw()
    box = time_label_box(anim, canvas.get_renderer()).padded(pad)
    rows, cols = np.indices(shape)
    height = shape[0]
    return (
        (cols + 0.5 >= box.x0) & (cols + 0.5 <= box.x1)
        & (height - rows - 0.5 >= box.y0) & (height - rows - 0.5 <= box.y1)
    )  # fmt: skip


# -- the map cells under each pixel ----------------------------------------------


def test_cells_are_matplotlib_nearest_resampling(anim):
    """Each pixel shows the cell that contains its centre, as in imshow.

    A cell outside the head that the map's antialiased edge shows in part
    shows its nearest inside cell (``interp.padding``).
    """
    interp = anim.interp
    n_inside = int(interp.inside.sum())
    rank = np.arange(n_inside)
    base = 191  # levels are palette indices < n_levels: write the rank in two digits
    assert n_inside < base**2
    compositor = FrameCompositor(layers(anim), anim.fig.dpi)
    with compositor.rendering():
        compositor.start()
        low = compositor.compose(0, [(rank % base).astype(np.uint8)]).astype(int)
        high = compositor.compose(0, [(rank // base).astype(np.uint8)]).astype(int)
    full = map_visibility(anim) == 1
    assert full.sum() > 1000
    assert low.shape == full.shape
    decoded = (high * base + low)[full]
    assert (low[full] < base).all() and (decoded < n_inside).all()
    # the data coordinates of each pixel's centre
    rows, cols = np.nonzero(full)
    height = full.shape[0]
    display = np.column_stack([cols + 0.5, height - rows - 0.5])
    x, y = anim.map_axes[0].transData.inverted().transform(display).T
    left, right, bottom, top = interp.extent
    fx = (x - left) / (right - left) * interp.res
    fy = (y - bottom) / (top - bottom) * interp.res
    # off by one only for centres on a cell boundary (within rounding)
    on_boundary = np.zeros(len(fx), bool)
    for position in (fx, fy):
        on_boundary |= np.abs(position - np.round(position)) < 1e-6
    cell = np.floor(fy).astype(int) * interp.res + np.floor(fx).astype(int)
    shown = interp.padding[cell]
    assert ((decoded == shown) | on_boundary).all()
    assert (decoded == shown).mean() > 0.99
    padded = ~interp.inside.ravel()[cell]
    assert 0 < padded.sum() < 0.1 * len(cell)  # the edge shows some (res 32)
    assert (decoded[padded] == shown[padded]).all()


def test_palette(anim):
    compositor = FrameCompositor(layers(anim), anim.dpi)
    palette = compositor.palette
    colors = table_colors(anim)
    assert palette.dtype == np.uint8
    assert palette.ndim == 2 and palette.shape[1] == 3
    assert len(colors) < len(palette) <= 256
    assert np.array_equal(palette[: len(colors)], colors)
    # the background and the outlines are exact
    chrome = palette[len(colors) :].tolist()
    assert [255, 255, 255] in chrome and [0, 0, 0] in chrome
    assert compositor.shape == render(anim.fig).shape[:2]


def test_static_frame_outside_map(anim):
    """Away from the map, frame 0 is the figure snapped to the palette."""
    frames = anim.iter_frames()
    first = next(frames)
    frames.close()
    palette = anim.palette.astype(int)
    anim.show_frame(0)
    expected = render(anim.fig)
    assert first.shape == expected.shape[:2]
    static = (map_visibility(anim) == 0) & ~label_region(anim, first.shape)
    assert static.mean() > 0.3
    got = palette[first[static]]
    want = expected[static]
    # the distance from each wanted colour to its nearest palette colour
    colors, which = np.unique(want, axis=0, return_inverse=True)
    distance = np.sqrt(((colors[:, None] - palette[None]) ** 2).sum(-1))
    nearest = distance.min(axis=1)[which.ravel()]
    error = np.sqrt(((got - want) ** 2).sum(-1))
    in_palette = nearest == 0
    assert in_palette.mean() > 0.95  # the chrome is mostly exact
    assert (error[in_palette] == 0).all()
    assert (error <= nearest + LOOKUP_SLACK + 1e-9).all()


def test_partly_covered_pixels_blend_the_map_colour(anim):
    """Under outlines and sensors, a frame shows ``a * map + c`` of its level.

    ``a`` and ``c`` come from renders with a black and a white map; the blend
    table quantises ``a`` to 1/255, at most half a level per channel.
    """
    contract = layers(anim)
    compositor = FrameCompositor(contract, anim.fig.dpi)
    with compositor.rendering():
        renders = probe(contract, compositor._render)
        compositor.start()
        n_levels = contract.palette_tables[0].n_levels
        rank = np.arange(int(anim.interp.inside.sum()))
        shifts = (0, 50, 120)
        frames = [
            compositor.compose(0, [((rank * 7 + shift) % n_levels).astype(np.uint8)])
            for shift in shifts
        ]
    black = renders["black"][..., :3].reshape(-1, 3).astype(float)
    white = renders["white"][..., :3].reshape(-1, 3).astype(float)
    cover = (white - black).mean(axis=-1, keepdims=True) / 255
    palette = compositor.palette.astype(float)
    ((pixels, cells, *_),) = compositor._partial  # one panel
    assert len(pixels) > 100
    for frame, shift in zip(frames, shifts, strict=True):
        level = (cells * 7 + shift) % n_levels
        want = cover[pixels] * palette[level] + black[pixels]
        error = np.sqrt(((palette[frame.ravel()[pixels]] - want) ** 2).sum(-1))
        nearest = np.sqrt(((want[:, None] - palette[None]) ** 2).sum(-1)).min(axis=1)
        assert (error <= nearest + LOOKUP_SLACK + np.sqrt(3) * 0.5 + 1e-9).all()


def test_axes_reaching_over_the_map(anim):
    """An axes placed beside the map whose tick label lies over the map.

    The white probe leaves out axes placed away from the maps; here the
    label's ink reaches the map, so the probe is redone with everything and
    the frames show the label over the map, as the figure does.
    """
    fig = anim.fig
    ax = fig.add_axes([0.76, 0.45, 0.05, 0.1])  # right of the map's box
    ax.set_yticks([0.5], ["W" * 20], fontsize=14)
    frames = anim.iter_frames()
    frame = next(frames)
    frames.close()
    anim.show_frame(0)
    expected = render(fig)
    visibility = map_visibility(anim)
    ax.set_visible(False)
    without = render(fig)
    on_map = map_visibility(anim) == 1
    ax.set_visible(True)
    under_label = (without != expected).any(axis=-1) & (visibility < 0.5) & on_map
    assert under_label.sum() > 50  # the label covers map pixels
    error = np.abs(anim.palette[frame].astype(int) - expected).max(axis=-1)
    missing = np.abs(without - expected).max(axis=-1)  # the map without label
    # blends of thin strokes snap to a 256-colour palette: not exact, but
    # nowhere near the frame that would show the bare map
    assert np.median(error[under_label]) < 0.5 * np.median(missing[under_label])


def test_frames_match_show_frame_on_the_map(anim):
    """iter_frames and show_frame agree where the map shows fully."""
    full = map_visibility(anim) == 1
    frames = list(anim.iter_frames())
    assert len(frames) == N_TIMES
    for k, frame in enumerate(frames):
        anim.show_frame(k)
        expected = render(anim.fig)
        assert np.array_equal(anim.palette[frame[full]], expected[full])
    assert not np.array_equal(frames[0][full], frames[1][full])


def test_memory_does_not_grow_with_frames(info, rng):
    n_frames = 300
    anim = animate_coefs(rng.standard_normal((n_frames, 32)), info,
                         times=np.arange(n_frames) / 100.0, **FAST)  # fmt: skip
    frames = anim.iter_frames()
    first = next(frames)  # the probes and the first chunk are set up
    frame_bytes = first.size * 3  # one RGB frame
    tracemalloc.start()
    try:
        count = 1 + sum(1 for _ in frames)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == n_frames
    assert peak < 20 * frame_bytes  # all frames would be 300 times one


# -- frames against a full draw, at every size ------------------------------------


def panels_animation(info, n_panels, res, dpi, **kwargs):
    """Panels of random maps with a score panel and a mask, 3 frames."""
    rng = np.random.default_rng(res + n_panels)
    n_times, n_channels = 3, len(info.ch_names)
    data = {f"p{k}": rng.standard_normal((n_times, n_channels))
            for k in range(n_panels)}  # fmt: skip
    return animate_coefs(
        data,
        info,
        times=np.arange(n_times) / 100.0,
        res=res,
        dpi=dpi,
        mask=rng.random((n_times, n_channels)) > 0.5,
        scores=0.5 + 0.1 * rng.random(n_times),
        score_params=dict(scoring="roc_auc"),
        show=False,
        verbose=False,
        **kwargs,
    )


def nearest_palette_distance(rgb, palette):
    """Distance (RGB, Euclidean) from each colour to its nearest palette colour."""
    colors, which = np.unique(rgb.reshape(-1, 3), axis=0, return_inverse=True)
    nearest = np.empty(len(colors))
    for start in range(0, len(colors), 4096):  # bounded memory
        chunk = colors[start : start + 4096, np.newaxis].astype(float)
        nearest[start : start + 4096] = np.sqrt(
            ((chunk - palette[np.newaxis]) ** 2).sum(-1)
        ).min(axis=1)
    return nearest[which.ravel()]


def assert_matches_draw(anim, k=1):
    """Frame k equals a full draw on the map; elsewhere up to the palette."""
    composed, drawn, report = compare_frame(anim, k)
    # the screen's label is one text, the files' one picture per character:
    # alike, not equal (see test_screen_label_sits_where_the_files_label_is)
    label = label_region(anim, composed.shape[:2])
    for region in ("partial", "chrome"):
        report.regions[region] &= ~label
    n_panels = len(anim.map_axes)
    assert report.regions["map"].sum() > 100 * n_panels, report
    assert report.max("map") == 0, report
    palette = anim.palette.astype(float)
    for region in ("partial", "chrome"):
        pixels = report.regions[region]
        want = drawn[pixels].astype(float)
        error = np.sqrt(((composed[pixels] - want) ** 2).sum(-1))
        allowed = nearest_palette_distance(drawn[pixels], palette) + 2 * BLEND_SLACK
        assert (error <= allowed + 1e-9).all(), report
    # the chrome is mostly exact (its blends and the cursor are not)
    assert report.count("chrome") < 0.05 * report.regions["chrome"].sum(), report
    return report


@pytest.mark.parametrize(
    "res, dpi, n_panels, kwargs",
    [
        (64, 200, 1, {}),
        (256, 100, 1, {}),
        (256, 50, 3, dict(mask_params=dict(dim=0.5))),  # dimmed twins of the colours
        (512, 75, 2, dict(vlim="each")),
        # above res 512 the old single index render ran out of bits
        (1024, 100, 1, dict(image_interp="linear")),  # the same cells, built fast
        (640, 100, 1, {}),
        pytest.param(1024, 150, 3, {}, marks=pytest.mark.slow),
    ],
)
def test_frames_match_a_full_draw(info, res, dpi, n_panels, kwargs):
    anim = panels_animation(info, n_panels, res, dpi, **kwargs)
    assert_matches_draw(anim)


@pytest.mark.parametrize(
    "n_panels, kwargs",
    [
        # the most panels vlim='each' allows: 192 colours, 8 each
        (24, dict(vlim="each", mask=None)),
        # shared limits have no panel limit: past the 64 of the old encoding
        (70, {}),
    ],
)
@pytest.mark.slow
def test_frames_match_a_full_draw_many_panels(info, n_panels, kwargs):
    rng = np.random.default_rng(n_panels)
    n_times, n_channels = 2, len(info.ch_names)
    data = {f"p{k}": rng.standard_normal((n_times, n_channels))
            for k in range(n_panels)}  # fmt: skip
    options = dict(mask=rng.random((n_times, n_channels)) > 0.5, sensors=False,
                   scores=rng.random(n_times), colorbar=n_panels < 50)  # fmt: skip
    options.update(kwargs)
    anim = animate_coefs(data, info, times=np.arange(n_times) / 100.0, res=24,
                         dpi=12, show=False, verbose=False, **options)  # fmt: skip
    assert len(anim.map_axes) == n_panels
    assert_matches_draw(anim)


@pytest.mark.parametrize("time_unit", ["s", "ms"])
def test_longer_labels_compose_as_drawn(info, time_unit):
    """20 kHz labels (more decimals) compose from their characters as drawn."""
    anim = animate_coefs(
        np.random.default_rng(3).standard_normal((3, 32)), info,
        times=np.arange(3) / 20000, time_unit=time_unit, res=32, dpi=60,
        show=False, verbose=False,
    )  # fmt: skip
    assert anim.time_labels[1] == ("0.00005 s" if time_unit == "s" else "0.05 ms")
    inks = []
    for k in (1, 2):
        composed, drawn, _ = compare_frame(anim, k)
        lookup = PaletteLookup(anim.palette)
        label = label_region(anim, composed.shape[:2])
        boxes = []
        # the drawn label as the palette shows it: a glyph's grey on the ink
        # threshold may round to either side of it
        for rgb in (composed, anim.palette[lookup(drawn)]):
            rows, cols = np.nonzero(label & (rgb.astype(int).sum(-1) < 3 * 128))
            boxes.append((rows.min(), rows.max(), cols.min(), cols.max()))
        assert boxes[0][:3] == boxes[1][:3]
        assert abs(boxes[0][3] - boxes[1][3]) <= 2
        inks.append(composed[label])
    assert not np.array_equal(*inks)  # the two frames' labels read differently


@pytest.mark.parametrize("dpi", [50, 100, 200])
def test_screen_label_sits_where_the_files_label_is(info, dpi):
    """One text on screen, per-character pictures in files: the same ink box."""
    anim = panels_animation(info, 1, 64, dpi)
    composed, drawn, _ = compare_frame(anim, 1)
    label = label_region(anim, composed.shape[:2])
    boxes = []
    for rgb in (composed, drawn):
        rows, cols = np.nonzero(label & (rgb.astype(int).sum(-1) < 3 * 128))
        boxes.append((rows.min(), rows.max(), cols.min(), cols.max()))
    (top, bottom, left, right), (top_, bottom_, left_, right_) = boxes
    assert (top, bottom, left) == (top_, bottom_, left_)
    assert abs(right - right_) <= max(2, dpi // 50)
    assert len(anim.map_axes[0].texts) == 1  # one artist to draw per frame
