"""The viewer's file, notebook output and frames, read back without a browser."""

import base64
import json
import re
import struct
import zlib

import matplotlib
import numpy as np
import pytest
from conftest import small_animation, viewer_meta

from mne_coefanim._checks import one_core
from mne_coefanim.io._inline import viewer_html
from mne_coefanim.io._viewer import ViewerStream, diff_rects

N_FRAMES = 40
RECORD = re.compile(r'^"([A-Za-z0-9+/=]+)",$', re.M)
MASKED_RECORD = re.compile(r'^"([A-Za-z0-9+/=]+(?: [A-Za-z0-9+/=]+)?)",$', re.M)


@pytest.fixture(scope="module")
def anim():
    return small_animation(N_FRAMES)


def _frames(html, shape, unmarked=False):
    """Decode the viewer's frames as the browser does.

    With ``unmarked``, each frame's second stream (with a mask: where the
    frame without markers differs) is drawn over it, as when the viewer hides
    the markers.
    """
    frames, base = [], None
    for record in MASKED_RECORD.findall(html):
        parts = record.split(" ")
        frame = np.zeros(shape, np.uint8) if base is None else base.copy()
        _draw(frame, parts[0])
        base = frame.copy() if base is None else base
        if unmarked:
            _draw(frame, parts[1])
        frames.append(frame)
    return frames


def _draw(frame, part):
    data = zlib.decompress(base64.b64decode(part))
    (count,) = struct.unpack_from("<H", data)
    rects = struct.unpack_from(f"<{4 * count}H", data, 2)
    offset = 2 + 8 * count
    for x, y, w, h in zip(*[iter(rects)] * 4, strict=True):
        frame[y : y + h, x : x + w] = np.frombuffer(
            data, np.uint8, w * h, offset
        ).reshape(h, w)
        offset += w * h


def test_page_holds_every_frame_exactly(anim, tmp_path):
    path = anim.save(tmp_path / "anim.html", fps=8)
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.endswith("</html>\n")
    assert "data-coefanim-viewer" in html and "http:" not in html  # no network
    assert "https:" not in html and "default-src 'none'" in html  # nor allowed
    expected = [frame.copy() for frame in anim.iter_frames()]
    frames = _frames(html, expected[0].shape)
    assert len(frames) == N_FRAMES
    for frame, want in zip(frames, expected, strict=True):
        np.testing.assert_array_equal(frame, want)
    assert '"fps":8.0' in html
    assert anim.to_html(fps=8) == html  # the same page as a str


def test_masked_page_holds_the_frames_without_markers(tmp_path):
    anim = small_animation(6, mask=np.random.default_rng(2).random((6, 32)) > 0.6)
    html = anim.save(tmp_path / "masked.html").read_text(encoding="utf-8")
    assert "cav-mask" in html and not RECORD.findall(html)  # two streams each
    pairs = list(anim._frames(None, unmarked=True))
    shape = pairs[0][0].shape
    for frame, (marked, _) in zip(_frames(html, shape), pairs, strict=True):
        np.testing.assert_array_equal(frame, marked)
    for frame, (marked, bare) in zip(_frames(html, shape, unmarked=True), pairs,
                                     strict=True):  # fmt: skip
        np.testing.assert_array_equal(frame, bare)
        assert (frame != marked).any()  # the markers are gone
    assert anim.to_html() == html


def test_a_thousand_frames_are_a_thousand_frames(tmp_path):
    anim = small_animation(1000)
    html = anim.save(tmp_path / "long.html", dpi=20).read_text(encoding="utf-8")
    assert len(RECORD.findall(html)) == 1000


def test_repr_html_is_the_viewer_only(anim, capsys, monkeypatch):
    html = anim._repr_html_()
    assert html.startswith("<div class='cav' data-coefanim-viewer")
    assert "<html" not in html
    assert html.count("<img") == 1 and "<div class='cav-poster'><img" in html
    assert len(RECORD.findall(html)) == N_FRAMES
    assert capsys.readouterr().out == ""  # no log lines (temporary paths)
    # with the inline backend, the figure is closed: no static picture follows
    closed = []
    inline = "module://matplotlib_inline.backend_inline"
    monkeypatch.setattr(matplotlib, "get_backend", lambda: inline)
    monkeypatch.setattr("matplotlib.pyplot.close", closed.append)
    anim._repr_html_()
    assert closed == [anim.fig]


