"""Parameter descriptions written once, filled into every public docstring.

A docstring line ``%(name)s`` gets the entry (MNE fills ``verbose``; its docstring dict
is no public API, so ours says "as in MNE"); ``%(parameters)s`` those of the signature,
in order, by their keys in ``PARAMS`` (``tmin, tmax``: one entry). In ``_ENTRIES`` an
unindented line starts an entry, keyed by its first name or a ``[key]`` prefix; ``+``
continues it with another parameter. Dict parameters are made of their keys'.
"""

import inspect
import re
import textwrap

from ._params import DICTS, PARAMS

_ENTRIES = """
data : array | estimator | list of estimators | Evoked | CoefData | dict
    What to animate:

    - an array ``(n_times, n_channels)``, or the 4-D layout ``(n_subjects, n_folds,
      n_times, n_channels)`` (other axis orders are named with ``dims``); subjects and
      folds are averaged;
    - a fitted :class:`mne.decoding.SlidingEstimator` or
      :class:`~mne.decoding.GeneralizingEstimator` whose pipeline ends in
      :class:`~mne.decoding.LinearModel`, or a list of them (one per cross-validation
      fold);
    - an :class:`mne.Evoked` (e.g. patterns in an ``EvokedArray``);
    - a fitted :class:`mne.decoding.CSP` (or a pipeline starting with one): one static
      map per component (see ``coef_params['components']``); a list of CSPs fitted on
      successive time windows, animated at the window centres given as ``times``; or a
      list (windows) of lists (folds);
    - a :class:`pandas.DataFrame` with one column per channel, named, and the times (s)
      as its index, or an xarray-like object whose dims and coordinates name the axes,
      channels and times (channels matched to ``info`` by name); a masked array is
      refused;
    - a dict ``{panel title: any of the above}`` to show several panels side by side, in
      sync and on one colour scale (or one scale per panel with ``vlim='each'``).
info : mne.Info | mne.channels.DigMontage | array, shape (n_channels, 2) | None
    Where the channels are. None takes the Info of an Evoked. An array holds 2-D
    positions, y towards the nose, in any unit: metres around the head centre (MNE's
    convention, head radius 0.095 m) are used as they are, centimetres and millimetres
    are converted, and anything else (pixels, a 0-1 layout such as ``Layout.pos[:,
    :2]``) is centred and scaled so its farthest sensor lies on the head circle (logged;
    see :func:`resolve_sensors`). Give ``sphere`` in the positions' units to keep them
    exactly as given.
times : array, shape (n_times,) | None
    The time of each sample of an array, in seconds (shared by all panels). A
    DataFrame's index or an xarray-like time coordinate gives its own times; ``times``
    given as well must equal them.
dims : tuple of str | str | None
    Axis names of an array, from ``'subjects'``, ``'folds'``, ``'times'``,
    ``'channels'`` or MNE's singular ``'subject'``, ``'fold'``, ``'time'``,
    ``'channel'``, as a tuple or a comma-separated str (``'fold, time, channel'``);
    ``'freqs'`` (or ``'freq'``) names a frequency axis, shown as rows (see
    ``coef_params['freqs']``).
    MNE's own arrays are ``(n_channels, n_times)`` (``Evoked.data``, ``get_coef``): pass
    ``dims=('channels', 'times')`` (or ``data.T``). A DataFrame or xarray-like object
    names its axes itself. None reads a 3-D array as ``('subjects', 'times',
    'channels')`` and a 4-D one as ``('subjects', 'folds', 'times', 'channels')``, and
    logs it: the mean is the same whichever axis holds folds, but a test across the
    first axis (``mask``, ``consistency``, ``score_params['stats']`` with 2-D scores) is
    refused until the axes are named, as it could hold folds.
transform : None | 'abs' | 'zscore'
    Applied after averaging over subjects and folds.
attr : ``'patterns_'`` | ``'filters_'``
    What to take from a fitted estimator (patterns are interpretable as brain activity;
    filters are not).
class_idx : int | None
    For multi-class estimators, the class to show; None shows the norm across classes,
    taken after averaging over folds and subjects (it is non-negative, so ``mask``
    cannot test it).
class_names : list of str | None
    The decoder's classes, named in the order of its ``classes_`` (e.g. ``['left',
    'right']`` for event codes ``[1, 2]``): the colour bar then says which class
    positive values point to, e.g. "µV / SD (positive: right)". For a binary classifier
    that is ``classes_[1]`` (as scikit-learn's ``decision_function``), for one row of a
    multi-class one its class ``class_idx`` (against the rest). None names them by the
    estimator's ``classes_`` when data holds fitted classifiers, and says nothing
    otherwise. For values rather than estimators (arrays, an Evoked of patterns) give
    the two classes of the binary decoder that made them: the second is positive.
    Refused where values have no class sign (a CSP component, a norm across classes,
    ``transform='abs'``, aligned signs, a regressor).
train_time : float | None
    For a generalizing estimator, the training time to show instead of the diagonal.
normalize_patterns : bool
    For estimators' patterns. False (default): ``Σx W`` as
    :class:`~mne.decoding.LinearModel` stores them, whose size follows the weights'
    scale (the regularisation, the subject), labelled ``'a.u.'``. True: Haufe's ``Σx W
    (Wᵀ Σx W)⁻¹`` for decoder outputs standardised to unit variance, in data units (µV
    for EEG) per standard deviation of the decoder output, the same whatever the
    weights' scale: use it to compare or average subjects.
components : int | list of int | None
    For CSP inputs (:class:`mne.decoding.CSP`): which components to show, 0-based rows
    of ``patterns_`` (or ``filters_``), each as its own panel titled ``'CSP 1'``, ``'CSP
    2'``, ... (index + 1). None (default) shows the first ``n_components`` the CSP was
    fitted with (those its ``transform`` uses). Giving it for data without a CSP is an
    error.
align_signs : bool | 'per_time'
    For decoders whose sign is arbitrary (CSP, PCA-based, eigenvectors), where averaging
    cancels maps whose sign flipped between subjects or folds. True flips, before any
    averaging, each subject's (or fold's) maps ONCE for its whole time course: by the
    sign of its projection on the group's leading spatio-temporal pattern (the first
    right singular vector of all samples, each flattened over times and channels,
    uncentred), oriented so that most samples keep their sign, and on a tie (e.g. 8
    subjects against 8) so that the first sample keeps it. The group map then changes
    sign between frames only where the samples' own maps do, and data without sign
    problems are left untouched. The number of subjects (folds) flipped is logged.
    ``'per_time'`` is for samples whose sign is arbitrary at every time point (e.g. a
    decomposition refitted at each time): each time point (and class) is aligned on its
    own, then each time flipped as a whole to agree with the previous one; it CAN FLIP
    THE GROUP MAP'S POLARITY BETWEEN FRAMES where the group pattern is weak (e.g. before
    the stimulus), removes real polarity reversals, and inflates noise: with no flips at
    all, the pre-stimulus RMS of the group map relative to its peak grows 1.4x (True:
    unchanged). Lists of CSPs on time windows get their folds aligned per window, then
    each window aligned to the previous one. Alignment is wrong when the population
    holds two opposite patterns (e.g. half the subjects truly show the reverse effect):
    it makes them agree and shows one pattern that nobody's sign supports. On pure noise
    it makes the subjects agree with their own leading noise pattern (True: the group
    map's RMS grows about 1.06x; ``'per_time'``: 1.4x), so ``mask='cluster' | 'fdr'``
    and ``consistency`` refuse to test aligned samples against 0 (on simulated null
    studies, FDR marked some cell in 6 of 40 after alignment, 19 of 40 per time, 1 of 40
    without). ``transform='abs'`` may be combined with it (it applies to the aligned
    average). False (default): signs are used as given.
ch_type : str | None
    The channel type to show (needed when ``info`` has several).
picks : str | list | slice | None
    Channels to use, as in MNE.
sphere : None | float | array, shape (4,) | 'auto' | 'eeglab'
    The head sphere, as in :func:`mne.viz.plot_topomap`, in the unit of the channels'
    positions (metres for an Info). It must be a plausible head for the channels shown:
    the farthest channel must lie 0.1 to 10 head radii from its centre on the map (a cap
    reaches about 0.3 to 1.6), else a ValueError says so before anything is drawn (e.g.
    ``sphere=9.5`` for positions in metres).
tmin, tmax : float | None
    Animate only the frames in this time range (seconds, inclusive).
decim : int
    Keep every ``decim``-th frame, from the first one (``tmin``'s sample; MNE's
    ``decim`` counts from the data's first sample). Statistics (``mask``,
    ``consistency``, ``score_params['stats']``) and the score curve use every sample;
    the score panel draws the whole curve, its cursor at each frame's own time, as the
    time labels and the viewer's ``#t=`` links are. E.g. 561 samples, ``decim=3``: 187
    frames (logged). Default 1: every frame.

    .. versionadded:: 0.2
freqs : array-like, shape (n_freqs,) | (n_freqs, 2) | None
    The frequency (Hz) of each entry of the data's frequency axis, or the ``(low,
    high)`` edges of each band, in increasing order. The axis is named ``'freqs'`` (or
    ``'freq'``) in ``dims``, or is the second axis of the ``(n_channels, n_freqs)``
    features that a fitted decoder's :class:`~mne.decoding.Vectorizer` saw (epochs data
    of shape ``(n_epochs, n_channels, n_freqs, n_times)``); an xarray-like object's
    frequency coordinate gives them (``freqs`` given too must equal it). Each frequency
    becomes a row of maps titled by its frequency (e.g. ``'10 Hz'``, ``'8–12 Hz'``), the
    highest on top, on one colour scale; a dict's entries are the columns. A decoder's
    coefficients are read for all features at once and then split, and
    ``coef_params['transform']`` applies to each frequency's maps (``'zscore'``: across
    the channels of one frequency). ``scores`` of shape ``(n_freqs, n_times)`` are drawn
    as a time-frequency map (see ``score_params['matrix']``). None (default): the data
    has no frequency axis (giving one is then an error).
fmin, fmax : float | None
    Show only the frequencies in this range (Hz, inclusive; bands only when they lie
    entirely within it), as ``tmin``/``tmax`` do for times; the time-frequency score map
    keeps the same rows. None (default): no limit. They need ``freqs``.
image_interp : 'cubic' | 'linear' | 'nearest'
    Interpolation between sensors, as in :func:`mne.viz.plot_topomap`.
extrapolate : 'auto' | 'head' | 'local' | 'box'
    Extrapolation beyond the sensors, as in MNE.
border : 'mean' | float
    The value of the extrapolation points, as MNE's ``border``: ``'mean'`` (default)
    gives each the mean of its neighbouring sensors, a number gives them all that value.
res : int
    Pixels along each side of the interpolated image. The default, 256, is finer than
    MNE's 64 because an animation is watched at its full size; it costs little here.
beyond_sensors : 'show' | 'fade' | 'hide' | dict
    How to draw the map outside the convex hull of the sensors, where its values are
    extrapolated, not measured. ``'show'`` (default) draws it like the rest, as MNE
    does; ``'fade'`` lightens it toward white (by ``mask_params['dim']`` if given, else
    0.6; the map then uses half as many colour levels); ``'hide'`` leaves it blank. In
    every output.
vlim : tuple of (float | None) | 'each'
    Colour limits, fixed for all frames and shared by all panels. None entries come from
    the data: ``(0, max)`` for non-negative data (e.g. after ``'abs'``), symmetric
    around 0 for signed data; for signed data one given limit is mirrored, so that white
    stays at 0: ``(None, 5)`` gives ``(-5, 5)`` and ``(-3, None)`` gives ``(-3, 3)``
    (not with ``cnorm``, which places the centre itself). ``'each'`` gives every panel
    its own limits, from its own values by the same rules, and its own colour bar right
    of its map (frames stay fixed within a panel): for panels in different units (e.g.
    filters beside patterns). The panels then share the palette's colours, so each gets
    fewer of them (192 divided by the number of panels). Limits taken from the data use
    the channels' values, never the interpolated pixels: extrapolated pixels (see
    ``beyond_sensors``) and the cubic interpolation's overshoot can exceed them, and
    show the end colours.
cmap : str | Colormap | None
    None: ``'Reds'`` for non-negative, ``'RdBu_r'`` for signed data (chosen per panel
    with ``vlim='each'``); a colour map given here is used for all panels.
cnorm : matplotlib.colors.Normalize | None
    A colour normalisation (e.g. ``TwoSlopeNorm``), as in MNE.
colorbar : bool
    Draw a colour bar.
butterfly : bool
    Also draw each channel's time course (the values the maps show, in the colour bar's
    units and limits) under its map, one per panel, with the time cursor, as MNE's; with
    ``mask``, significant stretches thick and black. Not with frequency rows (pick one).

    .. versionadded:: 0.2
units : str | None
    The colour bar's label; None takes the data's units if known (each panel's own with
    ``vlim='each'``).
scalings : float | None
    Multiply the values by this for display. None applies MNE's display scaling to data
    known to be in SI units (an Evoked, or patterns from a fitted estimator: EEG in µV,
    magnetometers in fT, gradiometers in fT/cm) and leaves everything else as it is.
title : str | None
    The figure title.
sensors : bool | str
    Draw the sensors (a matplotlib format string such as ``'k.'``).
contours : int
    Number of contour lines (0, the default, draws none: contours change every frame and
    cost a matplotlib draw each).
mask : array of bool, shape (n_times, n_channels) | 'cluster' | 'fdr' | dict | None
    Channels to mark in each frame. A string computes it with
    :func:`mne_coefanim.significance_mask` from the per-subject samples, over the data's
    whole time range (``tmin``/``tmax`` crop only what is shown). A dict gives the
    test's settings, e.g. ``dict(method='cluster', threshold=3.0, n_permutations=1024,
    tail=0)`` (keys: ``method``, ``alpha``, ``tail``, ``popmean``, ``threshold``,
    ``n_permutations``, ``seed``; ``alpha`` and ``seed`` were parameters before 0.2).
    Only subjects are independent samples: data with folds but no subjects axis, an
    array whose axes were not named (``dims=None``: its first axis could be folds; name
    it, e.g. ``dims=('subjects', 'times', 'channels')``), and maps that are non-negative
    by construction (the norm across classes, the RMS of gradiometer pairs) are refused;
    pass a boolean mask computed elsewhere. Per-subject maps that are non-negative (or
    non-positive) everywhere, however made (e.g. ``np.abs``), are refused for a test
    against 0, which marks pure noise: state the level they take under the null
    hypothesis and test one-sided above it, e.g. ``dict(method='fdr', tail=1,
    popmean=level)`` (``level`` measured on label-permuted decoders or before the
    stimulus; ``tail`` as in :func:`mne.stats.permutation_cluster_1samp_test`,
    ``popmean`` as in :func:`scipy.stats.ttest_1samp`). With ``freqs``, each frequency
    row is tested on its own at ``alpha / n_freqs`` (Bonferroni across all the data's
    frequencies, so that markers anywhere on null data stay at most ``alpha``), and a
    boolean mask may give one mask per frequency, shape ``(n_freqs, n_times,
    n_channels)``.
mask_params : dict | None
    Marker properties for the masked channels, as in MNE.
mask_dim : float | None
    Also fade the map toward white by this fraction (e.g. 0.6) wherever the nearest
    channel is not significant in the frame, so that the significant areas stand out.
    The map then uses half as many colour levels (the other half are their faded twins).
consistency : None | 't' | 'sign' | 'sem' | dict
    Also show how consistently the subjects carry the mean map, per channel and time
    point, computed across the per-subject values (before ``coef_params['transform']``)
    over the data's whole time range. None (the default) shows the mean only. ``'t'``:
    the one-sample t against 0 (as :func:`scipy.stats.ttest_1samp`); ``'sign'``: the
    fraction of subjects whose sign agrees with the mean's; ``'sem'``: the standard
    error of the mean, in the data's units (not with
    ``coef_params=dict(transform='zscore')``). Needs at least 2 subjects: data with a
    subjects axis (or one list of fold estimators per subject). Folds are not
    independent samples (they agree even on pure noise), so folds-only data are refused,
    and so are maps that are non-negative by construction (the norm across classes, the
    RMS of gradiometer pairs) and arrays whose axes were not named (``dims``).
    Per-subject maps that are non-negative (or non-positive) everywhere, however made
    (e.g. ``np.abs``), agree in sign even on noise: ``'t'``, ``'sign'`` and the fade of
    ``'sem'`` refuse them; the panel of ``'sem'`` (their spread) is shown.
consistency_display : 'panel' | 'fade'
    How ``consistency`` is shown. ``'panel'`` (default): a map beside each mean, in
    sync, titled with the number of subjects, with its own colour bar and colour scale
    (``'t'``: ``'RdBu_r'``, symmetric about 0 up to its largest ``|t|``; ``'sign'``:
    ``'viridis'``, 0 to 1, fraction of subjects; ``'sem'``: ``'viridis'``, 0 to its
    largest value, in the data's units); every map then gets its own colour bar, the
    means keeping the limits, ``cmap`` and ``cnorm`` given for them, and the markers of
    ``mask`` are drawn on both maps. ``'fade'``: no extra panel; the mean map fades
    toward white, in 4 steps up to 90%%, where the subjects agree less (the agreement is
    interpolated over the scalp like the map). Fully shown from, and fully faded at:
    ``'t'``: ``|t|`` from the two-sided critical t at ``alpha`` (uncorrected: a display
    threshold, not a test), faded at t = 0; ``'sign'``: all subjects agreeing, faded at
    half of them; ``'sem'``: ``|mean|`` from 2 SEM, faded at 0. The map then uses a
    quarter of the colour levels (the rest are the faded steps). Not with
    ``mask_params['dim']``, which fades the map too.
scores : array, shape (n_times,) | (n_samples, n_times) | (n_subj, n_folds, n_times)
    A decoding score drawn under the map, with a cursor at each frame's time. Several
    rows draw mean +/- SEM, and the panel says across what: ``(n_subjects, n_folds,
    n_times)`` averages folds within subjects ("± SEM across 8 subjects"; with one
    subject, across its folds); the rows of a 2-D array are the data's subjects or folds
    when their numbers match.
chance : float | 'auto' | None
    The chance level line. 'auto' takes it from what is known: the score's name
    (``scoring``, else a fitted estimator's ``scoring``, else
    ``score_params['label']``): 0.5 for ROC AUC, 1 / n_classes for accuracy and balanced
    accuracy (the classes of a fitted classifier; for accuracy this assumes balanced
    classes), 0 for r² and Pearson r. When nothing tells, no line is drawn (an info
    message says so).
score_label : str | None
    The score axis label; None names the score when it is known (e.g. ``'AUC'``), else
    ``'Score'``.
scoring : str | None
    The scikit-learn scoring that gave ``scores`` (``'roc_auc'``, ``'accuracy'``,
    ``'balanced_accuracy'``, ``'r2'``, or ``'pearson'`` for Pearson's r), for the chance
    level and the label. None uses a fitted estimator's ``scoring``.
score_matrix : bool | 'freqs' | None
    Whether ``scores`` is a generalization matrix, shape ``(n_train_times,
    n_test_times)`` or ``(n_samples, n_train_times, n_test_times)`` as from a
    :class:`~mne.decoding.GeneralizingEstimator`, drawn as an image with a cross-hair at
    each frame's time instead of a curve. None (default) detects it: both trailing axes
    of length ``n_times``. ``'freqs'``: ``scores`` is a time-frequency map, shape
    ``(n_freqs, n_times)`` or ``(n_samples, n_freqs, n_times)`` (averaged over samples,
    and said so), drawn as an image (frequency up, time across) with a moving time
    cursor; with ``freqs`` given, None detects a 2-D ``(n_freqs, n_times)`` array, and
    refuses shapes that could be read either way.
score_stats : 'cluster' | 'fdr' | None
    Test the per-subject scores against ``chance`` at every time of the data and draw a
    bar under the curve where they are significantly above it (one-sided, at ``alpha``).
    ``'cluster'``: a temporal cluster permutation test
    (:func:`mne.stats.permutation_cluster_1samp_test`, every sign flip up to 1024);
    ``'fdr'``: t-tests with FDR correction. The log gives the clusters' p-values. Needs
    a known chance level and scores with a subjects axis; folds of one subject are
    refused (not independent samples).
alpha : float
    The significance level of ``stats`` (default 0.05). It is also the level of ``mask``
    given as a str (a dict's own ``alpha`` wins) and sets the critical t of
    ``consistency=dict(kind='t', display='fade')``: one level for all three.
seed : int | None
    The random seed of ``stats='cluster'``, and of ``mask`` given as a str (a dict's
    own ``seed`` wins).
time_unit : 's' | 'ms'
    The unit of the time label and score axis.
fps : float
    Frames per second on screen and in saved files.
dpi : float
    Resolution of the figure and of saved files, from 10 to 1000.
show : bool
    Show the figure (with ``plt.show()``). With ``show=False`` the figure is made
    without pyplot (a :class:`~matplotlib.figure.Figure` with an Agg canvas): it draws,
    saves and displays in a notebook as usual, but pyplot does not hold it, so figures
    made in a loop are freed with their animation (no ``plt.close`` needed) and a later
    ``plt.show()`` does not show it (pass ``show=True`` for a window).
[fps_output] fps : float | None
    Frames per second; None uses the animation's ``fps``.
[dpi_output] dpi : float | None
    Resolution, from 10 to 1000; None uses the animation's ``dpi``.
[max_bytes_inline] max_bytes : int | None
    The size limit of the viewer, in bytes (at least 100 kB): when every frame does not
    fit, it keeps one frame in k (the smallest k that fits, played at ``fps / k`` so
    that the duration stays) and says so under the controls and in the log. None uses
    :attr:`CoefAnimation.inline_max_bytes` (20 MB unless set on the animation).
    ``save('....html')`` keeps every frame; ``decim`` keeps fewer in every output.
overwrite : bool
    Replace existing files. If False (default), an existing output raises
    ``FileExistsError`` before anything is rendered.
report : mne.Report
    The report to add to.
[report_entry] title : str
    The title of the report entry.
+section : str | None
    The report section to group the entry into, as in MNE.
+tags : str | tuple of str
    Tags for the report's filter buttons (no spaces), as in MNE.
+replace : bool
    Replace an entry with the same ``title`` and ``section``, as in MNE.
time : float | sequence of float | 'peaks'
    The time to show, in seconds (the nearest frame). Several times draw a sheet for
    print: one map per time, in the order given (each within the frames shown, on its
    own frame), one colour bar, the score panel marked at those times. ``'peaks'``: the
    peaks of the score mean, else of the global field power (std across channels, as
    MNE's ``plot_joint``), smoothed by a Gaussian of one frame's SD: maxima whose
    prominence is at least 3/10 of the curve's range, 1/20 of the frames from a higher
    one, the 5 highest at most, in time order (none: the maximum). Several panels: a row
    each (``'peaks'`` then needs ``scores``).
ncols : int | None
    Maps per row of a sheet; None: up to 8 in one row (as MNE), more in the fewest rows
    that hold them, filled evenly (9: 5 + 4). One panel only.
n_jobs : int | None
    The number of jobs to run in parallel (more than 1 needs ``joblib``), as in MNE:
    None means 1 unless a :func:`joblib.parallel_config` block decides, -1 all cores.
"""


