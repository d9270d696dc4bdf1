"""The composed frames against the reference: every frame drawn by matplotlib.

``iter_frames(method='draw')`` sets each frame's artists and draws the whole
figure, as MNE's topomap animation does; ``iter_frames()`` (what files get)
composes frames from pictures rendered once. They must show the same thing:

* where a map shows fully (nothing drawn over it), pixel for pixel: the
  palette holds every colour of the colour tables (and their faded twins)
  exactly, so any difference would be a wrong cell, level or panel;
* away from the maps, exactly where the drawn colour is in the palette
  (the figure's own colours are, while they fit in it);
* elsewhere (antialiased blends of outlines, sensors, markers, contours and
  the cursor over the map or the background, a colour bar with more
  colours than the palette's room), within the palette's rounding: a GIF
  has 256 colours, so a blend absent from the palette shows as a near one.
  The bound is the drawn colour's distance to its nearest palette colour,
  plus the palette lookup's documented slack
  (2 * sqrt(3) * 3.5 levels) and half a level per channel for the blend
  table's coverage quantised to 1/255, twice (the per-frame artists are
  blended onto a frame already snapped to the palette and snapped again);
* the time label: the screen draws it as one text, the files paste one
  picture per character slot, so its glyphs may sit a pixel apart; its ink
  must cover the same rows and start at the same column.

What the compositor holds no pictures of (contours, markers whose pictures
touch, a cross-hair cursor) is not composed: those frames are the
reference's, drawn whole and mapped to the palette through its lookup, so
they equal it exactly. Label characters whose pictures touch (tiny dpi) are
blended per frame instead of pasted, still without matplotlib.
"""

import numpy as np
import pytest
from conftest import make_info, map_visibility, time_label_box
from matplotlib.backends.backend_agg import FigureCanvasAgg
from test_inline import _frames as page_frames

from mne_coefanim import animate_coefs
from mne_coefanim.compose._compose import PaletteLookup

N_TIMES = 3
TIMES = np.arange(N_TIMES) / 100.0
FAST = dict(times=TIMES, res=48, dpi=50, show=False, verbose=False)
LOOKUP_SLACK = 2 * np.sqrt(3) * 3.5
BLEND_SLACK = LOOKUP_SLACK + np.sqrt(3) * 0.5


@pytest.fixture(scope="module")
def info64():
    return make_info("biosemi64")


def _data(n_channels, seed=0, n_times=N_TIMES):
    """Smooth random maps: neighbouring frames alike, as in real data."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n_times, n_channels)).cumsum(axis=0)


def _mask(n_channels, seed=1, n_times=N_TIMES):
    return np.random.default_rng(seed).random((n_times, n_channels)) > 0.6


def _label_region(anim, shape, pad=3):
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


def _nearest_distance(rgb, palette):
    """Distance (RGB, Euclidean) from each colour to its nearest palette colour."""
    colors, which = np.unique(rgb.reshape(-1, 3), axis=0, return_inverse=True)
    palette = palette.astype(float)[np.newaxis]
    nearest = np.sqrt(((colors[:, np.newaxis] - palette) ** 2).sum(-1)).min(axis=1)
    return nearest[which.ravel()]


def _ink_box(rgb, region):
    rows, cols = np.nonzero(region & (rgb.astype(int).sum(-1) < 3 * 128))
    return rows.min(), rows.max(), cols.min(), cols.max()


def assert_composed_equals_drawn(anim, frames=None):
    """Every frame (or those in ``frames``): composed as drawn (module doc)."""
    composed = [anim.palette[f] for f in anim.iter_frames()]
    drawn = list(anim.iter_frames(method="draw"))
    assert len(composed) == len(drawn) == len(anim)
    lookup = PaletteLookup(anim.palette)
    for k in range(len(anim)) if frames is None else frames:
        got, want = composed[k], drawn[k]
        assert got.shape == want.shape and want.dtype == np.uint8
        anim.show_frame(k)  # its markers and contours cover the map here
        visibility = map_visibility(anim)
        assert visibility.shape == want.shape[:2]
        on_map = visibility == 1
        assert on_map.sum() > 500 * len(anim.map_axes)
        np.testing.assert_array_equal(got[on_map], want[on_map])
        label = _label_region(anim, want.shape[:2])
        rest = ~on_map & ~label
        error = np.sqrt(((got[rest].astype(float) - want[rest]) ** 2).sum(-1))
        nearest = _nearest_distance(want[rest], anim.palette)
        allowed = nearest + 2 * BLEND_SLACK
        assert (error <= allowed + 1e-9).all(), (error - allowed).max()
        # away from the maps, where the drawn colour is in the palette (the
        # chrome's colours are, while they fit), the frame shows it exactly
        exact = (visibility == 0)[rest] & (nearest == 0)
        assert exact.mean() > 0.5
        np.testing.assert_array_equal(error[exact], 0)
        # the drawn label as the palette shows it: a glyph's grey on the ink
        # threshold may round to either side of it
        snapped = anim.palette[lookup(want)]
        (top, bottom, left, right), (top_, bottom_, left_, right_) = (
            _ink_box(got, label), _ink_box(snapped, label)
        )  # fmt: skip
        assert (top, bottom, left) == (top_, bottom_, left_)
        assert abs(right - right_) <= 2


def assert_drawn_in_palette(anim):
    """Every frame composed is the frame drawn, mapped to the palette: exactly."""
    composed = list(anim.iter_frames())
    drawn = list(anim.iter_frames(method="draw"))
    lookup = PaletteLookup(anim.palette)  # the compositor's lookup, made alike
    assert len(composed) == len(drawn) == len(anim)
    for got, want in zip(composed, drawn, strict=True):
        np.testing.assert_array_equal(anim.palette[got], anim.palette[lookup(want)])
        np.testing.assert_array_equal(got, lookup(want))
    # the per-frame artists did change the frames
    assert not np.array_equal(composed[0], composed[-1])


# -- the cases the compositor draws from stored pictures --------------------------


def test_mask(info64):
    """The demo's look: 64 channels, sensors, a boolean mask of markers."""
    anim = animate_coefs(_data(64), info64, mask=_mask(64), **FAST)
    assert_composed_equals_drawn(anim)


