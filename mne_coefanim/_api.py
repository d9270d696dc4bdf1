"""The public entry points: ``animate_coefs`` and ``plot_coefs``.

They validate the user's input once, then run the one-way pipeline:
adapters (positions, coefficients) -> interpolation -> figure and frame
compositor -> writers.
"""

import functools
import os
import tempfile

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from mne.utils import logger, verbose

from ._checks import check_fps, check_int, check_option, check_real, check_type
from ._progress import progress
from .io._writers import (
    check_encoder,
    check_output,
    write_gif,
    write_text,
    write_video,
)
from .scene._scene import prepare_scene
from .viz._compose import FrameCompositor
from .viz._figure import CoefFigure

# MNE's display scalings for data in SI units (as in plot_topomap)
CHUNK_FRAMES = 64  # frames interpolated at once: bounds memory at any length
DEFAULT_FPS = 10
MIN_DPI = 10  # FreeType cannot draw the figure's text much below this
# a 5-inch figure at 1000 dpi is 5000 px wide; far above, a frame's buffers
# take gigabytes and Agg refuses canvases of 2**16 px
MAX_DPI = 1000


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
        The animation shown on screen and used by ``to_jshtml``.
    times : array, shape (n_times,)
        The time of each frame, in seconds.
    interp : ScalpInterpolator
        The interpolator shared by all frames.
    vlim : tuple of float | list of tuple of float
        The colour limits ``(vmin, vmax)``, fixed across frames and shared by
        all panels; with ``vlim='each'``, a list of them, one per panel.
    """

    def __init__(self, scene, cfig, *, fps, blit, dpi):
        self._scene, self._cfig = scene, cfig
        self.fig = cfig.fig
        self.times = scene.times
        self.interp = scene.interp
        limits = [(table.vmin, table.vmax) for table in scene.tables]
        self.vlim = limits if scene.vlim_each else limits[0]
        self.fps = fps
        self.dpi = dpi
        self._chunk = (0, 0, None)  # frames start..stop, computed
        # draw once before the animation exists: if drawing fails (a title
        # matplotlib cannot parse, say), the error leaves no half-made
        # FuncAnimation behind to warn "deleted without rendering" later
        self.fig.canvas.draw()
        self.anim = FuncAnimation(
            self.fig,
            self._update,
            frames=len(self.times),
            init_func=self._init,
            blit=blit,
            interval=1000.0 / fps,
            repeat=True,
        )

    def __repr__(self):
        return (
            f"<CoefAnimation | {len(self.times)} frames, "
            f"{len(self._scene.panels)} panel(s), {self.times[0]:0.3f} - "
            f"{self.times[-1]:0.3f} s>"
        )

    def __len__(self):
        return len(self.times)

    # -- frames ---------------------------------------------------------------

    def _chunk_levels(self, start, stop, images=False):
        """Colour indices (and optionally values) of frames start..stop."""
        scene = self._scene
        levels, maps = [], []
        for values, table in zip(scene.values, scene.panel_tables, strict=True):
            pixels = scene.interp.interpolate_inside(
                values[start:stop], dtype=np.float64 if images else self._level_dtype
            )
            # levels computed on the (n_inside, n_frames) buffer, then one
            # cheap uint8 transpose: each frame's row is contiguous for the
            # compositor's gathers
            panel_levels = np.ascontiguousarray(table.levels(pixels.T).T)
            self._dim(panel_levels, len(levels), table, start, stop)
            levels.append(panel_levels)
            if images:
                full = np.full((stop - start, scene.interp.res**2), np.nan)
                full[:, scene.interp.inside.ravel()] = pixels
                maps.append(full.reshape(-1, scene.interp.res, scene.interp.res))
        return levels, (maps if images else None)

    def _dim(self, levels, panel, table, start, stop):
        """Move pixels whose nearest channel is not significant to the twin."""
        scene = self._scene
        if not scene.faded:
            return
        twin = scene.faded[min(panel, len(scene.faded) - 1)]
        significant = scene.masks[panel, start:stop][:, scene.interp.nearest_channel]
        levels[~significant] += np.uint8(twin.offset - table.offset)

    def _frame_data(self, index, chunk=CHUNK_FRAMES):
        """Levels, masks and images of one frame, through a chunk cache."""
        start, stop, data = self._chunk
        if not start <= index < stop:
            start = index - index % chunk
            stop = min(start + chunk, len(self.times))
            data = self._chunk_levels(start, stop, self._wants_images)
            self._chunk = (start, stop, data)
        levels, maps = data
        k = index - start
        masks = None
        if self._scene.masks is not None:
            masks = [mask[index] for mask in self._scene.masks]
        return (
            [panel[k] for panel in levels],
            masks,
            [panel[k] for panel in maps] if maps is not None else None,
        )

    @functools.cached_property
    def _level_dtype(self):
        """float32 (half the per-frame work) unless it would blur or overflow.

        float32 keeps about 7 digits: enough for the colour levels while the
        values are within 1e4 times the colour range; and its range ends at
        3e38, so the colour range must not be tiny (n_levels / span) either.
        """
        scene = self._scene
        span = max(t.vmax - t.vmin for t in scene.panel_tables)
        border = scene.interp.border
        peak = max(
            float(np.abs(scene.values).max()),
            *(abs(v) for t in scene.panel_tables for v in (t.vmin, t.vmax)),
            abs(border) if isinstance(border, float) else 0.0,
        )
        fits = span >= 1e-30 and peak <= min(1e4 * span, 1e30)
        return np.float32 if fits else np.float64

    @property
    def _wants_images(self):
        return bool(self._cfig.contours)

    def _init(self):
        return self._update(0)

    def _update(self, index, chunk=CHUNK_FRAMES):
        self._shown = index
        levels, masks, images = self._frame_data(index, chunk)
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

    def iter_frames(self, *, dpi=None):
        """Yield each frame as palette indices, composed without redrawing.

        Parameters
        ----------
        dpi : float | None
            The resolution; None uses the animation's ``dpi``.

        Yields
        ------
        frame : array, shape (height, width), dtype uint8
            Indices into :attr:`palette` (set when iteration starts).
        """
        dpi = self.dpi if dpi is None else check_dpi(dpi)
        shown = getattr(self, "_shown", 0)
        compositor = FrameCompositor(self._cfig, dpi)
        self.palette = compositor.palette
        try:
            with compositor.rendering():
                compositor.start()
                for index in range(len(self.times)):
                    # the same chunk cache as the figure: 64 frames at a time
                    levels, masks, images = self._frame_data(index)
                    yield compositor.compose(index, levels, masks=masks, images=images)
        finally:
            # the figure shows again what it showed before, also after an
            # error (one frame computed; the chunk is freed)
            self._chunk = (0, 0, None)
            self._update(shown, chunk=1)

    # -- output ---------------------------------------------------------------

    @verbose
    def save(self, fname, *, fps=None, dpi=None, overwrite=False, verbose=None):
        """Save the animation: GIF, MP4/WebM or an HTML page, by suffix.

        Frames are composed and written in a stream (memory does not grow
        with their number), to a temporary file that is renamed when
        complete: a failure leaves no partial file behind.

        Parameters
        ----------
        fname : path-like
            ``.gif`` (looping, one palette for all frames), ``.mp4`` or
            ``.webm`` (need the optional ``imageio-ffmpeg``), or ``.html``
            (a self-contained page with playback controls).
        fps : float | None
            Frames per second; None uses the animation's ``fps``.
        dpi : float | None
            Resolution; None uses the animation's ``dpi``.
        overwrite : bool
            Replace an existing file. If False (default), an existing file
            raises ``FileExistsError``.
        %(verbose)s

        Returns
        -------
        fname : pathlib.Path
            The written file.
        """
        path, suffix = check_output(fname, overwrite=overwrite)
        fps = self.fps if fps is None else check_fps(fps)
        dpi = self.dpi if dpi is None else check_dpi(dpi)
        logger.info(f"Saving {len(self.times)} frames to {path}")
        if suffix == ".html":
            write_text(path, self.to_html(fps=fps), overwrite=overwrite)
            return path
        check_encoder(suffix, fps)  # before any frame is rendered
        generator = self.iter_frames(dpi=dpi)
        try:
            frames = progress(generator, total=len(self), desc=path.name)
            first = next(frames)
            if suffix == ".gif":
                write_gif(path, _chain(first, frames), self.palette, fps=fps,
                          overwrite=overwrite)  # fmt: skip
            else:
                rgb = (self.palette[frame] for frame in _chain(first, frames))
                write_video(path, rgb, fps=fps, overwrite=overwrite)
        finally:
            # restore the figure now: after an error the traceback would keep
            # the suspended generator, and the figure in its render state
            generator.close()
        return path

    def to_html(self, *, fps=None):
        """Return a self-contained HTML page with a playable animation.

        Parameters
        ----------
        fps : float | None
            Frames per second; None uses the animation's ``fps``.

        Returns
        -------
        html : str
            The page (matplotlib's ``to_jshtml`` player with controls).
        """
        self.anim._interval = 1000.0 / (fps or self.fps)
        player = self.anim.to_jshtml(fps=fps or self.fps, default_mode="loop")
        return (
            "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
            "<title>mne-coefanim</title></head><body>\n"
            f"{player}\n</body></html>\n"
        )

    def to_gif_bytes(self, *, fps=None, dpi=None):
        """Return the GIF file's bytes (e.g. to embed in a notebook or report).

        Parameters
        ----------
        fps : float | None
            Frames per second; None uses the animation's ``fps``.
        dpi : float | None
            Resolution; None uses the animation's ``dpi``.

        Returns
        -------
        data : bytes
            The GIF.
        """
        with tempfile.TemporaryDirectory() as folder:
            path = self.save(os.path.join(folder, "anim.gif"), fps=fps, dpi=dpi)
            return path.read_bytes()

    def _repr_html_(self):
        """Show the animation inline in Jupyter: an ``<img>`` of the GIF.

        The GIF is the one :meth:`save` writes, base64-encoded in the page,
        so it plays without a kernel or JavaScript (exported notebooks,
        nbviewer, GitHub). It is stored in the notebook: 145 frames of one
        64-channel map (``res=256``, the default ``dpi=100``) take about
        3 MB of HTML, 4 MB with a score panel. A GIF above about 5 MB (e.g.
        several panels: 13 MB for two) is rendered again at a lower dpi to
        stay near 5 MB; use :meth:`to_gif_bytes` or :meth:`save` with an
        explicit ``dpi`` for full resolution.
        """
        from ._report import gif_html

        return gif_html(self)

    @verbose
    def add_to_report(self, report, *, title, section=None, tags=("animation",),
                      replace=False, fps=None, dpi=None, verbose=None):  # fmt: skip
        """Add the animation to an :class:`mne.Report`, playing inline.

        See :func:`mne_coefanim.add_to_report` for the parameters.

        Parameters
        ----------
        report : mne.Report
            The report to add to.
        title : str
            The title of the report entry.
        section : str | None
            The report section, as in MNE.
        tags : str | tuple of str
            Tags for the report's filter buttons, as in MNE.
        replace : bool
            Replace an entry with the same ``title`` and ``section``.
        fps : float | None
            Frames per second; None uses the animation's ``fps``.
        dpi : float | None
            Resolution; None uses the animation's ``dpi`` (lowered above
            about 5 MB).
        %(verbose)s
        """
        from ._report import add_to_report  # _report imports this module

        add_to_report(report, self, title=title, section=section, tags=tags,
                      replace=replace, fps=fps, dpi=dpi)  # fmt: skip


def check_dpi(dpi):
    """Return ``dpi`` as float, from ``MIN_DPI`` to ``MAX_DPI``."""
    dpi = check_real("dpi", dpi, 0, strict=True)
    if dpi < MIN_DPI:
        raise ValueError(
            f"dpi must be >= {MIN_DPI} (the figure's text cannot be drawn "
            f"smaller); got dpi={dpi:g}. For smaller frames lower res instead."
        )
    if dpi > MAX_DPI:
        raise ValueError(
            f"dpi must be <= {MAX_DPI} (every frame is figsize * dpi pixels); "
            f"got dpi={dpi:g}."
        )
    return dpi


def _chain(first, rest):
    yield first
    yield from rest


# -- public functions ---------------------------------------------------------


@verbose
def animate_coefs(
    data,
    info=None,
    *,
    times=None,
    dims=None,
    transform=None,
    attr="patterns_",
    class_idx=None,
    train_time=None,
    normalize_patterns=False,
    ch_type=None,
    picks=None,
    exclude="bads",
    sphere=None,
    tmin=None,
    tmax=None,
    image_interp="cubic",
    extrapolate="auto",
    border="mean",
    res=256,
    vlim=(None, None),
    cmap=None,
    cnorm=None,
    colorbar=True,
    units=None,
    scalings=None,
    title=None,
    sensors=True,
    contours=0,
    mask=None,
    mask_params=None,
    mask_dim=None,
    alpha=0.05,
    seed=None,
    scores=None,
    chance="auto",
    score_label=None,
    scoring=None,
    score_matrix=None,
    time_unit="s",
    fps=DEFAULT_FPS,
    blit=True,
    dpi=100,
    show=True,
    verbose=None,
):
    """Animate decoder coefficients (or patterns) on the scalp over time.

    Parameters
    ----------
    data : array | estimator | list of estimators | Evoked | CoefData | dict
        What to animate:

        - an array ``(n_times, n_channels)``, or the 4-D layout
          ``(n_subjects, n_folds, n_times, n_channels)`` (other axis orders
          are named with ``dims``); subjects and folds are averaged;
        - a fitted :class:`mne.decoding.SlidingEstimator` or
          :class:`~mne.decoding.GeneralizingEstimator` whose pipeline ends in
          :class:`~mne.decoding.LinearModel`, or a list of them (one per
          cross-validation fold);
        - an :class:`mne.Evoked` (e.g. patterns in an ``EvokedArray``);
        - a :class:`pandas.DataFrame` with one column per channel, named, and
          the times (s) as its index, or an xarray-like object whose dims and
          coordinates name the axes, channels and times (channels matched
          to ``info`` by name); a masked array is refused;
        - a dict ``{panel title: any of the above}`` to show several panels
          side by side, in sync and on one colour scale (or one scale per
          panel with ``vlim='each'``).
    info : mne.Info | mne.channels.DigMontage | array, shape (n_channels, 2) | None
        Where the channels are. None takes the Info of an Evoked. An array
        holds 2-D positions, y towards the nose, in any unit: metres around
        the head centre (MNE's convention, head radius 0.095 m) are used as
        they are, centimetres and millimetres are converted, and anything
        else (pixels, a 0-1 layout such as ``Layout.pos[:, :2]``) is centred
        and scaled so its farthest sensor lies on the head circle (logged;
        see :func:`resolve_sensors`). Give ``sphere`` in the positions' units
        to keep them exactly as given.
    times : array, shape (n_times,) | None
        The time of each sample of an array, in seconds (shared by all
        panels). A DataFrame's index or an xarray-like time coordinate gives
        its own times; ``times`` given as well must equal them.
    dims : tuple of str | str | None
        Axis names of an array, from ``'subjects'``, ``'folds'``,
        ``'times'``, ``'channels'`` or MNE's singular ``'subject'``,
        ``'fold'``, ``'time'``, ``'channel'``, as a tuple or a
        comma-separated str (``'fold, time, channel'``). MNE's own arrays
        are ``(n_channels, n_times)`` (``Evoked.data``, ``get_coef``): pass
        ``dims=('channels', 'times')`` (or ``data.T``). A DataFrame or
        xarray-like object names its axes itself.
    transform : None | 'abs' | 'zscore'
        Applied after averaging over subjects and folds.
    attr : 'patterns_' | 'filters_'
        What to take from a fitted estimator (patterns are interpretable as
        brain activity; filters are not).
    class_idx : int | None
        For multi-class estimators, the class to show; None shows the norm
        across classes, taken after averaging over folds and subjects (it is
        non-negative, so ``mask`` cannot test it).
    train_time : float | None
        For a generalizing estimator, the training time to show instead of
        the diagonal.
    normalize_patterns : bool
        For estimators' patterns. False (default): ``Σx W`` as
        :class:`~mne.decoding.LinearModel` stores them, whose size follows the
        weights' scale (the regularisation, the subject), labelled ``'a.u.'``.
        True: Haufe's ``Σx W (Wᵀ Σx W)⁻¹`` for decoder outputs standardised to
        unit variance, in data units (µV for EEG) per standard deviation of
        the decoder output, the same whatever the weights' scale: use it to
        compare or average subjects.
    ch_type : str | None
        The channel type to show (needed when ``info`` has several).
    picks : str | list | slice | None
        Channels to use, as in MNE.
    exclude : 'bads' | list of str
        Channels to leave out when ``picks`` is None; default the bads.
    sphere : None | float | array, shape (4,) | 'auto' | 'eeglab'
        The head sphere, as in :func:`mne.viz.plot_topomap`.
    tmin, tmax : float | None
        Animate only the frames in this time range (seconds, inclusive).
    image_interp : 'cubic' | 'linear' | 'nearest'
        Interpolation between sensors, as in :func:`mne.viz.plot_topomap`.
    extrapolate : 'auto' | 'head' | 'local' | 'box'
        Extrapolation beyond the sensors, as in MNE.
    border : 'mean' | float
        Value of the extrapolation points, as in MNE.
    res : int
        Pixels along each side of the interpolated image. The default, 256,
        is finer than MNE's 64 because an animation is watched at its full
        size; it costs little here.
    vlim : tuple of (float | None) | 'each'
        Colour limits, fixed for all frames and shared by all panels. None
        entries come from the data: ``(0, max)`` for non-negative data (e.g.
        after ``'abs'``), symmetric around 0 for signed data; for signed data
        one given limit is mirrored, so that white stays at 0: ``(None, 5)``
        gives ``(-5, 5)`` and ``(-3, None)`` gives ``(-3, 3)`` (not with
        ``cnorm``, which places the centre itself). ``'each'`` gives
        every panel its own limits, from its own values by the same rules,
        and its own colour bar right of its map (frames stay fixed within a
        panel): for panels in different units (e.g. filters beside
        patterns). The panels then share the palette's colours, so each gets
        fewer of them (192 divided by the number of panels).
    cmap : str | Colormap | None
        None: ``'Reds'`` for non-negative, ``'RdBu_r'`` for signed data
        (chosen per panel with ``vlim='each'``); a colour map given here is
        used for all panels.
    cnorm : matplotlib.colors.Normalize | None
        A colour normalisation (e.g. ``TwoSlopeNorm``), as in MNE.
    colorbar : bool
        Draw a colour bar.
    units : str | None
        The colour bar's label; None takes the data's units if known (each
        panel's own with ``vlim='each'``).
    scalings : float | None
        Multiply the values by this for display. None applies MNE's display
        scaling to data known to be in SI units (an Evoked, or patterns from
        a fitted estimator: EEG in µV, magnetometers in fT, gradiometers in
        fT/cm) and leaves everything else as it is.
    title : str | None
        The figure title.
    sensors : bool | str
        Draw the sensors (a matplotlib format string such as ``'k.'``).
    contours : int
        Number of contour lines (0, the default, draws none: contours change
        every frame and cost a matplotlib draw each).
    mask : array of bool, shape (n_times, n_channels) | 'cluster' | 'fdr' | dict | None
        Channels to mark in each frame. A string computes it with
        :func:`mne_coefanim.significance_mask` from the per-subject samples,
        over the data's whole time range (``tmin``/``tmax`` crop only what is
        shown). A dict gives the test's settings, e.g.
        ``dict(method='cluster', threshold=3.0, n_permutations=1024,
        tail=0)`` (keys: ``method``, ``alpha``, ``tail``, ``threshold``,
        ``n_permutations``, ``seed``). Only subjects are independent samples:
        data with folds but no subjects axis, and maps that are non-negative
        by construction (the norm across classes, the RMS of gradiometer
        pairs), are refused; pass a boolean mask computed elsewhere.
    mask_params : dict | None
        Marker properties for the masked channels, as in MNE.
    mask_dim : float | None
        Also fade the map toward white by this fraction (e.g. 0.6) wherever
        the nearest channel is not significant in the frame, so that the
        significant areas stand out. The map then uses half as many colour
        levels (the other half are their faded twins).
    alpha, seed
        Significance level and random seed when ``mask`` is a string (a
        dict's own ``alpha`` and ``seed`` win).
    scores : array, shape (n_times,) | (n_samples, n_times) | (n_subj, n_folds, n_times)
        A decoding score drawn under the map, with a cursor at each frame's
        time. Several rows draw mean +/- SEM, and the panel says across what:
        ``(n_subjects, n_folds, n_times)`` averages folds within subjects
        ("± SEM across 8 subjects"; with one subject, across its folds); the
        rows of a 2-D array are the data's subjects or folds when their
        numbers match.
    chance : float | 'auto' | None
        The chance level line. 'auto' takes it from what is known: the
        score's name (``scoring``, else a fitted estimator's ``scoring``,
        else ``score_label``): 0.5 for ROC AUC, 1 / n_classes for accuracy
        and balanced accuracy (the classes of a fitted classifier; for
        accuracy this assumes balanced classes), 0 for r² and Pearson r.
        When nothing tells, no line is drawn (an info message says so).
    score_label : str | None
        The score axis label; None names the score when it is known (e.g.
        ``'AUC'``), else ``'Score'``.
    scoring : str | None
        The scikit-learn scoring that gave ``scores`` (``'roc_auc'``,
        ``'accuracy'``, ``'balanced_accuracy'``, ``'r2'``, or ``'pearson'``
        for Pearson's r), for the chance level and the label. None uses a
        fitted estimator's ``scoring``.
    score_matrix : bool | None
        Whether ``scores`` is a generalization matrix, shape
        ``(n_train_times, n_test_times)`` or ``(n_samples, n_train_times,
        n_test_times)`` as from a :class:`~mne.decoding.GeneralizingEstimator`,
        drawn as an image with a cross-hair at each frame's time instead of
        a curve. None (default) detects it: both trailing axes of length
        ``n_times``.
    time_unit : 's' | 'ms'
        The unit of the time label and score axis.
    fps : float
        Frames per second on screen and in saved files.
    blit : bool
        Blit on screen (redraw only what changes).
    dpi : float
        Resolution of the figure and of saved files, from 10 to 1000.
    show : bool
        Show the figure.
    %(verbose)s

    Returns
    -------
    anim : CoefAnimation
        With ``.fig``, ``.anim`` and ``.save(fname, *, fps, dpi, overwrite)``.
    """
    scene = prepare_scene(
        data, info, times=times, dims=dims, transform=transform, attr=attr,
        class_idx=class_idx, train_time=train_time,
        normalize_patterns=normalize_patterns, ch_type=ch_type,
        picks=picks, exclude=exclude, sphere=sphere, tmin=tmin, tmax=tmax,
        image_interp=image_interp, extrapolate=extrapolate, border=border,
        res=res, vlim=vlim, cmap=cmap, cnorm=cnorm, units=units,
        scalings=scalings, mask=mask, mask_dim=mask_dim,
        alpha=alpha, seed=seed, scores=scores, chance=chance,
        score_label=score_label, scoring=scoring, score_matrix=score_matrix,
    )  # fmt: skip
    fps = check_fps(fps)
    dpi = check_dpi(dpi)
    cfig = _build_figure(
        scene, title=title, time_unit=time_unit, sensors=sensors,
        contours=contours, mask_params=mask_params, colorbar=colorbar, dpi=dpi,
    )  # fmt: skip
    anim = CoefAnimation(scene, cfig, fps=fps, blit=bool(blit), dpi=dpi)
    anim.show_frame(0)
    if show:
        plt.show()
    return anim


@verbose
def plot_coefs(data, info=None, *, time, show=True, verbose=None, **kwargs):
    """Plot the coefficients of one time point, as one frame of the animation.

    Parameters
    ----------
    data, info
        As in :func:`animate_coefs`.
    time : float
        The time to show, in seconds (the nearest sample is used).
    show : bool
        Show the figure.
    %(verbose)s
    **kwargs
        Any other argument of :func:`animate_coefs`.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.
    """
    check_real("time", time)
    # blit=True draws the figure once now, so no later first draw restarts it
    anim = animate_coefs(data, info, show=False, **{**kwargs, "blit": True})
    index = int(np.argmin(np.abs(anim.times - time)))
    fig = anim.show_frame(index)
    # a blitting animation marks the map and the label "animated", and a plain
    # draw (a GUI window, fig.canvas.draw()) skips animated artists: pause()
    # stops the timer and draws them as ordinary artists again. (blit=False
    # would be worse: the figure's first draw starts the animation at frame 0.)
    anim.anim.pause()
    if show:
        plt.show()
    return fig


def _build_figure(scene, *, title, time_unit, sensors, contours, mask_params,
                  colorbar, dpi):  # fmt: skip
    check_option("time_unit", time_unit, ("s", "ms"))
    if scene.times_are_samples:  # no times given: never show samples as seconds
        time_unit = "sample"
    contours = check_int("contours", contours, minimum=0)
    check_type("sensors", sensors, (bool, str), "a bool or a format string")
    return CoefFigure(
        scene.sensors, scene.interp, scene.tables, scene.times,
        panel_titles=scene.titles, title=title, units=scene.units,
        time_unit=time_unit, sensors_fmt=sensors, contours=contours,
        mask_params=mask_params, has_mask=scene.masks is not None,
        scores=scene.scores, colorbar=colorbar, dpi=dpi, faded_tables=scene.faded,
    )  # fmt: skip
