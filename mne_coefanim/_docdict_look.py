"""Descriptions of the colour, statistics, score and output parameters.

See :mod:`._docs`, which merges these entries with :mod:`._docdict_data`'s.
"""

docdict = {}

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
    fewer of them (192 divided by the number of panels). Limits taken
    from the data use the channels' values, never the interpolated
    pixels: extrapolated pixels (see ``extrapolated``) and the cubic
    interpolation's overshoot can exceed them, and show the end colours.
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
    tail=0)`` (keys: ``method``, ``alpha``, ``tail``, ``popmean``,
    ``threshold``, ``n_permutations``, ``seed``). Only subjects are
    independent samples: data with folds but no subjects axis, an array
    whose axes were not named (``dims=None``: its first axis could be
    folds; name it, e.g. ``dims=('subjects', 'times', 'channels')``), and
    maps that are non-negative by construction (the norm across classes,
    the RMS of gradiometer pairs) are refused; pass a boolean mask
    computed elsewhere. Per-subject maps that are non-negative (or
    non-positive) everywhere, however made (e.g. ``np.abs``), are refused
    for a test against 0, which marks pure noise: state the level they
    take under the null hypothesis and test one-sided above it, e.g.
    ``dict(method='fdr', tail=1, popmean=level)`` (``level`` measured on
    label-permuted decoders or before the stimulus; ``tail`` as in
    :func:`mne.stats.permutation_cluster_1samp_test`, ``popmean`` as in
    :func:`scipy.stats.ttest_1samp`). With
    ``freqs``, each frequency row is tested on its own at ``alpha /
    n_freqs`` (Bonferroni across all the data's frequencies, so that
    markers anywhere on null data stay at most ``alpha``), and a boolean
    mask may give one mask per frequency, shape ``(n_freqs, n_times,
    n_channels)``.
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

docdict["consistency"] = """
consistency : None | 't' | 'sign' | 'sem'
    Also show how consistently the subjects carry the mean map, per
    channel and time point, computed across the per-subject values
    (before ``transform``) over the data's whole time range. None (the
    default) shows the mean only. ``'t'``: the one-sample t against 0
    (as :func:`scipy.stats.ttest_1samp`); ``'sign'``: the fraction of
    subjects whose sign agrees with the mean's; ``'sem'``: the standard
    error of the mean, in the data's units (not with
    ``transform='zscore'``). Needs at least 2 subjects: data with a
    subjects axis (or one list of fold estimators per subject). Folds
    are not independent samples (they agree even on pure noise), so
    folds-only data are refused, and so are maps that are non-negative by
    construction (the norm across classes, the RMS of gradiometer pairs)
    and arrays whose axes were not named (``dims``). Per-subject maps that
    are non-negative (or non-positive) everywhere, however made (e.g.
    ``np.abs``), agree in sign even on noise: ``'t'``, ``'sign'`` and the
    fade of ``'sem'`` refuse them; the panel of ``'sem'`` (their spread)
    is shown.
"""

docdict["consistency_display"] = """
consistency_display : 'panel' | 'fade'
    How ``consistency`` is shown. ``'panel'`` (default): a map beside
    each mean, in sync, titled with the number of subjects, with its own
    colour bar and colour scale (``'t'``: ``'RdBu_r'``, symmetric about 0
    up to its largest ``|t|``; ``'sign'``: ``'viridis'``, 0 to 1, fraction
    of subjects; ``'sem'``: ``'viridis'``, 0 to its largest value, in the
    data's units); every map then gets its own colour bar, the means
    keeping the limits, ``cmap`` and ``cnorm`` given for them, and the
    markers of ``mask`` are drawn on both maps.
    ``'fade'``: no extra panel; the mean map fades toward white, in 4
    steps up to 90%%, where the subjects agree less (the agreement is
    interpolated over the scalp like the map). Fully shown from, and
    fully faded at: ``'t'``: ``|t|`` from the two-sided critical t at
    ``alpha`` (uncorrected: a display threshold, not a test), faded at
    t = 0; ``'sign'``: all subjects agreeing, faded at half of them;
    ``'sem'``: ``|mean|`` from 2 SEM, faded at 0. The map then uses a
    quarter of the colour levels (the rest are the faded steps). Not
    with ``mask_dim``, which fades the map too.
"""

