"""The interactive viewer: one self-contained HTML page (or fragment).

The style and script (package data) are inlined and the GIF's palette-index
frames drawn on a canvas: no network. Frame 0 is stored whole, every other
frame as the rectangles where it differs from frame 0, a base64 zlib stream
the browser decompresses, so frames stream into the file as they come.
Records are made on helper threads (zlib releases the GIL), written in order.

The table of output formats is at the bottom: this module imports every
writer.
"""

import base64
import functools
import hashlib
import html
import io
import json
import os
import struct
import zlib
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image

from .._checks import check_type, check_uint8
from ._gif import GifWriter, InOrder
from ._video import VideoWriter
from ._writers import Writer, atomic_output, check_output

ZLIB_LEVEL = 4  # 145 frames x 64 channels: 0.11 s, 2.5 MB (level 6: 0.29 s, 2.3 MB)
_ROW_GAP, _COL_GAP = 8, 16  # changes closer than this share a rectangle
LOOP_MODES = ("once", "loop", "reflect")  # the viewer's loop option
HTML_WARN_BYTES = 100_000_000  # save('.html') warns above this size
_TAIL = "null]}</script></div>\n"  # the frames' list ends with null
_PAGE_END = "</body></html>\n"
END_BYTES = len(_TAIL) + len(_PAGE_END)  # the most written after the frames


@functools.cache  # package data, read once
def _asset(name):
    """Return the text of ``viewer.js`` or ``viewer.css`` (package data)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


class ViewerTooLarge(Exception):
    """The viewer grew past its ``max_bytes``: ``head``, ``frames`` bytes written."""

    def __init__(self, head, frames, n_frames):
        super().__init__(f"over the size limit after {n_frames} frames")
        self.head, self.frames, self.n_frames = head, frames, n_frames


def diff_rects(frame, base):
    """Return the rectangles ``(x, y, w, h)`` where ``frame`` differs from ``base``.

    Bands of changed rows, then their changed columns (close gaps joined).
    """
    diff = frame != base
    rects = []
    for y0, y1 in _runs(np.flatnonzero(diff.any(axis=1)), _ROW_GAP):
        for x0, x1 in _runs(np.flatnonzero(diff[y0:y1].any(axis=0)), _COL_GAP):
            rects.append((int(x0), int(y0), int(x1 - x0), int(y1 - y0)))
    return rects or [(0, 0, 1, 1)]


def _runs(indices, gap):
    """``[(start, stop), ...]`` of sorted indices, joining gaps under ``gap``."""
    if not indices.size:
        return []
    breaks = np.flatnonzero(np.diff(indices) >= gap)
    starts = np.concatenate([[indices[0]], indices[breaks + 1]])
    stops = np.concatenate([indices[breaks], [indices[-1]]]) + 1
    return list(zip(starts, stops, strict=True))


def encode_frame(frame, rects, level=ZLIB_LEVEL):
    """Return base64 of the zlib stream of ``frame``'s rectangles ``(x, y, w, h)``."""
    parts = [struct.pack(f"<H{4 * len(rects)}H", len(rects),
                         *(v for rect in rects for v in rect))]  # fmt: skip
    parts += [frame[y : y + h, x : x + w].tobytes() for x, y, w, h in rects]
    return base64.b64encode(zlib.compress(b"".join(parts), level)).decode("ascii")


def frame_record(frame, unmarked=None, base=None):
    """Return one frame's record against ``base`` (None: frame 0 itself)."""
    if base is None:
        rects = [(0, 0, frame.shape[1], frame.shape[0])]
    else:
        rects = diff_rects(frame, base)
    record = encode_frame(frame, rects)
    if unmarked is not None:
        record += " " + encode_frame(unmarked, diff_rects(unmarked, frame))
    return record