def _parse(text):
    """Split the entries' text into a dict, keyed as the module says."""
    entries, key = {}, None
    for line in text.strip("\n").split("\n"):
        if line[:1].isalpha() or line.startswith("["):
            match = re.match(r"\[(\w+)\] (.*)", line)
            key, line = match.groups() if match else (re.split(r" :|,", line)[0], line)
            entries[key] = line
        else:
            entries[key] += "\n" + line.removeprefix("+")
    return entries


def _nest(header, intro, keys, note):
    """Compose a dict parameter's entry from its keys' entries (renamed)."""
    parts = [key + docdict[name][len(name):] for key, name in keys.items()
             if name in docdict]  # not "fmax": documented with "fmin, fmax"
    body = textwrap.indent("\n\n".join(parts), "    ")
    return f"{header}\n    {intro}\n\n{body}\n\n    .. {note}"


docdict = _parse(_ENTRIES)
docdict["coef_params"] = _nest(
    "coef_params : dict | None", "What to take from the data, and how to read it "
    "(a dict, as MNE's\n    ``mask_params``; keys not given take their defaults). "
    "Its keys:", DICTS["coef_params"], "versionadded:: 0.2")
docdict["score_params"] = _nest(
    "score_params : dict | None", "How the score panel reads, labels and tests "
    "``scores`` (a dict; keys not\n    given take their defaults). Its keys:",
    DICTS["score_params"], "versionadded:: 0.2")