def test_score_panel(info16):
    scores = 0.5 + 0.1 * np.random.default_rng(2).random(N_TIMES)
    anim = animate_coefs(_data(16), info16, scores=scores, mask=_mask(16),
                         score_params=dict(scoring="roc_auc"), **FAST)  # fmt: skip
    assert anim.score_axes is not None
    assert_composed_equals_drawn(anim)


def test_agreement_panel(info16):
    """consistency='sign': each mean beside its agreement, two tables."""
    rng = np.random.default_rng(3)
    subjects = rng.standard_normal((6, N_TIMES, 16)) + np.linspace(-1, 2, 16)
    anim = animate_coefs(subjects, info16, dims=("subjects", "times", "channels"),
                         consistency="sign", **FAST)  # fmt: skip
    assert len(anim.map_axes) == 2
    assert_composed_equals_drawn(anim)


def test_frequency_rows(info16):
    freqs = np.array([6.0, 10.0, 20.0])
    data = np.stack([_data(16, seed) for seed in range(len(freqs))])
    anim = animate_coefs(data, info16, dims=("freq", "time", "channel"),
                         coef_params=dict(freqs=freqs),
                         **FAST)  # fmt: skip
    assert len(anim.map_axes) == len(freqs)
    assert_composed_equals_drawn(anim)


def test_panels(info16):
    """Several panels (dict input), each with its own colour bar."""
    data = {"A": _data(16, 4), "B": -_data(16, 5)}
    anim = animate_coefs(data, info16, vlim="each", mask=_mask(16), **FAST)
    assert len(anim.map_axes) == len(anim.colorbars) == 2
    assert_composed_equals_drawn(anim)


def test_extrapolated_fade(info16):
    anim = animate_coefs(_data(16), info16, beyond_sensors="fade", **FAST)
    assert_composed_equals_drawn(anim)


@pytest.mark.parametrize("options", [dict(extrapolate="local"),
                                     dict(beyond_sensors="hide", mask=True)])
def test_antialiased_edges(info64, options):
    """The map's edge away from the outline: the clip's blends, as drawn."""
    options = dict(options)
    if options.pop("mask", False):
        options["mask"] = _mask(64)
    anim = animate_coefs(_data(64), info64, **options, **FAST)
    assert_composed_equals_drawn(anim)


# -- the cases the compositor holds no pictures of: drawn whole ----------------------
# (contours; markers whose pixels meet; a cross-hair cursor; label characters
# whose pictures meet): each frame is the reference's, in the palette. These
# blended the artists drawn alone onto the composed frame until 0.2, within
# the palette's rounding of the reference; now they equal it exactly.


def test_contours(info16):
    anim = animate_coefs(_data(16), info16, contours=4, **FAST)
    assert_composed_equals_drawn(anim)
    assert_drawn_in_palette(anim)


def test_contours_with_markers(info16):
    """Contours and (stored-size) markers: the whole frame drawn, both in it."""
    anim = animate_coefs(_data(16), info16, contours=6, mask=_mask(16), **FAST)
    assert_drawn_in_palette(anim)