class ViewerStream:
    """Write the viewer to a text stream ``out``, one frame at a time.

    ``palette``: shape (n_colors, 3), uint8; ``meta``: what the viewer shows
    besides the frames (:func:`~._inline.viewer_meta`); ``page``: a whole
    page, or a fragment for a notebook or a report; ``max_bytes``: raise
    :class:`ViewerTooLarge` once more are written (ASCII: a byte a character).
    """

    def __init__(self, out, *, palette, meta, page=True, max_bytes=None):
        self._out, self.page = out, page
        self.max_bytes, self.n_bytes, self._head = max_bytes, 0, 0
        self.meta = dict(meta, palette=base64.b64encode(palette.tobytes()).decode())
        self._palette = palette.tobytes()  # the poster's colours
        self.meta["standalone"] = bool(page)
        self.meta.setdefault("dpi", 100.0)  # shown at the size of dpi=100
        self.base, self.n_frames = None, 0
        self._encoder = None

    def close(self):
        """Stop the helper threads (after an error); safe to call twice."""
        if self._encoder is not None:
            self._encoder.close()

    def _write(self, text):
        """Write and count (in the caller's thread: the records come in order)."""
        self._out.write(text)
        self.n_bytes += len(text)
        if self.max_bytes is not None and self.n_bytes > self.max_bytes:
            head = self._head or self.n_bytes
            raise ViewerTooLarge(head, self.n_bytes - head, self.n_frames)

    def start(self, poster=None):
        """Write everything before the frames (``poster``: frame 0, for no JS)."""
        self._write(self.head_text(poster))
        self._head = self.n_bytes
        self._encoder = InOrder(self._write, job=self._records)

    def head_text(self, poster=None):
        """Return everything before the frames (what :meth:`start` writes)."""
        # markup: HTML-escaped, and ASCII (character references) like the rest
        title, alt = (_attr(self.meta.get(key) or "mne-coefanim")
                      for key in ("title", "alt"))  # fmt: skip
        head, nonce = "", ""
        data = f'{{"M":{_script_json(self.meta)},\n"F":[\n'
        if self.page:
            # only the page's own script runs (it alone carries the nonce);
            # no network: nothing is fetched from anywhere
            nonce = base64.b64encode(
                hashlib.sha256(data.encode("ascii")).digest()[:12]
            ).decode("ascii")
            head = (
                "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>\n"
                "<meta http-equiv='Content-Security-Policy' content=\"default-src "
                f"'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
                "img-src data:\">\n<meta name='viewport' content='width=device-width'>"
                f"\n<title>{title}</title>\n</head><body>\n"
            )
            nonce = f" nonce='{nonce}'"
        mask = (
            "<label title='show the significance markers'><input type='checkbox' "
            "class='cav-mask' aria-label='significance markers' checked> "
            "significance markers</label>"
            if self.meta.get("masks") is not None
            else ""
        )
        return (
            f"{head}<div class='cav' data-coefanim-viewer data-n-frames='0' "
            f"data-frame='0' tabindex='0' role='group' aria-label='viewer: {alt}'>"
            f"<style>{_asset('viewer.css')}</style>{self._poster(poster, alt)}"
            f"<div class='cav-live' hidden><div class='cav-c'><canvas width="
            f"'{self.meta['w']}' height='{self.meta['h']}' role='img' "
            f"aria-label='{alt}'></canvas><div class='cav-tip'></div></div>"
            "<div class='cav-bar'>"
            "<button type='button' class='cav-play' aria-label='play' "
            "aria-pressed='false' title='play/pause (space)'>&#9654;</button>"
            "<button type='button' class='cav-prev' aria-label='previous frame' "
            "title='previous frame (&larr;, Shift: 10)'>&#9664;&#9646;</button>"
            "<button type='button' class='cav-next' aria-label='next frame' "
            "title='next frame (&rarr;, Shift: 10)'>&#9646;&#9654;</button>"
            "<input type='range' class='cav-slider' min='0' max='0' value='0' "
            "aria-label='time'>"
            + _select("speed", "playback speed", "speed",
                      [(v, f"{v}&times;") for v in ("0.25", "0.5", "1", "2", "4")], "1")
            + _select("loop", "at the end", "at the end: stop, loop or reflect",
                      [(m, m) for m in LOOP_MODES], self.meta.get("loop", "loop"))
            + "<button type='button' class='cav-png' aria-label='save this frame as "
            "PNG' title='save this frame as PNG (s)'>PNG</button>"
            f"{mask}<span class='cav-label' aria-live='polite'></span></div></div>"
            f"{_kept_note(self.meta.get('kept'))}"
            f"<script{nonce}>(function(){{\n{_asset('viewer.js')}\n}})();</script>"
            f"<script type='application/json' class='cav-data'>{data}"
        )

    def _poster(self, frame, alt):
        """Return frame 0 as a PNG image, for readers whose scripts do not run."""
        if frame is None:
            return ""
        image = Image.fromarray(np.ascontiguousarray(frame), "P")
        image.putpalette(self._palette)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        png = base64.b64encode(buffer.getvalue()).decode("ascii")
        width, height = (round(self.meta[key] * 100 / self.meta["dpi"]) for key in "wh")
        return (
            f"<div class='cav-poster'><img src='data:image/png;base64,{png}' "
            f"width='{width}' height='{height}' "
            f"alt='{alt}, at {_attr(self.meta.get('labels', [''])[0])}'>"
            "<div class='cav-nojs'>The interactive viewer needs JavaScript (scripts "
            "are off, or the output is untrusted): this is its first frame.</div></div>"
        )

    def add(self, frame, unmarked=None):
        """Write one frame of palette indices (``unmarked``: without markers)."""
        frame = check_uint8("frame", np.asarray(frame), colors=False)
        shape = (self.meta["h"], self.meta["w"])
        if frame.shape != shape:
            raise ValueError(
                f"All frames must have the same shape; frame {self.n_frames} has "
                f"shape {frame.shape}, but the viewer was set up for {shape}."
            )
        if self._encoder is None:  # not started: the head, this frame its poster
            self.start(frame)
        first = self.base is None
        if first:
            self.base = frame.copy()
        if self._encoder.threaded:  # the caller may reuse its buffers meanwhile
            frame = frame.copy()
            unmarked = None if unmarked is None else unmarked.copy()
        self._encoder.add((frame, unmarked, first))  # without threads: now
        self.n_frames += 1

    def _records(self, batch):
        """Return the lines of a few frames (on a helper thread)."""
        return "".join(
            f'"{frame_record(frame, unmarked, None if first else self.base)}",\n'
            for frame, unmarked, first in batch
        )

    def end(self):
        """Write everything after the frames."""
        if not self.n_frames:
            raise ValueError("No frame was written; the viewer needs at least one.")
        self._encoder.drain()
        self._write(_TAIL)
        if self.page:
            self._write(_PAGE_END)