docdict["consistency"] = _nest(
    docdict["consistency"],
    "A dict ``dict(kind=..., display=..., alpha=...)`` gives the kind (one of\n"
    "    the above) and how it is shown (``alpha``: see ``score_params``):",
    {"display": "consistency_display"},
    "versionchanged:: 0.2\n       Takes a dict (``consistency_display`` before).")
docdict["mask_params"] = _nest(
    docdict["mask_params"], "The key ``dim`` (ours) is no marker property:",
    DICTS["mask_params"],
    "versionchanged:: 0.2\n       Takes ``dim`` (``mask_dim`` before).")
docdict["beyond_sensors"] = _nest(
    docdict["beyond_sensors"],
    "A dict ``dict(display=..., border=...)`` gives how it is drawn (one of the\n"
    "    above) and the value of the extrapolation points:", {"border": "border"},
    "versionadded:: 0.2\n       Named ``extrapolated`` before; takes ``border`` "
    "(a parameter before).")


def fill_doc(func):
    """Fill the ``%(name)s`` lines of ``func``'s docstring; return ``func``."""
    names = inspect.signature(func).parameters
    keys = dict.fromkeys(PARAMS[n].doc or n if n in PARAMS else n for n in names)
    stubs = "\n".join(rf"\1%({key})s" for key in keys)
    doc = re.sub(r"(?m)^( *)%\(parameters\)s$", stubs, func.__doc__ or "")
    lines = []
    for line in doc.split("\n"):
        key = line.strip()
        name = key[2:-2] if key.startswith("%(") and key.endswith(")s") else None
        if name in docdict:
            indent = line[: len(line) - len(line.lstrip())]
            line = textwrap.indent(docdict[name].strip("\n"), indent)
        lines.append(line)
    func.__doc__ = "\n".join(lines)
    return func


def summary(name):
    """Return entry ``name``'s first sentence as plain text, lower-cased (CLI help)."""
    lines = docdict[name].strip("\n").split("\n")[1:]
    description = " ".join(line.strip() for line in lines)
    # the first ". " that ends a sentence (not the one of "e.g." or "i.e.")
    ends = r"(?<=[a-z0-9)])(?<!\be\.g)(?<!\bi\.e)\. "
    sentence = re.split(ends, description + " ", maxsplit=1)[0]
    plain = re.sub(r":[a-z]+:`~?([^`]+)`", r"\1", sentence)  # :func:`x`: x
    plain = plain.replace("``", "").rstrip(". ")
    return plain[:1].lower() + plain[1:]
