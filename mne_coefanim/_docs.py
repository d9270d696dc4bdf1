"""Parameter descriptions written once, filled into every public docstring.

A docstring names an entry as ``%(name)s`` on a line of its own, at the
indentation of a parameter; :func:`fill_doc` puts the entry there,
re-indented. Entries that MNE defines (``verbose``) are left for MNE's own
``verbose`` decorator to fill.
"""

import re
import textwrap

docdict = {}

docdict["data"] = """
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
"""

docdict["info"] = """
info : mne.Info | mne.channels.DigMontage | array, shape (n_channels, 2) | None
    Where the channels are. None takes the Info of an Evoked. An array
    holds 2-D positions, y towards the nose, in any unit: metres around
    the head centre (MNE's convention, head radius 0.095 m) are used as
    they are, centimetres and millimetres are converted, and anything
    else (pixels, a 0-1 layout such as ``Layout.pos[:, :2]``) is centred
    and scaled so its farthest sensor lies on the head circle (logged;
    see :func:`resolve_sensors`). Give ``sphere`` in the positions' units
    to keep them exactly as given.
"""

docdict["times"] = """
times : array, shape (n_times,) | None
    The time of each sample of an array, in seconds (shared by all
    panels). A DataFrame's index or an xarray-like time coordinate gives
    its own times; ``times`` given as well must equal them.
"""

docdict["dims"] = """
dims : tuple of str | str | None
    Axis names of an array, from ``'subjects'``, ``'folds'``,
    ``'times'``, ``'channels'`` or MNE's singular ``'subject'``,
    ``'fold'``, ``'time'``, ``'channel'``, as a tuple or a
    comma-separated str (``'fold, time, channel'``). MNE's own arrays
    are ``(n_channels, n_times)`` (``Evoked.data``, ``get_coef``): pass
    ``dims=('channels', 'times')`` (or ``data.T``). A DataFrame or
    xarray-like object names its axes itself.
"""

docdict["transform"] = """
transform : None | 'abs' | 'zscore'
    Applied after averaging over subjects and folds.
"""

docdict["attr"] = """
attr : ``'patterns_'`` | ``'filters_'``
    What to take from a fitted estimator (patterns are interpretable as
    brain activity; filters are not).
"""

docdict["class_idx"] = """
class_idx : int | None
    For multi-class estimators, the class to show; None shows the norm
    across classes, taken after averaging over folds and subjects (it is
    non-negative, so ``mask`` cannot test it).
"""

docdict["train_time"] = """
train_time : float | None
    For a generalizing estimator, the training time to show instead of
    the diagonal.
"""

docdict["normalize_patterns"] = """
normalize_patterns : bool
    For estimators' patterns. False (default): ``Σx W`` as
    :class:`~mne.decoding.LinearModel` stores them, whose size follows the
    weights' scale (the regularisation, the subject), labelled ``'a.u.'``.
    True: Haufe's ``Σx W (Wᵀ Σx W)⁻¹`` for decoder outputs standardised to
    unit variance, in data units (µV for EEG) per standard deviation of
    the decoder output, the same whatever the weights' scale: use it to
    compare or average subjects.
"""

docdict["ch_type"] = """
ch_type : str | None
    The channel type to show (needed when ``info`` has several).
"""

docdict["picks"] = """
picks : str | list | slice | None
    Channels to use, as in MNE.
"""

docdict["exclude"] = """
exclude : 'bads' | list of str
    Channels to leave out when ``picks`` is None; default the bads.
"""

docdict["sphere"] = """
sphere : None | float | array, shape (4,) | 'auto' | 'eeglab'
    The head sphere, as in :func:`mne.viz.plot_topomap`.
"""

docdict["tmin"] = """
tmin, tmax : float | None
    Animate only the frames in this time range (seconds, inclusive).
"""

docdict["image_interp"] = """
image_interp : 'cubic' | 'linear' | 'nearest'
    Interpolation between sensors, as in :func:`mne.viz.plot_topomap`.
"""