def test_poster_is_frame_0_and_the_viewer_waits_for_scripts(anim, tmp_path):
    """Without scripts the page shows frame 0 as a PNG, at the size of dpi=100,
    with a line saying why; the viewer itself is hidden until its script runs."""
    import io

    from PIL import Image

    path = anim.save(tmp_path / "poster.html", dpi=80, loop="reflect")
    html = path.read_text(encoding="ascii")
    found = re.search(r"<img src='data:image/png;base64,([^']+)' width='(\d+)' "
                      r"height='(\d+)' alt='([^']*)'>", html)  # fmt: skip
    png = base64.b64decode(found.group(1))
    first = next(iter(anim.iter_frames(dpi=80)))
    with Image.open(io.BytesIO(png)) as image:
        assert image.mode == "P"  # the palette: small
        np.testing.assert_array_equal(np.asarray(image.convert("RGB")),
                                      anim.palette[first])
    height, width = first.shape
    assert (int(found.group(2)), int(found.group(3))) == (round(width * 100 / 80),
                                                          round(height * 100 / 80))
    assert found.group(4) == "Scalp map, at 0.000 s"  # the canvas's text, at frame 0
    assert "needs JavaScript" in html and "<div class='cav-live' hidden>" in html
    meta = viewer_meta(html)
    assert (meta["dpi"], meta["loop"], meta["unit"]) == (80.0, "reflect", "s")
    assert len(png) < 2 * len(RECORD.search(html).group(1))  # about frame 0's record


def test_loop_option_is_checked(anim, tmp_path):
    for loop in (0, None, "bounce"):
        with pytest.raises(ValueError, match="loop must be one of 'once', 'loop', "
                           f"'reflect' for the viewer .*got {loop!r}"):  # fmt: skip
            anim.save(tmp_path / "a.html", loop=loop)
    with pytest.raises(TypeError, match="MP4 writer got an unexpected option 'loop'"):
        anim.save(tmp_path / "a.mp4", loop="once")


def test_diff_rects():
    base = np.zeros((40, 60), np.uint8)
    assert diff_rects(base, base) == [(0, 0, 1, 1)]
    frame = base.copy()
    frame[2:5, 3:7] = 1  # a block
    frame[30, 50] = 2  # far away: its own rectangle
    frame[3, 10] = 3  # near the block: joined
    assert diff_rects(frame, base) == [(3, 2, 8, 3), (50, 30, 1, 1)]


def test_stream_checks_frames():
    out = []

    class Out:
        write = out.append

    meta = {"w": 4, "h": 3}
    stream = ViewerStream(Out(), palette=np.zeros((2, 3), np.uint8), meta=meta)
    stream.start()
    with pytest.raises(ValueError, match="No frame was written"):
        stream.end()
    with pytest.raises(ValueError, match=r"set up for \(3, 4\)"):
        stream.add(np.zeros((4, 3), np.uint8))
    with pytest.raises(TypeError, match="frame must be a uint8 array"):
        stream.add(np.zeros((3, 4)))
    stream.add(np.zeros((3, 4), np.uint8))
    with pytest.raises(ValueError, match="same shape"):
        stream.add(np.zeros((2, 4), np.uint8))
    stream.close()


def test_records_made_on_helper_threads_are_the_same(rng):
    """The page is the same with helper threads, from a producer that reuses
    its buffers, as made in the caller's thread."""
    shape = (30, 40)
    frames = [rng.integers(0, 5, shape).astype(np.uint8) for _ in range(21)]
    meta = {"w": shape[1], "h": shape[0]}
    palette = np.zeros((5, 3), np.uint8)

    def reused():
        frame, unmarked = np.empty(shape, np.uint8), np.empty(shape, np.uint8)
        for k, values in enumerate(frames):
            frame[:] = values
            unmarked[:] = values
            unmarked[k % shape[0]] = 0  # the markers left out
            yield frame, unmarked

    threaded = viewer_html(reused(), palette=palette, meta=meta)
    with one_core():
        inline = viewer_html(reused(), palette=palette, meta=meta)
    assert threaded == inline
    decoded = _frames(threaded, shape)
    for frame, want in zip(decoded, frames, strict=True):
        np.testing.assert_array_equal(frame, want)


def test_to_gif_bytes_step(anim):
    import io

    from PIL import Image

    gif = Image.open(io.BytesIO(anim.to_gif_bytes(step=3)))
    assert gif.n_frames == 14  # 0, 3, ..., 39
    durations = set()
    for k in range(gif.n_frames):
        gif.seek(k)
        durations.add(gif.info["duration"])
    assert durations == {300}
    with pytest.raises(ValueError, match="step must be >= 1"):
        anim.to_gif_bytes(step=0)


def test_texts_cannot_end_the_script(tmp_path):
    from conftest import make_info

    from mne_coefanim import animate_coefs

    info = make_info(n_channels=32)
    anim = animate_coefs(np.ones((2, 32)), info, title="a</script><b>", res=32,
                         dpi=30, show=False)  # fmt: skip
    html = anim.to_html()
    assert html.count("</script>") == 2 and "a\\u003c/script\\u003e\\u003cb" in html
    assert "<title>a&lt;/script&gt;&lt;b&gt;</title>" in html


