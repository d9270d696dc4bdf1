"""The animation object returned by :func:`mne_coefanim.animate_coefs`.

It shows frames on screen (``FuncAnimation``) and composes them for the
writers without redrawing (:class:`~.compose._compose.FrameCompositor`).
"""

import contextlib
import functools
import os
import tempfile

import matplotlib as mpl
import numpy as np
from matplotlib.animation import FuncAnimation
from mne.utils import logger, verbose

from . import _checks
from ._checks import check_dpi, check_fps, check_frame_size, check_int, frame_shape
from ._docs import fill_doc
from .compose import FrameCompositor, Playback, can_play, drawn_frames
from .io._inline import (
    INLINE_MAX_BYTES,
    add_to_report,
    check_max_bytes,
    inline_viewer,
    viewer_meta,
)
from .io._viewer import ViewerWriter, fill_formats, make_writer
from .io._writers import FrameSource
from .scene._scene import CHUNK_FRAMES, FrameLevels


class CoefAnimation:
    """An animation of coefficients on the scalp.

    Returned by :func:`animate_coefs`; keep a reference to it for as long as
    the animation should run (matplotlib stops an animation that is garbage
    collected).

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    anim : matplotlib.animation.FuncAnimation
        The animation shown on screen.
    times : array, shape (n_times,)
        The time of each frame, in seconds.
    interp : ScalpInterpolator
        The interpolator shared by all frames.
    vlim : tuple of float | list of tuple of float
        The colour limits ``(vmin, vmax)``, fixed across frames and shared by
        all panels; with ``vlim='each'`` or agreement panels
        (``consistency``), a list of them, one per panel.
    values : array, shape (n_panels, n_times, n_channels)
        The values shown at the sensors, after averaging, transform and
        display scaling (e.g. µV), for the frames shown; with agreement
        panels, each mean is followed by its agreement (e.g. its t).
    units : str | list of (str | None) | None
        The colour bar's units (one per panel with ``vlim='each'`` or
        agreement panels).
    sensors : Sensors
        The channels shown (after picks, bads and gradiometer pairing), with
        their 2-D positions and the head sphere.
    masks : array of bool, shape (n_panels, n_times, n_channels) | None
        The significance markers of each frame, or None.
    scores : ScorePanel | None
        The score panel's data: ``mean``, the band (``low``, ``high`` and
        ``band``, what it was computed across), ``chance``, ``label`` and
        ``matrix`` for a generalization matrix; with ``score_params['stats']``,
        ``significant`` (bool per sample: the bar) and ``significance`` (what
        it means); every sample from ``tmin`` to ``tmax`` (``times``), also
        with ``decim``; ``frames``: each frame's sample.
    time_labels : list of str
        The time label of each frame (e.g. ``'0.150 s'`` or ``'sample 15'``).
    map_axes : list of matplotlib.axes.Axes
        The axes of the maps, one per panel.
    colorbars : list of matplotlib.colorbar.Colorbar
        The colour bars (one, or one per panel; none with
        ``colorbar=False``).
    score_axes : matplotlib.axes.Axes | None
        The score panel's axes.
    butterfly_axes : list of matplotlib.axes.Axes
        The channels' time courses (``butterfly=True``), a line per channel
        labelled with its name, one axes per panel; else empty.
    fps, dpi : float
        The frame rate and resolution used by :meth:`save`.
    inline_max_bytes : int
        The inline viewer's size limit (notebooks, reports, :meth:`to_html`):
        20 MB unless set here; longer animations keep one frame in k there.
    """

    inline_max_bytes = INLINE_MAX_BYTES

    def __init__(self, scene, cfig, *, fps, blit, dpi, play=True):
        self._scene, self._cfig = scene, cfig
        self.fig = cfig.fig
        self.times = scene.times
        self.interp = scene.interp
        limits = [(table.vmin, table.vmax) for table in scene.tables]
        self.vlim = limits if scene.vlim_each else limits[0]
        self.values, self.units, self.masks = scene.values, scene.units, scene.masks
        self.sensors, self.scores = scene.sensors, scene.scores
        self.time_labels = list(cfig.layers.labels)
        self.map_axes, self.colorbars = cfig.map_axes, cfig.colorbars
        self.score_axes, self.butterfly_axes = cfig.score_axes, cfig.butterfly_axes
        self.fps, self.dpi = fps, dpi
        self._levels, self._blit = FrameLevels(scene, images=bool(cfig.contours)), blit
        self._anim = None  # the FuncAnimation, made when something can play it
        self._played = self._offset = 0  # FuncAnimation's frame, and our shift
        # a figure pyplot does not hold (show=False) is shown by no window
        if play or (self.fig.canvas.manager is not None and can_play()):
            self._start_playing()

    @property
    def anim(self):
        """The :class:`~matplotlib.animation.FuncAnimation` playing on screen.

        Made when the animation is shown, when the figure's backend can
        play it (a window, a notebook widget), or on first access; saving
        needs none (it composes frames; this would cost two full draws).
        """
        if self._anim is None:
            self._start_playing()
        return self._anim

    def _start_playing(self):
        # draw once before the animation exists: if drawing fails (a title
        # matplotlib cannot parse, say), the error leaves no half-made
        # FuncAnimation behind to warn "deleted without rendering" later
        self.fig.canvas.draw()
        self._anim = FuncAnimation(self.fig, self._play, frames=len(self.times),
                                   init_func=self._init, blit=self._blit,
                                   interval=1000.0 / self.fps, repeat=True)  # fmt: skip
        # a click or space pauses, the arrow keys step, as in MNE
        self._playback = Playback(self.fig, self._anim, self._step)

    def _hold_still(self):
        """Keep showing the current frame (e.g. a figure for print)."""
        if self._anim is not None:
            # a blitting animation marks the map and the label "animated",
            # and a plain draw skips animated artists: pause() stops the
            # timer and draws them as ordinary artists again
            self._anim.pause()

    def __repr__(self):
        return (f"<CoefAnimation | {len(self.times)} frames, "
                f"{len(self._scene.panels)} panel(s), {self.times[0]:0.3f} - "
                f"{self.times[-1]:0.3f} s>")  # fmt: skip

    def __len__(self):
        return len(self.times)

    # -- frames ---------------------------------------------------------------

    def _init(self):
        return self._update(self._offset % len(self.times))

    def _play(self, index):
        """Show FuncAnimation's frame ``index``, shifted to where we stepped."""
        self._played = index
        return self._update((index + self._offset) % len(self.times))

    def _step(self, n):
        """Show the frame ``n`` frames away; playback goes on from there."""
        index = (getattr(self, "_shown", 0) + n) % len(self.times)
        self._offset = index - self._played
        self._update(index)

    def _update(self, index, chunk=CHUNK_FRAMES):
        self._shown = index
        levels, masks, images = self._levels.frame(index, chunk)
        return self._cfig.set_frame(index, levels, masks=masks, images=images)

    def show_frame(self, index):
        """Show frame ``index`` in the figure (e.g. to inspect or save it).

        Parameters
        ----------
        index : int
            The frame index, ``0 <= index < len(self)``.

        Returns
        -------
        fig : matplotlib.figure.Figure
            The figure, now showing that frame.
        """
        index = check_int("index", index, minimum=0)
        if index >= len(self.times):
            raise ValueError(
                f"index must be < {len(self.times)} (the number of frames); "
                f"got {index}."
            )
        self._update(index)
        return self.fig

    @fill_doc
    def iter_frames(self, *, dpi=None, method="compose"):
        """Yield each frame, composed without redrawing or drawn whole.

        Parameters
        ----------
        %(dpi_output)s
        method : 'compose' | 'draw'
            ``'compose'``: as :meth:`save` writes them; ``'draw'``: the reference
            they are tested against, drawn whole by matplotlib (RGB); slower.

            .. versionadded:: 0.2

        Yields
        ------
        frame : array of uint8, shape (height, width) | (height, width, 3)
            Indices into :attr:`palette` (set when iteration starts), or RGB.
        """
        if _checks.check_option("method", method, ("compose", "draw")) == "compose":
            return self._frames(dpi)
        back = functools.partial(self._update, getattr(self, "_shown", 0), chunk=1)
        dpi = self.dpi if dpi is None else dpi  # checked with the frames' size
        return drawn_frames(self.fig, self._update, len(self), dpi, restore=back)

    def _frame_shape(self, dpi):
        """Return the frames' ``(height, width)`` in px at ``dpi``, drawing nothing."""
        return frame_shape(self.fig.get_size_inches(), dpi)

    def _frames(self, dpi, unmarked=False, deferred=False, indices=None):
        """Frames; with ``unmarked``, ``(frame, frame without markers | None)``.

        ``deferred``: frames composed without matplotlib come as callables
        (``Writer.defers``); ``indices``: an iterable, read lazily (None: all).
        """
        dpi = self.dpi if dpi is None else check_dpi(dpi)
        check_frame_size(self._frame_shape(dpi), dpi)  # what Agg can draw
        shown = getattr(self, "_shown", 0)
        compositor = FrameCompositor(self._cfig.layers, dpi)
        self.palette = compositor.palette
        if unmarked:  # the viewer: which pixels show which map
            self._map_region = compositor.map_region()
        bare = unmarked and self._scene.masks is not None
        try:
            with compositor.rendering():
                compositor.start()
                for index in range(len(self)) if indices is None else indices:
                    # the figure's chunk cache (64 frames at a time): every
                    # frame's levels as in the full animation, bit for bit
                    levels, masks, images = self._levels.frame(index)
                    if deferred and compositor.composes_alone(images):
                        yield functools.partial(compositor.compose, index, levels,
                                                masks=masks)  # fmt: skip
                        continue
                    frame = compositor.compose(index, levels, masks=masks,
                                               images=images)  # fmt: skip
                    if not unmarked:
                        yield frame
                    elif not bare:
                        yield frame, None
                    else:  # the same frame, its markers left out
                        no_marks = [np.zeros_like(mask) for mask in masks]
                        yield frame, compositor.compose(index, levels, masks=no_marks,
                                                        images=images)  # fmt: skip
        finally:
            # the figure shows again what it showed before, also after an
            # error (one frame computed; the chunk is freed)
            self._levels.reset()
            self._update(shown, chunk=1)

    # -- output ---------------------------------------------------------------

    @verbose
    @fill_formats
    @fill_doc
    def save(self, fname, *, fps=None, dpi=None, overwrite=False, verbose=None,
             **writer_kwargs):  # fmt: skip
        """Save the animation: GIF, MP4/WebM or an HTML page, by suffix.

        Frames are composed and written in a stream (memory does not grow
        with their number), to a hidden temporary file published under
        ``fname`` when complete: an error or Ctrl-C leaves no partial file
        and, for ``.mp4``/``.webm``, no ffmpeg process behind, and without
        ``overwrite`` an existing file is never replaced, not even one
        another save wrote meanwhile. A process killed outright (SIGKILL, or
        SIGTERM, which Python does not catch) cannot clean up: it may leave
        its temporary file, hidden in the folder of ``fname`` and named like
        ``.anim.mp4.3fa2b1c4.5d41c0-12345.k2j3h4l5.part`` (the writer's
        process id before the random part), never a file named ``fname``;
        for a video it may be complete, as ffmpeg finishes the frames it got.
        The next save into that folder removes it. The new file's
        permissions come from the umask, which is not changed. The path, the
        folder (that it takes new files) and the writer's options are
        checked before any frame is rendered.

        Parameters
        ----------
        fname : path-like
            The file; its suffix picks the format: %(output_formats)s.
            ``.gif`` loops, with one palette for all frames; ``.mp4`` and
            ``.webm`` need the optional ``imageio-ffmpeg``; ``.html`` is the
            interactive viewer, a self-contained page holding every frame
            (see :meth:`to_html`).
        %(fps_output)s
        %(dpi_output)s
        %(overwrite)s
        %(verbose)s
        **writer_kwargs
            Options of the writer the suffix picks; any other is refused
            with a TypeError that lists the writer's options.

            ``.gif``: ``loop`` (int | None), the repeats after the first
            play; 0 (default) forever, None plays once. ``.mp4``/``.webm``:
            ``quality`` (float | None), constant quality from 0 (worst) to 10
            (lossless), None the encoder's recommended CRF (H.264: 18, VP9:
            31); ``codec`` (str | None), the ffmpeg encoder: ``'libx264'``
            (``.mp4``), ``'libvpx-vp9'`` or ``'libvpx'`` (VP8, ``.webm``),
            None the first the ffmpeg has. ``.html``: ``loop`` (str, new in
            0.2), ``'loop'`` (default), ``'once'`` or ``'reflect'`` (back and
            forth); the reader can change it.

        Returns
        -------
        fname : pathlib.Path
            The written file.
        """
        return self._save(fname, fps=fps, dpi=dpi, overwrite=overwrite, **writer_kwargs)

    def _save(self, fname, *, fps, dpi, overwrite, step=1, **writer_kwargs):
        """Save every ``step``-th frame (played at fps / step)."""
        fps = self.fps if fps is None else check_fps(fps)
        dpi = self.dpi if dpi is None else check_dpi(dpi)
        # the path, the writer's settings and the frames' size: before rendering
        writer = make_writer(fname, fps=fps / step, overwrite=overwrite,
                             **writer_kwargs)  # fmt: skip
        writer.check_frame(self._frame_shape(dpi), dpi)
        kept = range(0, len(self), step)
        every = f" of {len(self)} (one in {step})" if step > 1 else ""
        logger.info(f"Saving {len(kept)}{every} frames to {writer.path}")

        def frames(unmarked=False, deferred=False):
            generator = self._frames(dpi, unmarked, deferred, indices=kept)
            with contextlib.closing(generator):  # the figure restored, also on errors
                yield from _checks.progress(generator, total=len(kept),
                                            desc=writer.path.name)  # fmt: skip

        source = FrameSource(frames, lambda: self.palette,
                             lambda shape: self._viewer_meta(shape, fps))  # fmt: skip
        return writer.write_from(source)

    def _viewer_meta(self, shape, fps, frames=None):
        # the figure's title is its only figure-level text
        title = next((t.get_text() for t in self.fig.texts if t.get_text()), None)
        return viewer_meta(self._scene, self._cfig, shape=shape, fps=fps,
                           title=title, frames=frames, region=self._map_region)

    @fill_doc
    def to_html(self, *, fps=None, dpi=None, page=True, max_bytes=None):
        """Return the interactive viewer: a self-contained HTML page.

        The same page :meth:`save` writes for ``.html`` while it fits in
        ``max_bytes`` (else one frame in k): the GIF's frames, drawn on a
        canvas, with play/pause (the button, space or a click on the map),
        stepping (arrow keys, by 10 with Shift), a time slider, the speed,
        on hovering the value the pixel's colour stands for and the nearest
        channel's, and a click on the score panel to jump to that time. It
        needs no network access; every text in it is escaped. Frames show
        at the size of dpi=100 (``dpi=200``: sharp on HiDPI screens), fitting
        their container's width and the window's height; without scripts,
        frame 0 shows as a picture. It plays only in view, never by itself
        under ``prefers-reduced-motion``; of the viewers in view only the
        first autoplays.

        Parameters
        ----------
        %(fps_output)s
        %(dpi_output)s
        page : bool
            A whole page (True) or a fragment to put in a page (False), as
            in a notebook or a report.
        %(max_bytes_inline)s

        Returns
        -------
        html : str
            The page.
        """
        fps = self.fps if fps is None else check_fps(fps)
        dpi = self.dpi if dpi is None else check_dpi(dpi)
        check_frame_size(self._frame_shape(dpi), dpi, ViewerWriter.max_side,
                         ViewerWriter.size_limit)  # fmt: skip
        max_bytes = (check_max_bytes(self.inline_max_bytes, "inline_max_bytes")
                     if max_bytes is None else check_max_bytes(max_bytes))  # fmt: skip
        return inline_viewer(self, fps=fps, dpi=dpi, page=page, max_bytes=max_bytes)

    @fill_doc
    def to_gif_bytes(self, *, fps=None, dpi=None, step=1):
        """Return the GIF file's bytes (e.g. to embed in a notebook or report).

        Parameters
        ----------
        %(fps_output)s
        %(dpi_output)s
        step : int
            Keep every ``step``-th frame (1: every frame), played at
            ``fps / step`` so that the duration stays.

        Returns
        -------
        data : bytes
            The GIF.
        """
        step = check_int("step", step, minimum=1)
        with tempfile.TemporaryDirectory() as folder:
            return self._save(os.path.join(folder, "anim.gif"), fps=fps, dpi=dpi,
                              overwrite=False, step=step).read_bytes()

    def _repr_html_(self):
        """Show the interactive viewer inline in Jupyter (see :meth:`to_html`).

        With the inline backend the figure is closed: no static picture follows.
        """
        html = self.to_html(page=False)
        if "inline" in mpl.get_backend():
            import matplotlib.pyplot as plt

            plt.close(self.fig)
        return html

    @verbose
    @fill_doc
    def add_to_report(self, report, *, title, section=None, tags=("animation",),
                      replace=False, fps=None, dpi=None, max_bytes=None,
                      verbose=None):  # fmt: skip
        """Add the animation to an :class:`mne.Report`, playing inline.

        See :func:`mne_coefanim.add_to_report` for the parameters.

        Parameters
        ----------
        %(report)s
        %(report_entry)s
        %(fps_output)s
        %(dpi_output)s
        %(max_bytes_inline)s
        %(verbose)s
        """
        add_to_report(report, self, title=title, section=section, tags=tags,
                      replace=replace, fps=fps, dpi=dpi,
                      max_bytes=max_bytes)  # fmt: skip