docdict["alpha"] = """
alpha, seed
    Significance level and random seed when ``mask`` is a string (a
    dict's own ``alpha`` and ``seed`` win), and for ``score_stats``.
    ``alpha`` also sets the critical t of ``consistency='t'`` with
    ``consistency_display='fade'``.
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
score_matrix : bool | 'freqs' | None
    Whether ``scores`` is a generalization matrix, shape
    ``(n_train_times, n_test_times)`` or ``(n_samples, n_train_times,
    n_test_times)`` as from a :class:`~mne.decoding.GeneralizingEstimator`,
    drawn as an image with a cross-hair at each frame's time instead of
    a curve. None (default) detects it: both trailing axes of length
    ``n_times``. ``'freqs'``: ``scores`` is a time-frequency map, shape
    ``(n_freqs, n_times)`` or ``(n_samples, n_freqs, n_times)`` (averaged
    over samples, and said so), drawn as an image (frequency up, time
    across) with a moving time cursor; with ``freqs`` given, None detects
    a 2-D ``(n_freqs, n_times)`` array, and refuses shapes that could be
    read either way.
"""

docdict["score_stats"] = """
score_stats : 'cluster' | 'fdr' | None
    Test the per-subject scores against ``chance`` at every time of the
    data and draw a bar under the curve where they are significantly
    above it (one-sided, at ``alpha``). ``'cluster'``: a temporal cluster
    permutation test (:func:`mne.stats.permutation_cluster_1samp_test`,
    every sign flip up to 1024); ``'fdr'``: t-tests with FDR correction.
    The log gives the clusters' p-values. Needs a known chance level and
    scores with a subjects axis; folds of one subject are refused (not
    independent samples).
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
    Show the figure (with ``plt.show()``). With ``show=False`` the figure
    is made without pyplot (a :class:`~matplotlib.figure.Figure` with an
    Agg canvas): it draws, saves and displays in a notebook as usual, but
    pyplot does not hold it, so figures made in a loop are freed with
    their animation (no ``plt.close`` needed) and a later ``plt.show()``
    does not show it (pass ``show=True`` for a window).
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

docdict["max_bytes_inline"] = """
max_bytes : int | None
    The size limit of the viewer, in bytes (at least 100 kB): when every
    frame does not fit, it keeps one frame in k (the smallest k that fits,
    played at ``fps / k`` so that the duration stays) and says so under the
    controls and in the log. None uses :attr:`CoefAnimation.inline_max_bytes`
    (20 MB unless set on the animation). ``save('....html')`` keeps every
    frame.
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
time : float | sequence of float | 'peaks'
    The time to show, in seconds (the nearest frame). Several times draw a
    sheet for print: one map per time, in the order given (each within the
    frames shown, on its own frame), one colour bar, the score panel marked
    at those times. ``'peaks'``: the peaks of the score mean, else of the
    global field power (std across channels, as MNE's ``plot_joint``),
    smoothed by a Gaussian of one frame's SD: maxima whose prominence is at
    least 3/10 of the curve's range, 1/20 of the frames from a higher one,
    the 5 highest at most, in time order (none: the maximum). Several
    panels: a row each (``'peaks'`` then needs ``scores``).
"""

docdict["ncols"] = """
ncols : int | None
    Maps per row of a sheet; None: up to 8 in one row (as MNE), more in the
    fewest rows that hold them, filled evenly (9: 5 + 4). One panel only.
"""

docdict["n_jobs"] = """
n_jobs : int | None
    The number of jobs to run in parallel, as in MNE: None means 1 unless in
    a :func:`joblib.parallel_config` block (which then decides), -1 means all
    cores. More than one job needs ``joblib``.
"""