def _attr(text):
    """Return ``text`` escaped for markup (an attribute or an element), ASCII."""
    return html.escape(str(text)).encode("ascii", "xmlcharrefreplace").decode("ascii")


def _select(name, label, title, options, selected):
    """Return a ``<select>`` control of ``(value, text)`` options."""
    return (
        f"<select class='cav-{name}' aria-label='{label}' title='{title}'>"
        + "".join(f"<option value='{v}'{' selected' if v == selected else ''}>{t}"
                  "</option>" for v, t in options)  # fmt: skip
        + "</select>"
    )


def _kept_note(kept):
    """Return the line under the controls saying which frames a short page holds."""
    if not kept:
        return ""
    return (
        f"<div class='cav-note'>One frame in {kept['step']} of the {kept['n']} "
        f"is shown, to stay under {kept['max_mb']:g} MB inline; a file saved "
        "as .html holds them all.</div>"
    )


_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _script_json(value):
    r"""JSON that is data in a ``<script>``, whatever its strings hold.

    ``<``, ``>`` and ``&`` become ``\u003c``, ``\u003e`` and ``\u0026``
    (they only occur inside strings), so no ``</script>``, ``<!--`` or
    ``<script`` can change how the page is parsed; every other non-ASCII
    character, U+2028 and U+2029 included, is a ``\uXXXX`` escape too.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=True)
    return text.translate(_SCRIPT_SAFE)


class ViewerWriter(Writer):
    """Write the interactive viewer as an HTML file, frame by frame.

    :meth:`write` takes ``(frame, frame without markers | None)`` pairs; the
    head is written with the first. Option ``loop``: what playback does at
    the last frame, ``'loop'`` (start again, the default), ``'once'`` (stop)
    or ``'reflect'`` (play backwards, then forwards); the reader can change
    it. ``meta`` carries the rate.
    """

    suffixes = (".html", ".htm")
    options = ("loop",)
    unmarked = True
    size_limit = "the viewer stores frame sizes in 16 bits (at most 65,535 px)"

    def __init__(self, path, *, fps=None, loop="loop", overwrite=False):
        if not (isinstance(loop, str) and loop in LOOP_MODES):
            raise ValueError(
                f"loop must be one of {', '.join(map(repr, LOOP_MODES))} for the "
                f"viewer (.html); got {loop!r} (a GIF's loop counts repeats)."
            )
        super().__init__(path, overwrite=overwrite)
        self._stream, self.loop = None, loop

    def setup(self, tmp, source):
        """Open the temporary file; the head waits for the first frame's size."""
        self._fid = open(tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._source = source

    def write(self, item):
        """Add one ``(frame, unmarked)`` pair (see :meth:`ViewerStream.add`)."""
        frame, unmarked = item
        if self._stream is None:  # the figure is at the output dpi now
            meta = dict(self._source.meta(np.shape(frame)), loop=self.loop)
            self._stream = ViewerStream(self._fid, palette=self._source.palette,
                                        meta=meta)  # fmt: skip
        self._stream.add(frame, unmarked)  # the first: with the head

    def finish(self):
        """Write the page's end; warn above :data:`HTML_WARN_BYTES` (slow to load)."""
        if self._stream is None:
            raise ValueError("No frame was written; the viewer needs at least one.")
        self._stream.end()
        size = self._stream.n_bytes
        if size > HTML_WARN_BYTES:
            from mne.utils import warn  # MNE loads only to warn (a light CLI)

            warn(
                f"The viewer {self.path.name} is {size / 1e6:,.1f} MB "
                f"({self._stream.n_frames} frames); browsers are slow to open "
                f"pages over {HTML_WARN_BYTES / 1e6:,.1f} MB. Fewer or smaller "
                "frames make it smaller: a shorter time window (tmin, tmax), "
                "a lower dpi or res, or one frame in k (animate_coefs(decim=k))."
            )

    def close(self):
        """Stop the helper threads and close the file; safe to call twice."""
        if self._stream is not None:
            self._stream.close()
        super().close()

    def summary(self):
        """Return e.g. ``'interactive viewer, 145 frames'``, for the log."""
        return f"interactive viewer, {self._stream.n_frames} frames"


def write_text(path, text, *, overwrite=False):
    """Write a text (HTML) file atomically, encoded as UTF-8; return its path."""
    check_type("text", text, str, "a str")
    path, _ = check_output(path, overwrite=overwrite, allowed=(".html", ".htm"))
    with atomic_output(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")
    from mne.utils import logger

    logger.info(f"Wrote {path} ({len(text)} characters).")
    return path


# -- the table of formats: here, below every writer it names --------------------


class OutputFormat(NamedTuple):
    """One entry of the writer table: the format's name and its writer."""

    name: str
    writer: type

    @property
    def requires(self):
        """The optional dependency the writer needs (None: none)."""
        return self.writer.requires


# the one list of output formats, in the order of help texts (default first);
# save looks the suffix up in it, and the help of the CLI and of
# save_animations lists it. A format is a Writer subclass, one entry, a test
WRITERS = {
    ".gif": OutputFormat("GIF", GifWriter),
    ".mp4": OutputFormat("MP4", VideoWriter),
    ".webm": OutputFormat("WebM", VideoWriter),
    ".html": OutputFormat("HTML page", ViewerWriter),
}
SUFFIXES = tuple(sorted(WRITERS))  # the order error messages list them in


def format_list(*, requirements=False):
    """Return ``'GIF (.gif), MP4 (.mp4[, needs imageio-ffmpeg]), ...'`` for help."""
    return ", ".join(
        f"{entry.name} ({suffix}"
        + (f", needs {entry.requires}" if requirements and entry.requires else "")
        + ")"
        for suffix, entry in WRITERS.items()
    )


def fill_formats(function):
    """Put the formats at ``%(output_formats)s`` in a docstring (below verbose)."""
    function.__doc__ = function.__doc__.replace("%(output_formats)s", format_list())
    return function


def make_writer(fname, *, fps, overwrite=False, **options):
    """Return the writer of ``fname``'s format, every setting and option checked."""
    path_like = isinstance(fname, str | os.PathLike)
    suffix = Path(fname).suffix.lower() if path_like else None
    if suffix not in WRITERS:
        check_output(fname, allowed=SUFFIXES, overwrite=overwrite)  # raises
    cls = WRITERS[suffix].writer
    for option in options:
        if option not in cls.options:
            known = ", ".join(cls.options) if cls.options else None
            raise TypeError(
                f"{WRITERS[suffix].name} writer got an unexpected option "
                f"{option!r}; "
                + (f"its options are: {known}" if known else "it takes no options")
            )
    return cls(fname, fps=fps, overwrite=overwrite, **options)