docdict["extrapolate"] = """
extrapolate : 'auto' | 'head' | 'local' | 'box'
    Extrapolation beyond the sensors, as in MNE.
"""

docdict["border"] = """
border : 'mean' | float
    Value of the extrapolation points, as in MNE.
"""

docdict["res"] = """
res : int
    Pixels along each side of the interpolated image. The default, 256,
    is finer than MNE's 64 because an animation is watched at its full
    size; it costs little here.
"""

docdict["vlim"] = """
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
"""

docdict["cmap"] = """
cmap : str | Colormap | None
    None: ``'Reds'`` for non-negative, ``'RdBu_r'`` for signed data
    (chosen per panel with ``vlim='each'``); a colour map given here is
    used for all panels.
"""

docdict["cnorm"] = """
cnorm : matplotlib.colors.Normalize | None
    A colour normalisation (e.g. ``TwoSlopeNorm``), as in MNE.
"""

docdict["colorbar"] = """
colorbar : bool
    Draw a colour bar.
"""

docdict["units"] = """
units : str | None
    The colour bar's label; None takes the data's units if known (each
    panel's own with ``vlim='each'``).
"""

docdict["scalings"] = """
scalings : float | None
    Multiply the values by this for display. None applies MNE's display
    scaling to data known to be in SI units (an Evoked, or patterns from
    a fitted estimator: EEG in µV, magnetometers in fT, gradiometers in
    fT/cm) and leaves everything else as it is.
"""

docdict["title"] = """
title : str | None
    The figure title.
"""

docdict["sensors"] = """
sensors : bool | str
    Draw the sensors (a matplotlib format string such as ``'k.'``).
"""

docdict["contours"] = """
contours : int
    Number of contour lines (0, the default, draws none: contours change
    every frame and cost a matplotlib draw each).
"""

docdict["mask"] = """
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
"""

docdict["mask_params"] = """
mask_params : dict | None
    Marker properties for the masked channels, as in MNE.
"""

docdict["mask_dim"] = """
mask_dim : float | None
    Also fade the map toward white by this fraction (e.g. 0.6) wherever
    the nearest channel is not significant in the frame, so that the
    significant areas stand out. The map then uses half as many colour
    levels (the other half are their faded twins).
"""

docdict["alpha"] = """
alpha, seed
    Significance level and random seed when ``mask`` is a string (a
    dict's own ``alpha`` and ``seed`` win).
"""

docdict["scores"] = """
scores : array, shape (n_times,) | (n_samples, n_times) | (n_subj, n_folds, n_times)
    A decoding score drawn under the map, with a cursor at each frame's
    time. Several rows draw mean +/- SEM, and the panel says across what:
    ``(n_subjects, n_folds, n_times)`` averages folds within subjects
    ("± SEM across 8 subjects"; with one subject, across its folds); the
    rows of a 2-D array are the data's subjects or folds when their
    numbers match.
"""

docdict["chance"] = """
chance : float | 'auto' | None
    The chance level line. 'auto' takes it from what is known: the
    score's name (``scoring``, else a fitted estimator's ``scoring``,
    else ``score_label``): 0.5 for ROC AUC, 1 / n_classes for accuracy
    and balanced accuracy (the classes of a fitted classifier; for
    accuracy this assumes balanced classes), 0 for r² and Pearson r.
    When nothing tells, no line is drawn (an info message says so).
"""

docdict["score_label"] = """
score_label : str | None
    The score axis label; None names the score when it is known (e.g.
    ``'AUC'``), else ``'Score'``.
"""

docdict["scoring"] = """
scoring : str | None
    The scikit-learn scoring that gave ``scores`` (``'roc_auc'``,
    ``'accuracy'``, ``'balanced_accuracy'``, ``'r2'``, or ``'pearson'``
    for Pearson's r), for the chance level and the label. None uses a
    fitted estimator's ``scoring``.
"""