def test_touching_mask_markers(info64, tmp_path):
    """Markers large enough that neighbours' pixels meet."""
    anim = animate_coefs(_data(64), info64, mask=np.ones((N_TIMES, 64), bool),
                         mask_params=dict(markersize=12), **FAST)  # fmt: skip
    assert_composed_equals_drawn(anim)
    assert_drawn_in_palette(anim)
    # the viewer's twin frames without markers (read from its page as the
    # browser reads them) are drawn whole too: as the figure drawn without a mask
    html = anim.save(tmp_path / "touching.html").read_text(encoding="utf-8")
    frames = anim.iter_frames()
    shape = next(frames).shape
    frames.close()
    pairs = zip(page_frames(html, shape), page_frames(html, shape, unmarked=True),
                strict=True)  # fmt: skip
    bare = animate_coefs(_data(64), info64, **FAST)
    lookup = PaletteLookup(anim.palette)
    for (frame, twin), drawn in zip(pairs, bare.iter_frames(method="draw"),
                                    strict=True):  # fmt: skip
        np.testing.assert_array_equal(twin, lookup(drawn))
        assert not np.array_equal(frame, twin)


def test_generalization_matrix(info16):
    """A training x testing time matrix: the cursor is a cross-hair."""
    rng = np.random.default_rng(6)
    matrix = 0.5 + 0.3 * np.eye(N_TIMES) + rng.uniform(0, 0.05, (N_TIMES, N_TIMES))
    anim = animate_coefs(_data(16), info16, scores=matrix,
                         score_params=dict(scoring="roc_auc"), **FAST)  # fmt: skip
    assert anim.scores.matrix is not None
    assert_composed_equals_drawn(anim)
    assert_drawn_in_palette(anim)


def test_tiny_dpi_label(info16):
    """At 20 dpi the label's character pictures meet: blended per frame, composed.

    Pasting would copy one character's pixels over its neighbour's, so they
    are blended together each frame; the frame is still composed (a full draw
    per frame made a 2,000-frame save at 40 dpi take minutes).
    """
    anim = animate_coefs(_data(16), info16, **{**FAST, "dpi": 20})
    assert_composed_equals_drawn(anim)


# -- the reference itself -----------------------------------------------------------


def test_draw_frames_follow_the_figure(info16):
    """Frame k drawn is the figure showing frame k; the figure is left as found."""
    anim = animate_coefs(_data(16), info16, mask=_mask(16), **FAST)
    anim.show_frame(2)
    fig = anim.fig
    canvas, dpi = fig.canvas, fig.dpi
    frames = list(anim.iter_frames(method="draw", dpi=30))
    assert fig.canvas is canvas and fig.dpi == dpi
    drawing = anim.iter_frames(method="draw")
    next(drawing)
    assert fig.canvas is not canvas  # drawing through its own Agg canvas
    drawing.close()  # stopped early: restored all the same
    assert fig.canvas is canvas and fig.dpi == dpi
    assert anim.time_labels[2] in "".join(t.get_text() for t in anim.map_axes[0].texts)
    composed = anim.iter_frames(dpi=30)
    assert frames[0].shape == (*next(composed).shape, 3)
    composed.close()
    assert not np.array_equal(frames[0], frames[1])
    anim.show_frame(1)
    agg = FigureCanvasAgg(fig)
    fig.set_dpi(30)
    agg.draw()
    np.testing.assert_array_equal(np.asarray(agg.buffer_rgba())[..., :3], frames[1])


def test_draw_after_playing(info16):
    """A blitting animation marks its artists animated: they are drawn all the same."""
    anim = animate_coefs(_data(16), info16, mask=_mask(16), **FAST)
    assert anim.anim is not None  # made: maps, label, markers now "animated"
    assert anim.map_axes[0].images[0].get_animated()
    playing = list(anim.iter_frames(method="draw"))
    assert anim.map_axes[0].images[0].get_animated()  # as it was
    anim.anim.pause()  # the artists are plain again
    assert not anim.map_axes[0].images[0].get_animated()
    for frame, paused in zip(playing, anim.iter_frames(method="draw"), strict=True):
        np.testing.assert_array_equal(frame, paused)
    assert_composed_equals_drawn(anim, frames=[0, 2])


def test_method_is_validated(info16):
    anim = animate_coefs(_data(16), info16, **FAST)
    # at the call, not at the first frame
    with pytest.raises(ValueError, match=r"method must be one of 'compose', 'draw'; "
                                         r"got 'blit'"):  # fmt: skip
        anim.iter_frames(method="blit")
    with pytest.raises(ValueError, match=r"dpi must be >= 10 .*got dpi=3"):
        anim.iter_frames(method="draw", dpi=3)