def test_script_json_escapes_for_its_context():
    from mne_coefanim.io._viewer import _script_json

    text = _script_json({"s": "<!--<script></script>]]>&\u2028\u2029\u00b5\\<"})
    assert text == (
        '{"s":"\\u003c!--\\u003cscript\\u003e\\u003c/script\\u003e]]\\u003e'
        '\\u0026\\u2028\\u2029\\u00b5\\\\\\u003c"}'
    )
    assert json.loads(text) == {"s": "<!--<script></script>]]>&\u2028\u2029\u00b5\\<"}


@pytest.fixture(scope="module")
def long_anim():
    """10,000 frames, tiny (res 16, dpi 20)."""
    from conftest import make_info

    from mne_coefanim import animate_coefs

    data = np.random.default_rng(7).standard_normal((10_000, 32))
    return animate_coefs(data, make_info(n_channels=32), times=np.arange(10_000) / 1000,
                         res=16, dpi=20, show=False, verbose=False)  # fmt: skip


@pytest.mark.slow  # building a 10,000-frame animation takes 2-5 s
def test_long_inline_viewer_keeps_one_frame_in_k(long_anim, monkeypatch):
    """Under the limit, by keeping every k-th frame, said on the page and in
    the log; the frames kept are the animation's frames."""
    import mne

    from mne_coefanim.io import _inline

    logged = []
    monkeypatch.setattr(_inline.logger, "info", logged.append)
    anim = long_anim
    assert anim.inline_max_bytes == 20_000_000  # the documented default
    anim.inline_max_bytes = 300_000
    try:
        with mne.utils.use_log_level("info"):
            html = anim._repr_html_()
    finally:
        del anim.inline_max_bytes  # back to the class's default
    assert html.isascii() and 250_000 < len(html) <= 300_000
    records = MASKED_RECORD.findall(html)
    step = -(-10_000 // len(records))
    assert step > 1 and len(range(0, 10_000, step)) == len(records)
    note = f"One frame in {step} of the 10000 is shown, to stay under 0.3 MB inline"
    assert note in html
    assert logged == [
        f"The inline viewer holds one frame in {step} ({len(records)} of 10000, "
        f"{len(html) / 1e6:.1f} MB) to stay under max_bytes=0.3 MB; "
        "save('....html') holds them all, and animate_coefs(decim=k) keeps one "
        "in k in every output."
    ]
    meta = viewer_meta(html)
    assert len(meta["labels"]) == len(meta["values"][0]) == len(records)
    assert meta["fps"] == pytest.approx(anim.fps / step)  # the same duration
    assert meta["t"][1] == pytest.approx(step / 1000)  # s: the times kept
    kept = [0, step, step * (len(records) - 1)]
    frames = _frames(html, (meta["h"], meta["w"]))
    composed = anim._frames(None, indices=kept)
    try:
        for k, frame in zip((0, 1, len(records) - 1), composed, strict=True):
            np.testing.assert_array_equal(frames[k], frame)
    finally:
        composed.close()


def test_inline_limit_errors(anim):
    with pytest.raises(ValueError, match="max_bytes must be >= 100000; got 10.0"):
        anim.to_html(max_bytes=10)
    with pytest.raises(TypeError, match="max_bytes must be a number; got str"):
        anim.to_html(max_bytes="20 MB")
    anim.inline_max_bytes = None
    try:
        with pytest.raises(TypeError, match="inline_max_bytes must be a number"):
            anim._repr_html_()
    finally:
        del anim.inline_max_bytes


def test_big_html_file_warns(anim, tmp_path, monkeypatch):
    from mne_coefanim.io import _viewer

    monkeypatch.setattr(_viewer, "HTML_WARN_BYTES", 1000)
    with pytest.warns(RuntimeWarning, match=r"anim.html is 0\.\d MB \(40 frames\); "
                      r"browsers are slow .* a shorter time window \(tmin, "
                      r"tmax\), a lower dpi or res, or one frame in k "
                      r"\(animate_coefs\(decim=k\)\)"):  # fmt: skip
        anim.save(tmp_path / "anim.html")


def test_short_inline_viewer_over_the_limit_keeps_one_frame_in_k(anim, monkeypatch):
    """Tried whole first (40 frames): over the limit, made again with a k
    from what the first try wrote."""
    from mne_coefanim.io import _inline

    whole = anim.to_html(page=False)
    monkeypatch.setattr(_inline, "MIN_MAX_BYTES", 1000)
    limit = len(whole) // 3
    html = anim.to_html(page=False, max_bytes=limit)
    assert len(html) <= limit and "<div class='cav-note'>" in html
    assert "<div class='cav-note'>" not in whole
    n_kept = len(MASKED_RECORD.findall(html))
    step = -(-N_FRAMES // n_kept)
    assert step >= 3 and f"One frame in {step} of the {N_FRAMES} is shown" in html
    with pytest.raises(ValueError, match="max_bytes=1000 cannot hold even one frame"):
        anim.to_html(max_bytes=1000)