docdict["score_matrix"] = """
score_matrix : bool | None
    Whether ``scores`` is a generalization matrix, shape
    ``(n_train_times, n_test_times)`` or ``(n_samples, n_train_times,
    n_test_times)`` as from a :class:`~mne.decoding.GeneralizingEstimator`,
    drawn as an image with a cross-hair at each frame's time instead of
    a curve. None (default) detects it: both trailing axes of length
    ``n_times``.
"""

docdict["time_unit"] = """
time_unit : 's' | 'ms'
    The unit of the time label and score axis.
"""

docdict["fps"] = """
fps : float
    Frames per second on screen and in saved files.
"""

docdict["blit"] = """
blit : bool
    Blit on screen (redraw only what changes).
"""

docdict["dpi"] = """
dpi : float
    Resolution of the figure and of saved files, from 10 to 1000.
"""

docdict["show"] = """
show : bool
    Show the figure.
"""


# -- output: save, to_gif_bytes, iter_frames, reports, batches -----------------

docdict["fps_output"] = """
fps : float | None
    Frames per second; None uses the animation's ``fps``.
"""

docdict["dpi_output"] = """
dpi : float | None
    Resolution, from 10 to 1000; None uses the animation's ``dpi``.
"""

docdict["dpi_inline"] = """
dpi : float | None
    Resolution, from 10 to 1000; None uses the animation's ``dpi``.
"""

docdict["overwrite"] = """
overwrite : bool
    Replace existing files. If False (default), an existing output raises
    ``FileExistsError`` before anything is rendered.
"""

docdict["report"] = """
report : mne.Report
    The report to add to.
"""

docdict["report_entry"] = """
title : str
    The title of the report entry.
section : str | None
    The report section to group the entry into, as in MNE.
tags : str | tuple of str
    Tags for the report's filter buttons (no spaces), as in MNE.
replace : bool
    Replace an entry with the same ``title`` and ``section``, as in MNE.
"""

docdict["time"] = """
time : float
    The time to show, in seconds (the nearest frame is used).
"""

docdict["n_jobs"] = """
n_jobs : int | None
    The number of jobs to run in parallel, as in MNE: None means 1 unless in
    a :func:`joblib.parallel_config` block (which then decides), -1 means all
    cores. More than one job needs ``joblib``.
"""


def fill_doc(func):
    """Fill the ``%(name)s`` entries of ``func``'s docstring from ``docdict``.

    Parameters
    ----------
    func : callable
        A function (or method) whose docstring uses ``%(name)s`` lines.

    Returns
    -------
    func : callable
        The same function, its docstring filled (unknown names are left for
        MNE's ``verbose`` decorator).
    """
    func.__doc__ = fill_text(func.__doc__)
    return func


def fill_text(doc):
    """Return ``doc`` with its ``%(name)s`` lines replaced by the entries."""
    lines = []
    for line in (doc or "").split("\n"):
        key = line.strip()
        name = key[2:-2] if key.startswith("%(") and key.endswith(")s") else None
        if name in docdict:
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(textwrap.indent(docdict[name].strip("\n"), indent))
        else:
            lines.append(line)
    return "\n".join(lines)


_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")


def summary(name):
    """Return the first sentence of an entry's description, as plain text.

    The command line's help uses it, so that an option says what the
    Python parameter of the same meaning says.

    Parameters
    ----------
    name : str
        A key of ``docdict``.

    Returns
    -------
    text : str
        The sentence without its final period and without reST markup,
        lower-cased at its start, e.g. ``'frames per second on screen and in
        saved files'``.
    """
    description = " ".join(
        line.strip() for line in docdict[name].strip("\n").split("\n")[1:]
    )
    # the first ". " that ends a sentence (not the one of "e.g." or "i.e.")
    ends = r"(?<=[a-z0-9)])(?<!\be\.g)(?<!\bi\.e)\. "
    sentence = re.split(ends, description + " ", maxsplit=1)[0]
    plain = _ROLE.sub(r"\1", sentence).replace("``", "").rstrip(". ")
    return plain[:1].lower() + plain[1:]
